import { describe, expect, it } from 'vitest';
import { IdDigests } from './idDigests.js';

describe('IdDigests', () => {
  it('answers membership for ids added before and after a lookup, past its initial capacity', () => {
    const set = new IdDigests();
    const ids = Array.from({ length: 3000 }, (_, i) => `test-full-kinh-doanh-kd-vne-t-${i}-txt`);
    for (const id of ids.slice(0, 2000)) set.add(id);
    expect(set.has(ids[1999]!)).toBe(true);
    expect(set.has(ids[2000]!)).toBe(false);
    for (const id of ids.slice(2000)) set.add(id);
    expect(ids.every((id) => set.has(id))).toBe(true);
    expect(set.has('test-full-kinh-doanh-kd-vne-t-3000-txt')).toBe(false);
    expect(set.has('')).toBe(false);
  });
});
