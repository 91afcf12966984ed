import { describe, expect, it } from 'vitest';
import { withinOneEdit } from './editDistance.js';

/** Damerau–Levenshtein distance by its definition (optimal string alignment), the reference. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('withinOneEdit', () => {
  it('forgives one changed, added, dropped or swapped letter, and nothing more', () => {
    expect(withinOneEdit('lancater', 'lancaster')).toBe(true);
    expect(withinOneEdit('harcaly', 'harclay')).toBe(true);
    expect(withinOneEdit('doang', 'doanh')).toBe(true);
    expect(withinOneEdit('nghen', 'nghenh')).toBe(true);
    expect(withinOneEdit('rouge', 'rouge')).toBe(true);
    expect(withinOneEdit('tesla', 'tasle')).toBe(false);
    expect(withinOneEdit('valencia', 'valence')).toBe(false);
  });

  it('agrees with the Damerau–Levenshtein distance on random words', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const word = () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => 'abc'[Math.floor(random() * 3)]).join('');
    for (let n = 0; n < 20000; n++) {
      const a = word();
      const b = word();
      expect(withinOneEdit(a, b), `${a} / ${b}`).toBe(distance(a, b) <= 1);
    }
  });
});
