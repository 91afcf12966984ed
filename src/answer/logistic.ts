import { z } from 'zod';

/**
 * A logistic regression small enough to read: standardised features, one weight each, a bias.
 * Fitted by `npm run train:answerability`; the fitted model is a JSON file parsed with
 * `LogisticModelSchema` wherever it is loaded.
 */

export const LogisticModelSchema = z.object({
  features: z.array(z.string()).min(1),
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
  weights: z.array(z.number()),
  bias: z.number(),
});

export type LogisticModel = z.infer<typeof LogisticModelSchema>;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The model's probability for one feature vector (in the order of `model.features`). */
export function predictProbability(model: LogisticModel, x: readonly number[]): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) {
    z += model.weights[i]! * (((x[i] ?? 0) - model.mean[i]!) / model.scale[i]!);
  }
  return sigmoid(z);
}

export interface FitOptions {
  /** L2 penalty on the weights (not the bias), per example. */
  l2?: number;
  iterations?: number;
  learningRate?: number;
}

/**
 * Fits by full-batch gradient descent on the mean log-loss, features standardised first (so one
 * learning rate suits them all and the L2 penalty treats them alike). Deterministic: the same
 * data gives the same model.
 */
export function fitLogistic(
  features: readonly string[],
  rows: ReadonlyArray<readonly number[]>,
  labels: readonly (0 | 1)[],
  opts: FitOptions = {},
): LogisticModel {
  const { l2 = 1e-3, iterations = 3000, learningRate = 0.5 } = opts;
  const n = rows.length;
  const d = features.length;
  if (n === 0) throw new Error('fitLogistic: no training rows');
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + (r[j] ?? 0), 0) / n);
  const scale = mean.map((m, j) => {
    const v = rows.reduce((s, r) => s + ((r[j] ?? 0) - m) ** 2, 0) / n;
    return v > 1e-12 ? Math.sqrt(v) : 1;
  });
  const xs = rows.map((r) => mean.map((m, j) => ((r[j] ?? 0) - m) / scale[j]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let it = 0; it < iterations; it++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
      const err = sigmoid(z) - labels[i]!;
      gb += err;
      for (let j = 0; j < d; j++) gw[j]! += err * x[j]!;
    }
    for (let j = 0; j < d; j++) w[j]! -= learningRate * (gw[j]! / n + l2 * w[j]!);
    b -= learningRate * (gb / n);
  }
  return { features: [...features], mean, scale, weights: w, bias: b };
}
