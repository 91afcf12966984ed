/**
 * A compact inverted index with BM25+ scoring over several fields, built for archives of
 * hundreds of thousands of passages: postings are varint-coded bytes in one buffer, the
 * vocabulary is a sorted byte blob searched by bisection, and a saved index is that same buffer,
 * so loading it costs a file read and no parsing.
 *
 * Scores reproduce MiniSearch 7's BM25+ bit for bit (the library this replaces; an oracle test
 * checks it): per field, idf = ln(1 + (N − df + ½) / (df + ½)) with df the field's document
 * frequency and N the document count, tf saturation with the field's average length counted in
 * distinct terms, field boost times term boost; a document's fields are summed, then its terms in
 * query order, in the same floating-point order as MiniSearch.
 */

import { findSorted } from './bisect.js';
import { BoundedMinHeap } from './quantized.js';

/** BM25+ parameters: term-frequency saturation `k`, length normalisation `b`, lower bound `d`. */
export interface Bm25Params {
  k: number;
  b: number;
  d: number;
}

/** A term of a query, by its id in the index, with its weight. */
export interface TermQuery {
  termId: number;
  boost: number;
  /** Per-field document frequency over the whole archive (default: this index's own). */
  fieldDf?: readonly number[];
}

/** Statistics of the whole archive when this index is one segment of it (default: its own). */
export interface CollectionStats {
  documentCount: number;
  avgFieldLength: ArrayLike<number>;
}

export interface ScoreOptions {
  stats?: CollectionStats;
  /** Per document number: 0 leaves the document out (deleted, or outside the filter). */
  keep?: Uint8Array | null;
}

/**
 * The documents containing a query term, ascending, each with its summed BM25+ and how many of the
 * query's terms it contains. The arrays are the index's own, reused by its next search once
 * released.
 */
export interface DocumentScores {
  /** Document numbers, ascending. */
  docs: Uint32Array;
  /** Per entry of `docs`. */
  scores: Float64Array;
  /** Per entry of `docs`. */
  matchedTerms: Uint32Array;
  /** Hands the arrays back to the index; read nothing from them afterwards. */
  release(): void;
}

/**
 * The score a document is ranked by, from its summed BM25+ and its number of matched query terms:
 * MiniSearch multiplied each sum by the number of query terms matched and the next version divided
 * that back out; the same round trip keeps every score bit-identical to theirs.
 */
export function reportedScore(sum: number, matchedTerms: number): number {
  return (sum * matchedTerms) / matchedTerms;
}

/**
 * The `limit`-th best reported score so far over one query's segments (ties counted): a document
 * below it cannot make the top `limit`, so it is dropped as soon as it is scored. Shared by the
 * segments of one search, so each later segment starts with the floor the earlier ones raised.
 */
export class ScoreFloor {
  private readonly best: BoundedMinHeap | null;

  constructor(readonly limit: number) {
    this.best = limit > 0 ? new BoundedMinHeap(limit) : null;
  }

  /** Counts a score; whether it may still be in the top (it ties or beats the `limit`-th best so far). */
  admit(score: number): boolean {
    const best = this.best;
    if (best === null) return false;
    best.offer(score);
    return best.size < this.limit || score >= best.min;
  }

  /** The `limit`-th best score admitted: −Infinity while fewer were, Infinity when `limit` is 0. */
  get value(): number {
    if (this.best === null) return Infinity;
    return this.best.size < this.limit ? -Infinity : this.best.min;
  }
}

export interface TopOptions extends ScoreOptions {
  floor: ScoreFloor;
  /** Documents whose score is wanted whatever their rank (a hybrid search's dense candidates), ascending, distinct. */
  also?: Uint32Array;
}

/** What `top` found: the documents that may be in the top, and the scores of the `also` documents. */
export interface TopScores {
  /** Every document whose reported score reached the floor when it was scored, ascending: a superset of this segment's part of the top, ties included. */
  docs: Uint32Array;
  /** Reported scores, per entry of `docs`. */
  scores: Float64Array;
  /** Per entry of `also`: its reported score, or NaN when it matches no query term (or is not kept). */
  alsoScores: Float64Array;
  /** How many documents were scored (those the floor's cut left out are not). */
  scored: number;
}

/**
 * Documents are scored a window of this many at a time: every term's postings in the window are
 * added into per-window totals, which stay in the CPU's cache. Adding a whole query's postings
 * into arrays the size of a large segment jumped all over memory and cost more than decoding.
 */
const SCORE_WINDOW = 4096;

/** What one search uses besides its result: window totals, and growable result arrays. */
class ScoreBuffers {
  /** This window's totals, matched-term counts and the current term's part (by document − window start). */
  readonly windowScores = new Float64Array(SCORE_WINDOW);
  readonly windowMatched = new Uint32Array(SCORE_WINDOW);
  readonly termScore = new Float64Array(SCORE_WINDOW);
  /** Which query term last reached a document of this window (`score`: 1 + its index; `top`: a mark fresh per term and window). */
  readonly reachedBy = new Uint32Array(SCORE_WINDOW);
  readonly touched = new Uint32Array(SCORE_WINDOW);
  /** The documents of this window that some query term reached (by document − window start), in the order reached. */
  readonly windowDocs = new Uint32Array(SCORE_WINDOW);
  /** `top`: the documents of this window that may still reach the floor are those marked with the window's stamp. */
  readonly candidate = new Uint32Array(SCORE_WINDOW);
  stamp = 0;
  docs = new Uint32Array(1024);
  scores = new Float64Array(1024);
  matchedTerms = new Uint32Array(1024);

  /** Room for `n` results in all. */
  reserve(n: number): void {
    if (this.docs.length >= n) return;
    const size = Math.max(n, this.docs.length * 2);
    const grow = <T extends Uint32Array | Float64Array>(old: T, make: (size: number) => T): T => {
      const out = make(size);
      out.set(old);
      return out;
    };
    this.docs = grow(this.docs, (k) => new Uint32Array(k));
    this.scores = grow(this.scores, (k) => new Float64Array(k));
    this.matchedTerms = grow(this.matchedTerms, (k) => new Uint32Array(k));
  }
}

/** Where reading one field's postings of one query term has got to. */
interface PostingCursor {
  /** Byte position of the next posting. */
  pos: number;
  /** Postings left. */
  left: number;
  /** The last document read (postings are gaps from it). */
  doc: number;
  idf: number;
  weight: number;
  field: number;
}

/**
 * The postings a `top` search reads, one cursor per query term and field that holds it, as
 * parallel arrays: the scoring loop reads no objects (objects built per query changed shape
 * between queries, and the loop's compiled code was thrown away again and again).
 */
interface FieldCursors {
  /** The cursors of query term q are [termStarts[q], termStarts[q + 1]), in field order. */
  termStarts: Int32Array;
  field: Int32Array;
  /** Byte position of the next posting (postings reach 4 GB: not an Int32Array). */
  pos: Float64Array;
  /** Postings left. */
  left: Int32Array;
  /** The last document read (postings are gaps from it). */
  doc: Int32Array;
  /** A lower bound of the next posting's document (its document once a window stopped before it). */
  nextDoc: Int32Array;
  idf: Float64Array;
  weight: Float64Array;
  /** k·(1 − b + b·length/avgLength) per length of the cursor's field. */
  norm: Float64Array[];
}

/** The running totals of a window's documents (the arrays of a `ScoreBuffers`). */
type WindowTotals = Pick<ScoreBuffers, 'windowScores' | 'windowMatched' | 'windowDocs'>;

/** Adds a term's score to a window document's total; returns the new count of the window's documents reached (listed in `windowDocs`). */
function addToDocument(
  { windowScores, windowMatched, windowDocs }: WindowTotals,
  w: number,
  termTotal: number,
  reached: number,
): number {
  windowScores[w] = windowScores[w]! + termTotal;
  const matched = windowMatched[w]!;
  windowMatched[w] = matched + 1;
  if (matched > 0) return reached;
  windowDocs[reached] = w;
  return reached + 1;
}

/** Documents (and their scores) sorted by document number. */
function inDocumentOrder(docs: Uint32Array, scores: Float64Array): { docs: Uint32Array; scores: Float64Array } {
  const order = Array.from(docs.keys()).sort((x, y) => docs[x]! - docs[y]!);
  return { docs: Uint32Array.from(order, (i) => docs[i]!), scores: Float64Array.from(order, (i) => scores[i]!) };
}

/**
 * Bounds are raised by this factor before they are compared with the floor: their sums are added
 * in another order than the documents' scores, and a bound must never fall below a score.
 */
const BOUND_MARGIN = 1 + 1e-9;

/** Per cursor (a query term in one field), the most it can add to a document's score (any frequency and length); and the cursors by that bound, smallest first. */
interface CursorBounds {
  bound: Float64Array;
  order: number[];
}

/**
 * BM25+ of one field, idf·(d + tf·(k + 1)/(tf + norm)), stays below idf·(d + k + 1) for any tf
 * and length. Each field of a term is bounded on its own: most postings are in the body, whose
 * bound is below the term's title and body together. A query with a bound that is not a finite,
 * non-negative number gets no order (nothing is left out).
 */
function cursorBounds(cursors: FieldCursors, { k, d }: Bm25Params): CursorBounds {
  const bound = cursors.weight.map((weight, c) => weight * cursors.idf[c]! * (d + k + 1));
  const sound = bound.every((x) => Number.isFinite(x) && x >= 0);
  const order = sound ? Array.from(bound.keys()).sort((a, b) => bound[a]! - bound[b]! || a - b) : [];
  return { bound, order };
}

/** BM25's inverse document frequency of a term in `df` of `n` documents (unknown terms get the maximum). */
export function bm25Idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** The saved bytes are not an index this code can read. */
export class IndexFormatError extends Error {
  override readonly name = 'IndexFormatError';
}

const MAGIC = 0x584c4e56; // "VNLX" read as a little-endian u32
/** Header: magic, format version, field count, document count, term count, then one f64 average length per field. */
const HEADER_U32S = 5;
/** Varints are decoded with 32-bit operations: every coded value stays below 2^31. */
const MAX_DOCUMENTS = 2 ** 30;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Section layout of a saved index, every section 8-byte aligned in the buffer. */
interface Layout {
  headerBytes: number;
  fieldLengths: number;
  docIdOffsets: number;
  termOffsets: number;
  postingOffsets: number;
  docIdBytes: number;
  termBytes: number;
  postings: number;
}

function layoutOf(fieldCount: number, docCount: number, termCount: number, docIdBytes: number, termBytes: number): Layout {
  const headerBytes = align8(HEADER_U32S * 4) + 8 * fieldCount;
  const fieldLengths = headerBytes;
  const docIdOffsets = align8(fieldLengths + 4 * docCount * fieldCount);
  const termOffsets = align8(docIdOffsets + 4 * (docCount + 1));
  const postingOffsets = align8(termOffsets + 4 * (termCount + 1));
  const docIdStart = align8(postingOffsets + 4 * (termCount + 1));
  const termStart = align8(docIdStart + docIdBytes);
  const postings = align8(termStart + termBytes);
  return { headerBytes, fieldLengths, docIdOffsets, termOffsets, postingOffsets, docIdBytes: docIdStart, termBytes: termStart, postings };
}

/** A growing byte buffer with LEB128 varints. */
class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  varint(value: number): void {
    this.reserve(5);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.length++] = v;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** One field's postings of a term: its df, then per document (gap·2 + [tf > 1]) and tf when > 1. */
function encodePostings(out: ByteWriter, docs: Uint32Array, tfs: Uint32Array, from: number, to: number): void {
  out.varint(to - from);
  let prev = 0;
  for (let p = from; p < to; p++) {
    const doc = docs[p]!;
    const tf = tfs[p]!;
    out.varint((doc - prev) * 2 + (tf > 1 ? 1 : 0));
    if (tf > 1) out.varint(tf);
    prev = doc;
  }
}

/** Strings as one UTF-8 blob plus offsets (`offsets[i]..offsets[i+1]` is string i). */
function encodeStrings(strings: readonly string[]): { blob: Buffer; offsets: Uint32Array } {
  let bound = 0;
  for (const s of strings) bound += s.length * 3;
  const blob = Buffer.allocUnsafe(bound);
  const offsets = new Uint32Array(strings.length + 1);
  let pos = 0;
  strings.forEach((s, i) => {
    offsets[i] = pos;
    pos += blob.write(s, pos, 'utf8');
  });
  offsets[strings.length] = pos;
  return { blob: blob.subarray(0, pos), offsets };
}

/** One field of one document: its distinct terms (ids in the table) and their frequencies. */
interface FieldTerms {
  termIds: Uint32Array;
  freqs: Uint32Array;
}

/**
 * The editable form of an index: documents as term-frequency lists, in insertion order. Frozen
 * into an `InvertedIndex` to be searched or saved; an `InvertedIndex` thaws back into one to be
 * edited (archives are edited in batches, so converting whole is cheaper than a mutable index).
 */
export class DocumentTable {
  private readonly terms: string[] = [];
  private readonly termIds = new Map<string, number>();
  private readonly docs = new Map<string, FieldTerms[]>();
  /**
   * Kept as a running mean, updated with each addition and removal exactly like MiniSearch
   * (whose scores this reproduces to the last bit).
   */
  private readonly avgFieldLength: number[];

  constructor(
    readonly fieldCount: number,
    /** Written into the saved bytes; `InvertedIndex.fromBytes` accepts only this version. */
    readonly formatVersion: number,
  ) {
    this.avgFieldLength = new Array<number>(fieldCount).fill(0);
  }

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** Adds a document from the terms of each field (repeated as often as they occur); an existing id is replaced. */
  add(id: string, fieldTerms: ReadonlyArray<readonly string[]>): void {
    if (fieldTerms.length !== this.fieldCount) {
      throw new Error(`Inverted index: document ${id} has ${fieldTerms.length} fields, the index ${this.fieldCount}.`);
    }
    this.remove(id);
    if (this.docs.size >= MAX_DOCUMENTS) throw new Error(`Inverted index: more than ${MAX_DOCUMENTS} documents.`);
    const count = this.docs.size;
    const fields = fieldTerms.map((terms, f) => {
      const freq = new Map<number, number>();
      for (const term of terms) {
        const t = this.termId(term);
        freq.set(t, (freq.get(t) ?? 0) + 1);
      }
      const avg = this.avgFieldLength[f]!;
      this.avgFieldLength[f] = (avg * count + freq.size) / (count + 1);
      return { termIds: Uint32Array.from(freq.keys()), freqs: Uint32Array.from(freq.values()) };
    });
    this.docs.set(id, fields);
  }

  /** Removes a document; returns whether it was there. */
  remove(id: string): boolean {
    const fields = this.docs.get(id);
    if (!fields) return false;
    const count = this.docs.size;
    fields.forEach((field, f) => {
      this.avgFieldLength[f] = count === 1 ? 0 : (this.avgFieldLength[f]! * count - field.termIds.length) / (count - 1);
    });
    this.docs.delete(id);
    return true;
  }

  private termId(term: string): number {
    let t = this.termIds.get(term);
    if (t === undefined) {
      t = this.terms.length;
      this.terms.push(term);
      this.termIds.set(term, t);
    }
    return t;
  }

  /** The searchable, saveable form: postings grouped by term (sorted), documents numbered in insertion order. */
  freeze(): InvertedIndex {
    const F = this.fieldCount;
    const T = this.terms.length;
    const docs = [...this.docs.values()];
    const fieldDf = Array.from({ length: F }, () => new Uint32Array(T));
    const unionDf = new Uint32Array(T);
    const lastDoc = new Int32Array(T).fill(-1);
    docs.forEach((fields, d) => {
      fields.forEach((field, f) => {
        const df = fieldDf[f]!;
        for (const t of field.termIds) {
          df[t]!++;
          if (lastDoc[t] !== d) {
            lastDoc[t] = d;
            unionDf[t]!++;
          }
        }
      });
    });
    // Terms of removed documents only are dropped.
    const live: number[] = [];
    for (let t = 0; t < T; t++) if (unionDf[t]! > 0) live.push(t);
    const terms = this.terms;
    live.sort((a, b) => (terms[a]! < terms[b]! ? -1 : 1));

    // Postings of each field grouped by term (a counting sort); documents ascend within a term.
    const starts = fieldDf.map((df) => {
      const start = new Uint32Array(T + 1);
      for (let t = 0; t < T; t++) start[t + 1] = start[t]! + df[t]!;
      return start;
    });
    const postDoc = starts.map((s) => new Uint32Array(s[T]!));
    const postFreq = starts.map((s) => new Uint32Array(s[T]!));
    const cursors = starts.map((s) => s.slice(0, T));
    docs.forEach((fields, d) => {
      fields.forEach((field, f) => {
        const cursor = cursors[f]!;
        const [docsOut, freqsOut] = [postDoc[f]!, postFreq[f]!];
        field.termIds.forEach((t, i) => {
          const p = cursor[t]!++;
          docsOut[p] = d;
          freqsOut[p] = field.freqs[i]!;
        });
      });
    });

    // Per term: union df, then per field its df and its postings, each (gap·2 + [tf > 1]) and tf when > 1.
    const totalPostings = postDoc.reduce((n, p) => n + p.length, 0);
    const out = new ByteWriter(totalPostings * 2 + live.length * (1 + F));
    const postingOffsets = new Uint32Array(live.length + 1);
    live.forEach((t, i) => {
      postingOffsets[i] = out.length;
      out.varint(unionDf[t]!);
      for (let f = 0; f < F; f++) encodePostings(out, postDoc[f]!, postFreq[f]!, starts[f]![t]!, starts[f]![t + 1]!);
      if (out.length > 0xffffffff) throw new Error('Inverted index: postings exceed 4 GB.');
    });
    postingOffsets[live.length] = out.length;

    const fieldLengths = new Uint32Array(docs.length * F);
    docs.forEach((fields, d) => fields.forEach((field, f) => (fieldLengths[d * F + f] = field.termIds.length)));
    const ids = encodeStrings([...this.docs.keys()]);
    const vocabulary = encodeStrings(live.map((t) => terms[t]!));
    return InvertedIndex.assemble({
      formatVersion: this.formatVersion,
      avgFieldLength: this.avgFieldLength,
      fieldLengths,
      ids,
      vocabulary,
      postingOffsets,
      postings: out.bytes,
    });
  }

  /** The editable form of a frozen index (same documents, order and statistics). */
  static thaw(index: InvertedIndex): DocumentTable {
    const table = new DocumentTable(index.fieldCount, index.formatVersion);
    index.forEachTerm((term) => table.termId(term));
    index.avgFieldLengths().forEach((avg, f) => (table.avgFieldLength[f] = avg));
    const F = index.fieldCount;
    const n = index.size;
    const fields: FieldTerms[][] = [];
    const fill = new Uint32Array(n * F);
    for (let d = 0; d < n; d++) {
      fields.push(
        Array.from({ length: F }, (_, f) => {
          const len = index.fieldLength(d, f);
          return { termIds: new Uint32Array(len), freqs: new Uint32Array(len) };
        }),
      );
    }
    index.forEachPosting((termId, field, doc, tf) => {
      const target = fields[doc]![field]!;
      const i = fill[doc * F + field]!++;
      target.termIds[i] = termId;
      target.freqs[i] = tf;
    });
    for (let d = 0; d < n; d++) table.docs.set(index.docId(d), fields[d]!);
    return table;
  }
}

interface Sections {
  formatVersion: number;
  avgFieldLength: readonly number[];
  fieldLengths: Uint32Array;
  ids: { blob: Uint8Array; offsets: Uint32Array };
  vocabulary: { blob: Uint8Array; offsets: Uint32Array };
  postingOffsets: Uint32Array;
  postings: Uint8Array;
}

/** An index to merge and the documents kept from it (per document number, 0 = dropped; null = all). */
export interface IndexPart {
  index: InvertedIndex;
  keep: Uint8Array | null;
}

/**
 * Terms whose UTF-8 byte order against any other string is their UTF-16 order: the two orders
 * differ only where one string has a surrogate and the other a character from U+E000 at the first
 * difference, and such a term has neither.
 */
export const SAME_ORDER_AS_BYTES = /^[\u0000-\uD7FF]*$/;

/** The order of `bytes[from, to)` against `target`: negative before, 0 equal, positive after (a JS loop: terms are short, a native call costs more). */
export function compareBytes(bytes: Uint8Array, from: number, to: number, target: Uint8Array): number {
  const n = Math.min(to - from, target.length);
  for (let i = 0; i < n; i++) {
    const d = bytes[from + i]! - target[i]!;
    if (d !== 0) return d;
  }
  return to - from - target.length;
}

/** A frozen index: read-only views into one buffer, which is also its saved form. */
export class InvertedIndex {
  /** Built on first use: a segment's search never needs it (documents are numbered passages). */
  private docNumbers: Map<string, number> | null = null;
  /** The buffers of the last search, kept for the next (allocating them per query cost more than a short query). */
  private idle: ScoreBuffers | null = null;
  /** Per field, the longest document's length (distinct terms): the size of the length-normalisation tables. */
  private longest: Uint32Array | null = null;
  /** Per field, the documents' lengths (built on the first `top` search). */
  private columns: Array<Uint16Array | Uint32Array> | null = null;
  /** The length normalisation per field and length for the last statistics searched with (they change only with the archive). */
  private norms: { key: string; perField: Float64Array[] } | null = null;

  private constructor(
    private readonly bytes: Uint8Array,
    readonly formatVersion: number,
    readonly fieldCount: number,
    private readonly docIdOffsets: Uint32Array,
    private readonly docIdBytes: Buffer,
    private readonly avgLength: Float64Array,
    private readonly fieldLengths: Uint32Array,
    private readonly termOffsets: Uint32Array,
    private readonly termBytes: Buffer,
    private readonly postingOffsets: Uint32Array,
    private readonly postings: Uint8Array,
  ) {
  }

  static assemble(s: Sections): InvertedIndex {
    const F = s.avgFieldLength.length;
    const docCount = s.ids.offsets.length - 1;
    const termCount = s.vocabulary.offsets.length - 1;
    const layout = layoutOf(F, docCount, termCount, s.ids.blob.length, s.vocabulary.blob.length);
    const bytes = new Uint8Array(layout.postings + s.postings.length);
    const view = new DataView(bytes.buffer);
    [MAGIC, s.formatVersion, F, docCount, termCount].forEach((v, i) => view.setUint32(i * 4, v, true));
    s.avgFieldLength.forEach((avg, f) => view.setFloat64(align8(HEADER_U32S * 4) + 8 * f, avg, true));
    const put = (at: number, a: ArrayBufferView) => bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    put(layout.fieldLengths, s.fieldLengths);
    put(layout.docIdOffsets, s.ids.offsets);
    put(layout.termOffsets, s.vocabulary.offsets);
    put(layout.postingOffsets, s.postingOffsets);
    put(layout.docIdBytes, s.ids.blob);
    put(layout.termBytes, s.vocabulary.blob);
    put(layout.postings, s.postings);
    return InvertedIndex.fromBytes(bytes, { formatVersion: s.formatVersion, fieldCount: F });
  }

  /**
   * Reads a saved index (without copying it unless it is misaligned).
   * @throws IndexFormatError when the bytes are not an index of this version and shape
   */
  static fromBytes(input: Uint8Array, expect: { formatVersion: number; fieldCount: number }): InvertedIndex {
    if (!LITTLE_ENDIAN) throw new IndexFormatError('saved indexes are little-endian; this machine is not');
    const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
    if (bytes.length < align8(HEADER_U32S * 4)) throw new IndexFormatError('the file is too short to be an index');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const [magic, version, F, docCount, termCount] = Array.from({ length: HEADER_U32S }, (_, i) => view.getUint32(i * 4, true)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    if (magic !== MAGIC) throw new IndexFormatError('not an inverted index file');
    if (version !== expect.formatVersion) {
      throw new IndexFormatError(`saved with format version ${version}, this version reads ${expect.formatVersion}`);
    }
    if (F !== expect.fieldCount) throw new IndexFormatError(`saved with ${F} fields, expected ${expect.fieldCount}`);
    const u32 = (at: number, length: number) => {
      if (at + 4 * length > bytes.length) throw new IndexFormatError('the file is truncated');
      return new Uint32Array(bytes.buffer, bytes.byteOffset + at, length);
    };
    const probe = layoutOf(F, docCount, termCount, 0, 0);
    const docIdOffsets = u32(probe.docIdOffsets, docCount + 1);
    const termOffsets = u32(probe.termOffsets, termCount + 1);
    const postingOffsets = u32(probe.postingOffsets, termCount + 1);
    const layout = layoutOf(F, docCount, termCount, docIdOffsets[docCount]!, termOffsets[termCount]!);
    if (layout.postings + postingOffsets[termCount]! !== bytes.length) {
      throw new IndexFormatError('the file size does not match its header (truncated or damaged)');
    }
    const avgLength = new Float64Array(F);
    for (let f = 0; f < F; f++) avgLength[f] = view.getFloat64(align8(HEADER_U32S * 4) + 8 * f, true);
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new InvertedIndex(
      bytes,
      version,
      F,
      docIdOffsets,
      buffer.subarray(layout.docIdBytes, layout.docIdBytes + docIdOffsets[docCount]!),
      avgLength,
      u32(layout.fieldLengths, docCount * F),
      termOffsets,
      buffer.subarray(layout.termBytes, layout.termBytes + termOffsets[termCount]!),
      postingOffsets,
      bytes.subarray(layout.postings),
    );
  }

  /**
   * The index that freezing a table would give if the kept documents of `parts` were added to it
   * in order (part after part, each part's documents ascending), made from the frozen parts
   * without their texts: vocabularies merged in order, postings renumbered term by term, average
   * lengths replayed as the table computes them. A merge of segments holds the parts and the
   * result, never a table (one JS string per term and arrays per document).
   */
  static merge(parts: readonly IndexPart[]): InvertedIndex {
    const first = parts[0];
    if (!first) throw new Error('Inverted index: nothing to merge.');
    const F = first.index.fieldCount;
    for (const { index } of parts) {
      if (index.fieldCount !== F || index.formatVersion !== first.index.formatVersion) {
        throw new Error('Inverted index: the parts to merge differ in format or fields.');
      }
    }
    // New document numbers (−1: dropped), ids, field lengths and the running mean of each field's length.
    const newDoc = parts.map(({ index }) => new Int32Array(index.size).fill(-1));
    let docCount = 0;
    parts.forEach(({ index, keep }, i) => {
      for (let d = 0; d < index.size; d++) if (keep === null || keep[d] !== 0) newDoc[i]![d] = docCount++;
    });
    if (docCount >= MAX_DOCUMENTS) throw new Error(`Inverted index: more than ${MAX_DOCUMENTS} documents.`);
    const fieldLengths = new Uint32Array(docCount * F);
    const avgFieldLength = new Array<number>(F).fill(0);
    const ids = new ByteWriter(parts.reduce((n, p) => n + p.index.docIdBytes.length, 0));
    const idOffsets = new Uint32Array(docCount + 1);
    parts.forEach(({ index }, i) => {
      for (let d = 0; d < index.size; d++) {
        const to = newDoc[i]![d]!;
        if (to < 0) continue;
        for (let f = 0; f < F; f++) {
          const length = index.fieldLengths[d * F + f]!;
          fieldLengths[to * F + f] = length;
          avgFieldLength[f] = (avgFieldLength[f]! * to + length) / (to + 1);
        }
        idOffsets[to] = ids.length;
        ids.append(index.docIdBytes.subarray(index.docIdOffsets[d]!, index.docIdOffsets[d + 1]!));
      }
    });
    idOffsets[docCount] = ids.length;

    const termCapacity = parts.reduce((n, p) => n + p.index.termCount, 0);
    const vocabulary = new ByteWriter(parts.reduce((n, p) => n + p.index.termBytes.length, 0));
    const termOffsets = new Uint32Array(termCapacity + 1);
    const postingOffsets = new Uint32Array(termCapacity + 1);
    const out = new ByteWriter(parts.reduce((n, p) => n + p.index.postings.length, 0) + 1024);
    // One term's postings per field, renumbered, before they are written (df comes first).
    const docs = Array.from({ length: F }, () => new Uint32Array(Math.max(16, docCount)));
    const tfs = Array.from({ length: F }, () => new Uint32Array(Math.max(16, docCount)));
    const counts = new Uint32Array(F);
    const seen = new Int32Array(docCount).fill(-1);
    const cursor = new Uint32Array(parts.length);
    const current = parts.map(({ index }) => (index.termCount > 0 ? index.termAt(0) : null));
    let termCount = 0;
    for (;;) {
      let term: string | null = null;
      for (const t of current) if (t !== null && (term === null || t < term)) term = t;
      if (term === null) break;
      counts.fill(0);
      let union = 0;
      parts.forEach(({ index }, i) => {
        if (current[i] !== term) return;
        const next = varintReader(index.postings, index.postingOffsets[cursor[i]!]!);
        next(); // the part's union df: recounted below over kept documents
        for (let f = 0; f < F; f++) {
          const df = next();
          let doc = 0;
          for (let k = 0; k < df; k++) {
            const v = next();
            doc += v >>> 1;
            const tf = v & 1 ? next() : 1;
            const to = newDoc[i]![doc]!;
            if (to < 0) continue;
            const c = counts[f]!++;
            docs[f]![c] = to;
            tfs[f]![c] = tf;
            if (seen[to] !== termCount) {
              seen[to] = termCount;
              union++;
            }
          }
        }
        cursor[i]!++;
        current[i] = cursor[i]! < index.termCount ? index.termAt(cursor[i]!) : null;
      });
      if (union === 0) continue; // only in dropped documents
      termOffsets[termCount] = vocabulary.length;
      vocabulary.append(Buffer.from(term, 'utf8'));
      postingOffsets[termCount] = out.length;
      out.varint(union);
      for (let f = 0; f < F; f++) encodePostings(out, docs[f]!, tfs[f]!, 0, counts[f]!);
      if (out.length > 0xffffffff) throw new Error('Inverted index: postings exceed 4 GB.');
      termCount++;
    }
    termOffsets[termCount] = vocabulary.length;
    postingOffsets[termCount] = out.length;
    return InvertedIndex.assemble({
      formatVersion: first.index.formatVersion,
      avgFieldLength,
      fieldLengths,
      ids: { blob: ids.bytes, offsets: idOffsets },
      vocabulary: { blob: vocabulary.bytes, offsets: termOffsets.subarray(0, termCount + 1) },
      postingOffsets: postingOffsets.subarray(0, termCount + 1),
      postings: out.bytes,
    });
  }

  /** The saved form (the index's own buffer: do not modify). */
  toBytes(): Uint8Array {
    return this.bytes;
  }

  get size(): number {
    return this.docIdOffsets.length - 1;
  }

  get termCount(): number {
    return this.termOffsets.length - 1;
  }

  docId(doc: number): string {
    return this.docIdBytes.toString('utf8', this.docIdOffsets[doc]!, this.docIdOffsets[doc + 1]!);
  }

  /** The number of a document, or -1. */
  docNumber(id: string): number {
    if (this.docNumbers === null) {
      const numbers = new Map<string, number>();
      for (let d = 0; d < this.size; d++) numbers.set(this.docId(d), d);
      this.docNumbers = numbers;
    }
    return this.docNumbers.get(id) ?? -1;
  }

  fieldLength(doc: number, field: number): number {
    return this.fieldLengths[doc * this.fieldCount + field]!;
  }

  avgFieldLengths(): number[] {
    return [...this.avgLength];
  }

  /** The id of a term, or -1 (bisection over the sorted vocabulary). */
  termId(term: string): number {
    // The vocabulary is sorted as JS strings (UTF-16 code units). Without surrogates or
    // characters from U+E000 in the term, comparing UTF-8 bytes orders it against every entry the
    // same way, and spares decoding a string at every step.
    return SAME_ORDER_AS_BYTES.test(term) ? this.termIdByBytes(Buffer.from(term, 'utf8')) : this.termIdByString(term);
  }

  private termIdByBytes(target: Buffer): number {
    return findSorted(this.termCount, (i) => compareBytes(this.termBytes, this.termOffsets[i]!, this.termOffsets[i + 1]!, target));
  }

  private termIdByString(term: string): number {
    return findSorted(this.termCount, (i) => {
      const t = this.termAt(i);
      return t === term ? 0 : t < term ? -1 : 1;
    });
  }

  private termAt(termId: number): string {
    return this.termBytes.toString('utf8', this.termOffsets[termId]!, this.termOffsets[termId + 1]!);
  }

  /** In how many documents a term occurs, in any field (0 for an unknown term). */
  documentFrequency(term: string): number {
    const t = this.termId(term);
    return t < 0 ? 0 : this.frequencies(t).union;
  }

  /**
   * A term's document frequency in any field (`union`) and per field. Archives of several
   * segments add these up, so that BM25 weighs a term the same in every segment.
   */
  frequencies(termId: number): { union: number; fields: number[] } {
    const next = varintReader(this.postings, this.postingOffsets[termId]!);
    const union = next();
    const fields: number[] = [];
    for (let f = 0; f < this.fieldCount; f++) {
      const df = next();
      fields.push(df);
      if (f + 1 < this.fieldCount) {
        // Skip this field's postings: (gap·2 + [tf > 1]) then tf when flagged.
        for (let i = 0; i < df; i++) if (next() & 1) next();
      }
    }
    return { union, fields };
  }

  /**
   * BM25+ of every document containing a query term. Per term, a document's field scores are
   * summed first (in field order), then added to its total (in query order): MiniSearch's order.
   * The result lives in arrays this index reuses: read it, then `release()` it.
   */
  score(
    query: readonly TermQuery[],
    fieldBoosts: readonly number[],
    bm25: Bm25Params,
    opts: ScoreOptions = {},
  ): DocumentScores {
    const buffers = this.idle ?? new ScoreBuffers();
    this.idle = null;
    const keep = opts.keep ?? null;
    const documentCount = opts.stats?.documentCount ?? this.size;
    const avgLengths = opts.stats?.avgFieldLength ?? this.avgLength;
    const F = this.fieldCount;
    const { k, b, d } = bm25;
    const p = this.postings;
    const fieldLengths = this.fieldLengths;
    const cursors = query.map(({ termId, boost, fieldDf }) => this.cursorsOf(termId, boost, fieldDf, fieldBoosts, documentCount));
    const { windowScores, windowMatched, termScore, reachedBy, touched } = buffers;
    let found = 0;
    reachedBy.fill(0);
    for (let start = 0; start < this.size; start += SCORE_WINDOW) {
      const end = Math.min(this.size, start + SCORE_WINDOW);
      let any = false;
      for (let q = 0; q < cursors.length; q++) {
        const mark = q + 1;
        let touchedCount = 0;
        for (const c of cursors[q]!) {
          if (c.left === 0) continue;
          const { idf, weight } = c;
          const avgFieldLength = avgLengths[c.field]!;
          let { pos, left, doc } = c;
          while (left > 0) {
            // Each varint: 7 bits per byte, low first; a set high bit means another byte follows.
            // Decoded inline rather than with varintReader: this loop is every lexical search's cost.
            let at = pos;
            let byte = p[at++]!;
            let v = byte & 0x7f;
            for (let shift = 7; byte & 0x80; shift += 7) {
              byte = p[at++]!;
              v |= (byte & 0x7f) << shift;
            }
            const next = doc + (v >>> 1);
            if (next >= end) break;
            doc = next;
            let tf = 1;
            if (v & 1) {
              byte = p[at++]!;
              tf = byte & 0x7f;
              for (let shift = 7; byte & 0x80; shift += 7) {
                byte = p[at++]!;
                tf |= (byte & 0x7f) << shift;
              }
            }
            pos = at;
            left--;
            if (keep !== null && keep[doc] === 0) continue;
            const fieldLength = fieldLengths[doc * F + c.field]!;
            // MiniSearch's expression, operation for operation, so that it rounds the same.
            const raw = idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * fieldLength) / avgFieldLength)));
            const w = doc - start;
            if (reachedBy[w] !== mark) {
              reachedBy[w] = mark;
              touched[touchedCount++] = w;
            }
            termScore[w] = termScore[w]! + weight * raw;
          }
          c.pos = pos;
          c.left = left;
          c.doc = doc;
        }
        for (let i = 0; i < touchedCount; i++) {
          const w = touched[i]!;
          windowScores[w] = windowScores[w]! + termScore[w]!;
          windowMatched[w]!++;
          termScore[w] = 0;
        }
        if (touchedCount > 0) any = true;
      }
      if (!any) continue;
      // The window's matches, in document order, into the result; the window is left clean.
      buffers.reserve(found + (end - start));
      const { docs, scores, matchedTerms } = buffers;
      for (let w = 0; w < end - start; w++) {
        const m = windowMatched[w]!;
        if (m === 0) continue;
        docs[found] = start + w;
        scores[found] = windowScores[w]!;
        matchedTerms[found++] = m;
        windowScores[w] = 0;
        windowMatched[w] = 0;
      }
      reachedBy.fill(0);
    }
    let released = false;
    return {
      docs: buffers.docs.subarray(0, found),
      scores: buffers.scores.subarray(0, found),
      matchedTerms: buffers.matchedTerms.subarray(0, found),
      release: () => {
        if (released) return;
        released = true;
        this.idle = buffers;
      },
    };
  }

  /**
   * The same scores as `score`, for a search that wants only the best few and some known
   * documents: each window's matches are offered to `floor` as soon as the window is summed and
   * only those that reach it are kept, so a query matching half the archive hands back a few
   * hundred documents, not all of them. Per posting it reads the document's length from a 16-bit
   * column and the length normalisation from a table made per archive (the same operations in
   * the same order, so every score is bit-identical to `score`'s), and a term's last field adds
   * straight into the documents' totals. `score` stays the plain reference it is tested against.
   */
  top(query: readonly TermQuery[], fieldBoosts: readonly number[], bm25: Bm25Params, opts: TopOptions): TopScores {
    const buffers = this.idle ?? new ScoreBuffers();
    this.idle = null;
    try {
      return this.topWith(buffers, query, fieldBoosts, bm25, opts);
    } finally {
      this.idle = buffers;
    }
  }

  private topWith(buffers: ScoreBuffers, query: readonly TermQuery[], fieldBoosts: readonly number[], bm25: Bm25Params, opts: TopOptions): TopScores {
    const keep = opts.keep ?? null;
    const also = opts.also ?? new Uint32Array(0);
    const alsoScores = new Float64Array(also.length).fill(NaN);
    const cursors = this.fieldCursors(query, fieldBoosts, bm25, opts.stats);
    const { termStarts } = cursors;
    const { termScore, reachedBy, touched } = buffers;
    const totals: WindowTotals = { windowScores: buffers.windowScores, windowMatched: buffers.windowMatched, windowDocs: buffers.windowDocs };
    reachedBy.fill(0);
    const bounds = cursorBounds(cursors, bm25);
    const essential = new Uint8Array(bounds.bound.length);
    let mark = 0;
    let found = 0;
    let nextAlso = 0;
    let scored = 0;
    for (let start = 0; start < this.size; start += SCORE_WINDOW) {
      const end = Math.min(this.size, start + SCORE_WINDOW);
      let reached = 0;
      const only = this.markCandidates(cursors, bounds, opts.floor.value, essential, buffers, keep, also, nextAlso, start, end);
      for (let q = 0; q + 1 < termStarts.length; q++) {
        // A fresh mark per term and window: no clearing of `reachedBy` between windows.
        mark++;
        const last = termStarts[q + 1]! - 1;
        let touchedCount = 0;
        for (let c = termStarts[q]!; c < last; c++) {
          if (this.hasPostingsIn(cursors, c, end)) touchedCount = this.addPostings(cursors, c, buffers, keep, only, bm25, start, end, mark, touchedCount, false);
        }
        // The term's last field adds straight into the documents' totals (with what its earlier fields
        // left in `termScore`): most postings are in the body, the last field.
        if (last >= termStarts[q]! && this.hasPostingsIn(cursors, last, end)) {
          reached = this.addPostings(cursors, last, buffers, keep, only, bm25, start, end, mark, reached, true);
        }
        // Documents the term reached only in its earlier fields.
        for (let i = 0; i < touchedCount; i++) {
          const w = touched[i]!;
          if (reachedBy[w] === mark) reached = addToDocument(totals, w, termScore[w]!, reached);
          termScore[w] = 0;
        }
      }
      for (; nextAlso < also.length && also[nextAlso]! < end; nextAlso++) {
        const w = also[nextAlso]! - start;
        const matched = totals.windowMatched[w]!;
        if (matched > 0) alsoScores[nextAlso] = reportedScore(totals.windowScores[w]!, matched);
      }
      scored += reached;
      found = this.admitWindow(buffers, start, reached, opts.floor, found);
    }
    return { ...inDocumentOrder(buffers.docs.subarray(0, found), buffers.scores.subarray(0, found)), alsoScores, scored };
  }

  /**
   * MaxScore's cut, per window: the cursors (a query term in one field) whose score bounds add up
   * to less than the floor cannot lift a document into the top by themselves, so only the
   * documents another ("essential") cursor reaches in this window, and the `also` documents, are
   * scored. They are marked in `buffers.candidate` with a fresh stamp; returns that array, or null
   * when every document must be scored (no cursor can be left out yet). Scores stay exact: a
   * document gets every term's part, in the usual order, or is not scored at all (it could not
   * reach the floor, so offering it would not have moved the floor either).
   */
  private markCandidates(
    cursors: FieldCursors,
    bounds: CursorBounds,
    floor: number,
    essential: Uint8Array,
    buffers: ScoreBuffers,
    keep: Uint8Array | null,
    also: Uint32Array,
    nextAlso: number,
    start: number,
    end: number,
  ): Uint32Array | null {
    if (!(floor > 0) || bounds.order.length === 0) return null;
    essential.fill(1);
    let sum = 0;
    let left = 0;
    for (const c of bounds.order) {
      sum += bounds.bound[c]!;
      if (sum * BOUND_MARGIN >= floor) break;
      essential[c] = 0;
      left++;
    }
    if (left === 0) return null;
    if (buffers.stamp === 0xffffffff) {
      buffers.candidate.fill(0);
      buffers.stamp = 0;
    }
    const stamp = ++buffers.stamp;
    const { candidate } = buffers;
    for (let c = 0; c < essential.length; c++) {
      if (essential[c] === 1 && this.hasPostingsIn(cursors, c, end)) this.markPostings(cursors, c, candidate, stamp, keep, start, end);
    }
    for (let i = nextAlso; i < also.length && also[i]! < end; i++) candidate[also[i]! - start] = stamp;
    return candidate;
  }

  /** Marks the window's documents that cursor `c` reaches, without moving the cursor. */
  private markPostings(cursors: FieldCursors, c: number, candidate: Uint32Array, stamp: number, keep: Uint8Array | null, start: number, end: number): void {
    const p = this.postings;
    let pos = cursors.pos[c]!;
    let left = cursors.left[c]!;
    let doc = cursors.doc[c]!;
    while (left > 0) {
      let byte = p[pos++]!;
      let v = byte & 0x7f;
      for (let shift = 7; byte & 0x80; shift += 7) {
        byte = p[pos++]!;
        v |= (byte & 0x7f) << shift;
      }
      doc += v >>> 1;
      if (doc >= end) break;
      if (v & 1) while (p[pos++]! & 0x80);
      left--;
      if (keep === null || keep[doc] !== 0) candidate[doc - start] = stamp;
    }
  }

  /** Offers the window's matches to the floor, appends those it admits to the buffers' results, and leaves the window clean; returns the new result count. */
  private admitWindow(buffers: ScoreBuffers, start: number, reached: number, floor: ScoreFloor, found: number): number {
    const { windowScores, windowMatched, windowDocs } = buffers;
    buffers.reserve(found + reached);
    const { docs, scores } = buffers;
    let count = found;
    for (let i = 0; i < reached; i++) {
      const w = windowDocs[i]!;
      const score = reportedScore(windowScores[w]!, windowMatched[w]!);
      if (floor.admit(score)) {
        docs[count] = start + w;
        scores[count++] = score;
      }
      windowScores[w] = 0;
      windowMatched[w] = 0;
    }
    return count;
  }

  /**
   * Adds cursor `c`'s postings in the window [start, end): to its term's part (`termScore`, the
   * documents reached listed in `touched`), or, `direct`, with that part to the documents' totals
   * (the documents first reached listed in `windowDocs`). Returns the new length of that list.
   */
  private addPostings(
    cursors: FieldCursors,
    c: number,
    buffers: ScoreBuffers,
    keep: Uint8Array | null,
    only: Uint32Array | null,
    bm25: Bm25Params,
    start: number,
    end: number,
    mark: number,
    count: number,
    direct: boolean,
  ): number {
    const stamp = buffers.stamp;
    const p = this.postings;
    const { termScore, reachedBy, touched } = buffers;
    const totals: WindowTotals = { windowScores: buffers.windowScores, windowMatched: buffers.windowMatched, windowDocs: buffers.windowDocs };
    const field = cursors.field[c]!;
    const lengths = this.lengthColumns()[field]!;
    const idf = cursors.idf[c]!;
    const weight = cursors.weight[c]!;
    const norm = cursors.norm[c]!;
    const { k, d } = bm25;
    const k1 = k + 1;
    let pos = cursors.pos[c]!;
    let left = cursors.left[c]!;
    let doc = cursors.doc[c]!;
    let n = count;
    while (left > 0) {
      // Each varint: 7 bits per byte, low first; a set high bit means another byte follows.
      let at = pos;
      let byte = p[at++]!;
      let v = byte & 0x7f;
      for (let shift = 7; byte & 0x80; shift += 7) {
        byte = p[at++]!;
        v |= (byte & 0x7f) << shift;
      }
      const next = doc + (v >>> 1);
      if (next >= end) {
        cursors.nextDoc[c] = next;
        break;
      }
      doc = next;
      let tf = 1;
      if (v & 1) {
        byte = p[at++]!;
        tf = byte & 0x7f;
        for (let shift = 7; byte & 0x80; shift += 7) {
          byte = p[at++]!;
          tf |= (byte & 0x7f) << shift;
        }
      }
      pos = at;
      left--;
      if (keep !== null && keep[doc] === 0) continue;
      if (only !== null && only[doc - start] !== stamp) continue;
      const length = lengths[doc]!;
      // `score`'s expression with its length part read from `norm`: (k + 1) and k·(1 − b + b·length/avg)
      // are computed there first too, so the result rounds the same. (A per-term table of the whole
      // value at tf 1 by length saved the division but cost more in cache misses than it saved.)
      let s = weight * (idf * (d + (tf * k1) / (tf + norm[length]!)));
      const w = doc - start;
      if (direct) {
        // The term's earlier fields first, then this one (MiniSearch's order); 0 + s would be s.
        if (reachedBy[w] === mark) {
          reachedBy[w] = 0;
          s = termScore[w]! + s;
        }
        n = addToDocument(totals, w, s, n);
      } else {
        if (reachedBy[w] !== mark) {
          reachedBy[w] = mark;
          touched[n++] = w;
        }
        termScore[w] = termScore[w]! + s;
      }
    }
    cursors.pos[c] = pos;
    cursors.left[c] = left;
    cursors.doc[c] = doc;
    return n;
  }

  /** Whether cursor `c` may have postings before `end` (a cursor whose next posting lies beyond the window is not called: most terms are rare). */
  private hasPostingsIn(cursors: FieldCursors, c: number, end: number): boolean {
    return cursors.left[c]! > 0 && cursors.nextDoc[c]! < end;
  }

  /** The cursors of a query's terms (one per field that holds the term), with their field's length normalisation. */
  private fieldCursors(
    query: readonly TermQuery[],
    fieldBoosts: readonly number[],
    bm25: Bm25Params,
    stats: CollectionStats | undefined,
  ): FieldCursors {
    const documentCount = stats?.documentCount ?? this.size;
    const norms = this.lengthNorms(stats?.avgFieldLength ?? this.avgLength, bm25);
    const perTerm = query.map(({ termId, boost, fieldDf }) => this.cursorsOf(termId, boost, fieldDf, fieldBoosts, documentCount));
    const all = perTerm.flat();
    const termStarts = new Int32Array(query.length + 1);
    perTerm.forEach((cs, q) => (termStarts[q + 1] = termStarts[q]! + cs.length));
    return {
      termStarts,
      field: Int32Array.from(all, (c) => c.field),
      pos: Float64Array.from(all, (c) => c.pos),
      left: Int32Array.from(all, (c) => c.left),
      doc: Int32Array.from(all, (c) => c.doc),
      nextDoc: new Int32Array(all.length),
      idf: Float64Array.from(all, (c) => c.idf),
      weight: Float64Array.from(all, (c) => c.weight),
      norm: all.map((c) => norms[c.field]!),
    };
  }

  /** k·(1 − b + b·length/avgLength) per field and length, as `score` computes it; kept for the next search with the same statistics. */
  private lengthNorms(avgLengths: ArrayLike<number>, { k, b }: Bm25Params): Float64Array[] {
    const key = `${k} ${b} ${Array.from(avgLengths).join(' ')}`;
    if (this.norms?.key === key) return this.norms.perField;
    const longest = this.longestFields();
    const perField = Array.from({ length: this.fieldCount }, (_, f) => {
      const avgFieldLength = avgLengths[f]!;
      const norm = new Float64Array(longest[f]! + 1);
      for (let length = 0; length < norm.length; length++) norm[length] = k * (1 - b + (b * length) / avgFieldLength);
      return norm;
    });
    this.norms = { key, perField };
    return perField;
  }

  /**
   * Per field, every document's length, in 16 bits when they fit: the scoring loop reads one
   * length per posting, and a column of a window's lengths takes a quarter of the cache that the
   * saved interleaved 32-bit lengths take (the loop ran about a fifth faster).
   */
  private lengthColumns(): Array<Uint16Array | Uint32Array> {
    if (this.columns === null) {
      const F = this.fieldCount;
      const longest = this.longestFields();
      this.columns = Array.from({ length: F }, (_, f) => {
        const column = longest[f]! <= 0xffff ? new Uint16Array(this.size) : new Uint32Array(this.size);
        for (let d = 0; d < this.size; d++) column[d] = this.fieldLengths[d * F + f]!;
        return column;
      });
    }
    return this.columns;
  }

  /** Per field, the longest document's length. */
  private longestFields(): Uint32Array {
    if (this.longest === null) {
      const F = this.fieldCount;
      const longest = new Uint32Array(F);
      for (let i = 0; i < this.fieldLengths.length; i++) longest[i % F] = Math.max(longest[i % F]!, this.fieldLengths[i]!);
      this.longest = longest;
    }
    return this.longest;
  }

  /** A query term's postings, one cursor per field that holds it, in field order. */
  private cursorsOf(
    termId: number,
    boost: number,
    fieldDf: readonly number[] | undefined,
    fieldBoosts: readonly number[],
    documentCount: number,
  ): PostingCursor[] {
    const next = varintReader(this.postings, this.postingOffsets[termId]!);
    next(); // the union df, not needed here
    const out: PostingCursor[] = [];
    for (let f = 0; f < this.fieldCount; f++) {
      const df = next();
      if (df === 0) continue;
      const idf = bm25Idf(documentCount, fieldDf?.[f] ?? df);
      out.push({ pos: next.position(), left: df, doc: 0, idf, weight: boost * fieldBoosts[f]!, field: f });
      // Skip to the next field's postings: (gap·2 + [tf > 1]) then tf when flagged.
      if (f + 1 < this.fieldCount) for (let i = 0; i < df; i++) if (next() & 1) next();
    }
    return out;
  }

  /** Calls `fn` with every term, by id. */
  forEachTerm(fn: (term: string, termId: number) => void): void {
    for (let t = 0; t < this.termCount; t++) fn(this.termAt(t), t);
  }

  /** Calls `fn` with every posting: term id, field, document number, term frequency. */
  forEachPosting(fn: (termId: number, field: number, doc: number, tf: number) => void): void {
    for (let t = 0; t < this.termCount; t++) {
      const next = varintReader(this.postings, this.postingOffsets[t]!);
      next();
      for (let f = 0; f < this.fieldCount; f++) {
        const df = next();
        let doc = 0;
        for (let i = 0; i < df; i++) {
          const v = next();
          doc += v >>> 1;
          fn(t, f, doc, v & 1 ? next() : 1);
        }
      }
    }
  }
}

/** Reads unsigned varints (7 bits per byte, low first; a set high bit means another byte follows) from `at` on. */
function varintReader(bytes: Uint8Array, at: number): { (): number; position(): number } {
  let pos = at;
  const next = () => {
    let byte = bytes[pos++]!;
    let v = byte & 0x7f;
    for (let shift = 7; byte & 0x80; shift += 7) {
      byte = bytes[pos++]!;
      v |= (byte & 0x7f) << shift;
    }
    return v;
  };
  return Object.assign(next, { position: () => pos });
}
