import type { SearchResult } from '../retrieval/types.js';
import { foldDiacritics, normalizeQuery } from '../text/normalize.js';
import { datesIn, eventDateOf, type DateMention } from '../text/time.js';
import { citedNumbers } from './citations.js';
import { appendMarker } from './extractive.js';
import { readPassage as readPassageFresh, type PassageReader, type PassageSentence } from './passageSentences.js';
import { makeCoverage, makeQuestionTerms, termIdf, termSetOf } from './sentenceScoring.js';
import { citationOf, type Citation } from './types.js';

/**
 * Timelines: "Diễn biến …", "Các mốc …", "Quá trình …", "Lịch sử …", "… qua các năm" get one
 * line per dated event, oldest first, each with its date and its citation, drawn from every
 * retrieved article that tells one. Without a language model: the sentences that carry a date and
 * are about what the question asks. A sentence's date is the event's when the sentence ties them
 * ("Ngày 2/9/2019, cầu … thông xe"); an article with no such sentence speaks through its best
 * sentence dated by its `publishedAt`.
 */

const TIMELINE_CUES = [
  'dien bien',
  'cac moc',
  'nhung moc',
  'moc thoi gian',
  'qua trinh',
  'lich su',
  'qua cac nam',
  'tien trinh',
  'theo thoi gian',
  'dong thoi gian',
];
const TIMELINE_RE = new RegExp(`\\b(?:${TIMELINE_CUES.join('|')})\\b`);

/** True when the question asks how something unfolded over time. */
export function asksForTimeline(question: string): boolean {
  return TIMELINE_RE.test(foldDiacritics(normalizeQuery(question)));
}

/** The question without its timeline words: what the events must be about (and what to search for). */
export function timelineTopic(question: string): string {
  const original = normalizeQuery(question);
  const folded = foldDiacritics(original);
  if (folded.length !== original.length) return original;
  let out = original;
  for (const m of [...folded.matchAll(new RegExp(TIMELINE_RE.source, 'g'))].reverse()) {
    out = out.slice(0, m.index) + ' '.repeat(m[0].length) + out.slice(m.index + m[0].length);
  }
  return out.replace(/\s+/g, ' ').trim();
}

export interface TimelineEvent {
  /** First day the date covers (the sort key). */
  from: string;
  /** The date as shown: `12/05/2016`, `06/2020` or `2019`. */
  label: string;
  /** The date came from the article's `publishedAt`, not from the sentence. */
  published: boolean;
  /** The sentence, verbatim. */
  text: string;
  /** The citation number of its passage. */
  n: number;
}

export interface Timeline {
  answer: string;
  citations: Citation[];
  grounded: boolean;
  events: TimelineEvent[];
}

export interface TimelineOptions {
  readPassage?: PassageReader;
  /** A sentence (with its article's title) must cover this share of the question's topic (default 0.3, as for answers). */
  minCoverage?: number;
  /** At most this many events (default 12). */
  maxEvents?: number;
  /** Passages scoring below this share of the best one are about something else (default 0.5). */
  minRelativeScore?: number;
}

function label(date: Pick<DateMention, 'from' | 'precision'>): string {
  const [y, m, d] = date.from.split('-');
  if (date.precision === 'year') return y!;
  if (date.precision === 'month') return `${m}/${y}`;
  return `${d}/${m}/${y}`;
}

interface Candidate {
  result: SearchResult;
  sentence: PassageSentence;
  date: Pick<DateMention, 'from' | 'precision'>;
  published: boolean;
  coverage: number;
}

/**
 * A sentence's event date. A date after the article's publication is a plan or a forecast ("dự
 * kiến thi công trong năm 2021"), not something that happened: no event of the timeline.
 */
function eventDate(result: SearchResult, s: PassageSentence): Pick<DateMention, 'from' | 'precision'> | null {
  const event = eventDateOf(s.text, result.publishedAt);
  if (!event) return null;
  const published = result.publishedAt?.slice(0, 10);
  return published && event.from > published ? null : event;
}

export function buildTimeline(question: string, results: readonly SearchResult[], opts: TimelineOptions = {}): Timeline {
  const read = opts.readPassage ?? readPassageFresh;
  const minCoverage = opts.minCoverage ?? 0.3;
  const maxEvents = opts.maxEvents ?? 12;
  const terms = makeQuestionTerms(timelineTopic(question));
  const top = Math.max(0, ...results.map((r) => r.score));
  const minScore = (opts.minRelativeScore ?? 0.5) * top;
  // Weights come from every retrieved sentence (a word all of them share tells little); events
  // come only from passages about the question.
  const sentences = results.flatMap((result) => read(result.text).map((sentence) => ({ result, sentence })));
  const titleTerms = new Map(results.map((r) => [r.documentId, termSetOf(r.title)]));
  const withTitle = sentences.map(({ result, sentence }) => new Set([...sentence.terms, ...(titleTerms.get(result.documentId) ?? [])]));
  const coverageOf = makeCoverage(terms, termIdf(terms, withTitle));

  const candidates: Candidate[] = [];
  const undatedBest = new Map<string, Candidate>();
  sentences.forEach(({ result, sentence }, i) => {
    if (result.score < minScore) return;
    const coverage = coverageOf(withTitle[i]!);
    if (coverage < minCoverage) return;
    const date = eventDate(result, sentence);
    if (date) {
      candidates.push({ result, sentence, date, published: false, coverage });
      return;
    }
    const day = result.publishedAt?.slice(0, 10);
    if (!day) return;
    const seen = undatedBest.get(result.documentId);
    if (!seen || coverage > seen.coverage) {
      undatedBest.set(result.documentId, { result, sentence, date: { from: day, precision: 'day' }, published: true, coverage });
    }
  });
  // Every article that tells the story appears: by its dated sentences, else by its publication day.
  const datedArticles = new Set(candidates.map((c) => c.result.documentId));
  for (const [doc, c] of undatedBest) if (!datedArticles.has(doc)) candidates.push(c);

  // One line per sentence (overlapping passages repeat sentences), the best-covered first when capping.
  const unique = new Map<string, Candidate>();
  for (const c of candidates) {
    const key = `${c.result.documentId}:${c.result.start + c.sentence.start}`;
    const seen = unique.get(key);
    if (!seen || c.coverage > seen.coverage) unique.set(key, c);
  }
  const chosen = [...unique.values()]
    .sort((a, b) => b.coverage - a.coverage)
    .slice(0, maxEvents)
    .sort((a, b) => a.date.from.localeCompare(b.date.from) || a.result.start + a.sentence.start - (b.result.start + b.sentence.start));
  if (chosen.length === 0) return { answer: '', citations: [], grounded: false, events: [] };

  // One citation per passage, numbered in the order the timeline first cites it.
  const byPassage = new Map<string, Candidate[]>();
  for (const c of chosen) byPassage.set(c.result.chunkId, [...(byPassage.get(c.result.chunkId) ?? []), c]);
  const numbers = new Map([...byPassage.keys()].map((chunkId, i) => [chunkId, i + 1]));
  const citations = [...byPassage.entries()].map(([chunkId, cs]) => {
    const start = Math.min(...cs.map((c) => c.sentence.start));
    const end = Math.max(...cs.map((c) => c.sentence.end));
    return citationOf(cs[0]!.result, numbers.get(chunkId)!, { start, end });
  });
  const events = chosen.map((c) => ({
    from: c.date.from,
    label: label(c.date),
    published: c.published,
    text: c.sentence.text,
    n: numbers.get(c.result.chunkId)!,
  }));
  const answer = events.map((e) => `${e.label}: ${appendMarker(e.text, e.n)}`).join('\n');
  return { answer, citations, grounded: true, events };
}

/** A model's timeline that keeps every event's date and citation, or why it does not. */
export type TimelineCheck = { ok: true; answer: string; citations: Citation[] } | { ok: false; reason: string };

/** A list bullet or number a model may put before a line ("- ", "1. "). */
const LINE_DECORATION = /^\s*(?:[-*•–]|\d{1,2}[.)])\s+/u;
/** A date opening a line as the timeline labels it: `12/05/2016`, `6/2020`, `2019`. */
const LEADING_DATE = /^(?:(\d{1,2})\/(\d{1,2})\/(\d{4})|(\d{1,2})\/(\d{4})|(\d{4}))(?!\d)/u;

/** The labels of the dates a line gives: the one it opens with, and any it writes out ("ngày 2/9/2019"). */
function lineDateLabels(line: string): Set<string> {
  const labels = new Set(datesIn(line).map(label));
  const m = LEADING_DATE.exec(line);
  const pad = (x: string) => x.padStart(2, '0');
  if (m?.[3]) labels.add(`${pad(m[1]!)}/${pad(m[2]!)}/${m[3]}`);
  else if (m?.[5]) labels.add(`${pad(m[4]!)}/${m[5]}`);
  else if (m?.[6]) labels.add(m[6]);
  return labels;
}

/**
 * Checks a model's rewrite of a timeline against the events it was given: every line keeps the
 * date of an event it cites and cites only the given sources, lines stay oldest first, and no
 * event's date is dropped. A model that fails any of these has lost what makes a timeline worth
 * trusting; the caller shows the extractive one instead.
 */
export function checkTimelineReply(reply: string, timeline: Pick<Timeline, 'events' | 'citations'>): TimelineCheck {
  const given = new Set(timeline.events.map((e) => e.n));
  const lines = reply
    .split('\n')
    .map((l) => l.replace(/\*\*|<\/?su_kien>/gu, '').replace(LINE_DECORATION, '').trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) return { ok: false, reason: 'the reply is empty' };
  const kept = new Set<string>();
  let previous = '';
  for (const [i, line] of lines.entries()) {
    const cited = citedNumbers(line);
    if (cited.length === 0) return { ok: false, reason: `line ${i + 1} cites no source` };
    const invented = cited.find((n) => !given.has(n));
    if (invented !== undefined) return { ok: false, reason: `line ${i + 1} cites [${invented}], which is no given source` };
    const dates = lineDateLabels(line);
    const matched = timeline.events.filter((e) => cited.includes(e.n) && dates.has(e.label));
    if (matched.length === 0) return { ok: false, reason: `line ${i + 1} keeps no date of the events it cites` };
    const from = matched.map((e) => e.from).sort()[0]!;
    if (from < previous) return { ok: false, reason: `line ${i + 1} is out of date order` };
    previous = from;
    for (const e of matched) kept.add(`${e.label}|${e.n}`);
  }
  const dropped = timeline.events.find((e) => !kept.has(`${e.label}|${e.n}`));
  if (dropped) return { ok: false, reason: `the event of ${dropped.label} [${dropped.n}] was dropped` };
  const cited = new Set(citedNumbers(lines.join('\n')));
  return { ok: true, answer: lines.join('\n'), citations: timeline.citations.filter((c) => cited.has(c.n)) };
}
