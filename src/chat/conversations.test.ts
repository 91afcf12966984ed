import { describe, expect, it } from 'vitest';
import { ConversationNotFoundError, makeInMemoryConversationStore, type Turn } from './conversations.js';

function turn(messageId: string): Turn {
  return {
    messageId,
    question: `Câu hỏi ${messageId}?`,
    standaloneQuestion: `Câu hỏi ${messageId}?`,
    answer: 'Trả lời [1].',
    citations: [],
    grounded: true,
    mode: 'extractive',
    createdAt: 0,
  };
}

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('makeInMemoryConversationStore', () => {
  it('keeps turns in order and finds a message by id', async () => {
    const store = makeInMemoryConversationStore({ max: 10, maxTurns: 10, ttlMs: 60_000 });
    const c = await store.create();
    await store.append(c.id, turn('m1'));
    await store.append(c.id, turn('m2'));
    expect((await store.get(c.id))?.turns.map((t) => t.messageId)).toEqual(['m1', 'm2']);
    expect((await store.findMessage('m2'))?.conversationId).toBe(c.id);
    expect(await store.findMessage('nope')).toBeUndefined();
  });

  it('returns snapshots that callers cannot use to change the store', async () => {
    const store = makeInMemoryConversationStore({ max: 10, maxTurns: 10, ttlMs: 60_000 });
    const c = await store.create();
    (await store.get(c.id))?.turns.push(turn('sneaky'));
    expect((await store.get(c.id))?.turns).toEqual([]);
  });

  it('evicts the least recently used conversation past the bound', async () => {
    const store = makeInMemoryConversationStore({ max: 2, maxTurns: 10, ttlMs: 60_000 });
    const a = await store.create();
    const b = await store.create();
    await store.append(a.id, turn('a1'));
    await store.get(a.id); // a is now the most recently used: b goes first
    const c = await store.create();
    expect(await store.get(b.id)).toBeUndefined();
    expect(await store.get(a.id)).toBeDefined();
    expect(await store.get(c.id)).toBeDefined();
    expect(await store.size()).toBe(2);
  });

  it('forgets conversations (and their messages) unused for longer than the TTL', async () => {
    const t = clock();
    const store = makeInMemoryConversationStore({ max: 10, maxTurns: 10, ttlMs: 1_000, now: t.now });
    const c = await store.create();
    await store.append(c.id, turn('m1'));
    t.advance(900);
    expect(await store.get(c.id)).toBeDefined(); // use refreshes it
    t.advance(900);
    expect(await store.findMessage('m1')).toBeDefined();
    t.advance(1_001);
    expect(await store.findMessage('m1')).toBeUndefined();
    expect(await store.get(c.id)).toBeUndefined();
    await expect(store.append(c.id, turn('m2'))).rejects.toBeInstanceOf(ConversationNotFoundError);
  });

  it('keeps only the last maxTurns turns of a conversation', async () => {
    const store = makeInMemoryConversationStore({ max: 10, maxTurns: 2, ttlMs: 60_000 });
    const c = await store.create();
    for (const id of ['m1', 'm2', 'm3']) await store.append(c.id, turn(id));
    expect((await store.get(c.id))?.turns.map((t) => t.messageId)).toEqual(['m2', 'm3']);
    expect(await store.findMessage('m1')).toBeUndefined();
  });

  it('refuses to append to an unknown conversation', async () => {
    const store = makeInMemoryConversationStore({ max: 10, maxTurns: 2, ttlMs: 60_000 });
    await expect(store.append('missing', turn('m1'))).rejects.toBeInstanceOf(ConversationNotFoundError);
  });
});

describe('stored turns', () => {
  it('are parsed, never trusted: a value that is not a turn is skipped', async () => {
    const { parseStoredTurn } = await import('./conversations.js');
    const good = { ...turn('m1'), filter: { outlets: ['VOV'] } };
    expect(parseStoredTurn(JSON.stringify(good))).toEqual(good);
    expect(parseStoredTurn('{not json')).toBeUndefined();
    expect(parseStoredTurn(JSON.stringify({ ...good, mode: 'magic' }))).toBeUndefined();
    expect(parseStoredTurn(JSON.stringify({ ...good, filter: { outlet: 'VOV' } }))).toBeUndefined();
  });
});
