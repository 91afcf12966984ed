/**
 * `npm run ingest [-- --rebuild] [--corpus DIR] [--index DIR] [--quiet]`
 * Brings the index in line with the corpus folder (only new and changed articles are embedded).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFromProcess } from '../config/config.js';
import { CorpusFolderError } from '../corpus/load.js';
import { ModelLoadError } from '../ingest/embeddings.js';
import { IndexBusyError, IndexMismatchError } from '../ingest/indexStore.js';
import { EmptyCorpusError, ingestCorpus } from '../ingest/ingest.js';
import { formatIngestReport, makeProgressReporter } from '../ingest/progress.js';

const USAGE = `Usage: npm run ingest -- [--rebuild] [--corpus DIR] [--index DIR] [--quiet]
  --rebuild      embed every article again (needed after changing the model or chunking)
  --corpus DIR   corpus folder (overrides CORPUS_DIR)
  --index DIR    index folder (overrides INDEX_DIR)
  --quiet        no progress output`;

/** Errors the operator can fix from the message alone: one line, no stack trace. */
const EXPECTED_ERRORS = [
  ConfigError,
  ModelLoadError,
  IndexMismatchError,
  IndexBusyError,
  EmptyCorpusError,
  CorpusFolderError,
];

async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args: argv,
      options: {
        rebuild: { type: 'boolean', default: false },
        corpus: { type: 'string' },
        index: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Flags win over the environment and .env (which never overrides what is already set).
  if (flags.corpus) process.env.CORPUS_DIR = flags.corpus;
  if (flags.index) process.env.INDEX_DIR = flags.index;

  const progress = makeProgressReporter({ stream: process.stderr, quiet: flags.quiet });
  try {
    const config = await loadConfigFromProcess();
    if (!flags.quiet) process.stderr.write(`Ingesting ${config.paths.corpusDir} into ${config.paths.indexDir}\n`);
    const report = await ingestCorpus(config, { rebuild: flags.rebuild, onProgress: (p) => progress.onProgress(p) });
    progress.stop();
    process.stdout.write(`${formatIngestReport(report)}\n`);
    return 0;
  } catch (err) {
    progress.stop();
    if (EXPECTED_ERRORS.some((E) => err instanceof E)) {
      process.stderr.write(`Error: ${(err as Error).message}\n`);
    } else {
      process.stderr.write(`Ingest failed unexpectedly:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
