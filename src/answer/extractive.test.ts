import { describe, expect, it } from 'vitest';
import { SEED, seedPassage, seedText } from '../../tests/helpers/seedPassages.js';
import type { SearchResult } from '../retrieval/types.js';
import { splitSentences } from '../text/sentences.js';
import { ANSWERABILITY_FEATURES, answerabilityProbability, loadCommittedAnswerabilityModel, type AnswerabilityModel } from './answerability.js';
import { answerExtractively, appendMarker, extractiveAnswerabilityFeatures, rankSentences, streamingPieces } from './extractive.js';
import { NOT_FOUND_ANSWER } from './types.js';

const dialogueOpening = seedPassage(
  SEED.dialogue,
  'Trong khuôn khổ Hội thảo ASEAN',
  'trong hai ngày từ 3-4/12 tại Hà Nội./.',
  { score: 0.9, ordinal: 1, title: 'ASEAN – Liên Hợp Quốc đối thoại về hợp tác chính trị – an ninh' },
);
const osceSummit = seedPassage(SEED.osce, 'Hội nghị cấp cao OSCE ở Astana', 'và Trung Á./.', { score: 0.7, ordinal: 3 });
const osceCall = seedPassage(SEED.osce, 'Ngày 1/12, tại diễn đàn', 'không phổ biến hạt nhân.', { score: 0.6, ordinal: 0 });
const undp = seedPassage(SEED.relations, 'Hợp tác giữa ASEAN và Liên Hợp Quốc được lập từ sớm', 'thúc đẩy liên kết khu vực.', { score: 0.8 });
const resolution = seedPassage(SEED.resolution, 'Đại hội đồng Liên Hợp Quốc khóa 75 ngày 23/11', 'thương lượng nghị quyết.', { score: 0.5 });

/** A news report's passage (it names its outlet and day), its text given whole. */
const newsPassage = (text: string, documentId: string, score: number): SearchResult => ({
  text,
  score,
  documentId,
  title: 'Tin tức',
  outlet: 'VnExpress',
  publishedAt: '2005-03-26',
  chunkId: `${documentId}#0`,
  start: 0,
  end: text.length,
});

/** Each sentence of the answer, markers removed, must be verbatim text of one of the sources. */
function expectVerbatim(answer: string, sources: readonly SearchResult[]): void {
  const bare = answer.replace(/\s*\[\d+\]/g, '');
  for (const s of splitSentences(bare)) {
    const sentence = s.text.replace(/[.!?…]+$/u, '');
    expect(sources.some((src) => src.text.includes(sentence)), `not in any source: ${sentence}`).toBe(true);
  }
}

function markerSequence(answer: string): number[] {
  return [...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
}

describe('answerExtractively', () => {
  it('puts a citation marker on every sentence of the answer', () => {
    const pressConference = seedPassage(SEED.dialogue, 'Có 5 vấn đề liên quan đến biển Đông', 'về năm chủ tịch ASEAN của Việt Nam.', { score: 0.8 });
    const a = answerExtractively('Việt Nam làm gì trong năm Chủ tịch ASEAN 2020?', [pressConference]);
    const sentences = splitSentences(a.answer);
    expect(sentences.length).toBeGreaterThan(1);
    for (const s of sentences) expect(s.text, s.text).toMatch(/\[\d+\][.!?…]?$/u);
  });

  it('answers "when" with the sentence holding the date', () => {
    const sources = [dialogueOpening, resolution];
    const a = answerExtractively('Đối thoại khu vực lần thứ 5 về hợp tác chính trị – an ninh khai mạc khi nào?', sources);
    expect(a.grounded).toBe(true);
    expect(a.answer).toContain('3/12/2019');
    expect(a.citations[0]?.documentId).toBe(SEED.dialogue);
    expectVerbatim(a.answer, sources);
  });

  it('answers "who" with the sentence naming the person', () => {
    const sources = [resolution, dialogueOpening];
    const a = answerExtractively('Ai phát biểu khai mạc Đối thoại?', sources);
    expect(a.answer).toContain('Nguyễn Quốc Dũng');
    expect(a.answer).toContain('phát biểu khai mạc');
    expectVerbatim(a.answer, sources);
  });

  it('answers "how many" with the sentence holding the number', () => {
    const sources = [osceCall, osceSummit];
    const a = answerExtractively('OSCE có bao nhiêu quốc gia thành viên?', sources);
    expect(a.answer).toContain('56 quốc gia thành viên');
    expect(a.citations[0]?.chunkId).toBe(osceSummit.chunkId);
    expectVerbatim(a.answer, sources);
  });

  it('answers a question typed without diacritics', () => {
    const a = answerExtractively('asean va undp chinh thuc lap quan he doi tac nam nao', [resolution, undp]);
    expect(a.answer).toContain('Năm 1977');
    expect(a.citations[0]?.documentId).toBe(SEED.relations);
  });

  it('cites exact article offsets: the article text at [start, end) is the snippet', () => {
    const a = answerExtractively('Năm nào ASEAN và UNDP chính thức lập quan hệ đối tác?', [undp, resolution]);
    const article = seedText(SEED.relations);
    expect(a.citations.length).toBeGreaterThan(0);
    for (const c of a.citations) {
      expect(article.slice(c.start, c.end)).toBe(c.snippet);
      expect(a.answer.replace(/\s*\[\d+\]/g, '')).toContain(c.snippet.replace(/[.!?…/]+$/u, ''));
    }
  });

  it('numbers markers by source in order of first citation, one citation per marker', () => {
    const sources = [resolution, osceSummit, dialogueOpening, undp];
    const a = answerExtractively('Liên Hợp Quốc hợp tác với ASEAN và OSCE trong những lĩnh vực nào?', sources, {
      maxSentences: 3,
      maxChars: 2000,
      minCoverage: 0.1,
    });
    const seq = markerSequence(a.answer);
    expect(seq.length).toBeGreaterThan(0);
    const firstUses = [...new Set(seq)];
    expect(firstUses).toEqual(firstUses.map((_, i) => i + 1));
    expect(a.citations.map((c) => c.n)).toEqual(firstUses);
    expectVerbatim(a.answer, sources);
  });

  it('never quotes the same sentence twice when the scrape repeats a paragraph', () => {
    const whole = seedPassage(SEED.osce, 'Ông Ban Ki-moon đã đề xuất', '(TTXVN/Vietnam+)', { score: 0.9 });
    const a = answerExtractively('Ông Ban Ki-moon đề xuất chương trình hợp tác hành động bốn điểm gồm những trụ cột nào?', [whole], {
      maxChars: 5000,
    });
    const sentences = splitSentences(a.answer.replace(/\s*\[\d+\]/g, '')).map((s) => s.text);
    expect(new Set(sentences).size).toBe(sentences.length);
    expect(a.answer).toContain('bốn trụ cột');
  });

  it('says exactly "not found" when retrieval found nothing relevant', () => {
    const a = answerExtractively('Ai phát biểu khai mạc?', [dialogueOpening], { relevant: false });
    expect(a).toEqual({ answer: NOT_FOUND_ANSWER, citations: [], grounded: false });
  });

  it('says "not found" when no sentence shares enough of the question', () => {
    const a = answerExtractively('Giá vàng SJC hôm nay tăng bao nhiêu đồng mỗi lượng?', [dialogueOpening, undp]);
    expect(a).toEqual({ answer: NOT_FOUND_ANSWER, citations: [], grounded: false });
    expect(answerExtractively('Ai phát biểu?', [])).toEqual(a);
  });

  it('weighs the previous question less than the follow-up itself', () => {
    const a = answerExtractively('Còn OSCE thì sao?', [undp, osceCall, resolution], {
      context: 'ASEAN và Liên Hợp Quốc hợp tác trong những lĩnh vực nào?',
    });
    expect(a.citations[0]?.documentId).toBe(SEED.osce);
  });
});

describe('answerExtractively: the fact asked for', () => {
  const summits = seedPassage(SEED.relations, 'Cho đến nay, ASEAN và Liên Hợp Quốc', 'tại Bali, Indonesia.', { score: 0.5 });
  const tenthSummit = seedPassage(SEED.dialogue, 'Đối thoại khu vực lần thứ 5 với chủ đề', 'kết quả thành công của Đối thoại.', {
    score: 0.95,
    ordinal: 4,
  });

  it('follows the ordinal the question names: "lần thứ ba" is not "lần thứ 10"', () => {
    const sources = [tenthSummit, summits];
    const a = answerExtractively('Hội nghị Cấp cao ASEAN – Liên Hợp Quốc lần thứ ba được tổ chức tại đâu?', sources);
    expect(a.answer).toContain('lần thứ 3 vào tháng 10/2010 tại Hà Nội');
    expect(a.answer).not.toContain('lần thứ 10 diễn ra tại Bangkok');
    expectVerbatim(a.answer, sources);
  });

  it('answers "bao nhiêu X" with the sentence that counts X, not the first with a number', () => {
    const pressConference = seedPassage(SEED.dialogue, 'Có 5 vấn đề liên quan đến biển Đông', 'về năm chủ tịch ASEAN của Việt Nam.', { score: 0.8 });
    const theme = seedPassage(SEED.dialogue, 'Chủ đề của năm ASEAN 2020', 'tháng 4 và tháng 11.', { score: 0.6, ordinal: 6 });
    const sources = [pressConference, theme];
    const a = answerExtractively('Năm Chủ tịch ASEAN, Việt Nam dự kiến tổ chức bao nhiêu hội nghị?', sources);
    expect(a.answer).toContain('300 hội nghị');
    expect(a.citations[0]?.chunkId).toBe(theme.chunkId);
    expectVerbatim(a.answer, sources);
  });

  it('answers "nhiệm kỳ nào" with the sentence holding a span of years', () => {
    const challenges = seedPassage(SEED.dialogue, 'Nói về những thách thức', 'được nhiều nước quan tâm hơn.', { score: 0.8, ordinal: 5 });
    const term = seedPassage(SEED.dialogue, 'Với tư cách là Ủy viên không thường trực', 'trên thế giới.', { score: 0.6, ordinal: 2 });
    const sources = [challenges, term];
    const a = answerExtractively('Việt Nam đảm nhiệm vị trí Ủy viên không thường trực Hội đồng Bảo an nhiệm kỳ nào?', sources);
    expect(a.answer).toContain('2020-2021');
    expectVerbatim(a.answer, sources);
  });

  it('quotes the sentence before one that opens with "Ông …", which names him', () => {
    const speech = seedPassage(SEED.peace, 'Trong bài phát biểu của mình', 'Quan hệ Đối tác Toàn diện ASEAN-Liên hợp quốc.', { score: 0.8 });
    const a = answerExtractively('Ai tái khẳng định ASEAN là đối tác lâu dài vì hòa bình với Liên hợp quốc?', [speech]);
    expect(a.answer).toContain('Lê Lương Minh');
    expect(a.answer).toContain('Ông tái khẳng định');
    expect(a.answer.indexOf('Lê Lương Minh')).toBeLessThan(a.answer.indexOf('Ông tái khẳng định'));
    expectVerbatim(a.answer, [speech]);
  });

  it('answers a follow-up about its new topic even when the previous question matches another passage better', () => {
    const peace = seedPassage(SEED.peace, '18 tổ chức khu vực', 'trên phạm vi toàn cầu.', { score: 0.55 });
    const context = 'Các tổ chức khu vực như ASEAN hợp tác với Liên hợp quốc vì hòa bình và hòa giải ra sao?';
    const sources = [osceCall, osceSummit, peace];
    const a = answerExtractively('OSCE?', sources, { context, focus: ['OSCE'] });
    expect(a.citations[0]?.documentId).toBe(SEED.osce);
    expect(a.answer).toContain('OSCE');
    expect(a.answer).not.toContain('18 tổ chức khu vực');
  });
});

describe('answerExtractively: a follow-up\'s new topic named just before', () => {
  it('ranks first "tập đoàn này …" right after the sentence naming the follow-up\'s topic', () => {
    const text =
      'Tập đoàn Temasek của Singapore vừa đạt thỏa thuận đầu tư vào hãng hàng không. Dự kiến, tập đoàn này sẽ đầu tư tới 50 triệu USD để giúp hãng trả nợ.';
    const deal: SearchResult = {
      text, score: 0.5, documentId: 'dau-tu-hang-khong', title: 'Hãng hàng không tái cơ cấu', outlet: null, publishedAt: null,
      chunkId: 'dau-tu-hang-khong#0', start: 0, end: text.length,
    };
    const fares =
      'Từ tháng 5, hãng đã giảm giá vé 10% trên tuyến Hà Nội, trong khi Temasek chưa công bố kế hoạch mới.';
    const discount: SearchResult = { ...deal, text: fares, score: 0.7, chunkId: 'dau-tu-hang-khong#1', start: 1000, end: 1000 + fares.length };
    const ranked = rankSentences('Temasek định đầu tư bao nhiêu vào hãng này?', [discount, deal], {
      context: 'Hãng hàng không giảm giá vé bao nhiêu phần trăm?',
      focus: ['Temasek'],
    });
    expect(ranked[0]?.text).toContain('50 triệu USD');
  });

  it('ranks first the sentence that opens with the new topic, not one after a list that names it', () => {
    const text =
      'Theo đó, những đại gia như MU, Arsenal, Chelsea, Liverpool đều chỉ phải gặp những đội bóng hạng dưới. ' +
      'Manchester United, đội đang giữ Cup, sẽ tiếp Exeter City tại sân Old Trafford. ' +
      'Arsenal, từng 9 lần đăng quang ở Cup FA, sẽ so tài với đội bóng hạng 2 Stoke City tại Highbury.';
    const draw: SearchResult = {
      text, score: 0.75, documentId: 'cup-fa-vong-3', title: 'Bốc thăm vòng 3 Cup FA', outlet: null, publishedAt: null,
      chunkId: 'cup-fa-vong-3#0', start: 0, end: text.length,
    };
    const ranked = rankSentences('Arsenal?', [draw], { context: 'Bốc thăm vòng 3 Cup FA, MU gặp đội nào?', focus: ['Arsenal'] });
    expect(ranked[0]?.text).toContain('Stoke City');
  });
});

describe('answerExtractively: mechanisms of issue 9', () => {
  const participants = seedPassage(SEED.dialogue, 'Đối thoại lần này có sự tham dự', 'từ các nước ASEAN và trong khu vực.', { score: 0.8 });

  it('adds the sentence of the same article that holds the asked fact when the best one does not', () => {
    const passage = (ordinal: number, text: string, score: number): SearchResult => ({
      text, score, documentId: 'sot-xuat-huyet', title: 'Sốt xuất huyết có thể bùng phát', outlet: null, publishedAt: null,
      chunkId: `sot-xuat-huyet#${ordinal}`, start: ordinal * 1000, end: ordinal * 1000 + text.length,
    });
    const report = passage(0, 'Viện Pasteur TP HCM đã báo cáo với Bộ Y tế về dịch sốt xuất huyết trong cuộc họp chiều nay. Năm sau các tỉnh sẽ tăng cường phun thuốc.', 0.95);
    const attendees = passage(1, 'Dự cuộc họp về dịch sốt xuất huyết có Thứ trưởng Trần Chí Liêm. Các tỉnh phía Nam được yêu cầu báo cáo hằng tuần.', 0.4);
    const a = answerExtractively('Ai dự cuộc họp Viện Pasteur TP HCM báo cáo với Bộ Y tế về dịch sốt xuất huyết?', [report, attendees], {
      relevant: true,
      answerability: loadCommittedAnswerabilityModel(),
    });
    expect(a.grounded).toBe(true);
    expect(a.answer).toContain('Trần Chí Liêm');
    expect(a.answer).not.toContain('phun thuốc');
    expect(a.answer).not.toContain('hằng tuần');
  });

  it('reads what a question typed without diacritics asks from its restored form, unless that form lost the question word', () => {
    const passage = (ordinal: number, text: string, score: number): SearchResult => ({
      text, score, documentId: 'co-che', title: 'Hợp tác ASEAN – Liên Hợp Quốc', outlet: null, publishedAt: null,
      chunkId: `co-che#${ordinal}`, start: ordinal * 1000, end: ordinal * 1000 + text.length,
    });
    const general = passage(0, 'Cơ chế hợp tác cấp cao giữa ASEAN và Liên Hợp Quốc được duy trì và củng cố.', 0.9);
    const levels = passage(1, 'Cơ chế này gồm 3 cấp họp.', 0.8);
    const best = (askedAs?: string) => rankSentences('co che hop tac co may cap', [general, levels], askedAs ? { askedAs } : {})[0]?.text;
    // As typed, "may" may be "máy": nothing tells that a number is asked.
    expect(best()).toContain('củng cố');
    expect(best('cơ chế hợp tác có mấy cấp')).toContain('3 cấp');
    // A restorer's slip on the question word ("máy") leaves the reading as typed.
    expect(best('cơ chế hợp tác có máy cấp')).toContain('củng cố');
  });

  it('answers "viết tắt là gì" with the sentence that defines the abbreviation', () => {
    const a = answerExtractively('Tên viết tắt của Viện Hòa bình và Hòa giải ASEAN là gì?', [dialogueOpening, participants, resolution]);
    expect(a.answer).toContain('(AIPR)');
  });

  it('says how old its source is when the question asks about now', () => {
    const question = 'Hiện nay OSCE có bao nhiêu quốc gia thành viên?';
    const old = answerExtractively(question, [osceSummit, osceCall], { now: new Date('2026-11-30') });
    expect(old.answer).toMatch(/^Nguồn mới nhất tìm được đăng ngày 03\/12\/2019 \[\d\]/u);
    const fresh = answerExtractively(question, [osceSummit, osceCall], { now: new Date('2019-12-05') });
    expect(fresh.answer).not.toContain('Nguồn mới nhất');
    const notNow = answerExtractively('OSCE có bao nhiêu quốc gia thành viên?', [osceSummit, osceCall], { now: new Date('2026-11-30') });
    expect(notNow.answer).not.toContain('Nguồn mới nhất');
  });

  it('answers a follow-up that names no new topic from the documents just cited', () => {
    const sources = [dialogueOpening, resolution];
    const opts = { context: 'Hợp tác ASEAN - Liên Hợp Quốc', maxSentences: 1 };
    const toResolution = answerExtractively('Diễn ra ngày nào?', sources, { ...opts, preferDocuments: [SEED.resolution] });
    const toDialogue = answerExtractively('Diễn ra ngày nào?', sources, { ...opts, preferDocuments: [SEED.dialogue] });
    expect(toResolution.citations[0]?.documentId).toBe(SEED.resolution);
    expect(toDialogue.citations[0]?.documentId).toBe(SEED.dialogue);
  });

  it('with the learned answerability model: answers what the passages hold, declines what they do not', () => {
    const answerability = loadCommittedAnswerabilityModel();
    const held = answerExtractively('OSCE có bao nhiêu quốc gia thành viên?', [osceSummit, osceCall], { answerability });
    expect(held.grounded).toBe(true);
    expect(held.answerability).toBeGreaterThanOrEqual(answerability.threshold);
    const absent = answerExtractively('Thủ tướng Nhật Bản phát biểu gì tại Tokyo?', [osceSummit, osceCall], { answerability });
    expect(absent.answer).toBe(NOT_FOUND_ANSWER);
    expect(absent.answerability).toBeLessThan(answerability.threshold);
  });

  it('asked how many of a thing, declines a news report that counts only other things unless the model is sure', () => {
    // A model of one constant probability that never says "not found" by itself (threshold 0).
    const sure = (p: number): AnswerabilityModel => ({
      features: [...ANSWERABILITY_FEATURES],
      mean: ANSWERABILITY_FEATURES.map(() => 0),
      scale: ANSWERABILITY_FEATURES.map(() => 1),
      weights: ANSWERABILITY_FEATURES.map(() => 0),
      bias: Math.log(p / (1 - p)),
      threshold: 0,
      trainedOn: 'test',
    });
    const question = 'Có bao nhiêu nghi phạm bị bắt liên quan đến kho bom ở Poso?';
    const text = 'Đêm qua, cảnh sát thành phố Poso phát hiện một nơi cất giấu 60 quả bom và 2 khẩu súng tự chế.';
    const news = newsPassage(text, 'poso', 0.8);
    expect(answerExtractively(question, [news], { answerability: sure(0.7) }).answer).toBe(NOT_FOUND_ANSWER);
    expect(answerExtractively(question, [news], { answerability: sure(0.9) }).grounded).toBe(true);
    // A count of the very thing asked answers at any probability the model accepts.
    const counted = newsPassage('Cảnh sát thành phố Poso đã bắt 3 nghi phạm liên quan đến kho bom.', 'poso-2', 0.8);
    expect(answerExtractively(question, [counted], { answerability: sure(0.7) }).answer).toContain('3 nghi phạm');
    // A reference text is left to the model's own threshold.
    const reference = { ...news, outlet: null, publishedAt: null };
    expect(answerExtractively(question, [reference], { answerability: sure(0.7) }).grounded).toBe(true);
  });

  it('asked when of a news report, declines when the sentences about the event never say; a reference text is not held to it', () => {
    const climate = seedPassage(SEED.osce, 'Trong lĩnh vực phát triển bền vững', 'các nguy cơ về an ninh khác.', { score: 0.8, ordinal: 4 });
    const question = 'Ông Ban Ki-moon kêu gọi chống biến đổi khí hậu vào ngày nào?';
    const report = answerExtractively(question, [climate]);
    expect(report.answer).toBe(NOT_FOUND_ANSWER);
    // The article's dated opening paragraph, retrieved too, tells the day of the call.
    const dated = answerExtractively(question, [climate, osceCall]);
    expect(dated.grounded).toBe(true);
    expect(dated.answer).toContain('1/12');
    // An encyclopedia answers "when" with eras the date reader does not take for one: its sentence is quoted.
    const reference = answerExtractively(question, [{ ...climate, outlet: null, publishedAt: null }]);
    expect(reference.grounded).toBe(true);
    expect(reference.answer).toContain('biến đổi khí hậu');
  });

  it('declines to quote a news report\'s sentence without the asked fact, even when another sentence near the key terms has one', () => {
    // The closing is told without its day; another article's sentence on the same exhibition has a
    // day, of another event: the best sentence would answer "when did it close" with no day.
    const closing = newsPassage('Triển lãm hội họa đương đại tại khách sạn Palm Garden ở Hội An bế mạc trong sự tiếc nuối của du khách.', 'closing', 0.95);
    const prizes = newsPassage('Ngày 25/3, triển lãm ở khách sạn Palm Garden trao giải cho ba họa sĩ.', 'prizes', 0.1);
    const question = 'Triển lãm hội họa ở khách sạn Palm Garden bế mạc ngày nào?';
    expect(rankSentences(question, [closing, prizes])[0]?.chunkId).toBe('closing#0');
    expect(answerExtractively(question, [closing, prizes]).answer).toBe(NOT_FOUND_ANSWER);
    // The same sentences as reference texts are quoted as before.
    const reference = answerExtractively(question, [closing, prizes].map((p) => ({ ...p, outlet: null, publishedAt: null })));
    expect(reference.citations[0]?.documentId).toBe('closing');
  });

  it('asked why, quotes the sentence whose cause the next one points back to ("… Đấy chính là lý do …")', () => {
    const market = newsPassage(
      'Chợ nổi Phụng Hiệp nằm ở điểm hội tụ của bảy nhánh sông. Khu chợ này còn mắc chuyện ô nhiễm môi trường nghiêm trọng. Đấy chính là lý do chính quyền tỉnh đã quyết định di dời chợ nổi Phụng Hiệp vào một nhánh sông ở Ba Ngàn.',
      'market',
      0.8,
    );
    const a = answerExtractively('Vì sao chợ nổi Phụng Hiệp bị dời vào một nhánh sông ở Ba Ngàn?', [market]);
    expect(a.answer).toContain('ô nhiễm môi trường');
  });

  it('a follow-up naming nothing new is answered from the documents just cited when they state the asked fact', () => {
    const mouse = newsPassage('Laser Mouse 6000 là loại chuột vi tính dành cho game thủ. Laser Mouse 6000 sẽ có mặt trên thị trường vào tháng 10 tới.', 'mouse', 0.7);
    // Another article's sentence shares more of the words ("bán", "con chuột", "game thủ") and states no time.
    const games = newsPassage('Con chuột cho game thủ được bán khắp nơi ở chợ Nhật Tảo.', 'games', 0.6);
    const a = answerExtractively('Khi nào có bán?', [games, mouse], { context: 'Thế còn con chuột Laser Mouse 6000 cho game thủ?', preferDocuments: ['mouse'] });
    expect(a.answer).toContain('tháng 10');
    expect(a.citations[0]?.documentId).toBe('mouse');
  });

  it('does not take a sentence repeating "bao nhiêu phần trăm" for the one giving the percentage', () => {
    const echo = newsPassage('Thực ra lúc ấy không ai nghĩ đến chuyện tính phần trăm bao nhiêu, ai cũng muốn lấy chồng sớm.', 'echo', 0.6);
    const survey = newsPassage('Có 95% các em ước mơ lấy một tấm chồng ở độ tuổi 25.', 'survey', 0.5);
    for (const question of ['Bao nhiêu phần trăm muốn lấy chồng ở tuổi 25?', 'bao nhieu phan tram muon lay chong o tuoi 25?']) {
      const a = answerExtractively(question, [echo, survey]);
      expect(a.answer, question).toContain('95%');
      expect(a.citations.map((c) => c.documentId)).toEqual(['survey']);
    }
  });

  it('asked a precise fact (a price, a duration, a count of people), declines passages that never state one', () => {
    const answerability = loadCommittedAnswerabilityModel();
    // On topic (the OSCE summit), but no sum of money anywhere: the model is not even asked.
    const price = answerExtractively('Hội nghị cấp cao OSCE ở Astana tốn bao nhiêu tiền?', [osceSummit, osceCall], { answerability });
    expect(price.answer).toBe(NOT_FOUND_ANSWER);
    expect(price.answerability).toBeUndefined();
    // The member count is stated: the same kind of question is answered.
    const count = answerExtractively('OSCE có bao nhiêu quốc gia thành viên?', [osceSummit, osceCall], { answerability });
    expect(count.grounded).toBe(true);
  });
});

describe('appendMarker', () => {
  it('puts the marker before the closing punctuation and tidies the wire end mark', () => {
    expect(appendMarker('Hội nghị diễn ra tại Hà Nội.', 2)).toBe('Hội nghị diễn ra tại Hà Nội [2].');
    expect(appendMarker('Đối thoại diễn ra tại Hà Nội./.', 1)).toBe('Đối thoại diễn ra tại Hà Nội [1].');
    expect(appendMarker('Vì sao?', 3)).toBe('Vì sao [3]?');
    expect(appendMarker('Không dấu chấm', 1)).toBe('Không dấu chấm [1].');
  });
});

describe('streamingPieces', () => {
  it('cuts at sentence starts and loses nothing', () => {
    const answer = 'Câu thứ nhất [1]. Câu thứ hai [2]. Câu thứ ba.';
    const pieces = streamingPieces(answer);
    expect(pieces.length).toBe(3);
    expect(pieces.join('')).toBe(answer);
  });
});

describe('answerExtractively for "mới nhất"', () => {
  const passage = (documentId: string, publishedAt: string, text: string, score: number): SearchResult => ({
    text,
    score,
    documentId,
    title: 'Hồ chứa nước Bản Chiềng',
    outlet: 'VOV',
    publishedAt,
    chunkId: `${documentId}#0`,
    start: 0,
    end: text.length,
  });
  const older = passage('chan-dong', '2018-11-28', 'Ngày 27/11/2018, công trường hồ chứa nước Bản Chiềng đã chặn dòng suối thành công.', 0.9);
  const newer = passage('ban-giao', '2020-11-30', 'Ngày 27/11/2020, hồ chứa nước Bản Chiềng được bàn giao đưa vào sử dụng.', 0.7);

  it('quotes the newest passage first when asked for the newest, in score order otherwise', () => {
    // As the chat searches and answers it: the recency words already read off the question.
    const question = 'về hồ chứa nước Bản Chiềng?';
    const newest = answerExtractively(question, [older, newer], { relevant: true, newestFirst: true });
    expect(newest.citations.map((c) => c.documentId)).toEqual(['ban-giao', 'chan-dong']);
    expect(newest.answer.startsWith('Ngày 27/11/2020')).toBe(true);
    const plain = answerExtractively(question, [older, newer], { relevant: true });
    expect(plain.citations.map((c) => c.documentId)).toEqual(['chan-dong', 'ban-giao']);
  });
});

describe('answerExtractively for a question about the present', () => {
  const report = (publishedAt: string | null): SearchResult => {
    const text = 'Hôm nay, giá vàng SJC tại Hà Nội là 83,5 triệu đồng/lượng, giảm 200.000 đồng so với hôm qua.';
    return { text, score: 0.9, documentId: `gia-vang-${publishedAt ?? 'undated'}`, title: 'Giá vàng', outlet: 'VOV', publishedAt, chunkId: 'gia-vang#0', start: 0, end: text.length };
  };
  const today = new Date('2026-11-30T12:00:00Z');
  const model = loadCommittedAnswerabilityModel();

  it('answers "hôm nay" from a source of this week', () => {
    const a = answerExtractively('Giá vàng SJC hôm nay là bao nhiêu?', [report('2026-11-29')], { relevant: true, now: today, answerability: model });
    expect(a.grounded).toBe(true);
    expect(a.answer).toContain('83,5 triệu');
  });

  it('says "not found" for "hôm nay" when the only source is old, and says how old', () => {
    const a = answerExtractively('Giá vàng SJC hôm nay là bao nhiêu?', [report('2024-03-12')], { relevant: true, now: today, answerability: model });
    expect(a.grounded).toBe(false);
    expect(a.answer).toBe(NOT_FOUND_ANSWER);
    expect(a.citations).toEqual([]);
    expect(a.notice).toContain('12/03/2024');
  });

  it('says "not found" for "hôm nay" when the sources are undated, typed without diacritics too', () => {
    const a = answerExtractively('gia vang sjc hom nay la bao nhieu', [report(null)], { relevant: true, now: today, answerability: model });
    expect(a.grounded).toBe(false);
    expect(a.notice).toContain('không ghi ngày đăng');
  });

  it('answers "hiện nay" from an undated reference text (it may say what holds now)', () => {
    expect(answerExtractively('Giá vàng SJC hiện nay là bao nhiêu?', [report(null)], { relevant: true, now: today, answerability: model }).grounded).toBe(true);
  });

  it('answers "hiện nay" from an old dated source, its date said first', () => {
    const a = answerExtractively('Giá vàng SJC hiện nay là bao nhiêu?', [report('2024-03-12')], { relevant: true, now: today, answerability: model });
    expect(a.grounded).toBe(true);
    expect(a.answer).toMatch(/^Nguồn mới nhất tìm được đăng ngày 12\/03\/2024/u);
  });

  it('does not apply to "mới nhất", which asks for the newest report whatever its age', () => {
    const a = answerExtractively('Giá vàng SJC mới nhất là bao nhiêu?', [report('2024-03-12')], { relevant: true, now: today, answerability: model });
    expect(a.grounded).toBe(true);
    expect(a.answer).toContain('12/03/2024');
  });
});

describe('answerExtractively: articles that name what the question names', () => {
  const passage = (documentId: string, text: string, score: number): SearchResult => ({
    text,
    score,
    documentId,
    title: 'Điện ảnh',
    outlet: 'VnExpress',
    publishedAt: '2005-03-01',
    chunkId: `${documentId}#0`,
    start: 0,
    end: text.length,
  });
  const otherFilm = passage('other', 'Kinh phí làm một bộ phim hiện nay khoảng 1,5 tỷ đồng. Hãng phim Việt cho biết kinh phí làm phim tăng mỗi năm.', 0.9);
  const rouge = passage('rouge', 'Phần 2 của phim Rouge được quay ở Đà Lạt với kinh phí 4 tỷ đồng. Đạo diễn là Ngô Thanh Vân.', 0.6);

  it('answers from the article that names the film asked about, not the one that shares more words', () => {
    const a = answerExtractively('Kinh phí làm phim Rouge 2 là bao nhiêu?', [otherFilm, rouge]);
    expect(a.grounded).toBe(true);
    expect(a.citations.map((c) => c.documentId)).toEqual(['rouge']);
    expect(a.answer).toContain('4 tỷ đồng');
  });

  it('says "not found" when no article found names it', () => {
    const a = answerExtractively('Kinh phí làm phim Rouge 2 là bao nhiêu?', [otherFilm]);
    expect(a.grounded).toBe(false);
    expect(a.answer).toBe(NOT_FOUND_ANSWER);
    // The same question without the film's name is answered from the same article.
    expect(answerExtractively('Kinh phí làm phim là bao nhiêu?', [otherFilm]).grounded).toBe(true);
  });
});

describe('answerExtractively: the not-found threshold by kind of source', () => {
  const text = 'Tháp Eiffel được xây dựng trong hai năm. Công trình hoàn thành năm 1889 cho Triển lãm Thế giới.';
  const reference: SearchResult = {
    text, score: 0.6, documentId: 'thap-eiffel', title: 'Tháp Eiffel', outlet: null, publishedAt: null,
    chunkId: 'thap-eiffel#0', start: 0, end: text.length,
  };
  const news: SearchResult = { ...reference, outlet: 'VnExpress', publishedAt: '2005-03-02' };
  const question = 'Tháp Eiffel hoàn thành năm nào?';
  const committed = loadCommittedAnswerabilityModel();
  // Thresholds on either side of this question's probability, whichever source it is read from.
  const p = answerabilityProbability(committed, extractiveAnswerabilityFeatures(question, [reference]));
  const model = { ...committed, threshold: Math.min(1, p + 0.01), referenceThreshold: Math.max(0, p - 0.01) };

  it('answers from a reference text (no outlet, no date) at its own, lower threshold', () => {
    expect(answerExtractively(question, [reference], { relevant: true, answerability: model }).grounded).toBe(true);
  });

  it('holds a news report to the news threshold', () => {
    expect(p).toBeCloseTo(answerabilityProbability(committed, extractiveAnswerabilityFeatures(question, [news])), 6);
    expect(answerExtractively(question, [news], { relevant: true, answerability: model }).grounded).toBe(false);
  });

  it('uses the news threshold for every source when the model has no reference threshold', () => {
    const { referenceThreshold: _none, ...newsOnly } = model;
    expect(answerExtractively(question, [reference], { relevant: true, answerability: newsOnly }).grounded).toBe(false);
  });
});
