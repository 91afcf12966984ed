import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR, testConfig } from '../../../tests/helpers/config.js';
import { TransformersEmbeddings } from '../../ingest/embeddings.js';
import { exactTop, keptPassages, QuantizedVectors, type QuantizedHit } from './quantized.js';
import { builtSegment, memoryTexts, memoryVectors, SegmentBuilder, segmentScope, type Segment, type SegmentInput, type StoredArticle } from './segment.js';
import { readSegment, writeSegment } from './segmentFiles.js';
import { makeTempDir } from '../../../tests/helpers/config.js';

/** Real vectors: XQuAD-vi questions embedded as passages (many ask about one passage, so their cosines crowd together). */
const ARCHIVE = 600;
const QUERIES = 40;

let archive: Float32Array;
let queries: Float32Array[];
let dimensions: number;

beforeAll(async () => {
  const lines = (await fs.readFile(path.join(SHARED_DIR, 'eval/xquad-vi/xquad-vi.questions.jsonl'), 'utf8')).trim().split('\n');
  const questions = lines.map((l) => (JSON.parse(l) as { question: string }).question);
  const embeddings = await TransformersEmbeddings.create(testConfig().embedding);
  try {
    const stored = await embeddings.embedPassagesRaw(questions.slice(0, ARCHIVE));
    dimensions = embeddings.dimensions;
    archive = new Float32Array(ARCHIVE * dimensions);
    stored.forEach((v, i) => archive.set(v, i * dimensions));
    // Queries the archive does not hold, embedded as queries are.
    queries = await Promise.all(questions.slice(-QUERIES).map(async (q) => Float32Array.from(await embeddings.embedQuery(q))));
  } finally {
    await embeddings.dispose();
  }
});

/** The exact top k by float cosine, ties to the lower passage: what the scan must return. */
function floatTop(query: Float32Array, vectors: Float32Array, k: number, keep: Uint8Array | null): QuantizedHit[] {
  return [...Array(vectors.length / dimensions).keys()]
    .filter((p) => keep === null || keep[p] !== 0)
    .map((p) => ({ passage: p, score: floatDot(query, vectors, p) }))
    .sort((a, b) => b.score - a.score || a.passage - b.passage)
    .slice(0, Math.max(0, k));
}

function floatDot(query: Float32Array, vectors: Float32Array, p: number): number {
  let s = 0;
  for (let i = 0; i < dimensions; i++) s += query[i]! * vectors[p * dimensions + i]!;
  return s;
}

/** Every third passage, and a few: scopes as a filter makes them. */
function masks(n: number): Array<Uint8Array | null> {
  const third = new Uint8Array(n).map((_, p) => (p % 3 === 0 ? 1 : 0));
  const few = new Uint8Array(n).map((_, p) => (p % 97 === 5 ? 1 : 0));
  return [null, third, few];
}

/** Same passages in the same order, except that passages whose scores tie (to float32 rounding) may swap. */
function expectSameTop(actual: QuantizedHit[], expected: QuantizedHit[]): void {
  expect(actual.map((h) => h.passage).length).toBe(expected.length);
  actual.forEach((h, i) => {
    const e = expected[i]!;
    expect(Math.abs(h.score - e.score)).toBeLessThan(1e-5);
    if (h.passage !== e.passage) expect(Math.abs(h.score - e.score)).toBeLessThan(1e-6);
  });
}

describe('int8 codes with exact rescoring', () => {
  it('return the exact float top k on real vectors, for every scope and k', async () => {
    const codes = QuantizedVectors.encode(archive, dimensions);
    let rescored = 0;
    let returned = 0;
    for (const query of queries) {
      for (const keep of masks(ARCHIVE)) {
        for (const k of [1, 5, 20, 100]) {
          const got = await codes.top(query, k, keptPassages(keep), async (passages) => {
            rescored += passages.length;
            return passages.map((p) => floatDot(query, archive, p));
          });
          returned += got.length;
          expectSameTop(got, floatTop(query, archive, k, keep));
        }
      }
    }
    // Rescoring reads the graph: it must stay near the k returned, not the scope, or the codes save nothing.
    expect(rescored).toBeLessThan(3 * returned);
  });

  it('keep a quarter of the float bytes and bound the error of every approximate cosine', () => {
    const codes = QuantizedVectors.encode(archive, dimensions);
    expect(codes.byteLength).toBeLessThan(archive.byteLength / 3.5);
    for (const query of queries.slice(0, 5)) {
      for (let p = 0; p < ARCHIVE; p++) {
        expect(Math.abs(codes.approximate(query, p) - floatDot(query, archive, p))).toBeLessThanOrEqual(codes.radius(p));
      }
    }
  });

  it('rank passages closer together than the codes can tell apart exactly', async () => {
    // Copies of one real vector nudged by less than a code step: only the rescoring orders them.
    const base = archive.subarray(0, dimensions);
    const copies = 50;
    const vectors = new Float32Array(copies * dimensions);
    for (let c = 0; c < copies; c++) {
      const v = Float32Array.from(base);
      v[c % dimensions] = v[c % dimensions]! + (c + 1) * 2e-5;
      const norm = Math.hypot(...v);
      vectors.set(v.map((x) => x / norm), c * dimensions);
    }
    const codes = QuantizedVectors.encode(vectors, dimensions);
    const query = queries[0]!;
    const expected = floatTop(query, vectors, 10, null);
    const got = await codes.top(query, 10, null, async (passages) => passages.map((p) => floatDot(query, vectors, p)));
    expect(got.map((h) => h.passage)).toEqual(expected.map((h) => h.passage));
    // The codes alone order them otherwise (so the test above would catch a missing rescoring).
    const byCode = [...Array(copies).keys()].sort((a, b) => codes.approximate(query, b) - codes.approximate(query, a) || a - b);
    expect(byCode.slice(0, 10)).not.toEqual(expected.map((h) => h.passage));
  });
});

const GRAPH = { m: 16, efConstruction: 100, efSearch: 64 };

function* inputs(): Generator<SegmentInput> {
  for (let p = 0; p < ARCHIVE; p++) {
    const text = `Câu hỏi số ${p}.`;
    yield {
      article: { id: `q${p}`, title: 'XQuAD', outlet: null, publishedAt: null, section: null, text, sourceFile: 'x', originalFile: null, url: null, contentHash: 'h' },
      passages: [{ ordinal: 0, start: 0, end: text.length }],
      vectors: [archive.subarray(p * dimensions, (p + 1) * dimensions)],
    };
  }
}

describe('a segment without float vectors of its own', () => {
  const segments: Segment[] = [];
  let dir: string;
  afterAll(async () => {
    await Promise.all(segments.map((s) => s.close()));
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const articles: StoredArticle[] = [];
    const builder = new SegmentBuilder(dimensions, GRAPH, ARCHIVE, { article: (a) => void articles.push(a) });
    for (const input of inputs()) await builder.add(input);
    segments.push(builtSegment('test', builder.finish(), dimensions, memoryTexts(articles), memoryVectors(archive, dimensions)));
    // The same passages written (vectors streamed to disk) and loaded back.
    dir = await makeTempDir('vnrag-quantized-');
    const written = await writeSegment(path.join(dir, 'seg'), dimensions, GRAPH, ARCHIVE, inputs());
    expect(written).toMatchObject({ passageCount: ARCHIVE });
    segments.push(await readSegment(path.join(dir, 'seg'), dimensions, GRAPH.efSearch));
  });

  it('writes the float vectors as given and reads them back exactly', async () => {
    const file = new Float32Array(new Uint8Array(await fs.readFile(path.join(dir, 'seg', 'vectors.f32'))).buffer);
    expect(Array.from(file)).toEqual(Array.from(archive));
    for (const segment of segments) {
      const passages = [ARCHIVE - 1, 0, 17];
      const read = await segment.vectors(passages);
      read.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(archive.subarray(passages[i]! * dimensions, (passages[i]! + 1) * dimensions))));
      expect(segment.codeBytes).toBeLessThan(archive.byteLength / 3.5);
    }
  });

  it('stores the codes beside the vectors, so loading reads them instead of making them again', async () => {
    const stored = new Uint8Array(await fs.readFile(path.join(dir, 'seg', 'codes.q8')));
    expect(Buffer.from(stored).equals(Buffer.from(QuantizedVectors.encode(archive, dimensions).toBytes()))).toBe(true);
    // Read back at an offset that is not a multiple of 4 too (copied, not viewed).
    const shifted = new Uint8Array(stored.length + 1);
    shifted.set(stored, 1);
    for (const bytes of [stored, shifted.subarray(1)]) {
      const codes = QuantizedVectors.fromBytes(bytes, dimensions);
      expect(codes.count).toBe(ARCHIVE);
      for (const p of [0, 17, ARCHIVE - 1]) expect(codes.approximate(queries[0]!, p)).toBe(QuantizedVectors.encode(archive, dimensions).approximate(queries[0]!, p));
    }
    expect(() => QuantizedVectors.fromBytes(stored.subarray(1), dimensions)).toThrow(/not whole codes/);
  });

  it('loads a segment written before the codes had a file, making them from its vectors', async () => {
    const old = path.join(dir, 'seg-without-codes');
    await fs.cp(path.join(dir, 'seg'), old, { recursive: true });
    await fs.rm(path.join(old, 'codes.q8'));
    const manifest = JSON.parse(await fs.readFile(path.join(old, 'segment.json'), 'utf8')) as { files: Record<string, unknown> };
    delete manifest.files['codes.q8'];
    await fs.writeFile(path.join(old, 'segment.json'), JSON.stringify(manifest));
    const segment = await readSegment(old, dimensions, GRAPH.efSearch);
    segments.push(segment);
    const [, third] = masks(ARCHIVE);
    const kept = third!.reduce((n, x) => n + x, 0);
    for (const query of queries.slice(0, 5)) expectSameTop(await segment.nearest(query, 10, segmentScope(third!, kept)), floatTop(query, archive, 10, third!));
  });

  it('returns the exact top k for a selective scope (the scan), scores as cosines', async () => {
    const [, third] = masks(ARCHIVE);
    const kept = third!.reduce((n, x) => n + x, 0);
    for (const segment of segments) {
      for (const query of queries.slice(0, 10)) {
        expectSameTop(await segment.nearest(query, 10, segmentScope(third!, kept)), floatTop(query, archive, 10, third!));
      }
    }
  });
});
