import { describe, expect, it } from 'vitest';
import { SEED, seedPassage } from '../../tests/helpers/seedPassages.js';
import { answerExtractively } from './extractive.js';
import { makeCachedPassageReader, readPassage } from './passageSentences.js';

const opening = seedPassage(SEED.dialogue, 'Trong khuôn khổ Hội thảo ASEAN', 'trong hai ngày từ 3-4/12 tại Hà Nội./.', { score: 0.9 });
const undp = seedPassage(SEED.relations, 'Hợp tác giữa ASEAN và Liên Hợp Quốc được lập từ sớm', 'thúc đẩy liên kết khu vực.', { score: 0.8 });

describe('readPassage', () => {
  it('gives sentences with their exact offsets in the passage, leaving out debris', () => {
    const passage = 'Ảnh: TTXVN\nNăm 1977, ASEAN và UNDP chính thức lập quan hệ đối tác.  Hai bên ký kết nhiều văn kiện hợp tác quan trọng.';
    const sentences = readPassage(passage);
    expect(sentences.map((s) => s.text)).toEqual([
      'Năm 1977, ASEAN và UNDP chính thức lập quan hệ đối tác.',
      'Hai bên ký kết nhiều văn kiện hợp tác quan trọng.',
    ]);
    for (const s of sentences) expect(passage.slice(s.start, s.end)).toBe(s.text);
    expect(sentences.map((s) => s.ordinal)).toEqual([1, 2]);
    expect(sentences[0]!.read.numbers).toEqual([{ value: '1977', before: 'nam' }]);
    expect(sentences[0]!.folded.has('chinh')).toBe(true);
  });
});

describe('makeCachedPassageReader', () => {
  it('reads each passage once, and answers exactly as reading afresh does', () => {
    const read = makeCachedPassageReader(10);
    const first = read(opening.text);
    expect(read(opening.text)).toBe(first);
    expect(read(undp.text)).not.toBe(first);
    for (const question of ['Ai phát biểu khai mạc?', 'ASEAN và UNDP lập quan hệ đối tác năm nào?', 'Hội thảo diễn ra ở đâu?']) {
      const cached = answerExtractively(question, [opening, undp], { readPassage: read });
      expect(cached).toEqual(answerExtractively(question, [opening, undp]));
    }
  });

  it('forgets the least recently read passage beyond its size', () => {
    const read = makeCachedPassageReader(1);
    const first = read(opening.text);
    read(undp.text);
    expect(read(opening.text)).not.toBe(first);
    expect(read(opening.text)).toEqual(first);
  });
});
