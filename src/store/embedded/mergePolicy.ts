/**
 * Which segments an automatic merge rewrites: a size-tiered policy (in the spirit of LSM trees
 * and Lucene's tiered merge policy). Segments are grouped into tiers by their live passages,
 * each tier `mergeFactor` times larger than the one below; a merge takes segments of one tier
 * only, at most `mergeFactor` of them, and never produces a segment above `maxPassages`. So a
 * small commit into a large archive merges small segments only: what a merge costs is bounded by
 * the tier it merges (at worst `maxPassages`), never by the archive, each passage is rewritten
 * about once per tier, and the segment count stays below `mergeFactor` per tier plus the
 * segments that reached the maximum. `compact()` (`npm run ingest -- --compact`) is the explicit
 * way to merge everything.
 */

export interface MergePolicy {
  /** A tier holding this many segments is merged; a merge takes at most this many. */
  mergeFactor: number;
  /** Segments with fewer live passages form the bottom tier (tiny commits merge there cheaply). */
  floorPassages: number;
  /**
   * No automatic merge produces a segment with more live passages than this. A segment above half
   * of it is "full": merged with nothing (any merge partner could take it past the maximum), only
   * rewritten alone once `maxDeletedShare` of it is deleted. A segment still above the maximum
   * after its deletions (only `compact()` makes one) is left to the next `compact()`.
   */
  maxPassages: number;
  /** A segment with this share of its passages deleted is rewritten alone when no tier needs a merge. */
  maxDeletedShare: number;
}

/** What the policy needs to know about a committed segment. */
export interface SegmentSize {
  name: string;
  /** Passages stored in the segment, deleted ones included. */
  passages: number;
  /** Passages of its articles that are not deleted. */
  livePassages: number;
}

/**
 * The tier of a segment of `live` passages: 0 below the floor, then tier t spans
 * [floor × factor^(t-1), floor × factor^t). So `mergeFactor` segments of one tier above the
 * bottom always merge into a higher tier: a passage is rewritten about once per tier.
 */
export function tierOf(live: number, policy: Pick<MergePolicy, 'mergeFactor' | 'floorPassages'>): number {
  let tier = 0;
  for (let bound = policy.floorPassages; live >= bound; bound *= policy.mergeFactor) tier++;
  return tier;
}

/** True when a segment is too large to merge with others (more than half the maximum). */
export function isFull(segment: SegmentSize, policy: Pick<MergePolicy, 'maxPassages'>): boolean {
  return segment.livePassages > policy.maxPassages / 2;
}

/**
 * The names of the segments the next automatic merge should rewrite into one, or [] for none.
 * One merge at a time, the cheapest first: the lowest tier holding `mergeFactor` segments, its
 * smallest segments up to `mergeFactor` of them and `maxPassages` in all (two always fit, since
 * neither is full); otherwise the segment with the most deleted passages among those past
 * `maxDeletedShare` whose live passages fit in `maxPassages`, alone.
 */
export function chooseMerge(segments: readonly SegmentSize[], policy: MergePolicy): string[] {
  const tiers = new Map<number, SegmentSize[]>();
  for (const s of segments) {
    if (isFull(s, policy)) continue;
    const tier = tierOf(s.livePassages, policy);
    tiers.set(tier, [...(tiers.get(tier) ?? []), s]);
  }
  for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
    const members = tiers.get(tier)!;
    if (members.length < policy.mergeFactor) continue;
    const chosen = smallestWithin(members, policy.mergeFactor, policy.maxPassages);
    if (chosen.length >= 2) return chosen.map((s) => s.name);
  }
  const wasteful = segments
    .filter((s) => s.passages > 0 && s.livePassages <= policy.maxPassages && deletedShare(s) >= policy.maxDeletedShare)
    .sort((a, b) => b.passages - b.livePassages - (a.passages - a.livePassages));
  return wasteful.length > 0 ? [wasteful[0]!.name] : [];
}

function deletedShare(s: SegmentSize): number {
  return 1 - s.livePassages / s.passages;
}

/** The smallest of `members`, at most `count` of them and at most `maxPassages` live passages together. */
function smallestWithin(members: SegmentSize[], count: number, maxPassages: number): SegmentSize[] {
  const out: SegmentSize[] = [];
  let total = 0;
  for (const s of [...members].sort((a, b) => a.livePassages - b.livePassages)) {
    if (out.length === count || total + s.livePassages > maxPassages) break;
    out.push(s);
    total += s.livePassages;
  }
  return out;
}
