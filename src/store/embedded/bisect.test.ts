import { describe, expect, it } from 'vitest';
import { findSorted, lowerBound } from './bisect.js';

describe('bisection', () => {
  it('agrees with a linear scan on random sorted arrays, with repeats, targets present and absent', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 2000; round++) {
      const xs = Array.from({ length: Math.floor(random() * 12) }, () => Math.floor(random() * 10)).sort((a, b) => a - b);
      const target = Math.floor(random() * 12) - 1;
      const firstNotBefore = xs.findIndex((x) => x >= target);
      expect(lowerBound(xs.length, (i) => xs[i]! < target)).toBe(firstNotBefore < 0 ? xs.length : firstNotBefore);
      expect(findSorted(xs.length, (i) => xs[i]! - target)).toBe(xs.indexOf(target));
    }
  });
});
