import { foldDiacritics, normalizeQuery } from '../text/normalize.js';
import type { Answer, Citation } from './types.js';

/**
 * Comparisons: "A và B khác nhau thế nào?", "So sánh A và B", "… lần thứ 4 diễn ra ở đâu, còn
 * lần thứ 3?". Each side is asked on its own, so that each is answered from its own source and
 * cited on its own, then the answers are joined.
 */

const CUE = /\s*(?:khac nhau|giong nhau|khac gi|co gi khac)(?: (?:the nao|ra sao|nhu the nao|o diem nao|nhung gi|gi))?\s*\??\s*$/;
const COMPARE_OPENING = /^\s*so sanh\s+/;
const ORDINAL = /\blan thu (\d+|nhat|hai|ba|tu|nam)\b/;
const CON_ORDINAL = /,?\s*con lan thu (\d+|nhat|hai|ba|tu|nam)(?: thi sao)?\s*\??\s*$/;

/** The questions that make up a comparison, one per side; empty when it is not one. */
export function comparisonSides(question: string): string[] {
  const original = normalizeQuery(question);
  const folded = foldDiacritics(original);
  if (folded.length !== original.length) return [];
  // "… lần thứ 4 diễn ra ở đâu, còn lần thứ 3?"
  const con = CON_ORDINAL.exec(folded);
  if (con) {
    const main = original.slice(0, con.index).trim();
    const mainFolded = folded.slice(0, con.index);
    const ordinal = ORDINAL.exec(mainFolded);
    if (!ordinal) return [];
    const other = original.slice(con.index).replace(/^,?\s*còn\s+|^,?\s*con\s+/iu, '').replace(/\s*(?:thì sao|thi sao)?\s*\?\s*$/u, '').trim();
    const second = `${main.slice(0, ordinal.index)}${other}${main.slice(ordinal.index + ordinal[0].length)}`;
    return [`${main}?`, `${second.trim()}?`];
  }
  // "A và B khác nhau thế nào?", "So sánh A và B"
  const cue = CUE.exec(folded);
  const opening = COMPARE_OPENING.exec(folded);
  if (!cue && !opening) return [];
  const start = opening ? opening[0].length : 0;
  const end = cue ? cue.index : folded.replace(/\s*\?\s*$/, '').length;
  const body = original.slice(start, end);
  const bodyFolded = folded.slice(start, end);
  const and = bodyFolded.lastIndexOf(' va ');
  if (and < 0) return [];
  const left = body.slice(0, and).trim();
  const right = body.slice(and + 4).trim();
  if (!left || !right) return [];
  // "Cầu X khi khởi công và khi thông xe": the words before the right side's first word are shared.
  const firstWord = foldDiacritics(right.split(/\s+/)[0] ?? '');
  const leftWords = left.split(/\s+/);
  const at = leftWords.map((w) => foldDiacritics(w)).lastIndexOf(firstWord);
  const shared = at > 0 ? leftWords.slice(0, at).join(' ') : '';
  return [`${left}?`, `${shared ? `${shared} ` : ''}${right}?`];
}

/** Joins the answers of the sides, one paragraph each, citations renumbered in order (shared ones once). */
export function joinSideAnswers(answers: readonly Answer[]): Pick<Answer, 'answer' | 'citations' | 'grounded'> {
  const citations: Citation[] = [];
  const paragraphs: string[] = [];
  const key = (c: Citation) => `${c.chunkId}:${c.start}:${c.end}`;
  for (const a of answers) {
    if (!a.grounded) continue;
    const numbers = new Map<number, number>();
    for (const c of a.citations) {
      const known = citations.find((x) => key(x) === key(c));
      if (known) numbers.set(c.n, known.n);
      else {
        const n = citations.length + 1;
        citations.push({ ...c, n });
        numbers.set(c.n, n);
      }
    }
    const text = a.answer.replace(/\[(\d+)\]/g, (whole, n: string) => (numbers.has(Number(n)) ? `[${numbers.get(Number(n))}]` : whole));
    if (!paragraphs.includes(text)) paragraphs.push(text);
  }
  return { answer: paragraphs.join('\n'), citations, grounded: citations.length > 0 };
}
