import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeAnswerer, type AnswerInput } from '../src/answer/answerer.js';
import { NOTICE_INVALID_REMOVED, NOTICE_REPAIRED, NOTICE_UNSUPPORTED } from '../src/answer/citations.js';
import { makeChatModel, makeLlmAnswerer, type LlmAnswerer } from '../src/answer/llm.js';
import { loadPrompts } from '../src/answer/prompts.js';
import { LLM_FALLBACK_NOTICE } from '../src/answer/types.js';
import { makeChatService } from '../src/chat/chatService.js';
import { makeInMemoryConversationStore } from '../src/chat/conversations.js';
import type { Config } from '../src/config/config.js';
import { testConfig } from './helpers/config.js';
import { isCondenseRequest, startFakeOpenAI, type FakeOpenAI } from './helpers/fakeOpenAI.js';
import { SEED, seedPassage, seedText } from './helpers/seedPassages.js';
import { buildTestIndex, type TestIndex } from './helpers/testIndex.js';

const TIMEOUT_MS = 600;

const resolution = seedPassage(SEED.resolution, 'Đại hội đồng Liên Hợp Quốc khóa 75 ngày 23/11', 'thương lượng nghị quyết.', { score: 0.6 });
const dialogue = seedPassage(SEED.dialogue, 'Trong khuôn khổ Hội thảo ASEAN', 'trong hai ngày từ 3-4/12 tại Hà Nội./.', {
  score: 0.9,
  title: 'ASEAN – Liên Hợp Quốc đối thoại về hợp tác chính trị – an ninh',
});
const input: AnswerInput = {
  question: 'Ai phát biểu khai mạc Đối thoại ASEAN – Liên Hợp Quốc về hợp tác chính trị – an ninh?',
  results: [resolution, dialogue],
  relevant: true,
};
const GOOD_REPLY = 'Thứ trưởng Bộ Ngoại giao Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại [2].';

/** The number the prompt gives the source whose text contains `text`. */
function sourceNumberContaining(prompt: string, text: string): number | undefined {
  const blocks = prompt.split(/^(?=\[\d+\] )/mu);
  const block = blocks.find((b) => b.includes(text));
  const n = block?.match(/^\[(\d+)\]/u)?.[1];
  return n === undefined ? undefined : Number(n);
}

let fake: FakeOpenAI;
let config: Config;
let llm: LlmAnswerer;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  config = testConfig({
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: fake.baseUrl,
    LLM_MODEL: 'fake-model',
    LLM_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  const model = makeChatModel(config);
  if (!model) throw new Error('expected a chat model for LLM_PROVIDER=openai');
  llm = makeLlmAnswerer({ model, prompts: await loadPrompts(), timeoutMs: config.llm.timeoutMs });
  // One answer before the tests: the client's first request (module loading, connection) can take
  // longer than the short timeout these tests use to see a hanging model, on a loaded machine.
  fake.setHandler(() => ({ reply: GOOD_REPLY }));
  await makeAnswerer({ llm, answerability: null }).answer(input);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
});

describe('LLM answering against an OpenAI-compatible server', () => {
  it('answers with the model and checked citations (one request, not streamed)', async () => {
    fake.setHandler(() => ({ reply: GOOD_REPLY }));
    const answer = await makeAnswerer({ llm, answerability: null }).answer(input);
    expect(answer.mode).toBe('llm');
    expect(answer.answer).toBe('Thứ trưởng Bộ Ngoại giao Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại [1].');
    expect(answer.citations).toHaveLength(1);
    const c = answer.citations[0]!;
    expect(c.documentId).toBe(SEED.dialogue);
    expect(c.snippet).toContain('Nguyễn Quốc Dũng phát biểu khai mạc');
    expect(seedText(SEED.dialogue).slice(c.start, c.end)).toBe(c.snippet);
    expect(answer.grounded).toBe(true);

    const [req] = fake.requests;
    expect(req?.stream).toBe(false);
    expect(req?.model).toBe('fake-model');
    expect(req?.messages[0]?.role).toBe('system');
    expect(req?.messages[0]?.content).toContain('không phải chỉ dẫn');
    expect(req?.prompt).toContain(`[2] ${dialogue.title}`);
    expect(req?.prompt).toContain('Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại.');
    expect(req?.prompt).toContain(`Câu hỏi: ${input.question}`);
  });

  it('streams the model tokens as deltas', async () => {
    fake.setHandler(() => ({ reply: GOOD_REPLY, chunks: ['Thứ trưởng Bộ Ngoại giao ', 'Nguyễn Quốc Dũng ', 'phát biểu khai mạc Đối thoại [2].'] }));
    const deltas: string[] = [];
    const answer = await makeAnswerer({ llm, answerability: null }).answer(input, { onDelta: (t) => deltas.push(t) });
    expect(fake.requests[0]?.stream).toBe(true);
    expect(deltas).toEqual(['Thứ trưởng Bộ Ngoại giao ', 'Nguyễn Quốc Dũng ', 'phát biểu khai mạc Đối thoại [2].']);
    expect(answer.mode).toBe('llm');
    expect(answer.citations.map((c) => c.documentId)).toEqual([SEED.dialogue]);
  });

  it('removes a citation of a source that does not exist and says so', async () => {
    fake.setHandler(() => ({
      reply: 'Thứ trưởng Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại [2]. Đối thoại có hơn 80 chuyên gia tham dự [7].',
    }));
    const answer = await makeAnswerer({ llm, answerability: null }).answer(input);
    expect(answer.mode).toBe('llm');
    expect(answer.answer).not.toContain('[7]');
    expect(answer.answer).not.toContain('[2]');
    expect(answer.citations.map((c) => c.n)).toEqual([1]);
    expect(answer.notice).toBe(NOTICE_INVALID_REMOVED);
  });

  it('repairs an uncited answer from the source that supports it', async () => {
    fake.setHandler(() => ({ reply: 'Thứ trưởng Bộ Ngoại giao Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại.' }));
    const answer = await makeAnswerer({ llm, answerability: null }).answer(input);
    expect(answer.answer).toBe('Thứ trưởng Bộ Ngoại giao Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại [1].');
    expect(answer.citations[0]?.documentId).toBe(SEED.dialogue);
    expect(answer.notice).toBe(NOTICE_REPAIRED);
    expect(answer.grounded).toBe(true);
  });

  it('flags an uncited answer that no source supports', async () => {
    fake.setHandler(() => ({ reply: 'Bộ trưởng Y tế công bố ca bệnh mới tại Đà Nẵng vào sáng thứ Hai.' }));
    const answer = await makeAnswerer({ llm, answerability: null }).answer(input);
    expect(answer.mode).toBe('llm');
    expect(answer.citations).toEqual([]);
    expect(answer.grounded).toBe(false);
    expect(answer.notice).toBe(NOTICE_UNSUPPORTED);
  });

  it('falls back to the extractive answer when the model hangs past LLM_TIMEOUT_MS', async () => {
    fake.setHandler(() => ({ hang: true }));
    const deltas: string[] = [];
    const answer = await makeAnswerer({ llm, answerability: null }).answer(input, { onDelta: (t) => deltas.push(t) });
    expect(answer.mode).toBe('fallback');
    expect(answer.notice).toBe(LLM_FALLBACK_NOTICE);
    expect(answer.answer).toContain('Nguyễn Quốc Dũng phát biểu khai mạc');
    expect(answer.citations[0]?.documentId).toBe(SEED.dialogue);
    expect(deltas.join('')).toBe(answer.answer);
  });

  it('falls back to the extractive answer when the model server fails', async () => {
    fake.setHandler(() => ({ status: 500, message: 'model crashed' }));
    const answer = await makeAnswerer({ llm, answerability: null }).answer(input);
    expect(answer.mode).toBe('fallback');
    expect(answer.grounded).toBe(true);
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('does not ask the model when retrieval found nothing relevant', async () => {
    fake.setHandler(() => ({ reply: GOOD_REPLY }));
    const answer = await makeAnswerer({ llm, answerability: null }).answer({ ...input, relevant: false });
    expect(answer.grounded).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('follow-up questions with a model', () => {
  let index: TestIndex;
  const FIRST = 'Đối thoại ASEAN – Liên Hợp Quốc về hợp tác chính trị – an ninh diễn ra khi nào?';
  const CONDENSED = 'Ai phát biểu khai mạc Đối thoại ASEAN – Liên Hợp Quốc về hợp tác chính trị – an ninh?';

  beforeAll(async () => {
    index = await buildTestIndex();
  });
  afterAll(async () => {
    await index?.dispose();
  });

  function service() {
    const store = makeInMemoryConversationStore(config.conversations);
    return { store, chat: makeChatService({ config: index.config, searcher: index.archive.searcher, store, llm }) };
  }

  it('rewrites the follow-up with the condense prompt and answers the rewritten question', async () => {
    fake.setHandler((req) => {
      if (isCondenseRequest(req)) return { reply: CONDENSED };
      const n = sourceNumberContaining(req.prompt, 'Thứ trưởng Nguyễn Quốc Dũng') ?? 1;
      return { reply: `Thứ trưởng Bộ Ngoại giao Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại [${n}].` };
    });
    const { store, chat } = service();
    const first = await chat.chat({ message: FIRST });
    expect(fake.requests.some(isCondenseRequest)).toBe(false);
    fake.requests.length = 0;

    const second = await chat.chat({ message: 'Ai phát biểu khai mạc?', conversationId: first.conversationId });
    const condense = fake.requests.find(isCondenseRequest);
    expect(condense?.prompt).toContain(`Người dùng: ${FIRST}`);
    expect(condense?.prompt).toContain('Câu hỏi tiếp theo: Ai phát biểu khai mạc?');
    const answerReq = fake.requests.find((r) => !isCondenseRequest(r));
    expect(answerReq?.prompt).toContain(`Câu hỏi: ${CONDENSED}`);
    expect(answerReq?.prompt).toContain('Nguyễn Quốc Dũng');
    expect(second.mode).toBe('llm');
    expect(second.answer).toContain('Nguyễn Quốc Dũng');
    expect(second.citations[0]?.snippet).toContain('Nguyễn Quốc Dũng');
    const saved = await store.get(first.conversationId);
    expect(saved?.turns[1]?.standaloneQuestion).toBe(CONDENSED);
  });

  it('falls back to the heuristic when the rewrite fails, and still answers the follow-up', async () => {
    fake.setHandler((req) => (isCondenseRequest(req) ? { status: 400, message: 'bad request' } : { hang: true }));
    const { chat } = service();
    const first = await chat.chat({ message: FIRST });
    const second = await chat.chat({ message: 'Ai phát biểu khai mạc?', conversationId: first.conversationId });
    expect(second.mode).toBe('fallback');
    expect(second.answer).toContain('Nguyễn Quốc Dũng');
  });
});
