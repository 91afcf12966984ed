/** Pure text helpers for the widget and the article view (no DOM, unit-tested). */

export { describeDayRange, describeFilterVi, formatDateVi } from '../text/dates.js';

/** The passages an answer cites from one article, shown together under its title. */
export interface ArticleGroup<C> {
  documentId: string;
  passages: C[];
}

/** Citations grouped by article: articles in order of their first citation, passages by number. */
export function groupByArticle<C extends { documentId: string; n: number }>(citations: readonly C[]): ArticleGroup<C>[] {
  const groups = new Map<string, C[]>();
  for (const c of [...citations].sort((a, b) => a.n - b.n)) groups.set(c.documentId, [...(groups.get(c.documentId) ?? []), c]);
  return [...groups.entries()].map(([documentId, passages]) => ({ documentId, passages }));
}

/** The opening of a cited passage, cut at a word, for a list of passages. */
export function excerpt(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/u, '')}…`;
}

export type AnswerSegment = { kind: 'text'; text: string } | { kind: 'cite'; n: number };

/**
 * Splits an answer into plain text and citation markers. Only `[n]` whose n is a known citation
 * becomes a marker, so bracketed numbers in quoted text stay text. `[1, 2]`, `[1; 2]` and `[1][2]` all work.
 */
export function splitAnswer(answer: string, known: ReadonlySet<number>): AnswerSegment[] {
  const segments: AnswerSegment[] = [];
  const pushText = (text: string): void => {
    if (text === '') return;
    const last = segments[segments.length - 1];
    if (last && last.kind === 'text') last.text += text;
    else segments.push({ kind: 'text', text });
  };
  const pattern = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
  let cursor = 0;
  for (let m = pattern.exec(answer); m !== null; m = pattern.exec(answer)) {
    const numbers = (m[1] ?? '').split(/[,;]/).map((x) => Number(x.trim()));
    if (!numbers.every((n) => known.has(n))) continue;
    pushText(answer.slice(cursor, m.index));
    for (const n of numbers) segments.push({ kind: 'cite', n });
    cursor = m.index + m[0].length;
  }
  pushText(answer.slice(cursor));
  return segments;
}

/** Parses `?start=&end=` into a range inside a text of `length` chars, or null when absent/invalid. */
export function parseHighlightRange(
  params: URLSearchParams,
  length: number,
): { start: number; end: number } | null {
  const startRaw = params.get('start');
  const endRaw = params.get('end');
  if (startRaw === null || endRaw === null || !/^\d+$/.test(startRaw) || !/^\d+$/.test(endRaw)) return null;
  const start = Number(startRaw);
  const end = Math.min(Number(endRaw), length);
  return start < end ? { start, end } : null;
}

/** Counts user-perceived length the way the server does (UTF-16 code units of the trimmed text). */
export function messageLength(text: string): number {
  return text.trim().length;
}
