import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../tests/helpers/config.js';
import { splitSentences as splitSentencesBefore } from '../../tests/helpers/sentencesBefore.js';
import { splitSentences } from './sentences.js';

const texts = (text: string): string[] => splitSentences(text).map((s) => s.text);

describe('splitSentences', () => {
  it('splits at . ! ? … before a capital, digit, quote or bracket', () => {
    expect(texts('Hội nghị bế mạc. Các nước ra tuyên bố! Ai chủ trì? 2020 là năm bản lề… "Đúng vậy", ông nói. (Hết)')).toEqual([
      'Hội nghị bế mạc.',
      'Các nước ra tuyên bố!',
      'Ai chủ trì?',
      '2020 là năm bản lề…',
      '"Đúng vậy", ông nói.',
      '(Hết)',
    ]);
  });

  it('gives exact offsets, trimmed of whitespace', () => {
    const text = '  Câu một.   Câu hai!\n\n  Đoạn mới  \n';
    const spans = splitSentences(text);
    expect(spans.map((s) => s.text)).toEqual(['Câu một.', 'Câu hai!', 'Đoạn mới']);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('always splits at a line break, even without punctuation', () => {
    expect(texts('Hợp tác giữa ASEAN và Liên Hợp Quốc\nHai bên nhất trí')).toEqual([
      'Hợp tác giữa ASEAN và Liên Hợp Quốc',
      'Hai bên nhất trí',
    ]);
  });

  it('does not split before a lower-case word', () => {
    expect(texts('Thậm chí còn mở rộng đối tượng được miễn. đồng thời cũng điều chỉnh.')).toHaveLength(1);
  });

  it('does not split inside numbers and dates', () => {
    const text = 'Mức trần lên tới 900.000 đồng, tăng 3,5 lần từ ngày 3/12/2019. Giá là 1.000.000 đồng.';
    expect(texts(text)).toEqual(['Mức trần lên tới 900.000 đồng, tăng 3,5 lần từ ngày 3/12/2019.', 'Giá là 1.000.000 đồng.']);
  });

  it('keeps Vietnamese abbreviations inside the sentence', () => {
    expect(texts('Hội thảo diễn ra tại TP. Hồ Chí Minh với PGS. Nguyễn Văn A, TS. Lê B và ThS. Trần Văn Cường. Tp. Huế cũng tham gia.')).toEqual([
      'Hội thảo diễn ra tại TP. Hồ Chí Minh với PGS. Nguyễn Văn A, TS. Lê B và ThS. Trần Văn Cường.',
      'Tp. Huế cũng tham gia.',
    ]);
    expect(texts('Ca mổ do GS. Nguyễn Văn D và BS. Phạm E thực hiện.')).toHaveLength(1);
  });

  it('splits after ordinary words such as "ông." and one-letter Vietnamese words', () => {
    expect(texts('Tôi đã gặp ông. Ông nói rằng hội nghị thành công.')).toHaveLength(2);
    expect(texts('Hòa bình và ổn định ở Đông Nam Á. Tổng Thư ký đã mời ASEAN.')).toEqual([
      'Hòa bình và ổn định ở Đông Nam Á.',
      'Tổng Thư ký đã mời ASEAN.',
    ]);
  });

  it('keeps initials and dotted abbreviations', () => {
    expect(texts('Quan chức U.S. Department of State và ông J. Smith tham dự.')).toHaveLength(1);
    expect(texts('Tổng thống John F. Kennedy phát biểu.')).toHaveLength(1);
    expect(texts('Đội tuyển đứng đầu bảng A. Đội bạn xếp thứ hai.')).toHaveLength(2);
    // initials before another initial or a foreign name, even after a lower-case word
    expect(texts('Công trình của nhà nghiên cứu M. Theo Kearney được công bố.')).toHaveLength(1);
    expect(texts('Mô hình do nhà vật lý T. T. Tsui đề xuất.')).toHaveLength(1);
  });

  it('does not split at an ellipsis inside quotes', () => {
    expect(texts('Ông nói: “Tôi nghĩ... Nhưng thôi” rồi rời đi. Cuộc họp kết thúc.')).toEqual([
      'Ông nói: “Tôi nghĩ... Nhưng thôi” rồi rời đi.',
      'Cuộc họp kết thúc.',
    ]);
  });

  it('splits at an ellipsis outside quotes', () => {
    expect(texts('thực hiện các Mục tiêu Phát triển Thiên niên kỷ… Cho đến nay, hai bên đã họp 4 lần.')).toHaveLength(2);
  });

  it('treats the TTXVN end mark "./." as the end of a sentence', () => {
    expect(texts('Hội nghị kết thúc./. Theo VOV')).toEqual(['Hội nghị kết thúc./.', 'Theo VOV']);
  });

  it('keeps closing quotes and brackets with the sentence they end', () => {
    expect(texts('Ông nói: "Chúng tôi sẵn sàng." Sau đó (ông rời đi.) Hết.')).toEqual([
      'Ông nói: "Chúng tôi sẵn sàng."',
      'Sau đó (ông rời đi.)',
      'Hết.',
    ]);
  });

  it('does not make a sentence of a list number', () => {
    expect(texts('1. Thứ nhất là hòa bình.\n2. Thứ hai là phát triển.')).toEqual([
      '1. Thứ nhất là hòa bình.',
      '2. Thứ hai là phát triển.',
    ]);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\n ')).toEqual([]);
  });
});

describe('splitSentences, compared with the regex-per-character version it replaced', () => {
  const realTexts = ['xquad-vi/xquad-vi.passages.jsonl', 'viquad-test/viquad-test.passages.jsonl'].flatMap((file) =>
    fs
      .readFileSync(path.join(SHARED_DIR, 'eval', file), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { text: string }).text),
  );

  it('splits real Vietnamese passages exactly as before', () => {
    expect(realTexts.length).toBeGreaterThan(200);
    for (const text of realTexts) expect(splitSentences(text)).toEqual(splitSentencesBefore(text));
  });

  it('splits any mix of terminators, closers, quotes, ellipses, initials and spaces exactly as before', () => {
    const alphabet = [
      '.', '!', '?', '…', '..', './.', '"', '”', '’', '»', ')', ']', '“', '«', '‘', "'", '(', '[', ' ', '  ', '\n',
      '\u00A0', '\t', 'TP', 'J', 'A', 'Tsui', 'ông', 'Hà', 'nội', '12', '3', 'U.S', 'PGS.TS', 'Đ', 'x', '/', '\uD835',
    ];
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 16);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(splitSentences(text), JSON.stringify(text)).toEqual(splitSentencesBefore(text));
    }
  });
});
