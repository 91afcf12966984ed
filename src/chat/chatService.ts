import { randomUUID } from 'node:crypto';
import { makeAnswerer, type AnswerInput, type AnswererDeps, type TimelineAnswer } from '../answer/answerer.js';
import type { LlmAnswerer } from '../answer/llm.js';
import { comparisonSides, joinSideAnswers } from '../answer/comparison.js';
import { asksForTimeline, timelineTopic, type TimelineEvent } from '../answer/timeline.js';
import type { Answer, Citation } from '../answer/types.js';
import type { Config } from '../config/config.js';
import { joinSearchResults } from '../retrieval/hybrid.js';
import type { SearchResult, Searcher } from '../retrieval/types.js';
import type { SearchFilter } from '../store/filter.js';
import type { ArchiveFacets } from '../store/types.js';
import { normalizeQuery } from '../text/normalize.js';
import { conversationFilter, type ConversationStore, type Turn } from './conversations.js';
import { ConversationNotFoundError } from './conversations.js';
import { focusTerms, isFollowUp, mentionsAll, stripAnaphora } from './followUp.js';
import { makeTurnScope, periodNotFoundNotice, periodPreamble, resolveReferenceDay, type PeriodReport, type TurnScope } from './timeScope.js';

/**
 * One chat turn end to end: resolve the conversation, make the question standalone (a model's
 * rewrite, or the heuristic), retrieve, answer, remember the turn.
 */

export interface ChatRequest {
  message: string;
  conversationId?: string;
  /**
   * Which articles to search. Absent: the conversation's filter (the one its last turn used);
   * given: it replaces the conversation's filter for this turn and the next ones (`{}` clears it).
   */
  filter?: SearchFilter;
}

/** What narrowed the search, as the record and the stream's `sources` event report it. */
export interface AppliedScope {
  /** The filter the search applied (the request's or the conversation's), null for none. */
  filter: SearchFilter | null;
  /**
   * The period read from the question ("năm 2019" → 2019-01-01…2019-12-31, with the words), or
   * kept from the previous turn by a follow-up; `applied` is false when the filter's dates won.
   */
  period: PeriodReport | null;
  /** The question asked for the newest ("mới nhất"): passages were re-ranked by recency. */
  recency: boolean;
}

/** The JSON record of `POST /api/chat`, and the `done` event of the stream. */
export interface ChatRecord extends Answer, AppliedScope {
  conversationId: string;
  messageId: string;
  /** The dated events, oldest first, when the question asked how something unfolded ("diễn biến"). */
  timeline?: TimelineEvent[];
  /** "Bài liên quan": other retrieved articles on the question, not cited, for a researcher to read next. */
  related: RelatedArticle[];
}

export interface RelatedArticle {
  documentId: string;
  title: string;
  outlet: string | null;
  publishedAt: string | null;
}

/** At most this many related articles. */
const RELATED_MAX = 3;

/**
 * Retrieved articles the answer does not cite, best first: only when the answer is grounded, and
 * only articles whose best passage is relevant (the same threshold as answering at all).
 */
export function relatedArticles(results: readonly SearchResult[], cited: readonly Citation[], threshold: number): RelatedArticle[] {
  const seen = new Set(cited.map((c) => c.documentId));
  const out: RelatedArticle[] = [];
  for (const r of results) {
    if (out.length >= RELATED_MAX) break;
    if (seen.has(r.documentId) || r.score < threshold) continue;
    seen.add(r.documentId);
    out.push({ documentId: r.documentId, title: r.title, outlet: r.outlet, publishedAt: r.publishedAt });
  }
  return out;
}

export interface ChatRunOptions {
  signal?: AbortSignal;
  /** The retrieved passages the answer may cite, before any answer text, and what narrowed them. */
  onSources?: (candidates: Citation[], scope: AppliedScope) => void;
  onDelta?: (text: string) => void;
}

/** A turn whose conversation and message ids are settled, ready to run. */
export interface ChatExchange {
  conversationId: string;
  messageId: string;
  run(opts?: ChatRunOptions): Promise<ChatRecord>;
}

export interface ChatService {
  /** Throws ConversationNotFoundError for an unknown conversation id, before any work. */
  begin(req: ChatRequest): Promise<ChatExchange>;
  chat(req: ChatRequest, opts?: ChatRunOptions): Promise<ChatRecord>;
}

export interface ChatLogger {
  warn(obj: object, msg?: string): void;
}

export interface ChatServiceDeps {
  config: Config;
  searcher: Searcher;
  store: ConversationStore;
  llm?: LlmAnswerer;
  logger?: ChatLogger;
  /** The not-found decision; default the committed learned model (see makeAnswerer). */
  answerability?: AnswererDeps['answerability'];
  /** The archive's facets (its newest day is the reference of TIME_REFERENCE=archive). */
  facets?: () => Promise<ArchiveFacets>;
}

interface Retrieval {
  standalone: string;
  results: SearchResult[];
  relevant: boolean;
  /** The standalone question with its diacritics put back, when it was typed without them. */
  restored?: string;
  followUp?: { question: string; context: string; focus: string[]; previousDocuments?: string[] };
}

/** Follow-ups stay within a bounded query even after many turns of "còn … thì sao?". */
const MAX_CONTEXT_CHARS = 400;
/** How much surer the conversation's reading must be answered than the question alone to win. */
const LEANING_MARGIN = 0.2;
/** Ordering bonus for passages of the documents the previous answer cited. */
const PREVIOUS_DOCUMENT_BONUS = 0.3;
/**
 * Without a model the answer quotes sentences, and the one that holds the fact ("300 hội nghị")
 * is often in a passage ranked just below k: the extractive answerer reads this many passages
 * (it still prefers the higher-ranked ones). A model's prompt gets only k.
 */
const EXTRACTIVE_POOL = 10;
/** A timeline draws on every article that tells the story: more passages than one answer needs. */
const TIMELINE_POOL = 20;

/** Retrieved passages as candidate citations, numbered as the model sees them. */
export function candidateCitations(results: readonly SearchResult[]): Citation[] {
  return results.map((r, i) => ({
    n: i + 1,
    documentId: r.documentId,
    title: r.title,
    outlet: r.outlet,
    publishedAt: r.publishedAt,
    snippet: r.text,
    start: r.start,
    end: r.end,
    chunkId: r.chunkId,
  }));
}

function withoutEvents(t: TimelineAnswer): Answer {
  const { events: _events, ...answer } = t;
  return answer;
}

/** What the answerer reads of a turn's retrieval. */
function answerInput(retrieval: Retrieval, scope: TurnScope): AnswerInput {
  return {
    question: retrieval.standalone,
    results: retrieval.results,
    relevant: retrieval.relevant,
    ...(retrieval.restored ? { restoredQuestion: retrieval.restored } : {}),
    ...(retrieval.followUp ? { followUp: retrieval.followUp } : {}),
    ...(scope.recency ? { newestFirst: true } : {}),
    today: scope.reference,
  };
}

/** Timelines and comparisons are searched their own way, never joined to the conversation. */
function mayLeanOnConversation(question: string): boolean {
  return !asksForTimeline(question) && comparisonSides(question).length < 2;
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : text.slice(text.length - max).replace(/^\S*\s/, '');
}

export function makeChatService(deps: ChatServiceDeps): ChatService {
  const { config, searcher, store, llm, logger, facets } = deps;
  const k = config.retrieval.k;
  const pool = llm ? k : Math.max(k, EXTRACTIVE_POOL);
  const answerer = makeAnswerer({
    ...(llm ? { llm } : {}),
    ...(deps.answerability !== undefined ? { answerability: deps.answerability } : {}),
    onLlmError: (err) => logger?.warn({ err }, 'language model failed; answering extractively'),
    onTimelineRejected: (reason) => logger?.warn({ reason }, 'the language model\'s timeline lost a date or a citation; using the extractive timeline'),
  });

  async function plain(question: string, scope: TurnScope): Promise<Retrieval> {
    const timeline = asksForTimeline(question);
    const { results, relevant, restoredQuery } = await scope.search(searcher, timeline ? timelineTopic(question) : question, {
      k: timeline ? Math.max(pool, TIMELINE_POOL) : pool,
    });
    return { standalone: question, results, relevant, ...(restoredQuery && !timeline ? { restored: restoredQuery } : {}) };
  }

  /**
   * Without a model: search with the previous question joined on. A follow-up that names a new
   * topic ("Còn OSCE thì sao?") also searches on its own and puts passages naming that topic
   * first; one that names nothing ("Ai phát biểu khai mạc?") prefers the documents just cited.
   */
  async function heuristicFollowUp(question: string, prev: Turn, scope: TurnScope): Promise<Retrieval> {
    const own = stripAnaphora(question);
    const focus = focusTerms(own);
    const context = tail(prev.standaloneQuestion, MAX_CONTEXT_CHARS);
    const joined = `${context} ${own}`;
    const wide = { k: Math.max(k * 2, pool) };
    const prevDocs = new Set(prev.citations.map((c) => c.documentId));
    const searches = [scope.search(searcher, joined, wide)];
    if (focus.length > 0) searches.push(scope.search(searcher, own, wide));
    // "Ông ấy …", "vụ này": without a new name the follow-up is about the articles just cited,
    // whose other passages the joined question may not rank among the archive's best.
    else if (prevDocs.size > 0) searches.push(scope.search(searcher, joined, wide, { documentIds: [...prevDocs] }));
    const responses = await Promise.all(searches);
    const merged = joinSearchResults(responses.map((r) => r.results));
    // Passages naming the new topic first; among them, and without one, the documents just cited.
    const rank = (r: SearchResult) =>
      (focus.length > 0 && mentionsAll(r.text, focus) ? 1 : 0) + r.score + (prevDocs.has(r.documentId) ? PREVIOUS_DOCUMENT_BONUS : 0);
    const results = merged.sort((a, b) => rank(b) - rank(a)).slice(0, pool);
    return {
      standalone: joined,
      results,
      relevant: responses.some((r) => r.relevant),
      followUp: { question: own, context, focus, previousDocuments: [...prevDocs] },
    };
  }

  /**
   * `readAs` is the question with its diacritics put back when it was typed without them: a
   * follow-up is recognised ("ong ay" → "ông ấy", "luc do" → "lúc đó"), stripped and joined to
   * the conversation in that form, as a question alone is searched and read in it.
   */
  async function retrieve(asked: string, readAs: string, followUp: boolean, turns: readonly Turn[], scope: TurnScope, signal?: AbortSignal): Promise<Retrieval> {
    const question = scope.query(asked);
    const prev = turns[turns.length - 1];
    if (!prev) return plain(question, scope);
    if (llm) {
      try {
        const history = turns.map((t) => ({ question: t.question, answer: t.answer }));
        const standalone = normalizeQuery(await llm.condense(question, history, signal ? { signal } : {}));
        return await plain(scope.query(standalone), scope);
      } catch (err) {
        if (signal?.aborted) throw err;
        logger?.warn({ err }, 'could not rewrite the follow-up with the language model; using the heuristic');
      }
    }
    if (followUp) return heuristicFollowUp(scope.query(readAs), prev, scope);
    const alone = await plain(question, scope);
    if (!mayLeanOnConversation(question)) return alone;
    // Read as standalone by the rules ("Thị trường châu Âu xếp thứ mấy?" names a topic of its
    // own), it may still lean on the conversation: asked as a follow-up too, that reading is kept
    // when it answers and the question alone does not, or answers far more surely.
    const a = answerer.assess(answerInput(alone, scope));
    // Answered alone so surely (or without a probability to compare) that no reading can win.
    if (a.grounded && (a.answerability ?? 1) + LEANING_MARGIN >= 1) return alone;
    const leaning = await heuristicFollowUp(scope.query(readAs), prev, scope);
    const b = answerer.assess(answerInput(leaning, scope));
    if (!b.grounded) return alone;
    if (!a.grounded) return leaning;
    return (b.answerability ?? 0) > (a.answerability ?? 1) + LEANING_MARGIN ? leaning : alone;
  }

  async function begin(req: ChatRequest): Promise<ChatExchange> {
    const existing = req.conversationId !== undefined ? await store.get(req.conversationId) : undefined;
    if (req.conversationId !== undefined && !existing) throw new ConversationNotFoundError(req.conversationId);
    const conversation = existing ?? (await store.create());
    const messageId = randomUUID();
    const question = normalizeQuery(req.message);

    const filter = req.filter ?? conversationFilter(conversation.turns);
    const previous = conversation.turns[conversation.turns.length - 1];

    const run = async (opts: ChatRunOptions = {}): Promise<ChatRecord> => {
      // Read once per turn: both uses see the same commit, and a remote store is asked once.
      const archiveFacets = facets ? await facets() : null;
      const readAs = previous && searcher.restoreTones ? await searcher.restoreTones(question) : question;
      const followUp = previous !== undefined && isFollowUp(readAs);
      const scope = makeTurnScope({
        question,
        filter,
        ...(previous?.period ? { previousPeriod: previous.period } : {}),
        isFollowUp: followUp,
        reference: resolveReferenceDay(config.time.reference, archiveFacets),
        relevanceThreshold: config.retrieval.relevanceThreshold,
        archiveHasDates: archiveFacets ? archiveFacets.lastPublished !== null : true,
      });
      const retrieval = await retrieve(question, readAs, followUp, conversation.turns, scope, opts.signal);
      opts.signal?.throwIfAborted();
      const applied: AppliedScope = { filter: scope.filter ?? null, period: scope.period, recency: scope.recency };
      // The answer says which period narrowed it, found or not: a period is never dropped silently.
      const narrowed = scope.period?.applied ? scope.period : null;
      const preamble = narrowed ? periodPreamble(narrowed) : '';
      // The stream opens with the sources once the answer is decided: a "not found" lists none,
      // whatever retrieval thought of its passages.
      let opened = false;
      const open = (grounded: boolean) => {
        if (opened) return;
        opened = true;
        opts.onSources?.(grounded ? candidateCitations(retrieval.results.slice(0, k)) : [], applied);
        if (preamble) opts.onDelta?.(preamble);
      };
      // Text comes only from a grounded timeline or comparison, or after the answerer decided.
      const onDelta = (text: string) => {
        open(true);
        opts.onDelta?.(text);
      };
      const streaming: ChatRunOptions = { ...opts, onDelta };
      const timeline =
        retrieval.relevant && asksForTimeline(question)
          ? await answerer.timeline(retrieval.standalone, retrieval.results, {
              ...(opts.signal ? { signal: opts.signal } : {}),
              onDelta,
            })
          : undefined;
      const compared = timeline ? undefined : await compareSides(question, scope, streaming);
      const answered: Answer = timeline
        ? withoutEvents(timeline)
        : compared
          ? compared
          : await answerer.answer(answerInput(retrieval, scope), {
              ...(opts.signal ? { signal: opts.signal } : {}),
              onDecided: open,
              onDelta,
            });
      opts.signal?.throwIfAborted();
      open(answered.grounded);
      const answer = narrowed
        ? {
            ...answered,
            answer: preamble + answered.answer,
            ...(answered.grounded || narrowed.found ? {} : { notice: periodNotFoundNotice(narrowed) }),
          }
        : answered;
      const record: ChatRecord = {
        conversationId: conversation.id,
        messageId,
        ...answer,
        ...applied,
        ...(timeline ? { timeline: timeline.events } : {}),
        related: answer.grounded ? relatedArticles(retrieval.results, answer.citations, config.retrieval.relevanceThreshold) : [],
      };
      await remember(conversation.id, {
        messageId,
        question,
        standaloneQuestion: retrieval.standalone,
        answer: answer.answer,
        citations: answer.citations,
        grounded: answer.grounded,
        mode: answer.mode,
        createdAt: Date.now(),
        ...(filter ? { filter } : {}),
        // A follow-up keeps the period this turn searched, not one it read and dropped.
        ...(scope.period?.applied ? { period: { from: scope.period.from, to: scope.period.to, text: scope.period.text } } : {}),
      });
      return record;
    };
    return { conversationId: conversation.id, messageId, run };
  }

  /**
   * A comparison ("A và B khác nhau thế nào?", "… lần thứ 4 …, còn lần thứ 3?") answered side by
   * side, each from its own search and with its own citations; undefined when the question is
   * not one, or no side finds an answer.
   */
  async function compareSides(question: string, scope: TurnScope, opts: ChatRunOptions): Promise<Answer | undefined> {
    const sides = comparisonSides(question);
    if (sides.length < 2) return undefined;
    const answers = await Promise.all(
      sides.map(async (side) => {
        const { results, relevant } = await scope.search(searcher, side, { k: pool });
        return answerer.answer({ question: side, results, relevant }, opts.signal ? { signal: opts.signal } : {});
      }),
    );
    const joined = joinSideAnswers(answers);
    if (!joined.grounded) return undefined;
    for (const line of joined.answer.split(/(?<=\n)/)) opts.onDelta?.(line);
    const modes = new Set(answers.filter((a) => a.grounded).map((a) => a.mode));
    const mode = modes.size === 1 ? [...modes][0]! : modes.has('fallback') ? 'fallback' : 'llm';
    const notice = answers.find((a) => a.notice)?.notice;
    return { ...joined, mode, ...(notice ? { notice } : {}) };
  }

  async function remember(conversationId: string, turn: Turn): Promise<void> {
    try {
      await store.append(conversationId, turn);
    } catch (err) {
      // Expired while answering: the answer still stands, only the follow-up context is lost.
      if (!(err instanceof ConversationNotFoundError)) throw err;
      logger?.warn({ conversationId }, 'conversation expired before its turn was saved');
    }
  }

  return {
    begin,
    async chat(req, opts) {
      return (await begin(req)).run(opts);
    },
  };
}
