/**
 * `npm start`: brings the index up to date with the corpus folder (new, changed or removed
 * articles; an index of the previous format is converted), then serves the API, the chat page
 * and the widget. The server follows the archive's commits: a later `npm run ingest` is served
 * within seconds, without a restart.
 * SIGINT/SIGTERM shut down gracefully; a second signal exits at once.
 */
import { parseArgs } from 'node:util';
import { openArchive, type Archive, type ArchiveStatus } from '../app/product.js';
import { loadConfigFromProcess, type Config } from '../config/config.js';
import type { TransformersEmbeddings } from '../ingest/embeddings.js';
import { IndexBusyError } from '../store/index.js';
import { runCli } from './run.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Brings the archive in line with the corpus folder. The ingest is incremental: when nothing
 * changed it embeds nothing and commits nothing new, so this costs a read of the corpus.
 * Another ingest already writing the archive is left to finish: the server follows its commits.
 */
async function updateArchive(config: Config, embeddings: TransformersEmbeddings): Promise<void> {
  // Loaded here: `--no-ingest` never needs the ingest (which reads the corpus itself, an article at a time).
  const [{ ingestCorpus }, { formatIngestReport, makeProgressReporter }] = await Promise.all([
    import('../ingest/ingest.js'),
    import('../ingest/progress.js'),
  ]);
  const progress = makeProgressReporter({ stream: process.stderr });
  try {
    const report = await ingestCorpus(config, { embeddings, onProgress: (p) => progress.onProgress(p) });
    progress.stop();
    const changed = report.added.length + report.changed.length + report.removed.length > 0;
    if (changed || report.problems.length > 0 || report.notes.length > 0) say(formatIngestReport(report));
  } catch (err) {
    if (!(err instanceof IndexBusyError)) throw err;
    say(`Another ingest is writing ${config.paths.indexDir}; serving what it has committed, and following its commits.`);
  } finally {
    progress.stop();
  }
}

function describeArchive(config: Config, s: ArchiveStatus): string {
  return (
    `Index ${config.paths.indexDir}: ${s.articles} articles, ${s.chunks} chunks; model ${s.model}; ` +
    `commit ${s.commit.sequence} (${s.commit.id}) of ${s.commit.committedAt}`
  );
}

const USAGE =
  'Usage: npm start [-- --no-ingest] (configuration from the environment and .env; see .env.example)\n' +
  '  --no-ingest  serve the archive in INDEX_DIR as it is, without bringing it in line with CORPUS_DIR first';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'no-ingest': { type: 'boolean', default: false } }, strict: true });
  let embeddings: TransformersEmbeddings | undefined;
  let archive: Archive | undefined;
  try {
    const config = await loadConfigFromProcess();
    say(`Loading the embedding model ${config.embedding.model} …`);
    // With --no-ingest the archive opens first (it loads the model itself, alongside reading its
    // files off this thread), and the server's modules load meanwhile.
    const archiveOpened = values['no-ingest'] ? openArchive(config) : undefined;
    const serverModules = Promise.all([import('../server/app.js'), import('../server/start.js')]);
    if (archiveOpened) {
      [archive] = await Promise.all([archiveOpened, serverModules]);
    } else {
      serverModules.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      // The ingest needs the model first, and the archive is read once it is up to date.
      const { TransformersEmbeddings } = await import('../ingest/embeddings.js');
      embeddings = await TransformersEmbeddings.create(config.embedding);
      await updateArchive(config, embeddings);
      archive = await openArchive(config, { embeddings });
    }
    const [{ makeLogger }, { startServer }] = await serverModules;
    const model = embeddings;
    const served = archive;
    say(describeArchive(config, served.status()));
    const logger = makeLogger(config);
    const server = await startServer(config, { archive: served, logger });
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
          .then(() => served.close())
          .then(() => model?.dispose())
          .finally(resolve);
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  } catch (err) {
    await archive?.close().catch(() => undefined);
    await embeddings?.dispose().catch(() => undefined);
    throw err;
  }
}

await runCli('Server start-up', USAGE, main);
