import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AnswerMode, Citation } from '../answer/types.js';
import { searchFilterSchema, type SearchFilter } from '../store/filter.js';
import type { Period } from '../text/time.js';

/** One question and its answer in a conversation. */
export interface Turn {
  messageId: string;
  /** The user's words, normalised. */
  question: string;
  /** What retrieval actually searched for (the follow-up rewritten or joined with context). */
  standaloneQuestion: string;
  answer: string;
  citations: Citation[];
  grounded: boolean;
  mode: AnswerMode;
  createdAt: number;
  /**
   * The filter the user gave for this turn, or kept from an earlier one: the conversation's
   * filter, which its follow-ups keep until a request gives another (`{}` clears it).
   */
  filter?: SearchFilter;
  /** The period read from the question's words ("năm 2019"), when there was one. */
  period?: Period;
}

/** The filter a conversation keeps for its next turn: the latest turn's. */
export function conversationFilter(turns: readonly Turn[]): SearchFilter | undefined {
  return turns[turns.length - 1]?.filter;
}

const citationSchema = z.object({
  n: z.number().int(),
  documentId: z.string(),
  title: z.string(),
  outlet: z.string().nullable(),
  publishedAt: z.string().nullable(),
  snippet: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  chunkId: z.string(),
});

const periodSchema = z.object({ from: z.string(), to: z.string(), text: z.string() });

/** A turn as stored outside the process (Redis): parsed, never trusted. */
export const turnSchema = z.object({
  messageId: z.string(),
  question: z.string(),
  standaloneQuestion: z.string(),
  answer: z.string(),
  citations: z.array(citationSchema),
  grounded: z.boolean(),
  mode: z.enum(['extractive', 'llm', 'fallback']),
  createdAt: z.number(),
  filter: searchFilterSchema.optional(),
  period: periodSchema.optional(),
});

/** A stored turn back into a Turn; undefined when it is not one (an older or corrupted value). */
export function parseStoredTurn(json: string): Turn | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = turnSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { filter, period, ...rest } = parsed.data;
  const turn: Turn = { ...rest, citations: rest.citations satisfies Citation[] };
  if (filter) turn.filter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as SearchFilter;
  if (period) turn.period = period;
  return turn;
}

export interface Conversation {
  id: string;
  turns: Turn[];
  createdAt: number;
  updatedAt: number;
}

export class ConversationNotFoundError extends Error {
  override readonly name = 'ConversationNotFoundError';
  constructor(readonly conversationId: string) {
    super(`conversation ${conversationId} does not exist (or has expired); start a new one`);
  }
}

/**
 * Where conversations live. Async so a persistent store (Redis, SQLite) can replace the
 * in-memory one without touching its callers.
 */
export interface ConversationStore {
  create(): Promise<Conversation>;
  /** A snapshot of the conversation, or undefined when unknown or expired. */
  get(id: string): Promise<Conversation | undefined>;
  /** Adds a turn; throws ConversationNotFoundError when the conversation is gone. */
  append(id: string, turn: Turn): Promise<void>;
  /** The turn with this message id and its conversation, for feedback. */
  findMessage(messageId: string): Promise<{ conversationId: string; turn: Turn } | undefined>;
  size(): Promise<number>;
}

export interface InMemoryStoreOptions {
  /** Most conversations kept; the least recently used goes first. */
  max: number;
  /** Most turns kept per conversation; the oldest go first. */
  maxTurns: number;
  /** A conversation unused (neither read nor written) for this long is forgotten. */
  ttlMs: number;
  now?: () => number;
}

function snapshot(c: Conversation): Conversation {
  return { ...c, turns: [...c.turns] };
}

export function makeInMemoryConversationStore(opts: InMemoryStoreOptions): ConversationStore {
  const now = opts.now ?? Date.now;
  // Map iteration order is insertion order: re-inserting on use makes the first entry the LRU.
  const conversations = new Map<string, Conversation>();
  const messages = new Map<string, string>();

  const forget = (c: Conversation) => {
    conversations.delete(c.id);
    for (const t of c.turns) messages.delete(t.messageId);
  };
  const expired = (c: Conversation) => now() - c.updatedAt > opts.ttlMs;

  /** The live conversation, marked as most recently used; expired ones are dropped on sight. */
  const touch = (id: string): Conversation | undefined => {
    const c = conversations.get(id);
    if (!c) return undefined;
    if (expired(c)) {
      forget(c);
      return undefined;
    }
    conversations.delete(id);
    conversations.set(id, c);
    c.updatedAt = now();
    return c;
  };

  const evict = () => {
    // Every use moves a conversation to the end, so the expired ones are all at the front.
    for (const c of conversations.values()) {
      if (!expired(c)) break;
      forget(c);
    }
    while (conversations.size >= opts.max) {
      const oldest = conversations.values().next().value;
      if (!oldest) break;
      forget(oldest);
    }
  };

  return {
    async create() {
      evict();
      const t = now();
      const c: Conversation = { id: randomUUID(), turns: [], createdAt: t, updatedAt: t };
      conversations.set(c.id, c);
      return snapshot(c);
    },
    async get(id) {
      const c = touch(id);
      return c ? snapshot(c) : undefined;
    },
    async append(id, turn) {
      const c = touch(id);
      if (!c) throw new ConversationNotFoundError(id);
      c.turns.push(turn);
      messages.set(turn.messageId, id);
      while (c.turns.length > opts.maxTurns) {
        const dropped = c.turns.shift();
        if (dropped) messages.delete(dropped.messageId);
      }
    },
    async findMessage(messageId) {
      const conversationId = messages.get(messageId);
      if (conversationId === undefined) return undefined;
      const c = conversations.get(conversationId);
      if (!c || expired(c)) {
        if (c) forget(c);
        return undefined;
      }
      const turn = c.turns.find((t) => t.messageId === messageId);
      return turn ? { conversationId, turn } : undefined;
    },
    async size() {
      return conversations.size;
    },
  };
}
