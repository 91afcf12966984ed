import { describe, expect, it } from 'vitest';
import { SEED, seedPassage } from '../../tests/helpers/seedPassages.js';
import { ANSWERABILITY_FEATURES, loadCommittedAnswerabilityModel, questionNames } from './answerability.js';
import { extractiveAnswerabilityFeatures } from './extractive.js';
import { asksAboutNow, detectQuestionKind } from './questionKind.js';

const feature = (x: readonly number[], name: (typeof ANSWERABILITY_FEATURES)[number]) => x[ANSWERABILITY_FEATURES.indexOf(name)];

const osceSummit = seedPassage(SEED.osce, 'Hội nghị cấp cao OSCE ở Astana', 'và Trung Á./.', { score: 0.7 });
const osceCall = seedPassage(SEED.osce, 'Ngày 1/12, tại diễn đàn', 'không phổ biến hạt nhân.', { score: 0.6 });

describe('answerability features', () => {
  it('see whether the best sentence holds the kind of fact asked for', () => {
    const count = extractiveAnswerabilityFeatures('OSCE có bao nhiêu quốc gia thành viên?', [osceSummit, osceCall]);
    expect(feature(count, 'askedFact')).toBe(1);
    expect(feature(count, 'askedButMissing')).toBe(0);
    expect(feature(count, 'factNearKeyTerms')).toBeGreaterThan(0);
    const who = extractiveAnswerabilityFeatures('Ai là người sáng lập OSCE?', [osceSummit, osceCall]);
    expect(feature(who, 'askedFact')).toBe(1);
    const open = extractiveAnswerabilityFeatures('OSCE kêu gọi điều gì?', [osceSummit, osceCall]);
    expect(feature(open, 'askedFact')).toBe(0);
  });

  it('see a name or a number of the question that the passage never gives', () => {
    expect(questionNames('Tổng Thư ký NATO hiện nay là ai?')).toContain('NATO');
    expect(questionNames('Liên Hợp Quốc có bao nhiêu quốc gia thành viên?')).toEqual(['Liên Hợp Quốc']);
    const nato = extractiveAnswerabilityFeatures('Tổng Thư ký NATO hiện nay là ai?', [osceSummit, osceCall]);
    expect(feature(nato, 'namesMissingFromPassage')).toBeGreaterThan(0);
    const osce = extractiveAnswerabilityFeatures('OSCE có bao nhiêu quốc gia thành viên?', [osceSummit, osceCall]);
    expect(feature(osce, 'namesMissingFromPassage')).toBe(0);
    const year = extractiveAnswerabilityFeatures('OSCE có bao nhiêu quốc gia thành viên năm 2031?', [osceSummit, osceCall]);
    expect(feature(year, 'numbersMissingFromPassage')).toBe(1);
  });

  it('read the agreement of dense and lexical ranks from the retrieval evidence', () => {
    const withEvidence = { ...osceSummit, evidence: { cosine: 0.6, coverage: 0.9, phraseCoverage: 0.5, denseRank: 1, lexicalRank: 2 } };
    const x = extractiveAnswerabilityFeatures('OSCE có bao nhiêu quốc gia thành viên?', [withEvidence, osceCall]);
    expect(feature(x, 'ranksAgree')).toBe(1);
    expect(feature(x, 'inverseLexicalRank')).toBe(0.5);
    expect(feature(x, 'topCosine')).toBe(0.6);
  });

  it('are the ones the committed model was fitted on', () => {
    expect(loadCommittedAnswerabilityModel().features).toEqual([...ANSWERABILITY_FEATURES]);
  });
});

describe('question cues', () => {
  it('recognise questions about now, typed with or without diacritics', () => {
    expect(asksAboutNow('Giá vàng hôm nay là bao nhiêu?')).toBe(true);
    expect(asksAboutNow('gia vang hom nay la bao nhieu')).toBe(true);
    expect(asksAboutNow('Hiện nay ASEAN có mấy thành viên?')).toBe(true);
    expect(asksAboutNow('ASEAN có mấy thành viên năm 1967?')).toBe(false);
  });

  it('recognise a question asking for an abbreviation', () => {
    expect(detectQuestionKind('Tên viết tắt của Viện Hòa bình và Hòa giải ASEAN là gì?')).toBe('abbreviation');
    expect(detectQuestionKind('vien hoa binh va hoa giai asean viet tat la gi')).toBe('abbreviation');
  });

  it('read "tỷ lệ", "tỷ số", "số lượng" as asking for a number only when no question word asks for something else', () => {
    expect(detectQuestionKind('Trường đại học nào nghiên cứu tỷ lệ sinh đôi ở vùng ô nhiễm?')).toBe('organisation');
    expect(detectQuestionKind('Quốc gia có số lượng du khách đông nhất là nước nào?')).toBe('place');
    expect(detectQuestionKind('Tỷ lệ sinh đôi ở vùng ô nhiễm là bao nhiêu?')).toBe('number');
    expect(detectQuestionKind('Tỷ số chung cuộc của trận chung kết?')).toBe('number');
    expect(detectQuestionKind('ty so chung cuoc cua tran chung ket')).toBe('number');
  });

  it('read "do đâu", "nhờ đâu" as asking why, not where', () => {
    expect(detectQuestionKind('Bà ấy trông vẫn khỏe, da hồng hào là nhờ đâu?')).toBe('reason');
    expect(detectQuestionKind('ba ay trong van khoe la nho dau')).toBe('reason');
    expect(detectQuestionKind('Vụ cháy chợ là do đâu?')).toBe('reason');
    expect(detectQuestionKind('Vụ cháy chợ xảy ra ở đâu?')).toBe('place');
    // Untoned, "do dau" is also "đỡ đầu": the question asks where, not why.
    expect(detectQuestionKind('nguoi do dau cua ong bi luu day o dau')).toBe('place');
  });
});
