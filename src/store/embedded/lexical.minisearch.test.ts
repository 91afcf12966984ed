import path from 'node:path';
import MiniSearch, { type Options } from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../../tests/helpers/config.js';
import { loadXquad, passageAsArticle, type XquadQuestion } from '../../eval/retrieval.js';
import { chunkArticle } from '../../ingest/chunk.js';
import type { Chunk } from '../../ingest/types.js';
import { foldDiacritics } from '../../text/normalize.js';
import { LexicalIndex, MAX_QUERY_TERMS, type LexicalMatches } from './lexical.js';
import { indexTerms } from '../../text/tokenize.js';
import type { Article } from '../../corpus/types.js';
import { makeMemorySnapshot } from '../memory.js';
import { TEST_SETTINGS, unit } from '../../../tests/helpers/storeEntries.js';

/**
 * The lexical index replaced MiniSearch 7 and must score exactly as it did. The oracle below is
 * the previous `LexicalIndex.match`, MiniSearch configured as it was, over real Vietnamese text.
 */

interface IndexedChunk {
  chunkId: string;
  title: string;
  text: string;
}

const SEPARATOR = ' ';

function miniSearchOptions(): Options<IndexedChunk> {
  return {
    idField: 'chunkId',
    fields: ['title', 'text'],
    storeFields: [],
    tokenize: (text: string) => indexTerms(text),
    processTerm: (term: string) => term,
    searchOptions: {
      tokenize: (text: string) => text.split(SEPARATOR).filter((t) => t.length > 0),
      processTerm: (term: string) => term,
      boost: { title: 1.5 },
      prefix: false,
      fuzzy: false,
      combineWith: 'OR',
      bm25: { k: 1.2, b: 0.75, d: 0.5 },
    },
    autoVacuum: false,
  };
}

/** The previous implementation of `match`, scores of every match and the best `limit`. */
function oracleMatch(
  ms: MiniSearch<IndexedChunk>,
  ours: LexicalIndex,
  query: string,
  limit: number,
): { scores: Map<string, number>; top: string[]; pruned: boolean } {
  const all = ours.analyzeQuery(query);
  const n = ms.documentCount;
  const df = (term: string) => ms.search(term, { fields: ['text', 'title'] }).length;
  let terms = all;
  if (n >= 2000) {
    const kept = all.filter((t) => {
      const f = df(t.term);
      return f > 0 && f <= 0.05 * n;
    });
    terms = kept.length > 0 ? kept : all;
  }
  if (terms.length > MAX_QUERY_TERMS) {
    const rarity = (t: { term: string }) => df(t.term) || Infinity;
    const rarest = new Set([...terms].sort((a, b) => rarity(a) - rarity(b)).slice(0, MAX_QUERY_TERMS));
    terms = terms.filter((t) => rarest.has(t));
  }
  const scores = new Map<string, number>();
  if (terms.length === 0) return { scores, top: [], pruned: false };
  const weightOf = new Map(terms.map((t) => [t.term, t.weight]));
  const raw = ms.search(terms.map((t) => t.term).join(SEPARATOR), { boostTerm: (term) => weightOf.get(term) ?? 1 });
  for (const r of raw) scores.set(String(r.id), r.score / Math.max(1, r.queryTerms.length));
  const top = [...scores]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([id]) => id);
  return { scores, top, pruned: terms.length < all.length };
}

function build(chunks: Chunk[]): { ms: MiniSearch<IndexedChunk>; ours: LexicalIndex } {
  const ms = new MiniSearch(miniSearchOptions());
  ms.addAll(chunks.map((c) => ({ chunkId: c.chunkId, title: c.title, text: c.text })));
  const ours = LexicalIndex.create();
  ours.add(chunks);
  return { ms, ours };
}

interface Comparison {
  queries: number;
  /** Queries where some passage's score is not bit-identical. */
  inexact: number;
  worstRelativeError: number;
  /** Queries whose top 50 (ids, in order) differ. */
  rankingDiffers: string[];
  /** Queries whose set of matching passages differs. */
  matchesDiffer: string[];
  pruned: number;
  /** Passage scores compared, over all queries. */
  compared: number;
}

async function compare(
  ms: MiniSearch<IndexedChunk>,
  ours: LexicalIndex,
  queries: string[],
  /** Asked for the BM25 of every passage (`also`): exactly the matching ones must come back. */
  search: (q: string, also: readonly string[]) => LexicalMatches | Promise<LexicalMatches> = (q, also) => ours.match(q, 50, { also }),
): Promise<Comparison> {
  const out: Comparison = { queries: queries.length, inexact: 0, worstRelativeError: 0, rankingDiffers: [], matchesDiffer: [], pruned: 0, compared: 0 };
  const every: string[] = [];
  ms.search(MiniSearch.wildcard).forEach((r) => every.push(String(r.id)));
  for (const q of queries) {
    const expected = oracleMatch(ms, ours, q, 50);
    const got: LexicalMatches = await search(q, every);
    if (expected.pruned) out.pruned++;
    if (got.top.map((h) => h.chunkId).join('|') !== expected.top.join('|')) out.rankingDiffers.push(q);
    if (got.scores.size !== expected.scores.size) out.matchesDiffer.push(q);
    let exact = true;
    for (const [id, want] of expected.scores) {
      const have = got.scores.get(id);
      if (have === undefined) {
        if (!out.matchesDiffer.includes(q)) out.matchesDiffer.push(q);
        continue;
      }
      out.compared++;
      if (have !== want) exact = false;
      out.worstRelativeError = Math.max(out.worstRelativeError, Math.abs(have - want) / Math.abs(want));
    }
    if (!exact) out.inexact++;
  }
  return out;
}

const ABBREVIATED = [
  'LHQ họp về khí hậu',
  'TP.HCM và Hà Nội',
  'Mỹ và EU ký hiệp định',
  'WHO cảnh báo dịch bệnh',
  'ĐHĐ LHQ thông qua nghị quyết',
  'quan he VN TQ',
  'UBND thanh pho',
  'ASEAN',
];

let chunks: Chunk[];
let xquadArticles: Article[];
let questions: XquadQuestion[];
let queries: string[];

beforeAll(async () => {
  const xquad = await loadXquad(path.join(SHARED_DIR, 'eval/xquad-vi'));
  xquadArticles = xquad.passages.map(passageAsArticle);
  chunks = xquadArticles.flatMap((a) => chunkArticle(a, { maxChars: 900, overlapSentences: 1 }));
  questions = xquad.questions;
  const toned = questions.map((q) => q.question);
  queries = [...toned, ...toned.map((q) => foldDiacritics(q)), ...ABBREVIATED, ...ABBREVIATED.map((q) => foldDiacritics(q))];
});

describe('LexicalIndex scores exactly as MiniSearch 7 did', () => {
  it('on the XQuAD-vi passages, for toned, toneless and abbreviated questions', async () => {
    const { ms, ours } = build(chunks);
    expect(ours.size).toBe(ms.documentCount);
    const result = await compare(ms, ours, queries);
    expect(result.compared).toBeGreaterThan(queries.length * 20);
    expect(result.rankingDiffers).toEqual([]);
    expect(result.matchesDiffer).toEqual([]);
    expect(result.worstRelativeError).toBeLessThan(1e-9);
    expect(result.inexact).toBe(0);
  });

  it('through a one-segment archive (the store snapshot), with the same scores', async () => {
    const { ms, ours } = build(chunks);
    const snapshot = await makeMemorySnapshot(
      { ...TEST_SETTINGS, dimensions: 4 },
      xquadArticles.map((article) => {
        const passages = chunkArticle(article, { maxChars: 900, overlapSentences: 1 });
        // Vectors play no part in lexical scores; any unit vectors do.
        return { article, passages, vectors: passages.map((_, i) => unit(i)), contentHash: article.id };
      }),
    );
    const result = await compare(ms, ours, queries, (q, also) => snapshot.lexicalSearch(q, 50, undefined, also));
    expect(result.compared).toBeGreaterThan(queries.length * 20);
    expect(result.rankingDiffers).toEqual([]);
    expect(result.matchesDiffer).toEqual([]);
    expect(result.inexact).toBe(0);
  });

  it('on a collection large enough that common terms are pruned, and after a save and load', async () => {
    // Smaller chunks and the questions themselves as passages: over 2,000 passages.
    const small = chunks.flatMap((c) =>
      chunkArticle(passageAsArticle({ passage_id: c.chunkId, title: c.title, text: c.text }), { maxChars: 200, overlapSentences: 0 }),
    );
    const titleOf = new Map(chunks.map((c) => [c.documentId, c.title]));
    const asked = questions.map(
      (q, i): Chunk => ({ ...small[0]!, chunkId: `q${i}#0`, documentId: `q${i}`, title: titleOf.get(q.gold_passage_id) ?? '', text: q.question, start: 0, end: q.question.length }),
    );
    const large = [...small, ...asked];
    expect(large.length).toBeGreaterThanOrEqual(2000);
    const { ms, ours } = build(large);
    const loaded = LexicalIndex.fromBytes(ours.toBytes());
    const result = await compare(ms, loaded, queries);
    expect(result.pruned).toBeGreaterThan(queries.length / 4);
    expect(result.compared).toBeGreaterThan(queries.length * 20);
    expect(result.rankingDiffers).toEqual([]);
    expect(result.matchesDiffer).toEqual([]);
    expect(result.worstRelativeError).toBeLessThan(1e-9);
    expect(result.inexact).toBe(0);
    for (const s of ['nam', 'viet', 'bowl', 'khongcoday']) {
      const df = ms.search(`~${s}`, { fields: ['text', 'title'] }).length;
      expect(loaded.idf(s)).toBe(Math.log(1 + (ms.documentCount - df + 0.5) / (df + 0.5)));
    }
  });
});
