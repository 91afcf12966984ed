import { describe, expect, it } from 'vitest';
import { checkFloors, type EvalResults } from './report.js';

const results = {
  createdAt: '2026-11-22T00:00:00Z',
  model: 'm',
  limit: null,
  seed: { recallAt1: 0.9, recallAt5: 1 },
} as unknown as EvalResults;

describe('checkFloors', () => {
  it('passes figures at or above their floor and fails those below', () => {
    const v = checkFloors(results, { 'seed.recallAt1': 0.9, 'seed.recallAt5': 1.01 }, ['seed']);
    expect(v.map((x) => [x.key, x.ok])).toEqual([
      ['seed.recallAt1', true],
      ['seed.recallAt5', false],
    ]);
  });

  it('fails a floor whose figure is missing, and skips sections that did not run', () => {
    const v = checkFloors(results, { 'seed.mrr': 0.5, 'answers.seed.citationSupport': 0.99 }, ['seed']);
    expect(v).toEqual([{ key: 'seed.mrr', floor: 0.5, value: null, ok: false }]);
  });
});
