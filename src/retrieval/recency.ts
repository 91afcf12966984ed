import { datesIn } from '../text/time.js';
import type { SearchResult } from './types.js';

/**
 * Recency as a capped boost, for questions that ask for the newest ("mới nhất", "gần đây"): each
 * passage keeps at least `1 - MAX_AGE_PENALTY` of its score however old it is, so a clearly better
 * old passage still beats a weak new one, and among comparable ones the newer comes first.
 */

/** A passage never loses more than this share of its score for its age. */
export const MAX_AGE_PENALTY = 0.25;
/** The age at which half the penalty is reached. */
const HALF_PENALTY_DAYS = 180;
const DAY_MS = 86_400_000;

/** The day a passage speaks for: its article's date, else the latest date its text mentions. */
export function passageDay(result: Pick<SearchResult, 'publishedAt' | 'text'>): string | null {
  if (result.publishedAt) return result.publishedAt.slice(0, 10);
  const mentioned = datesIn(result.text).map((d) => d.to);
  return mentioned.length > 0 ? mentioned.reduce((a, b) => (a > b ? a : b)) : null;
}

/** The multiplier for a passage dated `day` as seen on `reference` (both `YYYY-MM-DD`): in [0.75, 1]. */
export function recencyFactor(day: string | null, reference: string): number {
  if (day === null) return 1 - MAX_AGE_PENALTY;
  const ageDays = Math.max(0, (Date.parse(reference) - Date.parse(day)) / DAY_MS);
  const penalty = MAX_AGE_PENALTY * (ageDays / (ageDays + HALF_PENALTY_DAYS));
  return 1 - penalty;
}

/** The results re-ordered by their score times their recency factor (scores themselves unchanged). */
export function boostRecent<T extends Pick<SearchResult, 'publishedAt' | 'text' | 'score'>>(results: readonly T[], reference: string): T[] {
  return results
    .map((r) => ({ r, key: r.score * recencyFactor(passageDay(r), reference) }))
    .sort((a, b) => b.key - a.key)
    .map((x) => x.r);
}
