import { describe, expect, it } from 'vitest';
import type { IngestProgress } from './ingest.js';
import { formatProgressLine, makeProgressReporter, SETTLING_LINE } from './progress.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

const step = (chunksDone: number, articlesDone: number): IngestProgress => ({
  phase: 'embedding',
  articlesDone,
  articlesTotal: 4,
  chunksDone,
  chunksTotal: 100,
  chunksPerSecond: 50,
  etaSeconds: (100 - chunksDone) / 50,
  articlesCommitted: articlesDone >= 4 ? 4 : 0,
  articlesPending: articlesDone >= 4 ? 0 : articlesDone,
});

describe('makeProgressReporter', () => {
  it('without a TTY writes plain lines: the first, throttled ones, and always the last', () => {
    const { stream, written } = fakeStream(false);
    const reporter = makeProgressReporter({ stream, logEveryMs: 60_000 });
    reporter.onProgress(step(0, 0));
    reporter.onProgress(step(40, 1));
    reporter.onProgress(step(100, 4));
    reporter.onProgress({ ...step(100, 4), phase: 'writing' });
    reporter.stop();
    expect(written).toEqual([
      'Embedded 0/100 chunks (0/4 articles: 0 committed, 0 pending), 50.0 chunks/s, ETA 2 s\n',
      'Embedded 100/100 chunks (4/4 articles: 4 committed, 0 pending), 50.0 chunks/s, ETA 0 s\n',
      'Committing the last batch…\n',
    ]);
  });

  it('says what the run waits for once everything is committed, on a terminal too', () => {
    for (const isTTY of [false, true]) {
      const { stream, written } = fakeStream(isTTY);
      const reporter = makeProgressReporter({ stream, logEveryMs: 60_000 });
      reporter.onProgress(step(100, 4));
      reporter.onProgress({ ...step(100, 4), phase: 'settling' });
      reporter.stop();
      expect(written.join('')).toContain(`${SETTLING_LINE}\n`);
    }
  });

  it('writes nothing when quiet', () => {
    const { stream, written } = fakeStream(false);
    const reporter = makeProgressReporter({ stream, quiet: true });
    reporter.onProgress(step(100, 4));
    reporter.stop();
    expect(written).toEqual([]);
  });

  it('formats a line without ETA when the rate is unknown', () => {
    expect(formatProgressLine({ ...step(0, 0), chunksPerSecond: 0, etaSeconds: null })).toBe(
      'Embedded 0/100 chunks (0/4 articles: 0 committed, 0 pending), 0.0 chunks/s',
    );
  });
});
