import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { ConversationNotFoundError, parseStoredTurn, type Conversation, type ConversationStore, type Turn } from './conversations.js';

export interface RedisStoreOptions {
  url: string;
  /** Key prefix, so several deployments can share one Redis. */
  prefix: string;
  /** Most turns kept per conversation; the oldest go first. */
  maxTurns: number;
  /** A conversation unused for this long expires (Redis key TTL, refreshed on every use). */
  ttlMs: number;
  now?: () => number;
}

type RedisClient = ReturnType<typeof createClient>;

/**
 * Appends a turn only if the conversation still exists, trims to the turn cap, and refreshes every
 * key's TTL, in one atomic step: two server instances answering the same conversation can't
 * interleave a check and a write.
 * KEYS: meta, turns, message. ARGV: turn JSON, maxTurns, ttlMs, conversationId, now.
 */
const APPEND_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
local dropped = redis.call('LRANGE', KEYS[2], 0, -tonumber(ARGV[2]) - 1)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
for _, t in ipairs(dropped) do
  local ok, decoded = pcall(cjson.decode, t)
  if ok and decoded['messageId'] then redis.call('DEL', ARGV[6] .. decoded['messageId']) end
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
return 1
`;

export interface RedisConversationStore extends ConversationStore {
  close(): Promise<void>;
}

/**
 * Conversations in Redis, for several server instances behind one load balancer, or history that
 * survives a restart. Each conversation is a hash (timestamps) plus a list of JSON turns; message
 * ids map to their conversation for feedback. Memory is bounded by the TTL and the turn cap (and
 * by Redis' own `maxmemory` policy), not by a conversation count.
 */
export async function makeRedisConversationStore(opts: RedisStoreOptions): Promise<RedisConversationStore> {
  const now = opts.now ?? Date.now;
  let connected = false;
  const client: RedisClient = createClient({
    url: opts.url,
    socket: {
      // A wrong REDIS_URL must fail start-up at once; once connected, ride out restarts with backoff.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(50 * 2 ** retries, 2000) : cause),
    },
  });
  client.on('error', () => {
    // Reconnection is automatic; commands issued meanwhile reject and surface as request errors.
  });
  await client.connect().then(() => {
    connected = true;
  }, (err: unknown) => {
    throw new Error(`Could not connect to Redis at ${opts.url} (REDIS_URL): ${err instanceof Error ? err.message : String(err)}`);
  });

  const metaKey = (id: string) => `${opts.prefix}conv:${id}`;
  const turnsKey = (id: string) => `${opts.prefix}conv:${id}:turns`;
  const messagePrefix = `${opts.prefix}msg:`;
  const ttl = String(opts.ttlMs);

  const read = async (id: string): Promise<Conversation | undefined> => {
    const [meta, turns] = await client
      .multi()
      .hGetAll(metaKey(id))
      .lRange(turnsKey(id), 0, -1)
      .pExpire(metaKey(id), opts.ttlMs)
      .pExpire(turnsKey(id), opts.ttlMs)
      .exec();
    const fields = meta as unknown as Record<string, string>;
    if (!fields || fields.createdAt === undefined) return undefined;
    return {
      id,
      createdAt: Number(fields.createdAt),
      updatedAt: Number(fields.updatedAt ?? fields.createdAt),
      // A value that is not a turn (written by another version, or damaged) is skipped, not trusted.
      turns: (turns as unknown as string[]).map(parseStoredTurn).filter((t): t is Turn => t !== undefined),
    };
  };

  return {
    async create() {
      const t = now();
      const id = randomUUID();
      await client.multi().hSet(metaKey(id), { createdAt: String(t), updatedAt: String(t) }).pExpire(metaKey(id), opts.ttlMs).exec();
      return { id, turns: [], createdAt: t, updatedAt: t };
    },
    get: read,
    async append(id, turn) {
      const ok = await client.eval(APPEND_SCRIPT, {
        keys: [metaKey(id), turnsKey(id), messagePrefix + turn.messageId],
        arguments: [JSON.stringify(turn), String(opts.maxTurns), ttl, id, String(now()), messagePrefix],
      });
      if (ok !== 1) throw new ConversationNotFoundError(id);
    },
    async findMessage(messageId) {
      const conversationId = await client.get(messagePrefix + messageId);
      if (conversationId === null) return undefined;
      const conversation = await read(conversationId);
      const turn = conversation?.turns.find((t) => t.messageId === messageId);
      return turn ? { conversationId, turn } : undefined;
    },
    async size() {
      let count = 0;
      for await (const keys of client.scanIterator({ MATCH: `${opts.prefix}conv:*`, COUNT: 500 })) {
        count += keys.filter((k) => !k.endsWith(':turns')).length;
      }
      return count;
    },
    async close() {
      await client.quit().catch(() => undefined);
    },
  };
}
