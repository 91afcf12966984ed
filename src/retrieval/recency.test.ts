import { describe, expect, it } from 'vitest';
import { boostRecent, MAX_AGE_PENALTY, passageDay, recencyFactor } from './recency.js';

const REF = '2020-11-24';
const result = (id: string, score: number, publishedAt: string | null, text = 'ASEAN') => ({ id, score, publishedAt, text });

describe('recency boost', () => {
  it('never takes more than a quarter of a score, and takes less the newer the passage', () => {
    expect(recencyFactor(REF, REF)).toBe(1);
    expect(recencyFactor('1990-01-01', REF)).toBeGreaterThanOrEqual(1 - MAX_AGE_PENALTY);
    expect(recencyFactor('1990-01-01', REF)).toBeLessThan(0.76);
    expect(recencyFactor(null, REF)).toBe(1 - MAX_AGE_PENALTY);
    expect(recencyFactor('2020-06-01', REF)).toBeGreaterThan(recencyFactor('2019-06-01', REF));
    expect(recencyFactor('2021-01-01', REF)).toBe(1);
  });

  it('puts the newer of two comparable passages first, but not a much weaker one', () => {
    const old = result('old', 0.8, '2010-05-01');
    const recent = result('new', 0.7, '2020-11-01');
    expect(boostRecent([old, recent], REF).map((r) => r.id)).toEqual(['new', 'old']);
    const weak = result('weak', 0.5, '2020-11-20');
    expect(boostRecent([old, weak], REF).map((r) => r.id)).toEqual(['old', 'weak']);
    expect(boostRecent([old, recent], REF)[0]!.score).toBe(0.7);
  });

  it('dates an undated article by the latest date its passage mentions', () => {
    expect(passageDay({ publishedAt: null, text: 'Ngày 4/12/2006 và năm 2010, hai bên gặp nhau.' })).toBe('2010-12-31');
    expect(passageDay({ publishedAt: '2020-10-30T11:57', text: 'Năm 1977' })).toBe('2020-10-30');
    expect(passageDay({ publishedAt: null, text: 'Không có ngày.' })).toBeNull();
  });
});
