/**
 * Bisection over anything sorted that can be read by index (ids in byte order, a segment's terms,
 * a posting list's documents, a ranked list): one loop for all of them.
 */

/** The first index in [0, count) at which `isBefore` turns false (it must be true, then false). */
export function lowerBound(count: number, isBefore: (i: number) => boolean): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isBefore(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The index whose element equals the target, or -1. `compare(i)` is negative when element i sorts
 * before the target, zero when it is the target, positive after it.
 */
export function findSorted(count: number, compare: (i: number) => number): number {
  const i = lowerBound(count, (j) => compare(j) < 0);
  return i < count && compare(i) === 0 ? i : -1;
}
