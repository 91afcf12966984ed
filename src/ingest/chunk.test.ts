import { describe, expect, it } from 'vitest';
import type { Article } from '../corpus/types.js';
import { splitSentences } from '../text/sentences.js';
import { chunkArticle } from './chunk.js';
import type { Chunk } from './types.js';

function article(text: string, id = 'bai-bao'): Article {
  return {
    id,
    title: 'Tiêu đề',
    outlet: 'VOV',
    publishedAt: '2020-11-24',
    text,
    sourceFile: `${id}.md`,
    originalFile: null,
    url: null,
  };
}

/** Deterministic Vietnamese-looking text: `paragraphs` paragraphs of `perParagraph` sentences. */
function longText(paragraphs: number, perParagraph: number): string {
  const words = ['hợp tác', 'ASEAN', 'Liên Hợp Quốc', 'hòa bình', 'an ninh', 'phát triển', 'khu vực', 'đối thoại'];
  const out: string[] = [];
  let n = 0;
  for (let p = 0; p < paragraphs; p++) {
    const sentences: string[] = [];
    for (let s = 0; s < perParagraph; s++) {
      n++;
      const length = 6 + (n % 9);
      const body = Array.from({ length }, (_, i) => words[(n + i) % words.length]).join(' ');
      sentences.push(`Câu ${n} nói về ${body}.`);
    }
    out.push(sentences.join(' '));
  }
  return out.join('\n\n');
}

function expectExactOffsets(a: Article, chunks: Chunk[]): void {
  for (const c of chunks) expect(c.text).toBe(a.text.slice(c.start, c.end));
}

describe('chunkArticle', () => {
  it('returns one chunk for a short article, with ids and metadata', () => {
    const a = { ...article('Câu một. Câu hai.'), section: 'Thế giới' };
    const chunks = chunkArticle(a, { maxChars: 900, overlapSentences: 1 });
    expect(chunks).toEqual([
      {
        chunkId: 'bai-bao#0',
        documentId: 'bai-bao',
        ordinal: 0,
        text: 'Câu một. Câu hai.',
        start: 0,
        end: 17,
        title: 'Tiêu đề',
        outlet: 'VOV',
        publishedAt: '2020-11-24',
        section: 'Thế giới',
      },
    ]);
  });

  it('returns no chunk for an empty article', () => {
    expect(chunkArticle(article(''), { maxChars: 300, overlapSentences: 1 })).toEqual([]);
  });

  it('keeps offsets exact and sizes within maxChars over a long article', () => {
    const a = article(longText(30, 7));
    const chunks = chunkArticle(a, { maxChars: 400, overlapSentences: 1 });
    expect(chunks.length).toBeGreaterThan(20);
    expectExactOffsets(a, chunks);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(400);
    chunks.forEach((c, i) => {
      expect(c.ordinal).toBe(i);
      expect(c.chunkId).toBe(`bai-bao#${i}`);
    });
    // Covers the whole text: every sentence lies inside some chunk.
    for (const s of splitSentences(a.text)) {
      expect(chunks.some((c) => c.start <= s.start && s.end <= c.end)).toBe(true);
    }
  });

  it('never cuts a sentence that fits', () => {
    const a = article(longText(10, 5));
    const sentences = splitSentences(a.text);
    const starts = new Set(sentences.map((s) => s.start));
    const ends = new Set(sentences.map((s) => s.end));
    for (const c of chunkArticle(a, { maxChars: 350, overlapSentences: 2 })) {
      expect(starts.has(c.start)).toBe(true);
      expect(ends.has(c.end)).toBe(true);
    }
  });

  it('repeats the last sentences of a chunk at the start of the next', () => {
    const a = article(longText(8, 6));
    const sentences = splitSentences(a.text);
    for (const overlap of [1, 2]) {
      const chunks = chunkArticle(a, { maxChars: 500, overlapSentences: overlap });
      for (let i = 1; i < chunks.length; i++) {
        const prev = chunks[i - 1]!;
        const cur = chunks[i]!;
        const inPrev = sentences.filter((s) => s.start >= prev.start && s.end <= prev.end);
        const shared = inPrev.slice(-overlap);
        expect(cur.start).toBe(shared[0]!.start);
        expect(cur.end).toBeGreaterThan(prev.end);
      }
    }
  });

  it('has no overlap when overlapSentences is 0', () => {
    const a = article(longText(8, 6));
    const chunks = chunkArticle(a, { maxChars: 500, overlapSentences: 0 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBeGreaterThanOrEqual(chunks[i - 1]!.end);
  });

  it('never makes a chunk that lies inside the previous one, even when the overlap is large', () => {
    const a = article(longText(5, 6));
    const chunks = chunkArticle(a, { maxChars: 200, overlapSentences: 5 });
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.start);
      expect(chunks[i]!.end).toBeGreaterThan(chunks[i - 1]!.end);
    }
    expectExactOffsets(a, chunks);
  });

  it('prefers to end a chunk at a paragraph break', () => {
    const para = 'Đây là một câu có độ dài vừa phải để kiểm tra. '.repeat(5).trim();
    const a = article(`${para}\n\n${para}\n\n${para}`);
    const chunks = chunkArticle(a, { maxChars: para.length + 150, overlapSentences: 0 });
    expect(chunks[0]!.text).toBe(para);
    expect(chunks.every((c) => !c.text.startsWith('\n') && !c.text.endsWith('\n'))).toBe(true);
  });

  it('splits a sentence longer than maxChars at word boundaries', () => {
    const sentence = `${Array.from({ length: 120 }, (_, i) => `từ${i}`).join(' ')}.`;
    const a = article(`Mở đầu. ${sentence} Kết thúc.`);
    const chunks = chunkArticle(a, { maxChars: 100, overlapSentences: 1 });
    expectExactOffsets(a, chunks);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(100);
      expect(/^\S/.test(c.text) && /\S$/.test(c.text)).toBe(true);
      // Word boundaries: a chunk starts at the text start or after a space, ends before a space or at the end.
      expect(c.start === 0 || /\s/.test(a.text[c.start - 1]!)).toBe(true);
      expect(c.end === a.text.length || /\s/.test(a.text[c.end]!)).toBe(true);
    }
    expect(chunks.at(-1)!.text.endsWith('Kết thúc.')).toBe(true);
  });

  it('keeps a single word longer than maxChars whole (the only case over the limit)', () => {
    const word = 'x'.repeat(150);
    const a = article(`Câu ngắn. ${word} tiếp theo.`);
    const chunks = chunkArticle(a, { maxChars: 100, overlapSentences: 0 });
    expectExactOffsets(a, chunks);
    expect(chunks.some((c) => c.text.includes(word))).toBe(true);
    for (const c of chunks) if (!c.text.includes(word)) expect(c.text.length).toBeLessThanOrEqual(100);
  });

  it('is deterministic', () => {
    const a = article(longText(12, 5));
    const options = { maxChars: 450, overlapSentences: 1 };
    expect(chunkArticle(a, options)).toEqual(chunkArticle(a, options));
  });
});
