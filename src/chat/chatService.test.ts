import { describe, expect, it } from 'vitest';
import { testConfig } from '../../tests/helpers/config.js';
import { SEED, seedPassage } from '../../tests/helpers/seedPassages.js';
import type { Citation } from '../answer/types.js';
import type { SearchOptions, SearchResponse, SearchResult, Searcher } from '../retrieval/types.js';
import { ANSWERABILITY_FEATURES, type AnswerabilityModel } from '../answer/answerability.js';
import { makeChatService } from './chatService.js';
import { makeInMemoryConversationStore } from './conversations.js';

/**
 * The chat service over a searcher that returns fixed, real seed passages (retrieval itself is
 * tested elsewhere): what matters here is what the service asks for and what it answers from.
 */

const pressConference = seedPassage(SEED.dialogue, 'Có 5 vấn đề liên quan đến biển Đông', 'về năm chủ tịch ASEAN của Việt Nam.', { score: 0.8 });
const theme = seedPassage(SEED.dialogue, 'Chủ đề của năm ASEAN 2020', 'tháng 4 và tháng 11.', { score: 0.4, ordinal: 6 });
const peace = seedPassage(SEED.peace, '18 tổ chức khu vực', 'bối cảnh hiện nay.', { score: 0.6 });
const osceSummit = seedPassage(SEED.osce, 'Hội nghị cấp cao OSCE ở Astana', 'và Trung Á./.', { score: 0.5, ordinal: 3 });
const filler = (n: number) =>
  seedPassage(SEED.resolution, 'Đại hội đồng Liên Hợp Quốc khóa 75', 'thương lượng nghị quyết.', { score: 0.5 - n * 0.01, ordinal: 10 + n });

interface Call {
  query: string;
  k: number | undefined;
}

/** Answers every search with `ranked` cut to the k asked for, and records the calls. */
function fixedSearcher(rank: (query: string) => SearchResult[]): Searcher & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async search(query: string, options?: SearchOptions): Promise<SearchResponse> {
      calls.push({ query, k: options?.k });
      return { results: rank(query).slice(0, options?.k ?? 5), relevant: true };
    },
  };
}

/**
 * Fixed passages carry no retrieval evidence, which the learned not-found decision reads: these
 * tests are about what the service retrieves and answers from, so retrieval's own verdict decides.
 */
function service(searcher: Searcher) {
  const config = testConfig({ RETRIEVAL_K: '5' });
  return makeChatService({ config, searcher, store: makeInMemoryConversationStore(config.conversations), answerability: null });
}

describe('chat service without a language model', () => {
  it('answers from passages just below k, while the sources it announces stay k', async () => {
    // The sentence that counts the meetings is in the 7th passage.
    const ranked = [pressConference, filler(1), filler(2), filler(3), filler(4), filler(5), theme];
    const searcher = fixedSearcher(() => ranked);
    let announced: Citation[] = [];
    const record = await service(searcher).chat(
      { message: 'Năm Chủ tịch ASEAN, Việt Nam dự kiến tổ chức bao nhiêu hội nghị?' },
      { onSources: (c) => (announced = c) },
    );
    expect(searcher.calls[0]?.k).toBeGreaterThan(5);
    expect(announced).toHaveLength(5);
    expect(record.answer).toContain('300 hội nghị');
    expect(record.citations[0]?.chunkId).toBe(theme.chunkId);
  });

  it('answers "Còn X thì sao?" about X, with the previous question lending only its predicate', async () => {
    const searcher = fixedSearcher((q) => (q.includes('OSCE') && !q.includes('ASEAN') ? [osceSummit, peace] : [peace, osceSummit]));
    const chat = service(searcher);
    const first = await chat.chat({ message: 'Các tổ chức khu vực như ASEAN hợp tác với Liên hợp quốc vì hòa bình ra sao?' });
    expect(first.citations[0]?.documentId).toBe(SEED.peace);
    const second = await chat.chat({ message: 'Còn OSCE thì sao?', conversationId: first.conversationId });
    expect(second.grounded).toBe(true);
    expect(second.citations.map((c) => c.documentId)).toEqual([SEED.osce]);
    expect(second.answer).toContain('OSCE');
  });
});

describe('follow-ups typed without diacritics', () => {
  it('are recognised by their words put back ("luc do" → "lúc đó") and searched joined to the conversation', async () => {
    const toned = new Map([['luc do ai phat bieu khai mac hoi nghi?', 'lúc đó ai phát biểu khai mạc hội nghị?']]);
    const restoring = () => {
      const searcher = fixedSearcher(() => [osceSummit, peace]);
      return Object.assign(searcher, { restoreTones: async (q: string) => toned.get(q) ?? q });
    };
    const opening = 'Hội nghị thượng đỉnh OSCE họp ở đâu?';
    const alone = restoring();
    await service(alone).chat({ message: 'luc do ai phat bieu khai mac hoi nghi?' });
    expect(alone.calls.map((c) => c.query)).toEqual(['luc do ai phat bieu khai mac hoi nghi?']);

    const inConversation = restoring();
    const chat = service(inConversation);
    const first = await chat.chat({ message: opening });
    const before = inConversation.calls.length;
    await chat.chat({ message: 'luc do ai phat bieu khai mac hoi nghi?', conversationId: first.conversationId });
    const followUps = inConversation.calls.slice(before).map((c) => c.query);
    expect(followUps.length).toBeGreaterThan(0);
    expect(followUps.every((q) => q === `${opening} lúc đó ai phát biểu khai mạc hội nghị?`)).toBe(true);
  });
});

describe('a question the rules read as standalone, inside a conversation', () => {
  const osceMembers = seedPassage(SEED.osce, 'Hội nghị cấp cao OSCE ở Astana', 'và Trung Á./.', { score: 0.7, ordinal: 5 });
  const opening = 'Hội nghị cấp cao OSCE ở Astana là hội nghị cấp cao đầu tiên trong bao nhiêu năm?';
  // Seven words that say something and no name: not a follow-up by its form.
  const leaning = 'Tổ chức an ninh lớn nhất thế giới gồm bao nhiêu quốc gia thành viên?';

  /** Finds the Astana passage only for queries that name Astana; anything else finds nothing relevant. */
  function astanaSearcher() {
    const calls: string[] = [];
    const searcher: Searcher = {
      async search(query: string): Promise<SearchResponse> {
        calls.push(query);
        return query.includes('Astana') ? { results: [osceMembers], relevant: true } : { results: [filler(1)], relevant: false };
      },
    };
    return { searcher, calls };
  }

  it('is asked again joined to the conversation when it finds nothing alone, and answered from that reading', async () => {
    const { searcher, calls } = astanaSearcher();
    const chat = service(searcher);
    const first = await chat.chat({ message: opening });
    expect(first.answer).toContain('11 năm');
    const second = await chat.chat({ message: leaning, conversationId: first.conversationId });
    expect(calls.slice(1)[0]).toBe(leaning);
    expect(calls.slice(2).every((q) => q.startsWith(opening))).toBe(true);
    expect(second.grounded).toBe(true);
    expect(second.answer).toContain('56 quốc gia thành viên');
    expect(second.citations[0]?.documentId).toBe(SEED.osce);
  });

  it('is answered from the conversation\'s reading when that reading answers far more surely than the question alone', async () => {
    // A model that reads only how much of the question the best sentence covers: its probability
    // says how surely each reading answers, and it never says "not found" (threshold 0).
    const coverageOnly: AnswerabilityModel = {
      features: [...ANSWERABILITY_FEATURES],
      mean: ANSWERABILITY_FEATURES.map(() => 0),
      scale: ANSWERABILITY_FEATURES.map(() => 1),
      weights: ANSWERABILITY_FEATURES.map((f) => (f === 'bestCoverage' ? 12 : 0)),
      bias: -6,
      threshold: 0,
      trainedOn: 'test',
    };
    // Alone the question finds an unrelated passage that still holds a count; joined, the Astana one.
    const searcher: Searcher = {
      async search(query: string): Promise<SearchResponse> {
        return query.includes('Astana') ? { results: [osceMembers], relevant: true } : { results: [peace], relevant: true };
      },
    };
    const config = testConfig({ RETRIEVAL_K: '5' });
    const chat = makeChatService({ config, searcher, store: makeInMemoryConversationStore(config.conversations), answerability: coverageOnly });
    const reach = 'Tổ chức an ninh lớn nhất thế giới có phạm vi trải dài như thế nào?';
    const alone = await chat.chat({ message: reach });
    expect(alone.citations[0]?.documentId).toBe(SEED.peace);
    const first = await chat.chat({ message: opening });
    const second = await chat.chat({ message: reach, conversationId: first.conversationId });
    expect(second.answer).toContain('trải dài từ Mỹ đến châu Âu');
    expect(second.citations[0]?.documentId).toBe(SEED.osce);
  });

  it('keeps its own reading when that answers as surely, and stays "not found" when neither reading answers', async () => {
    const { searcher, calls } = astanaSearcher();
    const chat = service(searcher);
    const first = await chat.chat({ message: opening });
    const own = 'Hội nghị cấp cao OSCE ở Astana gồm bao nhiêu quốc gia thành viên?';
    const second = await chat.chat({ message: own, conversationId: first.conversationId });
    expect(calls[1]).toBe(own);
    expect(second.answer).toContain('56 quốc gia thành viên');

    const elsewhere = astanaSearcher();
    const other = service(elsewhere.searcher);
    const start = await other.chat({ message: 'Giá xăng hôm nay là bao nhiêu tiền một lít?' });
    const next = await other.chat({ message: 'Tổ chức an ninh lớn nhất thế giới gồm bao nhiêu quốc gia thành viên?', conversationId: start.conversationId });
    expect(next.grounded).toBe(false);
    expect(next.citations).toEqual([]);
  });
});

describe('the stream of a turn', () => {
  it('announces sources only once the answer is decided: none for "not found", before any text either way', async () => {
    const searcher = fixedSearcher(() => [pressConference, peace]);
    const events: string[] = [];
    let announced: Citation[] | undefined;
    const record = await service(searcher).chat(
      { message: 'Giá bitcoin hôm nay là bao nhiêu?' },
      { onSources: (c) => ((announced = c), events.push('sources')), onDelta: () => events.push('delta') },
    );
    // Retrieval called its passages relevant; the answerer found nothing in them that answers.
    expect(record.grounded).toBe(false);
    expect(announced).toEqual([]);
    expect(events[0]).toBe('sources');

    const answered: string[] = [];
    let sources: Citation[] = [];
    const grounded = await service(fixedSearcher(() => [pressConference, theme])).chat(
      { message: 'Năm Chủ tịch ASEAN, Việt Nam dự kiến tổ chức bao nhiêu hội nghị?' },
      { onSources: (c) => ((sources = c), answered.push('sources')), onDelta: () => answered.push('delta') },
    );
    expect(grounded.grounded).toBe(true);
    expect(sources.length).toBeGreaterThan(0);
    expect(answered[0]).toBe('sources');
    expect(answered.filter((e) => e === 'sources')).toHaveLength(1);
  });
});
