import type { SearchResult } from '../retrieval/types.js';
import { loadCommittedAnswerabilityModel, type AnswerabilityModel } from './answerability.js';
import { mayAnswer } from './anchors.js';
import { answerExtractively, streamingPieces, type ExtractiveAnswer } from './extractive.js';
import type { LlmAnswerer } from './llm.js';
import { makeCachedPassageReader, type PassageReader } from './passageSentences.js';
import { buildTimeline, checkTimelineReply, type TimelineEvent } from './timeline.js';
import { LLM_FALLBACK_NOTICE, TIMELINE_FALLBACK_NOTICE, type Answer } from './types.js';

/**
 * Chooses how to answer: with the language model when one is configured, falling back to the
 * extractive answer when it fails; extractive otherwise. The text is reported piece by piece
 * through `onDelta` either way; the returned Answer is the authoritative final text (a model's
 * stream can still lose an invalid marker, or be replaced by the fallback).
 */

export interface AnswerInput {
  /** The question to answer (standalone: follow-ups already rewritten or joined). */
  question: string;
  results: readonly SearchResult[];
  relevant: boolean;
  /**
   * The question with its diacritics put back by the search, when it was typed without them: what
   * it asks for ("bao nhiêu tuổi", "mấy giờ") is read from it, since many cues are ambiguous
   * without tones ("may" is "mấy" and "máy").
   */
  restoredQuestion?: string;
  /**
   * A follow-up resolved without a model: the extractive answer scores sentences on the
   * follow-up's own words, with the previous question's words weighing less.
   */
  followUp?: { question: string; context: string; focus?: readonly string[]; previousDocuments?: readonly string[] };
  /** The question asks for the newest ("mới nhất"): an extractive answer quotes the newest passage first. */
  newestFirst?: boolean;
  /**
   * The day "hôm nay" means (YYYY-MM-DD, the chat's reference day): a question about today is
   * answered only from sources recent on that day, and an old source's date is said against it.
   * Default: the clock's day.
   */
  today?: string;
}

export interface AnswerRunOptions {
  signal?: AbortSignal;
  /** Called once, before any text, when the answer is known to be grounded or "not found". */
  onDecided?: (grounded: boolean) => void;
  onDelta?: (text: string) => void;
}

/** A timeline answer: the text (one line per event) and the dated events it was drawn from. */
export interface TimelineAnswer extends Answer {
  events: TimelineEvent[];
}

export interface Answerer {
  answer(input: AnswerInput, opts?: AnswerRunOptions): Promise<Answer>;
  /**
   * Whether `answer` would answer rather than say "not found" (the extractive reading decides
   * with or without a language model), without writing the answer; with the answerability
   * model's probability when the model decided.
   */
  assess(input: AnswerInput): { grounded: boolean; answerability?: number };
  /**
   * "Diễn biến …": the dated events of the passages, oldest first, each cited; written by the
   * language model when one is configured and its lines keep every date and citation, extractive
   * otherwise. Undefined when no passage tells a dated event of the question.
   */
  timeline(question: string, results: readonly SearchResult[], opts?: AnswerRunOptions): Promise<TimelineAnswer | undefined>;
}

/**
 * Passages whose sentences stay read between questions: a corpus's popular passages answer
 * question after question. A few hundred KB per hundred passages.
 */
const READ_PASSAGES_KEPT = 2000;

function extractive(
  input: AnswerInput,
  may: (documentId: string) => boolean,
  readPassage: PassageReader,
  answerability: AnswerabilityModel | undefined,
): ExtractiveAnswer {
  const { followUp } = input;
  const common = {
    relevant: input.relevant,
    readPassage,
    mayAnswer: may,
    ...(answerability ? { answerability } : {}),
    ...(input.newestFirst ? { newestFirst: true } : {}),
    ...(input.today ? { now: new Date(`${input.today}T12:00:00Z`) } : {}),
  };
  const restored = input.restoredQuestion ? { askedAs: input.restoredQuestion } : {};
  return followUp
    ? answerExtractively(followUp.question, input.results, {
        ...common,
        context: followUp.context,
        ...(followUp.previousDocuments ? { preferDocuments: followUp.previousDocuments } : {}),
        ...(followUp.focus && followUp.focus.length > 0 ? { focus: followUp.focus } : {}),
      })
    : answerExtractively(input.question, input.results, { ...common, ...restored });
}

/** The answer record as clients see it: the answerability probability is for diagnosis only. */
function withoutScore(a: ExtractiveAnswer): Omit<ExtractiveAnswer, 'answerability'> {
  const { answerability: _score, ...rest } = a;
  return rest;
}

function emitPieces(answer: string, onDelta?: (text: string) => void): void {
  if (!onDelta) return;
  for (const piece of streamingPieces(answer)) onDelta(piece);
}

export interface AnswererDeps {
  llm?: LlmAnswerer;
  onLlmError?: (err: unknown) => void;
  /** The model's timeline lost a date or a citation (the reason says which); the extractive one was used. */
  onTimelineRejected?: (reason: string) => void;
  /**
   * The not-found decision: the committed learned model by default; `null` falls back to
   * retrieval's relevance threshold (what the answerability model is compared with).
   */
  answerability?: AnswerabilityModel | null;
}

export function makeAnswerer(deps: AnswererDeps = {}): Answerer {
  const { llm, onLlmError, onTimelineRejected } = deps;
  const answerability = deps.answerability === null ? undefined : (deps.answerability ?? loadCommittedAnswerabilityModel());
  const readPassage = makeCachedPassageReader(READ_PASSAGES_KEPT);
  // Only articles that name what the question names may answer it, extractively or not.
  const answeringArticles = (input: AnswerInput) => mayAnswer(input.followUp?.question ?? input.question, input.results);
  return {
    assess(input) {
      const { grounded, answerability: p } = extractive(input, answeringArticles(input), readPassage, answerability);
      return p === undefined ? { grounded } : { grounded, answerability: p };
    },

    async answer(input, opts = {}) {
      // The same not-found decision with or without a language model: the extractive reading
      // of the passages says whether they hold an answer at all.
      const may = answeringArticles(input);
      const grounded = extractive(input, may, readPassage, answerability);
      opts.onDecided?.(grounded.grounded);
      const canUseLlm = llm !== undefined && grounded.grounded;
      if (!canUseLlm) {
        // No model, or nothing that answers to give it: a model could only guess.
        emitPieces(grounded.answer, opts.onDelta);
        return { ...withoutScore(grounded), mode: 'extractive' };
      }
      try {
        const results = input.results.filter((r) => may(r.documentId));
        const checked = await llm.answer(input.question, results, opts);
        return { ...checked, mode: 'llm' };
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        onLlmError?.(err);
        emitPieces(grounded.answer, opts.onDelta);
        return { ...withoutScore(grounded), mode: 'fallback', notice: LLM_FALLBACK_NOTICE };
      }
    },

    async timeline(question, results, opts = {}) {
      const built = buildTimeline(question, results, { readPassage });
      if (!built.grounded) return undefined;
      const extractiveTimeline = (mode: Answer['mode'], notice?: string): TimelineAnswer => {
        for (const line of built.answer.split(/(?<=\n)/)) opts.onDelta?.(line);
        const { answer, citations, events } = built;
        return { answer, citations, grounded: true, events, mode, ...(notice ? { notice } : {}) };
      };
      if (!llm) return extractiveTimeline('extractive');
      let reply: string;
      try {
        reply = await llm.timeline(question, built.events, built.citations, opts.signal ? { signal: opts.signal } : {});
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        onLlmError?.(err);
        return extractiveTimeline('fallback', LLM_FALLBACK_NOTICE);
      }
      const checked = checkTimelineReply(reply, built);
      if (!checked.ok) {
        onTimelineRejected?.(checked.reason);
        return extractiveTimeline('fallback', TIMELINE_FALLBACK_NOTICE);
      }
      for (const line of checked.answer.split(/(?<=\n)/)) opts.onDelta?.(line);
      return { answer: checked.answer, citations: checked.citations, grounded: true, events: built.events, mode: 'llm' };
    },
  };
}
