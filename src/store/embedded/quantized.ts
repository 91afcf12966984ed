/**
 * A segment's unit vectors as int8 codes (one byte per dimension, a quarter of float32) for exact
 * scans of a selective scope. In memory the float vectors live once, in the HNSW graph (whose
 * copy is not cheap to read back: hnswlib-node builds a JS array number by number); a scan ranks
 * every in-scope passage by its code, then rescores from the stored float vectors only the
 * passages that could still be in the top k, so it returns the same passages as a float scan.
 *
 * Each passage keeps a scale (code × scale ≈ vector) and a radius bounding how far any unit
 * query's cosine from the code can be from its cosine with the vector the graph holds:
 *   |q·v − q·(s·c)| ≤ ‖q‖·‖v − s·c‖                (Cauchy–Schwarz)
 * plus how far v may be from unit length (|‖v‖ − 1|, should the rescoring ever read the graph's
 * renormalised copy) and float32 rounding.
 */

import { Int8Scanner } from './int8Scan.js';

/** Covers float32 rounding in the scores and in a renormalised copy of a vector (about d·2⁻²⁴ for d = 384, and below). */
const ROUNDING_SLACK = 1e-4;
const CODE_MAX = 127;
/** Passages rescored together (their float vectors read at once). */
const RESCORE_BATCH = 8;

export interface QuantizedHit {
  passage: number;
  score: number;
}

export class QuantizedVectors {
  private readonly codes: Int8Array;
  /** The codes in WebAssembly memory, scanned with SIMD; null when the kernel cannot read them (then the plain loop). */
  private readonly scanner: Int8Scanner | null;

  constructor(
    readonly dimensions: number,
    codes: Int8Array,
    private readonly scales: Float32Array,
    private readonly radii: Float32Array,
  ) {
    this.scanner = Int8Scanner.holding(codes, dimensions);
    this.codes = this.scanner?.codes ?? codes;
  }

  get count(): number {
    return this.scales.length;
  }

  /** Bytes held (codes, scales and radii). */
  get byteLength(): number {
    return this.codes.byteLength + this.scales.byteLength + this.radii.byteLength;
  }

  /**
   * The codes as stored in a segment: scales, then radii (float32, one per passage), then the
   * codes (one byte per dimension); the floats first keeps them aligned.
   */
  toBytes(): Uint8Array {
    const n = this.count;
    const out = new Uint8Array(n * 8 + this.codes.byteLength);
    out.set(new Uint8Array(this.scales.buffer, this.scales.byteOffset, n * 4), 0);
    out.set(new Uint8Array(this.radii.buffer, this.radii.byteOffset, n * 4), n * 4);
    out.set(new Uint8Array(this.codes.buffer, this.codes.byteOffset, this.codes.byteLength), n * 8);
    return out;
  }

  /** Codes read back from `toBytes()`; the arrays view `bytes` when it is aligned (no copy). */
  static fromBytes(bytes: Uint8Array, dimensions: number): QuantizedVectors {
    const n = bytes.byteLength / (dimensions + 8);
    if (!Number.isInteger(n)) throw new Error(`${bytes.byteLength} bytes are not whole codes of ${dimensions} dimensions.`);
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    // Copied out, so that the file's bytes are not kept alive once the codes are in the scanner's memory.
    const floats = (at: number) => new Float32Array(aligned.buffer, aligned.byteOffset + at, n).slice();
    const codes = new Int8Array(aligned.buffer, aligned.byteOffset + n * 8, n * dimensions);
    return new QuantizedVectors(dimensions, codes, floats(0), floats(n * 4));
  }

  /** Codes for `vectors` (passage after passage, `dimensions` floats each). */
  static encode(vectors: Float32Array, dimensions: number): QuantizedVectors {
    const n = vectors.length / dimensions;
    if (!Number.isInteger(n)) throw new Error(`${vectors.length} floats are not whole vectors of ${dimensions} dimensions.`);
    const codes = new QuantizedVectorsBuilder(dimensions, n);
    for (let p = 0; p < n; p++) codes.push(vectors.subarray(p * dimensions, (p + 1) * dimensions));
    return codes.finish();
  }

  /** The cosine of `query` with passage `p`'s code (within `radius(p) · ‖query‖` of the exact one). */
  approximate(query: Float32Array, p: number): number {
    const d = this.dimensions;
    const c = this.codes;
    const base = p * d;
    // Four running sums: the additions no longer wait on one another (a filtered scan of a large
    // archive is this loop). The order of the sum changes its rounding by far less than the radius.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + 3 < d; i += 4) {
      s0 += query[i]! * c[base + i]!;
      s1 += query[i + 1]! * c[base + i + 1]!;
      s2 += query[i + 2]! * c[base + i + 2]!;
      s3 += query[i + 3]! * c[base + i + 3]!;
    }
    for (; i < d; i++) s0 += query[i]! * c[base + i]!;
    return (s0 + s1 + (s2 + s3)) * this.scales[p]!;
  }

  radius(p: number): number {
    return this.radii[p]!;
  }

  /**
   * Offers every passage of `scope` with its approximate cosine and bound, from the SIMD scan of
   * an int16 copy of the query. With s·c the code (‖s·c‖ ≤ 1 + radius) and q' the int16 query
   * scaled back: |q·v − q'·(s·c)| ≤ ‖q‖·radius + ‖q − q'‖·(1 + radius).
   */
  private scanAll(
    scanner: Int8Scanner,
    query: Float32Array,
    qNorm: number,
    scope: Uint32Array | null,
    consider: (p: number, a: number, r: number) => void,
  ): void {
    const { q16, factor, error } = quantizeQuery(query, scanner.maxQueryComponent);
    const list = scanner.list;
    let count = this.count;
    if (scope === null) for (let p = 0; p < count; p++) list[p] = p;
    else {
      list.set(scope);
      count = scope.length;
    }
    const dots = scanner.dots(q16, count);
    for (let i = 0; i < count; i++) {
      const p = list[i]!;
      const radius = this.radii[p]!;
      consider(p, (dots[i]! / factor) * this.scales[p]!, radius * qNorm + error * (1 + radius) + SCAN_SLACK);
    }
  }

  /**
   * The passages of `scope` (ascending passage numbers; null for all) that may be among the `k`
   * nearest to `query`, with bounds of their cosine: every other one has an upper bound below k
   * passages' lower bounds.
   */
  candidates(query: Float32Array, k: number, scope: Uint32Array | null): ScanCandidates {
    const out: ScanCandidates = { passages: [], lowers: [], uppers: [] };
    if (k <= 0) return out;
    let qNormSq = 0;
    for (let i = 0; i < query.length; i++) qNormSq += query[i]! * query[i]!;
    const qNorm = Math.sqrt(qNormSq);
    // Each passage's score lies within [a − r, a + r]. The k-th best lower bound so far is a
    // score k passages reach, so a passage whose upper bound is below it cannot be in the top k.
    const lowers = new BoundedMinHeap(k);
    const consider = (p: number, a: number, r: number) => {
      lowers.offer(a - r);
      if (lowers.size === k && a + r < lowers.min) return;
      out.passages.push(p);
      out.lowers.push(a - r);
      out.uppers.push(a + r);
    };
    if (this.scanner !== null) {
      this.scanAll(this.scanner, query, qNorm, scope, consider);
    } else if (scope === null) {
      for (let p = 0; p < this.count; p++) consider(p, this.approximate(query, p), this.radii[p]! * qNorm);
    } else {
      for (const p of scope) consider(p, this.approximate(query, p), this.radii[p]! * qNorm);
    }
    return out;
  }

  /**
   * The exact top `k` passages of `scope` by cosine with `query`, best first: `exact(passages)`
   * gives their exact scores and is asked only about passages whose bounds leave them a chance
   * (a few more than k in practice), in batches.
   */
  async top(
    query: Float32Array,
    k: number,
    scope: Uint32Array | null,
    exact: (passages: number[]) => Promise<ArrayLike<number>>,
  ): Promise<QuantizedHit[]> {
    return exactTopOfScan(k, this.candidates(query, k, scope), exact);
  }
}

/** Passages of one scan that may be among the best, with bounds of their scores. */
export interface ScanCandidates {
  passages: number[];
  lowers: number[];
  uppers: number[];
}

/** A scan's candidates and how to score them exactly. */
export interface RescoreSource {
  candidates: ScanCandidates;
  exact(passages: number[]): Promise<ArrayLike<number>>;
}

/** A passage of one of several sources (segments) with its exact score. */
export interface SourcedHit {
  source: number;
  passage: number;
  score: number;
}

/**
 * The exact top `k` of several scans' candidates (`sources`, by index; null for none) and of hits
 * whose exact scores are known already, best first (ties: lower source, then lower passage). The
 * candidates are rescored in order of their upper bound, a batch at a time across all sources,
 * until the k-th exact score is above every bound left: a search over many segments rescores
 * about k passages in all rather than k in each.
 */
export async function exactTop(k: number, sources: ReadonlyArray<RescoreSource | null>, known: readonly SourcedHit[]): Promise<SourcedHit[]> {
  if (k <= 0) return [];
  const lowers = new BoundedMinHeap(k);
  for (const h of known) lowers.offer(h.score);
  sources.forEach((s) => s?.candidates.lowers.forEach((x) => lowers.offer(x)));
  const floor = lowers.size < k ? -Infinity : lowers.min;
  const order: Array<{ source: number; i: number; upper: number }> = [];
  sources.forEach((s, source) => {
    if (!s) return;
    const { uppers } = s.candidates;
    for (let i = 0; i < uppers.length; i++) if (uppers[i]! >= floor) order.push({ source, i, upper: uppers[i]! });
  });
  order.sort((x, y) => y.upper - x.upper || x.source - y.source || x.i - y.i);
  const best: SourcedHit[] = [];
  for (const h of known) insertSourced(best, h, k);
  for (let at = 0; at < order.length; ) {
    if (best.length === k && best[k - 1]!.score > order[at]!.upper) break;
    const batch = order.slice(at, at + Math.max(k, RESCORE_BATCH));
    const bySource = new Map<number, number[]>();
    for (const { source, i } of batch) {
      const passages = bySource.get(source) ?? [];
      passages.push(sources[source]!.candidates.passages[i]!);
      bySource.set(source, passages);
    }
    const scored = await Promise.all(
      [...bySource].map(async ([source, passages]) => ({ source, passages, scores: await sources[source]!.exact(passages) })),
    );
    for (const { source, passages, scores } of scored) passages.forEach((passage, i) => insertSourced(best, { source, passage, score: scores[i]! }, k));
    at += batch.length;
  }
  return best;
}

/** The exact top `k` of one scan's candidates (`exactTop` with a single source). */
export async function exactTopOfScan(
  k: number,
  candidates: ScanCandidates,
  exact: (passages: number[]) => Promise<ArrayLike<number>>,
): Promise<QuantizedHit[]> {
  const best = await exactTop(k, [{ candidates, exact }], []);
  return best.map(({ passage, score }) => ({ passage, score }));
}

/** Inserts into a list sorted best first (ties: lower source, then lower passage), kept at `k` entries. */
function insertSourced(best: SourcedHit[], hit: SourcedHit, k: number): void {
  const before = (a: SourcedHit, b: SourcedHit) =>
    a.score > b.score || (a.score === b.score && (a.source < b.source || (a.source === b.source && a.passage < b.passage)));
  let at = best.length;
  while (at > 0 && before(hit, best[at - 1]!)) at--;
  if (at >= k) return;
  best.splice(at, 0, hit);
  if (best.length > k) best.pop();
}

/** The passage numbers `keep` keeps (1), ascending; null for a null mask (every passage). */
export function keptPassages(keep: Uint8Array | null): Uint32Array | null {
  if (keep === null) return null;
  let count = 0;
  for (let p = 0; p < keep.length; p++) if (keep[p] !== 0) count++;
  const out = new Uint32Array(count);
  let at = 0;
  for (let p = 0; p < keep.length; p++) if (keep[p] !== 0) out[at++] = p;
  return out;
}

/** Covers the rounding of the integer products' conversion and scaling (a few ulps of values near 1). */
const SCAN_SLACK = 1e-9;

/**
 * The query as int16 (each component × `factor`, rounded) and the length of its rounding error
 * ‖q − q16/factor‖, which widens every passage's bound by that much times the code's length.
 */
function quantizeQuery(query: Float32Array, maxComponent: number): { q16: Int16Array; factor: number; error: number } {
  let maxAbs = 0;
  for (let i = 0; i < query.length; i++) maxAbs = Math.max(maxAbs, Math.abs(query[i]!));
  const factor = maxAbs > 0 ? maxComponent / maxAbs : 1;
  const q16 = new Int16Array(query.length);
  let errSq = 0;
  for (let i = 0; i < query.length; i++) {
    const x = Math.max(-maxComponent, Math.min(maxComponent, Math.round(query[i]! * factor)));
    q16[i] = x;
    const e = query[i]! - x / factor;
    errSq += e * e;
  }
  return { q16, factor, error: Math.sqrt(errSq) };
}

/** Codes made vector by vector (a segment under construction), without holding the float vectors. */
export class QuantizedVectorsBuilder {
  private codes: Int8Array;
  private scales: Float32Array;
  private radii: Float32Array;
  private count = 0;

  constructor(
    private readonly dimensions: number,
    capacity: number,
  ) {
    const cap = Math.max(16, capacity);
    this.codes = new Int8Array(cap * dimensions);
    this.scales = new Float32Array(cap);
    this.radii = new Float32Array(cap);
  }

  push(vector: ArrayLike<number>): void {
    const d = this.dimensions;
    if (this.count === this.scales.length) this.grow();
    const p = this.count++;
    let maxAbs = 0;
    let normSq = 0;
    for (let i = 0; i < d; i++) {
      const x = vector[i]!;
      normSq += x * x;
      if (Math.abs(x) > maxAbs) maxAbs = Math.abs(x);
    }
    const scale = Math.fround(maxAbs > 0 ? maxAbs / CODE_MAX : 1);
    let errSq = 0;
    for (let i = 0; i < d; i++) {
      const x = vector[i]!;
      const c = Math.max(-CODE_MAX, Math.min(CODE_MAX, Math.round(x / scale)));
      this.codes[p * d + i] = c;
      const e = x - c * scale;
      errSq += e * e;
    }
    this.scales[p] = scale;
    // Widened a little so that storing it as float32 cannot shrink the bound.
    this.radii[p] = Math.sqrt(errSq) * (1 + 1e-6) + Math.abs(Math.sqrt(normSq) - 1) + ROUNDING_SLACK;
  }

  private grow(): void {
    const cap = this.scales.length * 2;
    const codes = new Int8Array(cap * this.dimensions);
    codes.set(this.codes);
    const scales = new Float32Array(cap);
    scales.set(this.scales);
    const radii = new Float32Array(cap);
    radii.set(this.radii);
    [this.codes, this.scales, this.radii] = [codes, scales, radii];
  }

  finish(): QuantizedVectors {
    const n = this.count;
    const fit = <T extends Int8Array | Float32Array>(a: T, length: number): T => (a.length === length ? a : (a.slice(0, length) as T));
    return new QuantizedVectors(this.dimensions, fit(this.codes, n * this.dimensions), fit(this.scales, n), fit(this.radii, n));
  }
}

/** The `k` largest numbers offered, with the smallest of them at hand. */
export class BoundedMinHeap {
  private readonly heap: Float64Array;
  size = 0;

  constructor(private readonly k: number) {
    this.heap = new Float64Array(k);
  }

  get min(): number {
    return this.heap[0]!;
  }

  offer(x: number): void {
    const h = this.heap;
    if (this.size < this.k) {
      let i = this.size++;
      h[i] = x;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (h[parent]! <= h[i]!) break;
        [h[parent], h[i]] = [h[i]!, h[parent]!];
        i = parent;
      }
      return;
    }
    if (x <= h[0]!) return;
    h[0] = x;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && h[l]! < h[m]!) m = l;
      if (r < this.size && h[r]! < h[m]!) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}
