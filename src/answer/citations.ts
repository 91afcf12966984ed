import type { SearchResult } from '../retrieval/types.js';
import { splitSentences } from '../text/sentences.js';
import { coverage, makeQuestionTerms, termSetOf } from './sentenceScoring.js';
import { NOT_FOUND_ANSWER, citationOf, type Citation } from './types.js';

/**
 * Checks the citations of a generated answer against the sources the model was given: markers
 * pointing at no source go, an answer citing nothing gets the sources that support its sentences
 * (or a notice that it is unsupported), and the sources actually cited are renumbered [1], [2], …
 * in order of first use.
 */

export interface CheckedAnswer {
  answer: string;
  citations: Citation[];
  grounded: boolean;
  notice?: string;
}

export const NOTICE_INVALID_REMOVED = 'Một số trích dẫn không trỏ tới nguồn nào và đã được lược bỏ.';
export const NOTICE_REPAIRED = 'Mô hình không ghi nguồn; các trích dẫn được gắn tự động theo nội dung trùng khớp.';
export const NOTICE_UNSUPPORTED =
  'Câu trả lời này không dẫn được nguồn nào trong các bài báo; hãy đối chiếu trước khi sử dụng.';

/** `[1]`, `[1, 2]`, `[1; 3]`, with the spaces before it. */
const MARKER = /\s*\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]/gu;
/** A sentence supports a source when the source holds this share of the sentence's words. */
const SUPPORT_COVERAGE = 0.5;
/** Longest snippet made by spanning several supporting sentences; past it, only the best one. */
const MAX_SPAN_CHARS = 800;

function markerNumbers(body: string): number[] {
  return body.split(/[,;]/).map((x) => Number.parseInt(x.trim(), 10));
}

/** The source numbers a text cites, in order (`[1, 2]` gives 1 and 2). */
export function citedNumbers(text: string): number[] {
  return [...text.matchAll(MARKER)].flatMap((m) => markerNumbers(m[1]!));
}

export function stripMarkers(text: string): string {
  return text.replace(MARKER, '').trim();
}

/** Whether the model said, in its own words, that the sources hold no answer. */
function saysNotFound(text: string): boolean {
  return /không (?:tìm thấy|có) thông tin/iu.test(text) || text.trim() === NOT_FOUND_ANSWER;
}

interface SentenceCites {
  text: string;
  numbers: number[];
}

/** Each sentence of the answer with the markers it carries (a marker opening a sentence belongs to the one before). */
function sentencesWithMarkers(answer: string): SentenceCites[] {
  const out: SentenceCites[] = [];
  for (const s of splitSentences(answer)) {
    let text = answer.slice(s.start, s.end);
    const leading = /^\s*((?:\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\]\s*)+)/u.exec(text);
    const prev = out[out.length - 1];
    if (leading?.[1] && prev) {
      for (const m of leading[1].matchAll(MARKER)) prev.numbers.push(...markerNumbers(m[1]!));
      text = text.slice(leading[0].length);
    }
    const numbers = [...text.matchAll(MARKER)].flatMap((m) => markerNumbers(m[1]!));
    out.push({ text: stripMarkers(text), numbers });
  }
  return out;
}

/** Drops markers that point at no source; returns the cleaned text and whether any were dropped. */
function removeInvalidMarkers(answer: string, sourceCount: number): { text: string; removed: boolean } {
  let removed = false;
  const text = answer.replace(MARKER, (_m, body: string) => {
    const nums = markerNumbers(body);
    const valid = [...new Set(nums.filter((n) => n >= 1 && n <= sourceCount))];
    if (valid.length < nums.length) removed = true;
    return valid.length > 0 ? ` ${valid.map((n) => `[${n}]`).join('')}` : '';
  });
  return { text, removed };
}

/** Gives each sentence the best source that supports it; sentences no source supports stay bare. */
function attachSupportingSources(answer: string, sources: readonly SearchResult[]): { text: string; attached: number } {
  const sourceTerms = sources.map((s) => termSetOf(s.text));
  let attached = 0;
  const parts = splitSentences(answer).map((s) => {
    const sentence = answer.slice(s.start, s.end).trim();
    const terms = makeQuestionTerms(sentence);
    let best = -1;
    let bestCoverage = SUPPORT_COVERAGE;
    sourceTerms.forEach((t, i) => {
      const c = coverage(terms, t);
      if (c >= bestCoverage) {
        best = i;
        bestCoverage = c;
      }
    });
    if (best < 0) return sentence;
    attached++;
    return withMarkerBeforePunctuation(sentence, best + 1);
  });
  return { text: parts.join(' '), attached };
}

function withMarkerBeforePunctuation(sentence: string, n: number): string {
  const m = /[.!?…]*\s*$/u.exec(sentence);
  const at = m ? m.index : sentence.length;
  return `${sentence.slice(0, at).trimEnd()} [${n}]${sentence.slice(at).trim()}`;
}

/** Renumbers markers to 1..m in order of first use; returns the map from old to new numbers. */
function renumber(answer: string): { text: string; order: number[] } {
  const order: number[] = [];
  for (const m of answer.matchAll(MARKER)) {
    for (const n of markerNumbers(m[1]!)) if (!order.includes(n)) order.push(n);
  }
  const text = answer.replace(MARKER, (_m, body: string) => {
    const mapped = [...new Set(markerNumbers(body).map((n) => order.indexOf(n) + 1))];
    return ` ${mapped.map((n) => `[${n}]`).join('')}`;
  });
  return { text: text.replace(/\]\s+\[(?=\d)/g, ']['), order };
}

/** The sentence(s) of a source that best support the answer sentences citing it. */
function supportingSpan(source: SearchResult, citingSentences: readonly string[]): { start: number; end: number } {
  const sentences = splitSentences(source.text);
  if (sentences.length === 0) return { start: 0, end: source.text.length };
  const sets = sentences.map((s) => termSetOf(source.text.slice(s.start, s.end)));
  const picks = citingSentences.map((cs) => {
    const terms = makeQuestionTerms(cs);
    let best = 0;
    let bestCov = -1;
    sets.forEach((set, i) => {
      const c = coverage(terms, set);
      if (c > bestCov) {
        best = i;
        bestCov = c;
      }
    });
    return { index: best, cov: bestCov };
  });
  const top = [...picks].sort((a, b) => b.cov - a.cov)[0];
  if (!top) return { start: 0, end: source.text.length };
  const starts = picks.map((p) => sentences[p.index]!.start);
  const ends = picks.map((p) => sentences[p.index]!.end);
  const span = { start: Math.min(...starts), end: Math.max(...ends) };
  if (span.end - span.start <= MAX_SPAN_CHARS) return span;
  const only = sentences[top.index]!;
  return { start: only.start, end: only.end };
}

function trimSpan(text: string, span: { start: number; end: number }): { start: number; end: number } {
  const slice = text.slice(span.start, span.end);
  const lead = slice.length - slice.trimStart().length;
  const trail = slice.length - slice.trimEnd().length;
  return { start: span.start + lead, end: span.end - trail };
}

export function checkCitations(answer: string, sources: readonly SearchResult[]): CheckedAnswer {
  const cleaned = removeInvalidMarkers(answer.trim(), sources.length);
  let text = cleaned.text.trim();
  let notice: string | undefined = cleaned.removed ? NOTICE_INVALID_REMOVED : undefined;
  const cited = () => [...text.matchAll(MARKER)].length > 0;

  if (!cited()) {
    if (saysNotFound(text)) return { answer: NOT_FOUND_ANSWER, citations: [], grounded: false };
    const repaired = attachSupportingSources(text, sources);
    if (repaired.attached === 0) {
      return { answer: text, citations: [], grounded: false, notice: NOTICE_UNSUPPORTED };
    }
    text = repaired.text;
    notice = NOTICE_REPAIRED;
  }

  const { text: renumbered, order } = renumber(text);
  const sentences = sentencesWithMarkers(renumbered);
  const citations = order.map((oldN, i): Citation => {
    const source = sources[oldN - 1]!;
    const n = i + 1;
    const citing = sentences.filter((s) => s.numbers.includes(n)).map((s) => s.text);
    return citationOf(source, n, trimSpan(source.text, supportingSpan(source, citing.length > 0 ? citing : [renumbered])));
  });
  return { answer: renumbered.trim(), citations, grounded: true, ...(notice ? { notice } : {}) };
}
