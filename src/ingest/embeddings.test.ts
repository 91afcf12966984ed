import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, makeTempDir } from '../../tests/helpers/config.js';
import { ModelLoadError, TransformersEmbeddings } from './embeddings.js';

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

describe('TransformersEmbeddings', () => {
  let embeddings: TransformersEmbeddings;

  beforeAll(async () => {
    embeddings = await TransformersEmbeddings.create(testConfig().embedding);
  });
  afterAll(async () => {
    await embeddings?.dispose();
  });

  it('returns one normalised vector of the model width per text, in input order', async () => {
    const texts = [
      'Hà Nội',
      'Giá xăng tăng mạnh trong tuần qua do ảnh hưởng của thị trường thế giới và chi phí vận chuyển.',
      'Đội tuyển bóng đá Việt Nam thắng Thái Lan.',
    ];
    const vectors = await embeddings.embedDocuments(texts);
    expect(embeddings.dimensions).toBe(384);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(Array.isArray(v)).toBe(true);
      expect(v).toHaveLength(384);
      expect(norm(v)).toBeCloseTo(1, 4);
    }
    // Length-sorted batching must not reorder the output. (Int8 activations are quantised per
    // batch, so the same text in another batch differs in the 4th decimal, not more.)
    const single = await embeddings.embedDocuments([texts[1]!]);
    expect(dot(single[0]!, vectors[1]!)).toBeCloseTo(1, 3);
  });

  it('batches larger inputs than batchSize without losing texts', async () => {
    const small = await TransformersEmbeddings.create({ ...testConfig().embedding, batchSize: 2 });
    try {
      const texts = ['một', 'hai ba', 'bốn năm sáu', 'bảy', 'tám chín mười mười một'];
      const batched = await small.embedDocuments(texts);
      const whole = await embeddings.embedDocuments(texts);
      expect(batched).toHaveLength(5);
      batched.forEach((v, i) => expect(dot(v, whole[i]!)).toBeCloseTo(1, 3));
    } finally {
      await small.dispose();
    }
  });

  it('embeds a query differently from the same text as a passage (the prefixes are applied)', async () => {
    const text = 'Thủ tướng chủ trì hội nghị về phát triển kinh tế số';
    const query = await embeddings.embedQuery(text);
    const [passage] = await embeddings.embedDocuments([text]);
    expect(query).toHaveLength(384);
    expect(norm(query)).toBeCloseTo(1, 4);
    expect(dot(query, passage!)).toBeLessThan(0.9999);
  });

  it('ranks the matching Vietnamese passage above an unrelated one', async () => {
    const query = await embeddings.embedQuery('Giá gạo xuất khẩu tăng bao nhiêu?');
    const [rice, football] = await embeddings.embedDocuments([
      'Giá gạo xuất khẩu của Việt Nam tăng 15 USD mỗi tấn so với tháng trước, đạt mức cao nhất trong năm.',
      'Câu lạc bộ Hà Nội giành chiến thắng 3-1 trên sân nhà trong trận đấu vòng 10 V-League.',
    ]);
    expect(dot(query, rice!)).toBeGreaterThan(dot(query, football!));
  });
});

describe('TransformersEmbeddings.create with a missing model', () => {
  it('throws ModelLoadError naming the path tried and EMBEDDING_MODEL', async () => {
    const missing = path.join(await makeTempDir(), 'no-such-model');
    const cfg = testConfig({ EMBEDDING_MODEL: missing }).embedding;
    const err = await TransformersEmbeddings.create(cfg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toContain(missing);
    expect((err as Error).message).toContain('EMBEDDING_MODEL');
    expect((err as Error).message).toContain('dtype q8');
  });

  it('throws ModelLoadError for a dtype the model does not ship', async () => {
    const cfg = testConfig({ EMBEDDING_DTYPE: 'fp16' }).embedding;
    const err = await TransformersEmbeddings.create(cfg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toContain('EMBEDDING_DTYPE');
  });
});
