import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChatRecord } from '../src/chat/chatService.js';
import { startServer } from '../src/server/start.js';
import { testConfig } from './helpers/config.js';
import { startRedis, type RedisServer } from './helpers/redis.js';
import { buildTestIndex, type TestIndex } from './helpers/testIndex.js';

let index: TestIndex;
let redis: RedisServer;

beforeAll(async () => {
  [index, redis] = await Promise.all([buildTestIndex(), startRedis()]);
});

afterAll(async () => {
  await redis?.stop();
  await index?.dispose();
});

function serveWithRedis() {
  const config = testConfig({
    INDEX_DIR: index.config.paths.indexDir,
    DATA_DIR: index.config.paths.dataDir,
    PORT: '0',
    CONVERSATION_STORE: 'redis',
    REDIS_URL: redis.url,
  });
  return startServer(config, { archive: index.archive, widget: false });
}

async function chat(url: string, message: string, conversationId?: string): Promise<ChatRecord> {
  const res = await fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message, ...(conversationId ? { conversationId } : {}) }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ChatRecord;
}

it('continues a conversation on another server instance when conversations live in Redis', async () => {
  const first = await serveWithRedis();
  const opening = await chat(first.url, 'Đối thoại ASEAN – Liên Hợp Quốc về hợp tác chính trị – an ninh khai mạc ngày nào?');
  await first.close();

  const second = await serveWithRedis();
  try {
    const followUp = await chat(second.url, 'Ai phát biểu khai mạc?', opening.conversationId);
    expect(followUp.conversationId).toBe(opening.conversationId);
    expect(followUp.grounded).toBe(true);
    expect(followUp.answer).toContain('Nguyễn Quốc Dũng');

    const feedback = await fetch(`${second.url}/api/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messageId: opening.messageId, rating: 'up' }),
    });
    expect(feedback.status).toBe(201);
  } finally {
    await second.close();
  }
});
