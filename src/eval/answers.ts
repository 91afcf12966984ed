/**
 * Answer evaluation through the real answering path (the chat service `/api/chat` runs): does the
 * answer contain a gold answer, token F1, do citations point at the gold passage, is every cited
 * sentence supported by its source, and does the assistant say "not found" when it should.
 */
import { sourceDateNoteHolds } from '../answer/extractive.js';
import type { Citation } from '../answer/types.js';
import type { ChatRecord, ChatService } from '../chat/chatService.js';
import { foldDiacritics, normalizeQuery } from '../text/normalize.js';
import { splitSentences } from '../text/sentences.js';

const MARKER = /\s*\[\d+\]/g;

/** Lower-cased syllables and numbers of a text, markers and punctuation removed. */
export function answerTokens(text: string): string[] {
  return normalizeQuery(text.replace(MARKER, ''))
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/** SQuAD-style bag-of-tokens F1 between an answer and one gold answer. */
export function tokenF1(prediction: string, gold: string): number {
  const p = answerTokens(prediction);
  const g = answerTokens(gold);
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      common++;
      counts.set(t, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Whether the answer text holds one of the gold answers (tone placement and case folded). */
export function containsAnyGold(answer: string, golds: readonly string[]): boolean {
  const hay = ` ${answerTokens(answer).join(' ')} `;
  return golds.some((g) => {
    const needle = answerTokens(g).join(' ');
    return needle.length > 0 && hay.includes(` ${needle} `);
  });
}

export interface SupportCount {
  sentences: number;
  supported: number;
}

/** Share of a sentence's tokens that must appear in the passages it cites to count as supported. */
export const SUPPORT_OVERLAP = 0.8;

/**
 * Lexical support check: each answer sentence must carry a marker, and most of its words must
 * appear in the passages that marker points at. Extractive answers quote, so they pass unless
 * citations point at the wrong passage; an LLM's paraphrase passes only when it stays close to
 * its source, which is the point.
 */
export function citationSupport(answer: string, citations: readonly Citation[]): SupportCount {
  const byN = new Map(citations.map((c) => [c.n, c]));
  let sentences = 0;
  let supported = 0;
  for (const s of splitSentences(answer)) {
    const tokens = answerTokens(s.text);
    if (tokens.length === 0) continue;
    sentences++;
    const note = sourceDateNoteHolds(s.text, citations);
    if (note !== null) {
      if (note) supported++;
      continue;
    }
    const cited = [...s.text.matchAll(/\[(\d+)\]/g)].map((m) => byN.get(Number(m[1]))).filter((c): c is Citation => !!c);
    if (cited.length === 0) continue;
    const source = new Set(cited.flatMap((c) => answerTokens(c.snippet)));
    const found = tokens.filter((t) => source.has(t)).length;
    if (found / tokens.length >= SUPPORT_OVERLAP) supported++;
  }
  return { sentences, supported };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const share = (xs: readonly boolean[]) => mean(xs.map((x) => (x ? 1 : 0)));

// ---------- XQuAD-vi ----------

export interface XquadAnswerQuestion {
  qid: string;
  question: string;
  gold_passage_id: string;
  answers: string[];
}

export interface XquadAnswerMetrics {
  questions: number;
  grounded: number;
  containsGold: number;
  f1: number;
  firstCitationGold: number;
  anyCitationGold: number;
  citationSupport: number;
  meanAnswerChars: number;
}

interface AnswerRow {
  grounded: boolean;
  contains: boolean;
  f1: number;
  firstGold: boolean;
  anyGold: boolean;
  support: SupportCount;
  chars: number;
}

function scoreXquadAnswer(record: ChatRecord, q: XquadAnswerQuestion): AnswerRow {
  const text = record.grounded ? record.answer : '';
  return {
    grounded: record.grounded,
    contains: record.grounded && containsAnyGold(text, q.answers),
    f1: Math.max(0, ...q.answers.map((g) => tokenF1(text, g))),
    firstGold: record.citations[0]?.documentId === q.gold_passage_id,
    anyGold: record.citations.some((c) => c.documentId === q.gold_passage_id),
    support: record.grounded ? citationSupport(record.answer, record.citations) : { sentences: 0, supported: 0 },
    chars: record.answer.replace(MARKER, '').length,
  };
}

function summarizeRows(rows: readonly AnswerRow[]): XquadAnswerMetrics {
  const sentences = rows.reduce((s, r) => s + r.support.sentences, 0);
  const supported = rows.reduce((s, r) => s + r.support.supported, 0);
  return {
    questions: rows.length,
    grounded: share(rows.map((r) => r.grounded)),
    containsGold: share(rows.map((r) => r.contains)),
    f1: mean(rows.map((r) => r.f1)),
    firstCitationGold: share(rows.map((r) => r.firstGold)),
    anyCitationGold: share(rows.map((r) => r.anyGold)),
    citationSupport: sentences === 0 ? 0 : supported / sentences,
    meanAnswerChars: mean(rows.map((r) => r.chars)),
  };
}

/** Asks every question once with diacritics and once typed without them. */
export async function evaluateXquadAnswers(
  chat: ChatService,
  questions: readonly XquadAnswerQuestion[],
): Promise<{ toned: XquadAnswerMetrics; untoned: XquadAnswerMetrics }> {
  const toned: AnswerRow[] = [];
  const untoned: AnswerRow[] = [];
  for (const q of questions) {
    toned.push(scoreXquadAnswer(await chat.chat({ message: q.question }), q));
    untoned.push(scoreXquadAnswer(await chat.chat({ message: foldDiacritics(q.question) }), q));
  }
  return { toned: summarizeRows(toned), untoned: summarizeRows(untoned) };
}

// ---------- the seed corpus ----------

export interface SeedAnswerCase {
  id: string;
  question: string;
  /** Absent for questions the corpus cannot answer. */
  documentId?: string;
  mustContain?: string | string[];
}

export interface SeedConversation {
  id: string;
  turns: SeedAnswerCase[];
}

export interface SeedCaseResult {
  id: string;
  question: string;
  ok: boolean;
  grounded: boolean;
  answer: string;
  citedDocuments: string[];
  expected: string;
}

export interface SeedAnswerReport {
  answerable: { count: number; accuracy: number };
  unanswerable: { count: number; accuracy: number };
  followUps: { count: number; accuracy: number; firstTurnAccuracy: number };
  citationSupport: number;
  failures: SeedCaseResult[];
}

/** The texts a case's answer must hold, as a list (one text or none given). */
export const mustList = (m: string | string[] | undefined): string[] => (m === undefined ? [] : Array.isArray(m) ? m : [m]);

/** Right when: an answerable case is grounded, cites its article and holds every expected text; an unanswerable one is "not found". */
function judgeSeedCase(c: SeedAnswerCase, record: ChatRecord): SeedCaseResult {
  const cited = [...new Set(record.citations.map((x) => x.documentId))];
  const answerText = normalizeQuery(record.answer).toLowerCase();
  const ok =
    c.documentId === undefined
      ? !record.grounded
      : record.grounded &&
        cited.includes(c.documentId) &&
        mustList(c.mustContain).every((m) => answerText.includes(normalizeQuery(m).toLowerCase()));
  return {
    id: c.id,
    question: c.question,
    ok,
    grounded: record.grounded,
    answer: record.answer,
    citedDocuments: cited,
    expected: c.documentId === undefined ? 'not found' : `${c.documentId}${c.mustContain ? ` containing ${mustList(c.mustContain).join(', ')}` : ''}`,
  };
}

export async function evaluateSeedAnswers(
  chat: ChatService,
  cases: readonly SeedAnswerCase[],
  conversations: readonly SeedConversation[],
): Promise<SeedAnswerReport> {
  const single: SeedCaseResult[] = [];
  let sentences = 0;
  let supported = 0;
  const count = (record: ChatRecord) => {
    if (!record.grounded) return;
    const s = citationSupport(record.answer, record.citations);
    sentences += s.sentences;
    supported += s.supported;
  };
  for (const c of cases) {
    const record = await chat.chat({ message: c.question });
    count(record);
    single.push(judgeSeedCase(c, record));
  }
  const firstTurns: SeedCaseResult[] = [];
  const followUps: SeedCaseResult[] = [];
  for (const conv of conversations) {
    let conversationId: string | undefined;
    for (const [i, turn] of conv.turns.entries()) {
      const record = await chat.chat({ message: turn.question, ...(conversationId ? { conversationId } : {}) });
      conversationId = record.conversationId;
      count(record);
      (i === 0 ? firstTurns : followUps).push(judgeSeedCase({ ...turn, id: `${conv.id}#${i + 1}` }, record));
    }
  }
  const answerable = single.filter((_, i) => cases[i]!.documentId !== undefined);
  const unanswerable = single.filter((_, i) => cases[i]!.documentId === undefined);
  return {
    answerable: { count: answerable.length, accuracy: share(answerable.map((r) => r.ok)) },
    unanswerable: { count: unanswerable.length, accuracy: share(unanswerable.map((r) => r.ok)) },
    followUps: {
      count: followUps.length,
      accuracy: share(followUps.map((r) => r.ok)),
      firstTurnAccuracy: share(firstTurns.map((r) => r.ok)),
    },
    citationSupport: sentences === 0 ? 0 : supported / sentences,
    failures: [...single, ...firstTurns, ...followUps].filter((r) => !r.ok),
  };
}
