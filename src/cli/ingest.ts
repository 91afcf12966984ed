/**
 * `npm run ingest [-- --rebuild] [--compact] [--add] [--corpus DIR] [--index DIR] [--quiet]`
 * Brings the index in line with the corpus folder (only new and changed articles are embedded);
 * with --add, files the folder's articles and removes nothing.
 */
import { parseArgs } from 'node:util';
import { loadConfigFromProcess } from '../config/config.js';
import { ingestCorpus } from '../ingest/ingest.js';
import { formatIngestReport, makeProgressReporter } from '../ingest/progress.js';
import { runCli, UsageError } from './run.js';

const USAGE = `Usage: npm run ingest -- [--rebuild] [--compact] [--add] [--corpus DIR] [--index DIR] [--quiet]
  --rebuild      embed every article again (needed after changing the model or chunking)
  --compact      merge the archive's segments into one at the end (nothing is re-embedded)
  --add          add and update the corpus folder's articles, keep the archive's others
                 (a folder of new articles, without the whole corpus)
  --corpus DIR   corpus folder (overrides CORPUS_DIR)
  --index DIR    index folder (overrides INDEX_DIR)
  --quiet        no progress output`;

async function main(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      rebuild: { type: 'boolean', default: false },
      compact: { type: 'boolean', default: false },
      add: { type: 'boolean', default: false },
      corpus: { type: 'string' },
      index: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (flags.add && flags.rebuild) throw new UsageError('--add keeps the archive and --rebuild starts it anew: use one of them.');
  // Flags win over the environment and .env (which never overrides what is already set).
  if (flags.corpus) process.env.CORPUS_DIR = flags.corpus;
  if (flags.index) process.env.INDEX_DIR = flags.index;

  const progress = makeProgressReporter({ stream: process.stderr, quiet: flags.quiet });
  try {
    const config = await loadConfigFromProcess();
    if (!flags.quiet) process.stderr.write(`Ingesting ${config.paths.corpusDir} into ${config.paths.indexDir}\n`);
    const report = await ingestCorpus(config, { rebuild: flags.rebuild, compact: flags.compact, keepAbsent: flags.add, onProgress: (p) => progress.onProgress(p) });
    progress.stop();
    process.stdout.write(`${formatIngestReport(report)}\n`);
    return 0;
  } finally {
    progress.stop();
  }
}

await runCli('Ingest', USAGE, main);
