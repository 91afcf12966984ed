import { describe, expect, it } from 'vitest';
import { checkFloors, renderEvaluationMarkdown, type EvalResults } from './report.js';

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

describe('renderEvaluationMarkdown, inside the archive', () => {
  const set = (id: string, question: string) => ({
    answerable: { count: 1, accuracy: 0 },
    unanswerable: { count: 0, accuracy: 0 },
    followUps: { count: 0, accuracy: 0, firstTurnAccuracy: 0 },
    citationSupport: 1,
    byTyping: {},
    failures: [{ id, question, ok: false, grounded: false, answer: '', citedDocuments: [], expected: 'doc' }],
  });
  it('lists the development set\'s misses and keeps the held-out set\'s off the page', () => {
    const md = renderEvaluationMarkdown({
      ...results,
      seed: undefined,
      archive: { index: 'i', articles: 2, chunks: 3, seed: set('s1', 'Câu hạt giống?'), news: set('q1', 'Câu phát triển?'), holdout: set('h1', 'Câu giữ lại?') },
    } as unknown as EvalResults);
    expect(md).toContain('Câu phát triển?');
    expect(md).toContain('Câu hạt giống?');
    expect(md).not.toContain('Câu giữ lại?');
    expect(md).toContain('held-out news: answerable, right');
  });
});
