import { describe, expect, it } from 'vitest';
import { joinSearchResults } from './hybrid.js';
import type { SearchResult } from './types.js';

const article =
  'Bàn phím Natural Ergonomic Keyboard 4000 có giá 64,95 USD. Laser Mouse 6000 có giá 54,95 USD. ' +
  'Laser Mouse 6000 sẽ có mặt trên thị trường vào tháng 10 tới. Loại keyboard này có mặt trong tháng 9.';
const sentenceEnds = [...article.matchAll(/\. /g)].map((m) => m.index + 1);

function result(documentId: string, chunk: number, start: number, end: number, score: number): SearchResult {
  return {
    text: article.slice(start, end),
    score,
    documentId,
    title: documentId,
    outlet: null,
    publishedAt: null,
    chunkId: `${documentId}#${chunk}`,
    start,
    end,
  };
}

describe('joinSearchResults', () => {
  const [s1, s2, s3] = sentenceEnds as [number, number, number];

  it('keeps the text of both when one search found a chunk alone and another joined with its neighbour', () => {
    // The follow-up's search found chunk 0 alone; the search within the cited article found it
    // joined with chunk 1, which alone holds the sentence that answers.
    const alone = [result('a', 0, 0, s2, 0.9), result('b', 0, 0, s1, 0.3)];
    const withinArticle = [result('a', 0, 0, s3, 0.9)];
    const joined = joinSearchResults([alone, withinArticle]);
    expect(joined.map((r) => r.chunkId)).toEqual(['a#0', 'b#0']);
    expect(joined[0]!.text).toContain('tháng 10 tới');
    expect(joined[0]!.text).toBe(article.slice(0, s3));
    expect([joined[0]!.start, joined[0]!.end]).toEqual([0, s3]);
  });

  it('joins overlapping passages of one article under the best one, and keeps the rest apart, best first', () => {
    const first = [result('a', 2, s2 + 1, article.length, 0.5), result('a', 0, 0, s1, 0.4)];
    const second = [result('a', 1, s1 + 1, s3, 0.8), result('c', 0, 0, s2, 0.6)];
    const joined = joinSearchResults([first, second]);
    expect(joined.map((r) => [r.chunkId, r.score])).toEqual([
      ['a#1', 0.8],
      ['c#0', 0.6],
      ['a#0', 0.4],
    ]);
    // Chunk 2 overlaps chunk 1 (their shared sentence): one passage from the second sentence on.
    expect(joined[0]!.text).toBe(article.slice(s1 + 1));
    // Chunk 0 does not overlap: it stays its own passage.
    expect(joined[2]!.text).toBe(article.slice(0, s1));
  });
});
