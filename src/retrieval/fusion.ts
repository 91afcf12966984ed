/**
 * Combining the dense (cosine) and lexical (BM25) candidate lists, removing overlapping chunks,
 * and turning the evidence into a relevance in [0, 1] that means the same across queries.
 */

export interface Candidate {
  chunkId: string;
  /** Cosine similarity of query and chunk, or null when unknown. */
  cosine: number | null;
  /** BM25 score (0 when the chunk matched no query term). */
  bm25: number;
}

export type FusionMethod = 'weighted' | 'rrf';

export interface FusionOptions {
  method: FusionMethod;
  denseWeight: number;
  lexicalWeight: number;
}

export interface FusedCandidate extends Candidate {
  /** Ranking score within this query only (not comparable across queries). */
  fused: number;
}

/** The usual reciprocal-rank constant: ranks 1 and 2 differ little, rank 1 and 50 a lot. */
const RRF_K = 60;

/**
 * Per-query score normalisation. Dense: min–max over the candidates, because cosines of a
 * sentence model crowd into a narrow band (0.75–0.9) where only the spread carries information.
 * Lexical: divided by the best BM25, so 0 still means "no query term matched".
 */
function denseNormalizer(cands: readonly Candidate[]): (c: number | null) => number {
  const known = cands.map((c) => c.cosine).filter((c): c is number => c !== null);
  if (known.length === 0) return () => 0;
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  return (c) => (c === null ? 0 : hi > lo ? (c - lo) / (hi - lo) : 1);
}

function rankMap(cands: readonly Candidate[], key: (c: Candidate) => number | null): Map<string, number> {
  const ranked = cands
    .filter((c) => key(c) !== null && (key(c) ?? 0) > -Infinity)
    .sort((a, b) => (key(b) ?? 0) - (key(a) ?? 0));
  return new Map(ranked.map((c, i) => [c.chunkId, i + 1]));
}

/** Best fused score first; ties by chunk id, so a ranking never depends on the input's order. */
const byFused = (a: FusedCandidate, b: FusedCandidate) => b.fused - a.fused || a.chunkId.localeCompare(b.chunkId);

/** Ranks the union of candidates by a weighted combination of the two signals, best first. */
export function fuseCandidates(cands: readonly Candidate[], opts: FusionOptions): FusedCandidate[] {
  let fusedOf: (c: Candidate) => number;
  if (opts.method === 'rrf') {
    const denseRank = rankMap(cands, (c) => c.cosine);
    const lexRank = rankMap(
      cands.filter((c) => c.bm25 > 0),
      (c) => c.bm25,
    );
    const rrf = (rank: number | undefined) => (rank === undefined ? 0 : 1 / (RRF_K + rank));
    fusedOf = (c) =>
      opts.denseWeight * rrf(denseRank.get(c.chunkId)) + opts.lexicalWeight * rrf(lexRank.get(c.chunkId));
  } else {
    const dense = denseNormalizer(cands);
    const maxBm25 = Math.max(0, ...cands.map((c) => c.bm25));
    fusedOf = (c) =>
      opts.denseWeight * dense(c.cosine) + opts.lexicalWeight * (maxBm25 > 0 ? c.bm25 / maxBm25 : 0);
  }
  return cands
    .map((c) => ({ ...c, fused: fusedOf(c) }))
    .sort(byFused);
}

/** The most a fused score can differ between two candidates of one query. */
function fusedRange(opts: FusionOptions): number {
  const weights = opts.denseWeight + opts.lexicalWeight;
  return opts.method === 'rrf' ? weights / (RRF_K + 1) : weights;
}

/**
 * Re-ranks fused candidates with the coverage of the question by each one's best single sentence
 * (in [0, 1]), worth `weight` of the fused score's range. A question is usually answered by one
 * sentence: a passage that holds the question's words in one sentence beats one that scatters them
 * over a long text, which BM25 and a passage embedding both reward alike.
 */
export function liftBySentence(
  ranked: readonly FusedCandidate[],
  sentenceCoverage: (chunkId: string) => number,
  weight: number,
  fusion: FusionOptions,
): FusedCandidate[] {
  if (weight <= 0) return [...ranked];
  const lift = weight * fusedRange(fusion);
  return ranked
    .map((c) => ({ ...c, fused: c.fused + lift * sentenceCoverage(c.chunkId) }))
    .sort(byFused);
}

export interface Span {
  documentId: string;
  start: number;
  end: number;
}

/**
 * Drops every chunk that overlaps a better-ranked chunk of the same document (chunks share a
 * sentence of overlap, so neighbours would otherwise show the same text twice). Input must be
 * sorted best first; order is kept.
 */
export function dedupeOverlapping<T>(ranked: readonly T[], spanOf: (item: T) => Span | undefined): T[] {
  const kept: T[] = [];
  const keptSpans: Span[] = [];
  for (const item of ranked) {
    const span = spanOf(item);
    if (span === undefined) continue;
    const overlaps = keptSpans.some(
      (k) => k.documentId === span.documentId && span.start < k.end && k.start < span.end,
    );
    if (overlaps) continue;
    kept.push(item);
    keptSpans.push(span);
  }
  return kept;
}

/** A passage of an article: its text is exactly `article.text.slice(start, end)`. */
export interface Passage extends Span {
  text: string;
}

/**
 * Joins each chunk with the overlapping chunks of the same article ranked below it, as long as the
 * joined passage stays within `maxChars`. Neighbours share a sentence of overlap, so dropping one
 * would lose the text only it holds — often the sentence that answers. A chunk that bridges two
 * better-ranked ones (#1 between #0 and #2) joins all three. Past `maxChars` a lower-ranked chunk
 * keeps only its text that no passage already holds. Input best first; each group keeps the rank
 * and the item of its best chunk; no two passages returned overlap.
 */
export function mergeOverlapping<T, P extends Passage>(
  ranked: readonly T[],
  passageOf: (item: T) => P | undefined,
  maxChars: number,
): Array<{ item: T; passage: P }> {
  let groups: Array<{ item: T; passage: P }> = [];
  for (const item of ranked) {
    const p = passageOf(item);
    if (p === undefined) continue;
    const overlapping = groups.filter((g) => g.passage.documentId === p.documentId && p.start < g.passage.end && g.passage.start < p.end);
    if (overlapping.length === 0) {
      groups.push({ item, passage: p });
      continue;
    }
    const parts = [p, ...overlapping.map((g) => g.passage)];
    const start = Math.min(...parts.map((x) => x.start));
    const end = Math.max(...parts.map((x) => x.end));
    if (end - start <= maxChars) {
      // The best of the joined groups carries the passage; the others are inside it now.
      const [best, ...absorbed] = overlapping;
      best!.passage = { ...best!.passage, ...joinSpans(parts) };
      groups = groups.filter((g) => !absorbed.includes(g));
      continue;
    }
    const rest = uncoveredPart(p, overlapping.map((g) => g.passage));
    if (rest) groups.push({ item, passage: rest });
  }
  return groups;
}

/** The span and text of overlapping or touching slices of one article (their union has no gap). */
function joinSpans(parts: readonly Passage[]): Pick<Passage, 'start' | 'end' | 'text'> {
  const sorted = [...parts].sort((a, b) => a.start - b.start);
  const first = sorted[0]!;
  let text = first.text;
  let end = first.end;
  for (const x of sorted.slice(1)) {
    if (x.end <= end) continue;
    text += x.text.slice(end - x.start);
    end = x.end;
  }
  return { start: first.start, end, text };
}

/** The longest stretch of `p` that none of `covered` holds, as a passage of its own; undefined when none is left. */
function uncoveredPart<P extends Passage>(p: P, covered: readonly Passage[]): P | undefined {
  let best: { start: number; end: number } | undefined;
  let from = p.start;
  for (const c of [...covered].sort((a, b) => a.start - b.start)) {
    if (c.start > from && (!best || c.start - from > best.end - best.start)) best = { start: from, end: Math.min(c.start, p.end) };
    from = Math.max(from, c.end);
  }
  if (p.end > from && (!best || p.end - from > best.end - best.start)) best = { start: from, end: p.end };
  if (!best) return undefined;
  const raw = p.text.slice(best.start - p.start, best.end - p.start);
  const text = raw.trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return undefined;
  const start = best.start + raw.indexOf(text);
  return { ...p, start, end: start + text.length, text };
}

/** Parameters of the relevance estimate; calibrated by `npm run eval`. */
export interface RelevanceParams {
  /** Cosine at or below which the dense evidence counts as nothing. */
  cosineFloor: number;
  /** Cosine at or above which the dense evidence counts in full. */
  cosineCeiling: number;
  /** Share of the relevance carried by the dense evidence; the rest is term coverage. */
  denseShare: number;
  /** Share of the coverage carried by two-word phrases (the rest: single syllables). */
  phraseShare: number;
}

/**
 * Calibrated on XQuAD-vi, each question asked with its gold passage indexed and left out. The
 * cosines of vi-news-embed-small for a question and its gold passage mostly lie in 0.2–0.7.
 */
export const DEFAULT_RELEVANCE: RelevanceParams = {
  cosineFloor: 0.2,
  cosineCeiling: 0.7,
  // Coverage separates answerable from unanswerable far better than the cosine (balanced
  // accuracy 0.85 vs 0.70 on XQuAD-vi); the cosine keeps a small say for paraphrases.
  denseShare: 0.1,
  phraseShare: 0.3,
};

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

export interface Coverage {
  /** IDF-weighted share of the query's content syllables found in the passage. */
  words: number;
  /** The same for the query's two-syllable phrases. */
  phrases: number;
}

/**
 * How likely a passage answers the query, in [0, 1], from evidence with a fixed scale (unlike
 * the per-query fused score): the cosine, rescaled between a floor and a ceiling, and term
 * coverage. A null cosine (no usable dense evidence, e.g. a query typed without accents, which
 * the model cannot read) leaves coverage alone. Non-decreasing in every input.
 */
export function relevanceOf(
  cosine: number | null,
  coverage: Coverage,
  params: RelevanceParams = DEFAULT_RELEVANCE,
): number {
  const cov = clamp01((1 - params.phraseShare) * coverage.words + params.phraseShare * coverage.phrases);
  if (cosine === null) return cov;
  const span = params.cosineCeiling - params.cosineFloor;
  const dense = span > 0 ? clamp01((cosine - params.cosineFloor) / span) : cosine >= params.cosineFloor ? 1 : 0;
  return clamp01(params.denseShare * dense + (1 - params.denseShare) * cov);
}

export interface WeightedSyllable {
  syllable: string;
  idf: number;
}

/** IDF-weighted share of the query's content syllables that occur in the passage (0 when none). */
export function termCoverage(query: readonly WeightedSyllable[], passage: { has(term: string): boolean }): number {
  let total = 0;
  let found = 0;
  for (const { syllable, idf } of query) {
    total += idf;
    if (passage.has(syllable)) found += idf;
  }
  return total > 0 ? found / total : 0;
}

/**
 * Scores in result order that never increase: a result's score is its own relevance, capped by
 * the score of the result ranked above it, so the first score is the query's relevance and the
 * list reads top-down like the ranking.
 */
export function monotoneScores(relevances: readonly number[]): number[] {
  const out: number[] = [];
  let cap = 1;
  for (const r of relevances) {
    cap = Math.min(cap, r);
    out.push(cap);
  }
  return out;
}
