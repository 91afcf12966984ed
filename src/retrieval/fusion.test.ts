import { describe, expect, it } from 'vitest';
import { dedupeOverlapping, fuseCandidates, liftBySentence, mergeOverlapping, monotoneScores, relevanceOf, termCoverage, type Candidate } from './fusion.js';

const cands: Candidate[] = [
  { chunkId: 'dense-best', cosine: 0.8, bm25: 1 },
  { chunkId: 'lexical-best', cosine: 0.4, bm25: 10 },
  { chunkId: 'neither', cosine: 0.3, bm25: 0 },
];

describe('fuseCandidates', () => {
  it('follows the weights: dense-heavy favours the dense winner, lexical-heavy the lexical one', () => {
    expect(fuseCandidates(cands, { method: 'weighted', denseWeight: 1, lexicalWeight: 0.2 })[0]?.chunkId).toBe('dense-best');
    expect(fuseCandidates(cands, { method: 'weighted', denseWeight: 0.2, lexicalWeight: 1 })[0]?.chunkId).toBe('lexical-best');
    expect(fuseCandidates(cands, { method: 'rrf', denseWeight: 0, lexicalWeight: 1 })[0]?.chunkId).toBe('lexical-best');
  });

  it('ranks a chunk strong on both signals first and one weak on both last', () => {
    const both: Candidate[] = [...cands, { chunkId: 'both', cosine: 0.79, bm25: 9 }];
    const ranked = fuseCandidates(both, { method: 'weighted', denseWeight: 1, lexicalWeight: 1 });
    expect(ranked[0]?.chunkId).toBe('both');
    expect(ranked.at(-1)?.chunkId).toBe('neither');
  });
});

describe('liftBySentence', () => {
  const weighted = { method: 'weighted', denseWeight: 1, lexicalWeight: 1 } as const;
  const fused = fuseCandidates(
    [
      { chunkId: 'scattered', cosine: 0.8, bm25: 10 },
      { chunkId: 'one-sentence', cosine: 0.75, bm25: 9 },
      { chunkId: 'off-topic', cosine: 0.3, bm25: 1 },
    ],
    weighted,
  );
  const sentences: Record<string, number> = { scattered: 0.3, 'one-sentence': 0.9, 'off-topic': 1 };

  it('puts a close runner-up whose single sentence holds the question above a passage that scatters its words', () => {
    expect(fused[0]?.chunkId).toBe('scattered');
    const lifted = liftBySentence(fused, (id) => sentences[id] ?? 0, 0.3, weighted);
    expect(lifted.map((c) => c.chunkId)).toEqual(['one-sentence', 'scattered', 'off-topic']);
  });

  it('cannot lift a candidate that both signals rank far below: the lift is a share of the fused range', () => {
    const lifted = liftBySentence(fused, (id) => sentences[id] ?? 0, 0.3, weighted);
    expect(lifted.at(-1)?.chunkId).toBe('off-topic');
  });

  it('keeps the fused order at weight 0', () => {
    expect(liftBySentence(fused, () => 1, 0, weighted).map((c) => c.chunkId)).toEqual(fused.map((c) => c.chunkId));
  });
});

describe('dedupeOverlapping', () => {
  const spans: Record<string, { documentId: string; start: number; end: number }> = {
    'a#0': { documentId: 'a', start: 0, end: 100 },
    'a#1': { documentId: 'a', start: 80, end: 180 },
    'a#2': { documentId: 'a', start: 180, end: 260 },
    'b#0': { documentId: 'b', start: 0, end: 100 },
  };
  it('drops a chunk overlapping a better one of the same document, keeps the rest in order', () => {
    expect(dedupeOverlapping(['a#1', 'b#0', 'a#0', 'a#2'], (id) => spans[id])).toEqual(['a#1', 'b#0', 'a#2']);
    expect(dedupeOverlapping(['a#0', 'a#2', 'a#1'], (id) => spans[id])).toEqual(['a#0', 'a#2']);
    expect(dedupeOverlapping(['a#1', 'a#0'], (id) => spans[id])).toEqual(['a#1']);
  });
});

describe('mergeOverlapping', () => {
  const article = 'Câu một nói về ASEAN. Câu hai có 300 hội nghị. Câu ba nói về Liên Hợp Quốc. Câu bốn kết thúc.';
  const passageOf = (text: string, start: number, end: number) => ({ documentId: 'a', start, end, text: text.slice(start, end) });
  const passage = (documentId: string, start: number, end: number) => ({ ...passageOf(article, start, end), documentId });
  const p0 = passage('a', 0, 47); // sentences 1–2
  const p1 = passage('a', 22, 77); // sentences 2–3 (one sentence of overlap)
  const p2 = passage('a', 48, 96); // sentences 3–4
  const other = passage('b', 0, 47);

  it('joins a better chunk with its overlapping neighbours into one exact slice of the article', () => {
    const merged = mergeOverlapping(['a#1', 'b#0', 'a#0', 'a#2'], (id) => ({ 'a#0': p0, 'a#1': p1, 'a#2': p2, 'b#0': other })[id], 1000);
    expect(merged.map((m) => m.item)).toEqual(['a#1', 'b#0']);
    const a = merged[0]!.passage;
    expect([a.start, a.end]).toEqual([0, 96]);
    expect(a.text).toBe(article.slice(a.start, a.end));
  });

  // Ten sentences; chunks of four sentences with one of overlap.
  const long = Array.from({ length: 10 }, (_, i) => `Câu số ${i + 1} kể một việc khác.`).join(' ');
  const at = (n: number) => long.indexOf(`Câu số ${n} `);
  /** Sentences `from` … `to` of `long` as a passage. */
  const sentences = (from: number, to: number) => passageOf(long, at(from), at(to + 1) - 1);
  // Only q1 holds sentences 5–6; q0 and q2 do not touch.
  const q0 = sentences(1, 4);
  const q1 = sentences(4, 7);
  const q2 = sentences(7, 9);

  it('joins a chunk that bridges two better ones with both, so the text only it holds is kept', () => {
    const merged = mergeOverlapping(['a#0', 'a#2', 'a#1'], (id) => ({ 'a#0': q0, 'a#1': q1, 'a#2': q2 })[id], 1000);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.item).toBe('a#0');
    const a = merged[0]!.passage;
    expect([a.start, a.end]).toEqual([q0.start, q2.end]);
    expect(a.text).toBe(long.slice(a.start, a.end));
    expect(a.text).toContain('Câu số 5 ');
  });

  it('keeps of a bridging chunk that cannot join only the text no passage holds, never overlapping one', () => {
    const merged = mergeOverlapping(['a#0', 'a#2', 'a#1'], (id) => ({ 'a#0': q0, 'a#1': q1, 'a#2': q2 })[id], q1.end - q1.start + 10);
    expect(merged.map((m) => m.item)).toEqual(['a#0', 'a#2', 'a#1']);
    const middle = merged[2]!.passage;
    expect(middle.text).toBe('Câu số 5 kể một việc khác. Câu số 6 kể một việc khác.');
    expect(middle.text).toBe(long.slice(middle.start, middle.end));
    const spans = merged.map((m) => m.passage).sort((x, y) => x.start - y.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('keeps of a neighbour only its own text when the joined passage would be too long', () => {
    const merged = mergeOverlapping(['a#1', 'a#0'], (id) => ({ 'a#0': p0, 'a#1': p1 })[id], 60);
    expect(merged).toEqual([
      { item: 'a#1', passage: p1 },
      { item: 'a#0', passage: passage('a', 0, 21) },
    ]);
    expect(merged[1]!.passage.text).toBe('Câu một nói về ASEAN.');
  });
});

describe('relevance', () => {
  it('stays in [0, 1] and never decreases when cosine or coverage grows', () => {
    let prev = -1;
    for (const cos of [-1, 0, 0.2, 0.4, 0.6, 0.8, 1]) {
      const r = relevanceOf(cos, { words: 0.5, phrases: 0.5 });
      expect(r).toBeGreaterThanOrEqual(prev);
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(1);
      prev = r;
    }
    prev = -1;
    for (const cov of [0, 0.25, 0.5, 0.75, 1]) {
      const r = relevanceOf(0.5, { words: cov, phrases: cov });
      expect(r).toBeGreaterThan(prev);
      prev = r;
    }
    expect(relevanceOf(1, { words: 1, phrases: 1 })).toBe(1);
    expect(relevanceOf(-1, { words: 0, phrases: 0 })).toBe(0);
  });

  it('weights coverage by idf: missing a rare name costs more than missing a common word', () => {
    const q = [
      { syllable: 'nam', idf: 0.2 },
      { syllable: 'osce', idf: 3 },
    ];
    expect(termCoverage(q, new Set(['nam']))).toBeLessThan(termCoverage(q, new Set(['osce'])));
    expect(termCoverage([], new Set(['x']))).toBe(0);
  });

  it('turns per-result relevances into non-increasing scores led by the top result', () => {
    expect(monotoneScores([0.7, 0.9, 0.4, 0.5])).toEqual([0.7, 0.7, 0.4, 0.4]);
  });
});
