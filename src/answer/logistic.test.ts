import { describe, expect, it } from 'vitest';
import { fitLogistic, predictProbability } from './logistic.js';

describe('fitLogistic', () => {
  // Label 1 when x0 is large; x1 is noise on another scale.
  const rows = Array.from({ length: 200 }, (_, i) => [i % 20, ((i * 7) % 13) * 100]);
  const labels = rows.map((r) => (r[0]! >= 10 ? 1 : 0) as 0 | 1);

  it('learns which feature separates the classes, whatever the scales', () => {
    const model = fitLogistic(['signal', 'noise'], rows, labels);
    expect(Math.abs(model.weights[0]!)).toBeGreaterThan(5 * Math.abs(model.weights[1]!));
    expect(predictProbability(model, [18, 500])).toBeGreaterThan(0.9);
    expect(predictProbability(model, [2, 500])).toBeLessThan(0.1);
  });

  it('gives the same model for the same data (training is reproducible)', () => {
    expect(fitLogistic(['signal', 'noise'], rows, labels)).toEqual(fitLogistic(['signal', 'noise'], rows, labels));
  });

  it('keeps a constant feature harmless (scale 1, no division by zero)', () => {
    const model = fitLogistic(['signal', 'constant'], rows.map((r) => [r[0]!, 3]), labels);
    expect(model.scale[1]).toBe(1);
    expect(Number.isFinite(model.weights[1]!)).toBe(true);
  });
});
