import { foldName, isEmptyFilter, type SearchFilter } from '../filter.js';
import { dayOfKey, IRREGULAR_DAY, NO_CODE, NO_DAY, type ArticleTable } from './articleTable.js';

/**
 * `compileFilter` (filter.ts) over a segment's article table: the same articles pass, and a
 * test holds the two to it. Resolved once per segment: outlet and section names to the
 * dictionary codes they accept, document ids to article numbers, the date bounds to day numbers;
 * testing an article then reads its columns and makes no string (except for a publishedAt whose
 * first ten characters are not a `DDDD-DD-DD` day, compared as a string like `compileFilter` does).
 */
export function compileTableFilter(filter: SearchFilter | undefined, table: ArticleTable): (n: number) => boolean {
  if (isEmptyFilter(filter)) return () => true;
  const f = filter!;
  const ids = f.documentIds?.length ? articleNumbers(table, f.documentIds) : null;
  const outlets = f.outlets?.length ? acceptedCodes(table.outlets, f.outlets) : null;
  const sections = f.sections?.length ? acceptedCodes(table.sections, f.sections) : null;
  const inDates = f.from || f.to ? dateTest(table, f.from ?? null, f.to ?? null) : null;
  return (n) => {
    if (ids && !ids.has(n)) return false;
    if (outlets && !accepts(outlets, table.outletCodes[n]!)) return false;
    if (sections && !accepts(sections, table.sectionCodes[n]!)) return false;
    return inDates === null || inDates(n);
  };
}

/** The numbers of the articles with these ids (ids the table does not hold are left out). */
export function articleNumbers(table: ArticleTable, ids: Iterable<string>): Set<number> {
  const out = new Set<number>();
  for (const id of ids) {
    const n = table.numberOf(id);
    if (n >= 0) out.add(n);
  }
  return out;
}

/** Per dictionary code, 1 when its name folds to one of `wanted`'s. */
function acceptedCodes(names: readonly string[], wanted: readonly string[]): Uint8Array {
  const folded = new Set(wanted.map(foldName));
  return Uint8Array.from(names, (name) => (folded.has(foldName(name)) ? 1 : 0));
}

function accepts(codes: Uint8Array, code: number): boolean {
  return code !== NO_CODE && codes[code] === 1;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether an article's day is within the inclusive bounds, as `compileFilter` compares
 * publishedAt's first ten characters with them. A bound in the form `DDDD-DD-DD` compares with a
 * day number as it does with its string; any other bound (a filter that skipped validation) makes
 * every article compare as a string.
 */
function dateTest(table: ArticleTable, from: string | null, to: string | null): (n: number) => boolean {
  const byString = (n: number) => {
    const day = table.publishedAt(n)?.slice(0, 10);
    if (!day) return false;
    return (from === null || day >= from) && (to === null || day <= to);
  };
  if ((from !== null && !ISO_DAY.test(from)) || (to !== null && !ISO_DAY.test(to))) return byString;
  const low = from === null ? 0 : Number(from.replaceAll('-', ''));
  const high = to === null ? IRREGULAR_DAY - 1 : Number(to.replaceAll('-', ''));
  return (n) => {
    const day = table.days[n]!;
    if (day === NO_DAY) return false;
    if (day === IRREGULAR_DAY) return byString(n);
    return day >= low && day <= high;
  };
}

/** Counts of a segment's live articles per outlet and section name, and its first and last day. */
export interface TableFacets {
  outlets: Map<string, number>;
  sections: Map<string, number>;
  first: string | null;
  last: string | null;
}

/** Adds the live articles of `table` (`deleted`: per article, 1 = deleted) to `into`, counting codes, not strings. */
export function addFacets(table: ArticleTable, deleted: Uint8Array | null, into: TableFacets): void {
  const outletCounts = new Uint32Array(table.outlets.length);
  const sectionCounts = new Uint32Array(table.sections.length);
  let low = NO_DAY;
  let high = -1;
  const consider = (day: string | undefined) => {
    if (!day) return;
    if (into.first === null || day < into.first) into.first = day;
    if (into.last === null || day > into.last) into.last = day;
  };
  for (let n = 0; n < table.length; n++) {
    if (deleted !== null && deleted[n] === 1) continue;
    const outlet = table.outletCodes[n]!;
    const section = table.sectionCodes[n]!;
    if (outlet !== NO_CODE) outletCounts[outlet]!++;
    if (section !== NO_CODE) sectionCounts[section]!++;
    const day = table.days[n]!;
    if (day === IRREGULAR_DAY) consider(table.publishedAt(n)?.slice(0, 10));
    else if (day !== NO_DAY) {
      if (day < low) low = day;
      if (day > high) high = day;
    }
  }
  if (high >= 0) {
    consider(dayOfKey(low));
    consider(dayOfKey(high));
  }
  addCounts(into.outlets, table.outlets, outletCounts);
  addCounts(into.sections, table.sections, sectionCounts);
}

function addCounts(into: Map<string, number>, names: readonly string[], counts: Uint32Array): void {
  // An empty name counts nowhere, as an article's empty outlet or section never did.
  names.forEach((name, code) => {
    if (counts[code]! > 0 && name) into.set(name, (into.get(name) ?? 0) + counts[code]!);
  });
}
