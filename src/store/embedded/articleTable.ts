import { findSorted } from './bisect.js';
import { compareBytes, SAME_ORDER_AS_BYTES } from './invertedIndex.js';
import type { ArticleMeta } from './segment.js';

/**
 * What a segment keeps about each article (everything but the text), as columns in one buffer
 * that is also the saved file: opening a segment reads the file and checks its layout, and
 * parses nothing. An `ArticleMeta` object is made only when one article is asked for (`get`);
 * searches read the columns (filters and facets compare dictionary codes and day numbers, not
 * strings), and an id is found by bisection over the ids' byte order, not through a map of every id.
 *
 * Layout (little-endian u32 unless said): magic, format version, article count n, block count,
 * the byte length of each block, then the blocks in this order, each padded to 4 bytes:
 *
 *   passage count, outlet code, section code, day (per article)
 *   article numbers sorted by their id's UTF-8 bytes
 *   null flags (one byte per article: publishedAt, url, originalFile)
 *   for id, title, publishedAt, url, sourceFile, originalFile, contentHash: offsets (n + 1), UTF-8 bytes
 *   outlet names, section names (the dictionaries): offsets (names + 1), UTF-8 bytes
 *
 * A code is a dictionary position, or NO_CODE for an article without outlet or section. The day
 * is publishedAt's first ten characters as the number YYYYMMDD when they have the form
 * `DDDD-DD-DD` (ordered as numbers the way they are as strings), NO_DAY without a publishedAt
 * (or an empty one), IRREGULAR_DAY otherwise (then the string itself is compared).
 */

const MAGIC = 0x4d545641; // "AVTM" read as a little-endian u32
export const ARTICLE_TABLE_VERSION = 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export const NO_CODE = 0xffffffff;
export const NO_DAY = 0xffffffff;
export const IRREGULAR_DAY = 0xfffffffe;

const STRING_COLUMNS = ['id', 'title', 'publishedAt', 'url', 'sourceFile', 'originalFile', 'contentHash'] as const;
type StringColumnName = (typeof STRING_COLUMNS)[number];
const NULLABLE = { publishedAt: 1, url: 2, originalFile: 4 } as const;
type NullableName = keyof typeof NULLABLE;
/** Per-article u32 columns, the id order, the null flags, two blocks per string column, two per dictionary. */
const BLOCK_COUNT = 4 + 1 + 1 + 2 * STRING_COLUMNS.length + 2 * 2;
const HEADER_BYTES = 16 + 4 * BLOCK_COUNT;

/** The saved bytes are not an article table this code can read (the caller names the file). */
export class ArticleTableFormatError extends Error {
  override readonly name = 'ArticleTableFormatError';
}

/** The day key of a publishedAt (see the layout above). Read digit by digit: a million articles are keyed when a merge writes a table. */
export function dayKey(publishedAt: string | null): number {
  if (!publishedAt) return NO_DAY;
  if (publishedAt.length < 10) return IRREGULAR_DAY;
  let key = 0;
  for (let i = 0; i < 10; i++) {
    const c = publishedAt.charCodeAt(i);
    if (i === 4 || i === 7) {
      if (c !== 0x2d) return IRREGULAR_DAY; // '-'
    } else if (c >= 0x30 && c <= 0x39) key = key * 10 + (c - 0x30);
    else return IRREGULAR_DAY;
  }
  return key;
}

/** The `YYYY-MM-DD` a regular day key was made from. */
export function dayOfKey(key: number): string {
  const digits = String(key).padStart(8, '0');
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6)}`;
}

/** Strings as one UTF-8 blob and offsets (string i is bytes offsets[i]..offsets[i + 1]). */
class StringColumn {
  constructor(
    readonly offsets: Uint32Array,
    readonly bytes: Buffer,
  ) {}

  get length(): number {
    return this.offsets.length - 1;
  }

  get(i: number): string {
    return this.bytes.toString('utf8', this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** The order of string i against the UTF-8 bytes `target`. */
  compare(i: number, target: Uint8Array): number {
    return compareBytes(this.bytes, this.offsets[i]!, this.offsets[i + 1]!, target);
  }

  all(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }
}

export class ArticleTable {
  private readonly strings: Record<StringColumnName, StringColumn>;
  /** The dictionaries, decoded (few names: every outlet or section of the segment once). */
  readonly outlets: readonly string[];
  readonly sections: readonly string[];

  private constructor(
    private readonly saved: Uint8Array,
    readonly passageCounts: Uint32Array,
    readonly outletCodes: Uint32Array,
    readonly sectionCodes: Uint32Array,
    readonly days: Uint32Array,
    private readonly byId: Uint32Array,
    private readonly nulls: Uint8Array,
    strings: Record<StringColumnName, StringColumn>,
    outlets: StringColumn,
    sections: StringColumn,
  ) {
    this.strings = strings;
    this.outlets = outlets.all();
    this.sections = sections.all();
  }

  get length(): number {
    return this.passageCounts.length;
  }

  /** The saved form (the table's own buffer: do not modify). */
  toBytes(): Uint8Array {
    return this.saved;
  }

  id(n: number): string {
    return this.strings.id.get(n);
  }

  contentHash(n: number): string {
    return this.strings.contentHash.get(n);
  }

  publishedAt(n: number): string | null {
    return this.nullable('publishedAt', n);
  }

  outlet(n: number): string | null {
    const code = this.outletCodes[n]!;
    return code === NO_CODE ? null : this.outlets[code]!;
  }

  section(n: number): string | null {
    const code = this.sectionCodes[n]!;
    return code === NO_CODE ? null : this.sections[code]!;
  }

  private nullable(name: NullableName, n: number): string | null {
    return this.nulls[n]! & NULLABLE[name] ? null : this.strings[name].get(n);
  }

  /** Article `n` as an object (made on each call: for one article, not for scans). */
  get(n: number): ArticleMeta {
    if (!(Number.isInteger(n) && n >= 0 && n < this.length)) throw new RangeError(`No article number ${n} in this table.`);
    return {
      id: this.id(n),
      title: this.strings.title.get(n),
      outlet: this.outlet(n),
      publishedAt: this.publishedAt(n),
      section: this.section(n),
      url: this.nullable('url', n),
      sourceFile: this.strings.sourceFile.get(n),
      originalFile: this.nullable('originalFile', n),
      contentHash: this.contentHash(n),
      passageCount: this.passageCounts[n]!,
    };
  }

  /** The number of the article `id`, or -1 (bisection over the ids in byte order). */
  numberOf(id: string): number {
    const target = Buffer.from(id, 'utf8');
    const ids = this.strings.id;
    const at = findSorted(this.byId.length, (i) => ids.compare(this.byId[i]!, target));
    return at < 0 ? -1 : this.byId[at]!;
  }

  /** A table of `articles`, in order. */
  static of(articles: Iterable<ArticleMeta>): ArticleTable {
    const builder = new ArticleTableBuilder();
    for (const a of articles) builder.add(a);
    return builder.finish();
  }

  /**
   * The table saved in `bytes` (kept, not copied, when they are 4-byte aligned). Its layout is
   * checked whole (sizes, offsets, codes, the id order is a permutation), so no read goes out of
   * bounds; the bytes themselves are the checksum's business.
   * @throws ArticleTableFormatError
   */
  static fromBytes(input: Uint8Array): ArticleTable {
    if (!LITTLE_ENDIAN) throw new ArticleTableFormatError('saved article tables are little-endian; this machine is not');
    const bytes = input.byteOffset % 4 === 0 ? input : new Uint8Array(input);
    if (bytes.byteLength < HEADER_BYTES) throw new ArticleTableFormatError('the file is shorter than its header');
    const header = new Uint32Array(bytes.buffer, bytes.byteOffset, HEADER_BYTES / 4);
    if (header[0] !== MAGIC) throw new ArticleTableFormatError('the file is not an article table');
    if (header[1] !== ARTICLE_TABLE_VERSION) throw new ArticleTableFormatError(`article table format ${header[1]} is not ${ARTICLE_TABLE_VERSION}`);
    const n = header[2]!;
    if (header[3] !== BLOCK_COUNT) throw new ArticleTableFormatError(`the file has ${header[3]} blocks, not ${BLOCK_COUNT}`);
    const blocks = sliceBlocks(bytes, header.subarray(4));
    let next = 0;
    const take = () => blocks[next++]!;
    const u32s = (block: Uint8Array, count: number, what: string) => {
      if (block.byteLength !== count * 4) throw new ArticleTableFormatError(`${what} has ${block.byteLength} bytes, not ${count * 4}`);
      return new Uint32Array(block.buffer, block.byteOffset, count);
    };
    const [passageCounts, outletCodes, sectionCodes, days, byId] = ['passage counts', 'outlet codes', 'section codes', 'days', 'id order'].map(
      (what) => u32s(take(), n, what),
    ) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    const nulls = take();
    if (nulls.byteLength !== n) throw new ArticleTableFormatError(`the null flags have ${nulls.byteLength} bytes, not ${n}`);
    const stringColumn = (what: string, count: number | null) => {
      const offsetBlock = take();
      const values = count ?? offsetBlock.byteLength / 4 - 1;
      if (!Number.isInteger(values) || values < 0) throw new ArticleTableFormatError(`${what} has no valid offsets`);
      return checkedStrings(u32s(offsetBlock, values + 1, `${what} offsets`), take(), what);
    };
    const strings = Object.fromEntries(STRING_COLUMNS.map((name) => [name, stringColumn(name, n)])) as Record<StringColumnName, StringColumn>;
    const outlets = stringColumn('outlet names', null);
    const sections = stringColumn('section names', null);
    checkCodes(outletCodes, outlets.length, 'an outlet code');
    checkCodes(sectionCodes, sections.length, 'a section code');
    checkPermutation(byId);
    return new ArticleTable(bytes, passageCounts, outletCodes, sectionCodes, days, byId, nulls, strings, outlets, sections);
  }
}

/** The blocks a header's lengths describe, each starting on a 4-byte boundary, filling the file exactly. */
function sliceBlocks(bytes: Uint8Array, lengths: Uint32Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  let at = HEADER_BYTES;
  for (const length of lengths) {
    if (at + length > bytes.byteLength) throw new ArticleTableFormatError('the file is shorter than its header says');
    blocks.push(bytes.subarray(at, at + length));
    at += align4(length);
  }
  if (at !== bytes.byteLength) throw new ArticleTableFormatError('the file is longer than its header says');
  return blocks;
}

function checkedStrings(offsets: Uint32Array, block: Uint8Array, what: string): StringColumn {
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== block.byteLength) throw new ArticleTableFormatError(`${what} offsets do not span its bytes`);
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i]! < offsets[i - 1]!) throw new ArticleTableFormatError(`${what} offsets go backwards`);
  }
  return new StringColumn(offsets, Buffer.from(block.buffer, block.byteOffset, block.byteLength));
}

function checkCodes(codes: Uint32Array, names: number, what: string): void {
  for (const code of codes) if (code !== NO_CODE && code >= names) throw new ArticleTableFormatError(`${what} is outside its dictionary`);
}

function checkPermutation(order: Uint32Array): void {
  const seen = new Uint8Array(order.length);
  for (const n of order) {
    if (n >= order.length || seen[n] === 1) throw new ArticleTableFormatError('the id order is not a permutation of the articles');
    seen[n] = 1;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** A growing column of u32. */
export class U32Column {
  data: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  get values(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Strings appended to one growing UTF-8 blob. */
class StringColumnBuilder {
  private bytes = Buffer.allocUnsafe(4096);
  private used = 0;
  readonly offsets = new U32Column(1024);

  constructor() {
    this.offsets.push(0);
  }

  push(s: string): void {
    const need = s.length * 3; // at most, in UTF-8 (a surrogate pair: 2 units, 4 bytes)
    if (this.used + need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + need));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.used += this.bytes.write(s, this.used, 'utf8');
    if (this.used > 0xffffffff) throw new Error('Article table: a column exceeds 4 GB.');
    this.offsets.push(this.used);
  }

  get blob(): Buffer {
    return this.bytes.subarray(0, this.used);
  }
}

/** Names coded by first appearance. */
class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly names = new StringColumnBuilder();

  code(name: string | null): number {
    if (name === null) return NO_CODE;
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.codes.size;
      this.codes.set(name, code);
      this.names.push(name);
    }
    return code;
  }
}

/** Builds a table article by article, straight into columns (no object is kept per article). */
export class ArticleTableBuilder {
  private readonly passageCounts = new U32Column(1024);
  private readonly outletCodes = new U32Column(1024);
  private readonly sectionCodes = new U32Column(1024);
  private readonly days = new U32Column(1024);
  private nulls = new Uint8Array(1024);
  private readonly strings = Object.fromEntries(STRING_COLUMNS.map((name) => [name, new StringColumnBuilder()])) as Record<
    StringColumnName,
    StringColumnBuilder
  >;
  private readonly outlets = new Dictionary();
  private readonly sections = new Dictionary();
  /** The ids as strings, to sort them (comparing strings is much faster than comparing byte ranges). */
  private readonly ids: string[] = [];

  get length(): number {
    return this.passageCounts.length;
  }

  add(a: ArticleMeta): void {
    const n = this.length;
    if (n === this.nulls.length) {
      const grown = new Uint8Array(n * 2);
      grown.set(this.nulls);
      this.nulls = grown;
    }
    // Column by column, spelled out: a loop over the column names costs more than the rest of `add`.
    const s = this.strings;
    s.id.push(a.id);
    s.title.push(a.title);
    s.publishedAt.push(a.publishedAt ?? '');
    s.url.push(a.url ?? '');
    s.sourceFile.push(a.sourceFile);
    s.originalFile.push(a.originalFile ?? '');
    s.contentHash.push(a.contentHash);
    this.nulls[n] =
      (a.publishedAt === null ? NULLABLE.publishedAt : 0) | (a.url === null ? NULLABLE.url : 0) | (a.originalFile === null ? NULLABLE.originalFile : 0);
    this.ids.push(a.id);
    this.passageCounts.push(a.passageCount);
    this.outletCodes.push(this.outlets.code(a.outlet));
    this.sectionCodes.push(this.sections.code(a.section));
    this.days.push(dayKey(a.publishedAt));
  }

  finish(): ArticleTable {
    const n = this.length;
    const byId = idOrder(this.ids, this.strings.id.blob, this.strings.id.offsets.values);
    const blocks: Uint8Array[] = [
      ...[this.passageCounts.values, this.outletCodes.values, this.sectionCodes.values, this.days.values, byId].map(bytesOf),
      this.nulls.subarray(0, n),
      ...STRING_COLUMNS.flatMap((name) => [bytesOf(this.strings[name].offsets.values), this.strings[name].blob]),
      ...[this.outlets.names, this.sections.names].flatMap((d) => [bytesOf(d.offsets.values), d.blob]),
    ];
    return ArticleTable.fromBytes(assemble(n, blocks));
  }
}

/**
 * Article numbers sorted by their id's UTF-8 bytes (the order `numberOf` bisects). Compared as
 * JS strings when every id orders the same way as its bytes (`SAME_ORDER_AS_BYTES`: ids are
 * slugs in practice), as bytes otherwise.
 */
function idOrder(ids: readonly string[], blob: Buffer, offsets: Uint32Array): Uint32Array {
  const order = Uint32Array.from(ids, (_, i) => i);
  if (ids.every((id) => SAME_ORDER_AS_BYTES.test(id))) {
    return order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  }
  return order.sort((a, b) => blob.compare(blob, offsets[b]!, offsets[b + 1]!, offsets[a]!, offsets[a + 1]!));
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The header and the blocks, each padded to 4 bytes, in one buffer. */
function assemble(n: number, blocks: Uint8Array[]): Uint8Array {
  const lengths = blocks.map((b) => b.byteLength);
  const total = HEADER_BYTES + lengths.reduce((sum, length) => sum + align4(length), 0);
  // Not zeroed (the table can be tens of megabytes): every byte is written below, padding included.
  const out = Buffer.allocUnsafeSlow(total);
  const header = new Uint32Array(out.buffer, out.byteOffset, HEADER_BYTES / 4);
  header.set([MAGIC, ARTICLE_TABLE_VERSION, n, BLOCK_COUNT, ...lengths]);
  let at = HEADER_BYTES;
  blocks.forEach((block) => {
    out.set(block, at);
    at += block.byteLength;
    const padded = align4(at); // blocks start on 4-byte boundaries: so does the end of one, padded
    out.fill(0, at, padded);
    at = padded;
  });
  return out;
}
