import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../retrieval/types.js';
import { anchoredDocuments, questionAnchors } from './anchors.js';

const passage = (documentId: string, text: string, title = 'Tin tức'): SearchResult => ({
  text,
  score: 0.8,
  documentId,
  title,
  outlet: null,
  publishedAt: null,
  chunkId: `${documentId}#0`,
  start: 0,
  end: text.length,
});

describe('questionAnchors', () => {
  it('reads names, a number given with a name, and codes; not a capitalised Vietnamese word alone', () => {
    expect(questionAnchors('Kinh phí làm phim Rouge 2 của Hãng phim Việt là bao nhiêu?')).toEqual(['Rouge 2']);
    expect(questionAnchors('Lãnh đạo Tin lành nào học ở Đại học Paris?')).toEqual(['Paris']);
    expect(questionAnchors('Tesla có xây nhà máy ở Việt Nam không?')).toEqual(['Tesla', 'Việt Nam']);
    expect(questionAnchors('Cách nấu phở ở Hà Nội?')).toEqual(['Hà Nội']);
    expect(questionAnchors('SEA Games 31 được tổ chức ở nước nào?')).toEqual(['SEA Games 31']);
    expect(questionAnchors('Điện thoại Casio W41CA bán giá bao nhiêu?')).toEqual(['Casio', 'W41CA']);
    expect(questionAnchors('Cách nấu phở bò như thế nào?')).toEqual([]);
  });

  it('ends a name at punctuation', () => {
    expect(questionAnchors('Theo Viện Pasteur, TP HCM đứng thứ mấy?')).toEqual(['Theo Viện Pasteur', 'TP HCM']);
    expect(questionAnchors('Liên Hợp Quốc kêu gọi gì?')).toEqual(['Liên Hợp Quốc']);
    expect(questionAnchors('Ai bắt chính trận Valencia - Marseille?')).toEqual(['Valencia', 'Marseille']);
  });

  it('reads the runs of foreign words of a question typed in lower case, and its codes', () => {
    expect(questionAnchors('dien thoai casio w41ca ban gia bao nhieu')).toEqual(['casio', 'w41ca']);
    expect(questionAnchors('nghien cuu cua patrick miller dang o dau')).toEqual(['patrick miller']);
    expect(questionAnchors('tran chelsea hoa everton 1-1 co bao nhieu khan gia')).toEqual(['chelsea', 'everton']);
    // A unit ("mb") or a lower-case acronym ("tp hcm") is not a name; Vietnamese syllables never are.
    expect(questionAnchors('ban cap nhat nang bao nhieu mb')).toEqual([]);
    expect(questionAnchors('cach nau pho bo o tp hcm')).toEqual([]);
  });

  it('reads no lower-case foreign word of a question that capitalises its names', () => {
    expect(questionAnchors('Cuộc thi hôn marathon ở Vicenza có bao nhiêu cặp?')).toEqual(['Vicenza']);
  });
});

describe('anchoredDocuments', () => {
  const otherFilm = passage('a', 'Kinh phí làm một bộ phim nhựa hiện nay khoảng 1.500 USD, Hãng phim Việt cho biết.');
  const rouge = passage('b', 'Hãng phim Việt đang làm phần 2 của phim Rouge với kinh phí chưa công bố.');
  it('keeps only the articles that name every anchor', () => {
    const anchors = questionAnchors('Kinh phí làm phim Rouge 2 của Hãng phim Việt là bao nhiêu?');
    expect(anchoredDocuments(anchors, [otherFilm, rouge])).toEqual(new Set(['b']));
  });

  it('is null when the question names nothing', () => {
    expect(anchoredDocuments([], [otherFilm])).toBeNull();
  });

  it('forgives a misspelt letter in a long word, not in a number', () => {
    const text = [passage('c', 'Edward và Lancaster chấp thuận Hiệp ước Leake năm 1318.')];
    expect(anchoredDocuments(questionAnchors('Ai dàn xếp giữa Edward và Lancater?'), text)).toEqual(new Set(['c']));
    expect(anchoredDocuments(questionAnchors('Hiệp ước Leake 1319 nói gì?'), text)).toEqual(new Set());
  });

  it('finds a name in the title, under another of its forms, or across the article\'s passages', () => {
    const un = passage('d', 'LHQ kêu gọi các bên kiềm chế.');
    expect(anchoredDocuments(questionAnchors('Liên Hợp Quốc kêu gọi gì?'), [un])).toEqual(new Set(['d']));
    const titled = passage('e', 'Máy có màn hình rộng và nặng 126 g.', 'Casio W41CA ra mắt');
    expect(anchoredDocuments(questionAnchors('Điện thoại Casio W41CA nặng bao nhiêu?'), [titled])).toEqual(new Set(['e']));
    const split = [passage('f', 'Đội tuyển Valencia thắng.'), { ...passage('f', 'Marseille thua trên sân nhà.'), chunkId: 'f#1' }];
    expect(anchoredDocuments(questionAnchors('Trận Valencia - Marseille kết thúc ra sao?'), split)).toEqual(new Set(['f']));
  });

  it('takes a name by half of its words, a code with or without its hyphen, two words joined', () => {
    const text = [passage('g', 'Chung kết Cup UEFA: Valencia gặp Marseille, Panthers thắng ở Super Bowl 50. Chuyến bay AS206 không người lái.')];
    const found = (q: string) => anchoredDocuments(questionAnchors(q), text)?.has('g');
    expect(found('Ai bắt chính trận chung kết Cup UEFA Valencia?')).toBe(true);
    expect(found('Ai đá cho Carolina Panthers?')).toBe(true);
    expect(found('Ai hát ở Superbowl 50?')).toBe(true);
    expect(found('Bao nhiêu người trên chuyến bay AS-206?')).toBe(true);
    expect(found('Ai đá cho Carolina Hurricanes?')).toBe(false);
    expect(found('Ai hát ở Super Bowl 49?')).toBe(false);
  });

  it('takes half of a name with a foreign word only when a foreign word is among that half', () => {
    const nilai = passage('h', 'Trường đại học Nilai phỏng vấn du học tại 96 Lò Đúc lúc 4h chiều.');
    const nanning = passage('i', 'Buổi phỏng vấn của Trường Văn hóa và Ngôn ngữ Nanning diễn ra ở Hà Nội.');
    const anchors = questionAnchors('Buổi phỏng vấn du học Trường Nanning bắt đầu lúc mấy giờ?');
    expect(anchoredDocuments(anchors, [nilai, nanning])).toEqual(new Set(['i']));
  });
});
