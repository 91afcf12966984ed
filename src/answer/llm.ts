import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../config/config.js';
import type { SearchResult } from '../retrieval/types.js';
import { checkCitations, stripMarkers, type CheckedAnswer } from './citations.js';
import { fillTemplate, loadPrompts, type Prompts } from './prompts.js';
import type { TimelineEvent } from './timeline.js';
import type { Citation } from './types.js';

/**
 * Answers with a chat model (any OpenAI-compatible server, or Ollama) given the numbered
 * retrieved passages, then checks its citations. Every failure is thrown, so the caller can fall
 * back to the extractive answer.
 */

export class LlmError extends Error {
  override readonly name = 'LlmError';
}

/** The configured chat model, or undefined when LLM_PROVIDER=none. */
export function makeChatModel(config: Config): BaseChatModel | undefined {
  const { provider, baseUrl, model, apiKey, temperature, timeoutMs } = config.llm;
  if (provider === 'none' || !model) return undefined;
  if (provider === 'ollama') {
    return new ChatOllama({ model, temperature, ...(baseUrl ? { baseUrl } : {}) });
  }
  return new ChatOpenAI({
    model,
    temperature,
    // Local OpenAI-compatible servers need no key, but the client refuses to start without one.
    apiKey: apiKey ?? 'not-needed',
    timeout: timeoutMs,
    // One retry for a dropped connection; more would only delay the extractive fallback.
    maxRetries: 1,
    ...(baseUrl ? { configuration: { baseURL: baseUrl } } : {}),
  });
}

/** A previous exchange, for rewriting a follow-up into a standalone question. */
export interface HistoryTurn {
  question: string;
  answer: string;
}

export interface LlmAnswerOptions {
  signal?: AbortSignal;
  /** Called with each piece of text as the model produces it. */
  onDelta?: (text: string) => void;
}

export interface LlmAnswerer {
  answer(question: string, sources: readonly SearchResult[], opts?: LlmAnswerOptions): Promise<CheckedAnswer>;
  /**
   * Rewrites the dated events of an extractive timeline (oldest first, each with its date and
   * citation number) as one line per event; the reply is returned unchecked (see
   * checkTimelineReply). Not streamed: a timeline is checked whole before anyone sees it.
   */
  timeline(question: string, events: readonly TimelineEvent[], sources: readonly Citation[], opts?: { signal?: AbortSignal }): Promise<string>;
  /** Rewrites a follow-up into a standalone question using the conversation so far. */
  condense(question: string, history: readonly HistoryTurn[], opts?: { signal?: AbortSignal }): Promise<string>;
}

/** Sources as the model sees them: numbered, with their provenance, fenced as data. */
export function formatSources(sources: readonly SearchResult[]): string {
  return sources
    .map((s, i) => {
      const meta = [s.title, s.outlet, s.publishedAt].filter((x): x is string => !!x).join(' — ');
      // The fence must not be closable from inside a source.
      const body = s.text.replaceAll('</nguon>', '</ nguon>');
      return `[${i + 1}] ${meta}\n<nguon so="${i + 1}">\n${body}\n</nguon>`;
    })
    .join('\n\n');
}

/** The cited articles of a timeline, by number, as the model sees them. */
export function formatTimelineSources(sources: readonly Citation[]): string {
  return sources
    .map((s) => `[${s.n}] ${[s.title, s.outlet, s.publishedAt?.slice(0, 10)].filter((x): x is string => !!x).join(' — ')}`)
    .join('\n');
}

/** A timeline's events, one per line: date, citation, the sentence (on one line, fenced as data). */
export function formatTimelineEvents(events: readonly TimelineEvent[]): string {
  return events
    .map((e) => `${e.label} [${e.n}]: <su_kien>${e.text.replace(/\s+/g, ' ').replaceAll('</su_kien>', '</ su_kien>')}</su_kien>`)
    .join('\n');
}

/** Conversation so far, most recent last, answers shortened: enough to resolve "ông ấy". */
export function formatHistory(history: readonly HistoryTurn[], maxTurns = 3): string {
  return history
    .slice(-maxTurns)
    .map((t) => {
      const answer = stripMarkers(t.answer);
      const short = answer.length > 400 ? `${answer.slice(0, 400)}…` : answer;
      return `Người dùng: ${t.question}\nTrợ lý: ${short}`;
    })
    .join('\n');
}

function chunkText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p: unknown) =>
        typeof p === 'object' && p !== null && 'text' in p && typeof p.text === 'string' ? p.text : '',
      )
      .join('');
  }
  return '';
}

/**
 * An abort signal that fires when `parent` does, or when no progress was reported for
 * `idleMs`; `touch()` reports progress (a streamed token).
 */
function idleDeadline(idleMs: number, parent?: AbortSignal) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => controller.abort(new LlmError(`the language model sent nothing for ${idleMs} ms`)),
      idleMs,
    );
  };
  const onParentAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onParentAbort, { once: true });
  if (parent?.aborted) controller.abort(parent.reason);
  touch();
  const dispose = () => {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
  };
  return { signal: controller.signal, touch, dispose };
}

/** The first line of the model's rewrite, without quotes or a label it may have added. */
function cleanCondensed(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  return line
    .replace(/^(?:câu hỏi độc lập|câu hỏi)\s*:\s*/iu, '')
    .replace(/^["“'«]+|["”'»]+$/gu, '')
    .trim();
}

export function makeLlmAnswerer(deps: { model: BaseChatModel; prompts: Prompts; timeoutMs: number }): LlmAnswerer {
  const { model, prompts, timeoutMs } = deps;

  /**
   * The model's reply: streamed (each piece to `onDelta`, the deadline counting from the last
   * piece) when someone listens, one request otherwise (the deadline counting from the start).
   */
  async function generate(messages: BaseMessage[], opts: LlmAnswerOptions): Promise<string> {
    const deadline = idleDeadline(timeoutMs, opts.signal);
    try {
      if (!opts.onDelta) return chunkText((await model.invoke(messages, { signal: deadline.signal })).content);
      let text = '';
      const stream = await model.stream(messages, { signal: deadline.signal });
      for await (const chunk of stream) {
        deadline.touch();
        const piece = chunkText(chunk.content);
        if (piece.length === 0) continue;
        text += piece;
        opts.onDelta(piece);
      }
      return text;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const reason: unknown = deadline.signal.aborted ? deadline.signal.reason : err;
      throw new LlmError(`language model failed: ${reason instanceof Error ? reason.message : String(reason)}`, {
        cause: err,
      });
    } finally {
      deadline.dispose();
    }
  }

  return {
    async answer(question, sources, opts = {}) {
      const messages = [
        new SystemMessage(prompts.answerSystem),
        new HumanMessage(fillTemplate(prompts.answerUser, { sources: formatSources(sources), question })),
      ];
      const text = await generate(messages, opts);
      if (text.trim().length === 0) throw new LlmError('language model returned an empty answer');
      return checkCitations(text, sources);
    },

    async timeline(question, events, sources, opts = {}) {
      const messages = [
        new SystemMessage(prompts.timelineSystem),
        new HumanMessage(
          fillTemplate(prompts.timelineUser, {
            sources: formatTimelineSources(sources),
            events: formatTimelineEvents(events),
            question,
          }),
        ),
      ];
      const text = await generate(messages, opts.signal ? { signal: opts.signal } : {});
      if (text.trim().length === 0) throw new LlmError('language model returned an empty timeline');
      return text;
    },

    async condense(question, history, opts = {}) {
      const prompt = fillTemplate(prompts.condense, { history: formatHistory(history), question });
      const text = await generate([new HumanMessage(prompt)], opts.signal ? { signal: opts.signal } : {});
      const condensed = cleanCondensed(text);
      // A rewrite that is empty or rambles is not a question; keep the user's own words.
      if (condensed.length === 0 || condensed.length > question.length * 4 + 300) {
        throw new LlmError('language model returned no usable standalone question');
      }
      return condensed;
    },
  };
}

/** The answerer LLM_PROVIDER asks for, with the prompt files; undefined when it is "none". */
export async function makeLlmAnswererFromConfig(config: Config): Promise<LlmAnswerer | undefined> {
  const model = makeChatModel(config);
  if (!model) return undefined;
  return makeLlmAnswerer({ model, prompts: await loadPrompts(), timeoutMs: config.llm.timeoutMs });
}
