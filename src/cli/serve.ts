/**
 * `npm start`: brings the index up to date with the corpus folder when it is missing or stale
 * (new, changed or removed articles, or a keyword index saved by an older version), then serves
 * the API, the chat page and the widget.
 * SIGINT/SIGTERM shut down gracefully; a second signal exits at once.
 */
import { loadConfigFromProcess, type Config } from '../config/config.js';
import { formatCorpusProblem, loadCorpus } from '../corpus/load.js';
import type { LoadedCorpus } from '../corpus/types.js';
import { TransformersEmbeddings } from '../ingest/embeddings.js';
import {
  IndexCorruptError,
  IndexMissingError,
  checkIndexStaleness,
  lexicalIndexOutdated,
  readManifest,
} from '../ingest/indexStore.js';
import { ingestCorpus } from '../ingest/ingest.js';
import { formatIngestReport, makeProgressReporter } from '../ingest/progress.js';
import { openArchive } from '../app/product.js';
import { parseArgs } from 'node:util';
import { makeLogger } from '../server/app.js';
import { startServer } from '../server/start.js';
import { runCli } from './run.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Why the index needs an ingest before serving, or null when it is current. */
async function whyIngest(config: Config, corpus: LoadedCorpus): Promise<string | null> {
  let manifest;
  try {
    ({ manifest } = await readManifest(config.paths.indexDir));
  } catch (err) {
    if (err instanceof IndexMissingError) return `no index in ${config.paths.indexDir} yet`;
    if (err instanceof IndexCorruptError) return `the index is damaged (${err.message})`;
    throw err;
  }
  for (const p of corpus.problems) say(`Skipped ${formatCorpusProblem(p)}`);
  const s = checkIndexStaleness(config, corpus, manifest);
  if (!s.stale) return lexicalIndexOutdated(manifest) ? 'its keyword index was saved by an older version' : null;
  return `the corpus changed: ${s.added.length} new, ${s.changed.length} changed, ${s.removed.length} removed article(s)`;
}

async function ensureIndex(config: Config, embeddings: TransformersEmbeddings): Promise<void> {
  // Read once: the staleness check and the ingest it may call for see the same files.
  const corpus = await loadCorpus(config.paths.corpusDir);
  const reason = await whyIngest(config, corpus);
  if (reason === null) return;
  say(`Updating the index: ${reason}.`);
  const progress = makeProgressReporter({ stream: process.stderr });
  try {
    const report = await ingestCorpus(config, { embeddings, corpus, onProgress: (p) => progress.onProgress(p) });
    progress.stop();
    say(formatIngestReport(report));
  } finally {
    progress.stop();
  }
}

const USAGE =
  'Usage: npm start [-- --no-ingest] (configuration from the environment and .env; see .env.example)\n' +
  '  --no-ingest  serve the archive in INDEX_DIR as it is, without bringing it in line with CORPUS_DIR first';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'no-ingest': { type: 'boolean', default: false } }, strict: true });
  let embeddings: TransformersEmbeddings | undefined;
  try {
    const config = await loadConfigFromProcess();
    say(`Loading the embedding model ${config.embedding.model} …`);
    embeddings = await TransformersEmbeddings.create(config.embedding);
    if (!values['no-ingest']) await ensureIndex(config, embeddings);
    const archive = await openArchive(config, { embeddings });
    const model = embeddings;
    const status = archive.status();
    say(`Archive ${config.paths.indexDir}: ${status.articles} articles, ${status.chunks} passages (commit ${status.commit.sequence}).`);
    const logger = makeLogger(config);
    const server = await startServer(config, { archive, logger });
    say(`Serving on ${server.url} (chat page ${server.url}/, API ${server.url}/api, widget ${server.url}/widget.js)`);

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          say(`${signal} again: exiting now.`);
          process.exit(130);
        }
        stopping = true;
        say(`${signal}: finishing requests in flight (up to ${config.server.shutdownGraceMs} ms) …`);
        void server
          .close()
          .then(() => archive.close())
          .then(() => model.dispose())
          .finally(resolve);
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  } catch (err) {
    await embeddings?.dispose().catch(() => undefined);
    throw err;
  }
}

await runCli('Server start-up', USAGE, main);
