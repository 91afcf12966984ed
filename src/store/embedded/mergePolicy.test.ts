import { describe, expect, it } from 'vitest';
import { chooseMerge, isFull, tierOf, type MergePolicy, type SegmentSize } from './mergePolicy.js';

/** The defaults of the configuration (STORE_MERGE_FACTOR, _FLOOR_PASSAGES, STORE_MAX_SEGMENT_PASSAGES). */
const POLICY: MergePolicy = { mergeFactor: 10, floorPassages: 2_000, maxPassages: 500_000, maxDeletedShare: 0.3 };

const seg = (name: string, passages: number, deleted = 0): SegmentSize => ({ name, passages, livePassages: passages - deleted });

describe('tierOf', () => {
  it('puts everything below the floor in tier 0, then one tier per factor', () => {
    const p = { mergeFactor: 10, floorPassages: 2_000 };
    expect([0, 1, 1_999].map((n) => tierOf(n, p))).toEqual([0, 0, 0]);
    expect([2_000, 19_999, 20_000, 199_999, 200_000, 2_000_000].map((n) => tierOf(n, p))).toEqual([1, 1, 2, 2, 3, 4]);
  });
});

describe('chooseMerge (size tiers)', () => {
  it('nine equal bulk segments and one small commit: nothing is merged, the bulk segments are left alone', () => {
    // A bulk build committing 10,000 articles (~37,700 passages) at a time, then a 100-article ingest.
    const bulk = Array.from({ length: 9 }, (_, i) => seg(`bulk${i}`, 37_700));
    expect(chooseMerge([...bulk, seg('small', 380)], POLICY)).toEqual([]);
    // The old policy (past 8 segments, the smallest n - 4 + 1) rewrote six bulk segments here.
    // With the bulk tier full (ten segments), the merge takes that tier and nothing else.
    const tenth = [...bulk, seg('bulk9', 37_700), seg('small', 380)];
    const chosen = chooseMerge(tenth, POLICY);
    expect(chosen).toHaveLength(10);
    expect(chosen).not.toContain('small');
  });

  it('a small commit into a large archive merges only small segments', () => {
    const archive = [seg('big0', 480_000), seg('big1', 470_000), seg('mid0', 150_000), seg('mid1', 140_000)];
    const smalls = Array.from({ length: 10 }, (_, i) => seg(`s${i}`, 300 + i));
    const chosen = chooseMerge([...archive, ...smalls], POLICY);
    expect(chosen.sort()).toEqual(smalls.map((s) => s.name).sort());
    // Nine small ones wait for the tenth.
    expect(chooseMerge([...archive, ...smalls.slice(0, 9)], POLICY)).toEqual([]);
  });

  it('many small commits: simulated, each passage is rewritten about once per tier and the count stays bounded per tier', () => {
    const policy: MergePolicy = { mergeFactor: 4, floorPassages: 100, maxPassages: 20_000, maxDeletedShare: 0.3 };
    let segments: SegmentSize[] = [];
    let rewritten = 0;
    let largestMerge = 0;
    for (let commit = 0; commit < 2_000; commit++) {
      segments.push(seg(`c${commit}`, 40));
      const chosen = new Set(chooseMerge(segments, policy));
      if (chosen.size === 0) continue;
      const merged = segments.filter((s) => chosen.has(s.name)).reduce((n, s) => n + s.livePassages, 0);
      expect(merged).toBeLessThanOrEqual(policy.maxPassages);
      largestMerge = Math.max(largestMerge, merged);
      rewritten += merged;
      segments = [...segments.filter((s) => !chosen.has(s.name)), seg(`m${commit}`, merged)];
      const perTier = new Map<number, number>();
      for (const s of segments.filter((x) => !isFull(x, policy))) perTier.set(tierOf(s.livePassages, policy), (perTier.get(tierOf(s.livePassages, policy)) ?? 0) + 1);
      // One merge per commit: a tier can hold factor segments only until the next commit merges them.
      for (const n of perTier.values()) expect(n).toBeLessThanOrEqual(policy.mergeFactor);
    }
    const total = 2_000 * 40;
    expect(segments.reduce((n, s) => n + s.livePassages, 0)).toBe(total);
    // Tiers below the full size: [0,100), [100,400), [400,1600), [1600,6400), [6400,10000]; the rest full.
    const full = segments.filter((s) => isFull(s, policy)).length;
    expect(full).toBeLessThanOrEqual(Math.ceil(total / (policy.maxPassages / 2)));
    expect(segments.length - full).toBeLessThanOrEqual(5 * policy.mergeFactor);
    expect(segments.length).toBeLessThan(30); // of 2,000 commits
    expect(largestMerge).toBeLessThanOrEqual(policy.maxPassages);
    // Write amplification: each passage rewritten about once per tier (five), not once per commit.
    expect(rewritten / total).toBeLessThan(6);
  });

  it('never merges past the maximum: a tier near the top merges as many as fit', () => {
    const policy: MergePolicy = { mergeFactor: 4, floorPassages: 1_000, maxPassages: 100_000, maxDeletedShare: 0.3 };
    const tier = [seg('a', 40_000), seg('b', 45_000), seg('c', 30_000), seg('d', 35_000)];
    expect(chooseMerge(tier, policy).sort()).toEqual(['c', 'd']);
  });

  it('a huge segment with 60% deleted is rewritten alone; with 20% deleted it is left as it is', () => {
    const smalls = [seg('s0', 500), seg('s1', 800)];
    expect(chooseMerge([seg('huge', 500_000, 300_000), ...smalls], POLICY)).toEqual(['huge']);
    expect(chooseMerge([seg('huge', 500_000, 100_000), ...smalls], POLICY)).toEqual([]);
    // One made by compact(), still above the maximum after its deletions: left to the next compact().
    expect(chooseMerge([seg('compacted', 2_000_000, 1_200_000), ...smalls], POLICY)).toEqual([]);
    expect(chooseMerge([seg('compacted', 2_000_000, 1_600_000), ...smalls], POLICY)).toEqual(['compacted']);
    // Full segments are never merged with others, even in a full tier of them.
    const fulls = Array.from({ length: 12 }, (_, i) => seg(`f${i}`, 300_000));
    expect(chooseMerge(fulls, POLICY)).toEqual([]);
  });

  it('merges a full tier before reclaiming deletes, and the most wasteful segment first', () => {
    const smalls = Array.from({ length: 10 }, (_, i) => seg(`s${i}`, 100));
    const wasteful = [seg('w1', 10_000, 4_000), seg('w2', 300_000, 200_000)];
    expect(chooseMerge([...smalls, ...wasteful], POLICY)).toHaveLength(10);
    expect(chooseMerge(wasteful, POLICY)).toEqual(['w2']);
  });
});
