import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationNotFoundError, makeInMemoryConversationStore, type ConversationStore, type Turn } from '../src/chat/conversations.js';
import { makeRedisConversationStore, type RedisConversationStore } from '../src/chat/redisConversationStore.js';
import { startRedis, type RedisServer } from './helpers/redis.js';

function turn(n: number): Turn {
  return {
    messageId: `m-${n}-${Math.random().toString(36).slice(2)}`,
    question: `Câu hỏi ${n}?`,
    standaloneQuestion: `Câu hỏi ${n}?`,
    answer: `Trả lời ${n} [1].`,
    citations: [],
    grounded: true,
    mode: 'extractive',
    createdAt: n,
  };
}

/** The behaviour every ConversationStore must have, whatever keeps the data. */
function conversationStoreContract(name: string, make: (o: { maxTurns: number; ttlMs: number }) => Promise<ConversationStore>) {
  describe(`${name} conversation store`, () => {
    it('keeps turns in order and finds a message by id', async () => {
      const store = await make({ maxTurns: 10, ttlMs: 60_000 });
      const c = await store.create();
      const t1 = turn(1);
      const t2 = turn(2);
      await store.append(c.id, t1);
      await store.append(c.id, t2);
      const got = await store.get(c.id);
      expect(got?.turns.map((t) => t.messageId)).toEqual([t1.messageId, t2.messageId]);
      expect(got?.turns[1]).toEqual(t2);
      expect(await store.findMessage(t2.messageId)).toEqual({ conversationId: c.id, turn: t2 });
      expect(await store.findMessage('no-such-message')).toBeUndefined();
    });

    it('keeps the filter and the period a turn used (a conversation\'s filter for its follow-ups)', async () => {
      const store = await make({ maxTurns: 10, ttlMs: 60_000 });
      const c = await store.create();
      const t = { ...turn(1), filter: { outlets: ['VOV'], from: '2019-01-01' }, period: { from: '2019-01-01', to: '2019-12-31', text: 'năm 2019' } };
      await store.append(c.id, t);
      expect((await store.get(c.id))?.turns[0]).toEqual(t);
    });

    it('refuses to append to an unknown conversation', async () => {
      const store = await make({ maxTurns: 10, ttlMs: 60_000 });
      await expect(store.append('does-not-exist', turn(1))).rejects.toBeInstanceOf(ConversationNotFoundError);
      expect(await store.get('does-not-exist')).toBeUndefined();
    });

    it('caps the turns of a conversation and forgets the dropped messages', async () => {
      const store = await make({ maxTurns: 2, ttlMs: 60_000 });
      const c = await store.create();
      const turns = [turn(1), turn(2), turn(3)];
      for (const t of turns) await store.append(c.id, t);
      const got = await store.get(c.id);
      expect(got?.turns.map((t) => t.question)).toEqual(['Câu hỏi 2?', 'Câu hỏi 3?']);
      expect(await store.findMessage(turns[0]!.messageId)).toBeUndefined();
    });

    it('expires a conversation left unused for longer than the TTL', async () => {
      const store = await make({ maxTurns: 5, ttlMs: 300 });
      const c = await store.create();
      const t = turn(1);
      await store.append(c.id, t);
      await new Promise((r) => setTimeout(r, 700));
      expect(await store.get(c.id)).toBeUndefined();
      expect(await store.findMessage(t.messageId)).toBeUndefined();
      await expect(store.append(c.id, turn(2))).rejects.toBeInstanceOf(ConversationNotFoundError);
    });
  });
}

conversationStoreContract('in-memory', async (o) => makeInMemoryConversationStore({ max: 100, ...o }));

describe('redis', () => {
  let redis: RedisServer;
  const stores: RedisConversationStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis?.stop();
  });

  conversationStoreContract('redis', async (o) => {
    const store = await makeRedisConversationStore({ url: redis.url, prefix: `t${stores.length}:`, ...o });
    stores.push(store);
    return store;
  });

  it('shares conversations between two server instances', async () => {
    const a = await makeRedisConversationStore({ url: redis.url, prefix: 'shared:', maxTurns: 5, ttlMs: 60_000 });
    const b = await makeRedisConversationStore({ url: redis.url, prefix: 'shared:', maxTurns: 5, ttlMs: 60_000 });
    stores.push(a, b);
    const c = await a.create();
    const t = turn(1);
    await b.append(c.id, t);
    expect((await a.get(c.id))?.turns).toEqual([t]);
    expect(await a.size()).toBe(1);
  });

  it('says which REDIS_URL it could not reach', async () => {
    await expect(makeRedisConversationStore({ url: 'redis://127.0.0.1:1', prefix: 'x:', maxTurns: 1, ttlMs: 1000 })).rejects.toThrow(/REDIS_URL/);
  });
});
