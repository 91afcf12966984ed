import cliProgress from 'cli-progress';
import { formatCorpusProblem } from '../corpus/load.js';
import type { IngestProgress, IngestReport } from './ingest.js';

export interface ProgressReporter {
  onProgress(p: IngestProgress): void;
  /** Ends the bar (call before printing anything else). */
  stop(): void;
}

export interface ProgressReporterOptions {
  stream: NodeJS.WriteStream;
  quiet?: boolean;
  /** Without a TTY (CI logs, files), at most one line per this many milliseconds. */
  logEveryMs?: number;
}

/**
 * Embedding progress for the ingest CLI: a live bar on a terminal; on anything else, plain
 * lines now and then, because bar redraws turn log files into noise.
 */
export function makeProgressReporter(opts: ProgressReporterOptions): ProgressReporter {
  if (opts.quiet) return { onProgress: () => undefined, stop: () => undefined };
  return opts.stream.isTTY ? makeBarReporter(opts.stream) : makeLineReporter(opts.stream, opts.logEveryMs ?? 5000);
}

/** What the run is waiting for once everything is committed (a large merge can take minutes). */
export const SETTLING_LINE = 'All articles committed (already served); waiting for a background segment merge to finish…';

function makeBarReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'Embedding |{bar}| {articlesDone}/{articlesTotal} articles ({committed} committed, {pending} pending) | {value}/{total} chunks | {rate} chunks/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    onProgress(p) {
      if (p.phase === 'settling') {
        if (started && !stopped) bar.stop();
        stopped = true;
        stream.write(`${SETTLING_LINE}\n`);
        return;
      }
      if (p.phase !== 'embedding' || stopped || p.chunksTotal === 0) return;
      const payload = {
        articlesDone: p.articlesDone,
        articlesTotal: p.articlesTotal,
        committed: p.articlesCommitted,
        pending: p.articlesPending,
        rate: p.chunksPerSecond.toFixed(1),
      };
      if (!started) {
        bar.start(p.chunksTotal, p.chunksDone, payload);
        started = true;
      } else {
        bar.update(p.chunksDone, payload);
      }
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

function makeLineReporter(stream: NodeJS.WriteStream, logEveryMs: number): ProgressReporter {
  let lastLog = Number.NEGATIVE_INFINITY;
  return {
    onProgress(p) {
      if (p.phase === 'writing') {
        stream.write('Committing the last batch…\n');
        return;
      }
      if (p.phase === 'settling') {
        stream.write(`${SETTLING_LINE}\n`);
        return;
      }
      if (p.phase !== 'embedding' || p.chunksTotal === 0) return;
      const now = Date.now();
      const finished = p.chunksDone === p.chunksTotal;
      if (!finished && now - lastLog < logEveryMs) return;
      lastLog = now;
      stream.write(`${formatProgressLine(p)}\n`);
    },
    stop: () => undefined,
  };
}

export function formatProgressLine(p: IngestProgress): string {
  const eta = p.etaSeconds === null ? '' : `, ETA ${Math.ceil(p.etaSeconds)} s`;
  return (
    `Embedded ${p.chunksDone}/${p.chunksTotal} chunks (${p.articlesDone}/${p.articlesTotal} articles: ` +
    `${p.articlesCommitted} committed, ${p.articlesPending} pending), ${p.chunksPerSecond.toFixed(1)} chunks/s${eta}`
  );
}

/** The ingest summary as printed by the CLI, problems listed by file. */
export function formatIngestReport(report: IngestReport): string {
  const lines = [
    `Indexed ${report.articlesTotal} articles (${report.added.length} added, ${report.changed.length} changed` +
      (report.metadataOnly.length > 0 ? ` (${report.metadataOnly.length} in metadata only, not re-embedded)` : '') +
      `, ` +
      `${report.removed.length} removed, ${report.unchanged} unchanged): ${report.chunksTotal} chunks.`,
    `Embedded ${report.chunksEmbedded} chunks in ${report.embedSeconds.toFixed(1)} s` +
      (report.chunksEmbedded > 0 ? ` (${report.chunksPerSecond.toFixed(1)} chunks/s)` : '') +
      `; total ${report.seconds.toFixed(1)} s${report.rebuilt ? ' (full build)' : ''}.`,
    `Index: ${report.indexDir}, commit ${report.commit.id} (${report.commits} commit(s) in this run)` +
      (report.compaction ? `; compacted ${report.compaction.segmentsBefore} segment(s) into ${report.compaction.segmentsAfter}` : ''),
    ...report.notes.map((n) => `Note: ${n}`),
  ];
  if (report.problems.length > 0) {
    lines.push(`Skipped ${report.problems.length} problem file(s):`);
    lines.push(...report.problems.map((p) => `  - ${formatCorpusProblem(p)}`));
  }
  return lines.join('\n');
}
