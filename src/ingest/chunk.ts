/**
 * Sentence-aware chunking of an article into the passages that are embedded and cited.
 */
import type { Article } from '../corpus/types.js';
import { splitSentences } from '../text/sentences.js';
import { makePassage } from './passage.js';
import type { Chunk } from './types.js';

export interface ChunkOptions {
  /** Largest chunk, in characters; only a single word longer than this can exceed it. */
  maxChars: number;
  /** Sentences repeated from the end of one chunk at the start of the next. */
  overlapSentences: number;
}

/** A sentence, or a piece of one too long to fit a chunk, with where its paragraph starts. */
interface Unit {
  start: number;
  end: number;
  /** True when a line break lies between the previous unit and this one. */
  startsParagraph: boolean;
}

/**
 * Packs whole sentences into chunks of at most `maxChars`, ending a chunk at a paragraph break
 * when one falls in its second half. Each chunk after the first repeats the last
 * `overlapSentences` sentences of the one before (fewer when they would not fit beside a new
 * sentence), and always brings at least one sentence of its own. Chunk text is exactly
 * `article.text.slice(start, end)`. Deterministic.
 */
export function chunkArticle(article: Article, options: ChunkOptions): Chunk[] {
  const maxChars = Math.max(1, Math.floor(options.maxChars));
  const overlap = Math.max(0, Math.floor(options.overlapSentences));
  const units = toUnits(article.text, maxChars);
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < units.length) {
    const last = chunkEnd(units, first, maxChars);
    chunks.push(makeChunk(article, chunks.length, units, first, last));
    if (last === units.length - 1) break;
    first = nextStart(units, first, last, overlap, maxChars);
  }
  return chunks;
}

function makeChunk(article: Article, ordinal: number, units: Unit[], first: number, last: number): Chunk {
  const start = units[first]?.start ?? 0;
  return makePassage(article, ordinal, start, units[last]?.end ?? start);
}

const span = (units: Unit[], first: number, last: number): number =>
  (units[last]?.end ?? 0) - (units[first]?.start ?? 0);

/** Index of the last unit of the chunk that starts at `first`. */
function chunkEnd(units: Unit[], first: number, maxChars: number): number {
  let last = first;
  while (last + 1 < units.length && span(units, first, last + 1) <= maxChars) last++;
  if (last + 1 >= units.length) return last;
  // Prefer to stop at a paragraph break, unless that leaves the chunk less than half full.
  for (let k = last; k > first; k--) {
    if (units[k + 1]?.startsParagraph && span(units, first, k) >= maxChars / 2) return k;
  }
  return last;
}

/**
 * Start of the chunk after `[first, last]`: `overlap` units back from the end, moved forward
 * until the overlap and the next new unit fit together, and always past `first`, so no chunk
 * lies wholly inside the one before it.
 */
function nextStart(units: Unit[], first: number, last: number, overlap: number, maxChars: number): number {
  let start = Math.max(first + 1, last + 1 - overlap);
  while (start <= last && span(units, start, last + 1) > maxChars) start++;
  return start;
}

function toUnits(text: string, maxChars: number): Unit[] {
  const units: Unit[] = [];
  let previousEnd = 0;
  for (const sentence of splitSentences(text)) {
    let startsParagraph = units.length === 0 || text.slice(previousEnd, sentence.start).includes('\n');
    for (const [start, end] of splitLongSpan(text, sentence.start, sentence.end, maxChars)) {
      units.push({ start, end, startsParagraph });
      startsParagraph = false;
    }
    previousEnd = sentence.end;
  }
  return units;
}

/**
 * Splits a span longer than `maxChars` at word boundaries into pieces of at most `maxChars`;
 * a single word longer than that stays whole.
 */
function splitLongSpan(text: string, start: number, end: number, maxChars: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let s = start;
  while (end - s > maxChars) {
    let cut = -1;
    for (let i = s + maxChars; i > s; i--) {
      if (/\s/u.test(text[i] ?? '') && !/\s/u.test(text[i - 1] ?? '')) {
        cut = i;
        break;
      }
    }
    if (cut === -1) {
      // No space within reach: the first word itself is too long; keep it whole.
      const space = text.slice(s + maxChars, end).search(/\s/u);
      if (space === -1) break;
      cut = s + maxChars + space;
    }
    pieces.push([s, cut]);
    s = cut;
    while (s < end && /\s/u.test(text[s] ?? '')) s++;
  }
  if (s < end) pieces.push([s, end]);
  return pieces;
}
