import { describe, expect, it } from 'vitest';
import { SEED, seedPassage } from '../../tests/helpers/seedPassages.js';
import { withoutAnswerSentences } from './answerability.js';

const theme = seedPassage(SEED.dialogue, 'Chủ đề của năm ASEAN 2020', 'tháng 4 và tháng 11.', { ordinal: 6 });
const peace = seedPassage(SEED.peace, '18 tổ chức khu vực', 'bối cảnh hiện nay.');

describe('withoutAnswerSentences (the "detail not given" training rows)', () => {
  it('cuts the sentences stating the answer from the gold document only, keeping the rest of its passage', () => {
    expect(theme.text).toContain('300 hội nghị');
    const [cut, other] = withoutAnswerSentences([theme, peace], SEED.dialogue, ['300 hội nghị']);
    expect(cut!.text).not.toContain('300 hội nghị');
    expect(cut!.text).toContain('Chủ đề của năm ASEAN 2020');
    expect(cut!.text.length).toBeGreaterThan(0);
    expect(other).toBe(peace);
  });

  it('matches the answer whatever its case and Unicode form', () => {
    const [cut] = withoutAnswerSentences([theme], SEED.dialogue, ['300 HỘI NGHỊ'.normalize('NFD')]);
    expect(cut!.text).not.toContain('300 hội nghị');
  });
});
