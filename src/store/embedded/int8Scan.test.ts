import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/syntheticArchive.js';
import { compileInt8Scan, generatedSource } from '../../../scripts/build-wasm.js';
import { Int8Scanner } from './int8Scan.js';
import { exactTop, keptPassages, QuantizedVectors, type SourcedHit } from './quantized.js';

function plainDot(query: Int16Array, codes: Int8Array, p: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += query[i]! * codes[p * d + i]!;
  return s;
}

describe('Int8Scanner', () => {
  it('gives the integer dot products of the listed passages, in list order, at the extremes too', () => {
    const random = seededRandom(7);
    for (const d of [16, 48, 384]) {
      const n = 300;
      const codes = Int8Array.from({ length: n * d }, (_, i) => (i < d ? 127 : i < 2 * d ? -127 : Math.round(random() * 254) - 127));
      const scanner = Int8Scanner.holding(codes, d)!;
      const max = scanner.maxQueryComponent;
      // The first query at the largest magnitude with the extreme codes: the sums the int32 bound is for.
      for (const query of [Int16Array.from({ length: d }, () => max), Int16Array.from({ length: d }, () => Math.round((random() * 2 - 1) * max))]) {
        const passages = [0, 1, 299, 5, 5, ...Array.from({ length: 40 }, () => Math.floor(random() * n))];
        scanner.list.set(passages);
        const dots = Array.from(scanner.dots(query, passages.length));
        expect(dots).toEqual(passages.map((p) => plainDot(query, codes, p, d)));
      }
      expect(Math.abs(plainDot(Int16Array.from({ length: d }, () => max), codes, 0, d))).toBeLessThanOrEqual(0x7fffffff);
    }
  });

  it('keeps its own copy of the codes and refuses what the kernel cannot read', () => {
    const codes = new Int8Array(32).fill(3);
    const scanner = Int8Scanner.holding(codes, 16)!;
    codes.fill(0);
    expect([...scanner.codes]).toEqual(new Array(32).fill(3));
    expect(Int8Scanner.holding(new Int8Array(24), 12)).toBeNull();
    expect(Int8Scanner.holding(new Int8Array(40), 16)).toBeNull();
  });

  it('is the compiled int8Scan.wat', async () => {
    const generated = fs.readFileSync(path.join(import.meta.dirname, 'int8Scan.wasm.ts'), 'utf8');
    expect(generated).toBe(generatedSource(await compileInt8Scan()));
  });
});

describe('QuantizedVectors scanned with SIMD', () => {
  it('returns the exact float top k, with the scope and among near-duplicates', async () => {
    const random = seededRandom(11);
    const d = 32;
    const n = 2000;
    const base = Float32Array.from({ length: d }, () => random() - 0.5);
    const vectors = new Float32Array(n * d);
    for (let p = 0; p < n; p++) {
      // Half of them near one direction (their cosines closer than the codes can tell), half anywhere.
      let norm = 0;
      for (let i = 0; i < d; i++) {
        const x = p % 2 === 0 ? base[i]! + (random() - 0.5) * 1e-3 : random() - 0.5;
        vectors[p * d + i] = x;
        norm += x * x;
      }
      for (let i = 0; i < d; i++) vectors[p * d + i]! /= Math.sqrt(norm);
    }
    const codes = QuantizedVectors.encode(vectors, d);
    const exact = (p: number, q: Float32Array) => {
      let s = 0;
      for (let i = 0; i < d; i++) s += q[i]! * vectors[p * d + i]!;
      return s;
    };
    for (let trial = 0; trial < 20; trial++) {
      const near = trial % 2 === 0;
      const query = Float32Array.from({ length: d }, (_, i) => (near ? base[i]! : random() - 0.5));
      const qn = Math.hypot(...query);
      for (let i = 0; i < d; i++) query[i]! /= qn;
      const keep = trial % 3 === 0 ? null : Uint8Array.from({ length: n }, () => (random() < 0.3 ? 1 : 0));
      const k = 1 + (trial % 7) * 5;
      const got = await codes.top(query, k, keptPassages(keep), async (ps) => ps.map((p) => exact(p, query)));
      const expected = [...Array(n).keys()]
        .filter((p) => keep === null || keep[p] === 1)
        .map((p) => ({ passage: p, score: exact(p, query) }))
        .sort((a, b) => b.score - a.score || a.passage - b.passage)
        .slice(0, k);
      expect(got).toEqual(expected);
    }
  });

  it('rescores the candidates of several scans together: the exact top k of their union, about k passages in all', async () => {
    const random = seededRandom(5);
    const d = 48;
    const unit = () => {
      const v = Float32Array.from({ length: d }, () => random() - 0.5);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    // Three segments of 800 passages; the third's hits are known exactly (a graph's), the others scanned.
    const segments = [0, 1, 2].map(() => Array.from({ length: 800 }, unit));
    const query = unit();
    const cosine = (s: number, p: number) => segments[s]![p]!.reduce((sum, x, i) => sum + x * query[i]!, 0);
    const k = 20;
    let rescored = 0;
    const sources = [0, 1].map((s) => {
      const flat = new Float32Array(800 * d);
      segments[s]!.forEach((v, p) => flat.set(v, p * d));
      return {
        candidates: QuantizedVectors.encode(flat, d).candidates(query, k, null),
        exact: async (passages: number[]) => {
          rescored += passages.length;
          return passages.map((p) => cosine(s, p));
        },
      };
    });
    const all: SourcedHit[] = [0, 1, 2].flatMap((s) => segments[s]!.map((_, p) => ({ source: s, passage: p, score: cosine(s, p) })));
    const byScore = (a: SourcedHit, b: SourcedHit) => b.score - a.score || a.source - b.source || a.passage - b.passage;
    const known = all.filter((h) => h.source === 2).sort(byScore).slice(0, k);
    const got = await exactTop(k, [...sources, null], known);
    expect(got).toEqual(all.sort(byScore).slice(0, k));
    expect(rescored).toBeLessThan(3 * k);
  });
});
