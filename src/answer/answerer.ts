import type { SearchResult } from '../retrieval/types.js';
import { answerExtractively, streamingPieces, type ExtractiveAnswer } from './extractive.js';
import type { LlmAnswerer } from './llm.js';
import { makeCachedPassageReader, type PassageReader } from './passageSentences.js';
import { LLM_FALLBACK_NOTICE, type Answer } from './types.js';

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
   * A follow-up resolved without a model: the extractive answer scores sentences on the
   * follow-up's own words, with the previous question's words weighing less.
   */
  followUp?: { question: string; context: string; focus?: readonly string[] };
}

export interface AnswerRunOptions {
  signal?: AbortSignal;
  onDelta?: (text: string) => void;
}

export interface Answerer {
  answer(input: AnswerInput, opts?: AnswerRunOptions): Promise<Answer>;
}

/**
 * Passages whose sentences stay read between questions: a corpus's popular passages answer
 * question after question. A few hundred KB per hundred passages.
 */
const READ_PASSAGES_KEPT = 2000;

function extractive(input: AnswerInput, readPassage: PassageReader): ExtractiveAnswer {
  const { followUp } = input;
  return followUp
    ? answerExtractively(followUp.question, input.results, {
        relevant: input.relevant,
        context: followUp.context,
        readPassage,
        ...(followUp.focus && followUp.focus.length > 0 ? { focus: followUp.focus } : {}),
      })
    : answerExtractively(input.question, input.results, { relevant: input.relevant, readPassage });
}

function emitPieces(answer: string, onDelta?: (text: string) => void): void {
  if (!onDelta) return;
  for (const piece of streamingPieces(answer)) onDelta(piece);
}

export function makeAnswerer(deps: { llm?: LlmAnswerer; onLlmError?: (err: unknown) => void } = {}): Answerer {
  const { llm, onLlmError } = deps;
  const readPassage = makeCachedPassageReader(READ_PASSAGES_KEPT);
  return {
    async answer(input, opts = {}) {
      const canUseLlm = llm !== undefined && input.relevant && input.results.length > 0;
      if (!canUseLlm) {
        // No model, or nothing relevant to give it: a model could only guess.
        const result = extractive(input, readPassage);
        emitPieces(result.answer, opts.onDelta);
        return { ...result, mode: 'extractive' };
      }
      try {
        const checked = await llm.answer(input.question, input.results, opts);
        return { ...checked, mode: 'llm' };
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        onLlmError?.(err);
        const result = extractive(input, readPassage);
        emitPieces(result.answer, opts.onDelta);
        return { ...result, mode: 'fallback', notice: LLM_FALLBACK_NOTICE };
      }
    },
  };
}
