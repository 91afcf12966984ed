import { describe, expect, it } from 'vitest';
import type { Article } from '../corpus/types.js';
import { chunkArticle } from '../ingest/chunk.js';
import { DEFAULT_SYNTHETIC_OPTIONS, syntheticEntries, syntheticEntry, type SampleArticle } from './syntheticArchive.js';

const DIMS = 384;

function unitVector(seed: number): Float32Array {
  const v = new Float32Array(DIMS).map((_, i) => Math.sin(seed * 7.3 + i * 0.37) + (i % (seed + 2)) * 0.1);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

function sampleArticle(id: string, outlet: string, text: string, seed: number): SampleArticle {
  const article: Article = { id, title: `Tiêu đề ${id}`, outlet, publishedAt: null, text, sourceFile: 'vntc.jsonl', originalFile: null, url: null };
  const passages = chunkArticle(article, { maxChars: 120, overlapSentences: 1 });
  return { article, passages, vectors: passages.map((_, i) => unitVector(seed * 10 + i)) };
}

const sample = [
  sampleArticle('a', 'VNE', 'Giá xăng tăng mạnh trong tuần qua. Nhiều tài xế lo lắng về chi phí. Bộ Công Thương nói sẽ điều chỉnh giá vào tuần sau. Người dân mong giá giảm.', 1),
  sampleArticle('b', 'TT', 'Đội tuyển Việt Nam thắng Thái Lan với tỉ số 2-1. Trận đấu diễn ra tại sân Mỹ Đình.', 2),
];
const hash = (a: Article) => `hash-of-${a.id}-${a.publishedAt}`;

describe('synthetic archive', () => {
  it('cycles the sample with new ids, keeps outlet, title and passages, and dates every copy within the span', () => {
    const entries = [...syntheticEntries(sample, 0, 6, DEFAULT_SYNTHETIC_OPTIONS, hash)];
    expect(new Set(entries.map((e) => e.article.id)).size).toBe(6);
    entries.forEach((e, i) => {
      const source = sample[i % 2]!;
      expect(e.article.outlet).toBe(source.article.outlet);
      expect(e.article.title).toBe(source.article.title);
      expect(e.article.publishedAt! >= DEFAULT_SYNTHETIC_OPTIONS.firstDay && e.article.publishedAt! <= DEFAULT_SYNTHETIC_OPTIONS.lastDay).toBe(true);
      expect(e.passages.map((p) => p.text)).toEqual(source.passages.map((p) => p.text));
      for (const p of e.passages) {
        expect(p.documentId).toBe(e.article.id);
        expect(p.chunkId).toBe(`${e.article.id}#${p.ordinal}`);
        expect(p.publishedAt).toBe(e.article.publishedAt);
        expect(e.article.text.slice(p.start, p.end)).toBe(p.text);
      }
      expect(e.contentHash).toBe(hash(e.article));
    });
  });

  it('gives each copy unit vectors close to, but not equal to, the real ones', () => {
    const entry = syntheticEntry(sample, 4, DEFAULT_SYNTHETIC_OPTIONS, hash);
    const real = sample[0]!.vectors;
    expect(entry.vectors).toHaveLength(real.length);
    entry.vectors.forEach((v, i) => {
      expect(v).toHaveLength(DIMS);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
      const cosine = dot(v, real[i]!);
      expect(cosine).toBeGreaterThan(0.95);
      expect(cosine).toBeLessThan(0.999);
    });
    // Two copies of one passage differ from each other as well.
    const other = syntheticEntry(sample, 6, DEFAULT_SYNTHETIC_OPTIONS, hash);
    expect(dot(entry.vectors[0]!, other.vectors[0]!)).toBeLessThan(0.999);
  });

  it('makes the same article again from its position (runs and worker processes agree)', () => {
    const a = syntheticEntry(sample, 13, DEFAULT_SYNTHETIC_OPTIONS, hash);
    const b = syntheticEntry(sample, 13, DEFAULT_SYNTHETIC_OPTIONS, hash);
    expect(b.article).toEqual(a.article);
    expect(b.vectors).toEqual(a.vectors);
    const dates = new Set([...syntheticEntries(sample, 0, 200, DEFAULT_SYNTHETIC_OPTIONS, hash)].map((e) => e.article.publishedAt!.slice(0, 4)));
    expect(dates.size).toBeGreaterThan(10); // spread over the years, not one day
  });
});
