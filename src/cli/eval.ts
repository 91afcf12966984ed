/**
 * `npm run eval [-- --only xquad|seed] [--limit N]`
 * Evaluation, in sections: retrieval on XQuAD-vi (in-memory index of its passages) and on the
 * seed questions against the real index of corpus/. Results go to eval/results/*.json.
 * (Answer evaluation is a later section; add it to SECTIONS.)
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFromProcess, type Config } from '../config/config.js';
import { chunkArticle } from '../ingest/chunk.js';
import { ModelLoadError, TransformersEmbeddings } from '../ingest/embeddings.js';
import { IndexCorruptError, IndexMismatchError, IndexMissingError, loadIndex } from '../ingest/indexStore.js';
import {
  evaluateSeed,
  evaluateXquad,
  loadSeedQuestions,
  type MethodMetrics,
  type RankMetrics,
  type SeedReport,
  type XquadReport,
} from '../eval/retrieval.js';
import { makeHybridSearcher } from '../retrieval/engine.js';

const USAGE = `Usage: npm run eval -- [--only xquad|seed] [--limit N]
  --only NAME   run one section: xquad (XQuAD-vi retrieval) or seed (seed questions on corpus/)
  --limit N     evaluate only the first N questions of each set
Environment: EVAL_XQUAD_DIR (default ../shared/eval/xquad-vi), EVAL_SEED_QUESTIONS (default eval/seed-questions.jsonl)`;

const EXPECTED_ERRORS = [ConfigError, ModelLoadError, IndexMissingError, IndexCorruptError, IndexMismatchError];

interface SectionContext {
  config: Config;
  embeddings: TransformersEmbeddings;
  limit: number | undefined;
  cwd: string;
  log: (line: string) => void;
}

interface RetrievalResults {
  xquad?: XquadReport;
  seed?: SeedReport;
}

const pct = (x: number) => x.toFixed(3);

function metricsRow(name: string, m: RankMetrics): string {
  return `  ${name.padEnd(8)} ${pct(m.recallAt1)}  ${pct(m.recallAt5)}  ${pct(m.recallAt10)}  ${pct(m.mrr)}`;
}

function methodTable(title: string, m: MethodMetrics): string {
  return [
    `${title}`,
    '  method   R@1    R@5    R@10   MRR',
    metricsRow('dense', m.dense),
    metricsRow('lexical', m.lexical),
    metricsRow('hybrid', m.hybrid),
  ].join('\n');
}

async function runXquad(ctx: SectionContext, out: RetrievalResults): Promise<void> {
  const dir = path.resolve(ctx.cwd, process.env.EVAL_XQUAD_DIR ?? '../shared/eval/xquad-vi');
  const started = performance.now();
  const report = await evaluateXquad({
    dir,
    config: ctx.config,
    embeddings: ctx.embeddings,
    chunk: (a) => chunkArticle(a, ctx.config.chunking),
    limit: ctx.limit,
    onProgress: (m) => ctx.log(m),
  });
  out.xquad = report;
  const t = report.relevance.threshold;
  const at = report.relevance.atConfigured;
  ctx.log(
    [
      `\nXQuAD-vi: ${report.passages} passages (${report.chunks} chunks), ${report.questions} questions, ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
      methodTable('Questions as written:', report.toned),
      methodTable('Accents stripped from the questions:', report.accentsStripped),
      `Not-found separation (gold passage indexed vs left out): at the configured threshold ` +
        `${report.settings.relevanceThreshold}: kept ${pct(at?.answerableKept ?? 0)}, rejected ${pct(at?.unanswerableRejected ?? 0)}; ` +
        `best threshold ${t?.threshold ?? '-'} (balanced accuracy ${pct(t?.balancedAccuracy ?? 0)})`,
    ].join('\n'),
  );
}

async function runSeed(ctx: SectionContext, out: RetrievalResults): Promise<void> {
  const file = path.resolve(ctx.cwd, process.env.EVAL_SEED_QUESTIONS ?? 'eval/seed-questions.jsonl');
  const all = await loadSeedQuestions(file);
  const questions = ctx.limit ? all.slice(0, ctx.limit) : all;
  const index = await loadIndex(ctx.config, ctx.embeddings);
  const searcher = makeHybridSearcher(index, ctx.embeddings, ctx.config);
  const report = await evaluateSeed({
    searcher,
    getChunk: (id) => index.chunks.get(id),
    questions,
    threshold: ctx.config.retrieval.relevanceThreshold,
  });
  out.seed = report;
  const misses = report.questions.filter((q) => (q.answerable ? q.rank !== 1 || !q.relevant : q.relevant));
  ctx.log(
    [
      `\nSeed questions on ${ctx.config.paths.indexDir}: ${report.answerable} answerable, ${report.unanswerable} not answerable`,
      `  right article: R@1 ${pct(report.recallAt1)}  R@5 ${pct(report.recallAt5)}  MRR ${pct(report.mrr)}` +
        (report.answerInTop5 === null ? '' : `  answer text in top 5: ${pct(report.answerInTop5)}`),
      `  not-found at threshold ${report.threshold}: answerable kept ${pct(report.answerableKept)}, ` +
        `unanswerable rejected ${pct(report.unanswerableRejected)} (balanced ${pct(report.notFoundAccuracy)}); ` +
        `best threshold here ${report.bestThreshold?.threshold ?? '-'} (${pct(report.bestThreshold?.balancedAccuracy ?? 0)})`,
      ...misses.map(
        (q) =>
          `  ✗ ${q.id} ${q.answerable ? `rank ${q.rank ?? '-'}` : 'unanswerable'} score ${q.topScore.toFixed(3)} top ${q.topDocumentId ?? '-'}: ${q.question}`,
      ),
    ].join('\n'),
  );
}

const SECTIONS: Record<string, (ctx: SectionContext, out: RetrievalResults) => Promise<void>> = {
  xquad: runXquad,
  seed: runSeed,
};

async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args: argv,
      options: {
        only: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names = flags.only ? [flags.only] : Object.keys(SECTIONS);
  const unknown = names.filter((n) => !(n in SECTIONS));
  if (unknown.length > 0) {
    process.stderr.write(`Error: unknown section "${unknown.join(', ')}" (choose ${Object.keys(SECTIONS).join(' or ')}).\n`);
    return 2;
  }
  let limit: number | undefined;
  if (flags.limit !== undefined) {
    limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      process.stderr.write(`Error: --limit must be a positive whole number (got "${flags.limit}").\n`);
      return 2;
    }
  }

  const cwd = process.cwd();
  let embeddings: TransformersEmbeddings | undefined;
  try {
    const config = await loadConfigFromProcess(cwd);
    embeddings = await TransformersEmbeddings.create(config.embedding);
    const ctx: SectionContext = { config, embeddings, limit, cwd, log: (l) => process.stdout.write(`${l}\n`) };
    const results: RetrievalResults = {};
    for (const name of names) await SECTIONS[name]!(ctx, results);
    const outDir = path.resolve(cwd, 'eval/results');
    await fs.mkdir(outDir, { recursive: true });
    const file = path.join(outDir, 'retrieval.json');
    await fs.writeFile(
      file,
      `${JSON.stringify({ createdAt: new Date().toISOString(), model: config.embedding.model, limit: limit ?? null, ...results }, null, 2)}\n`,
    );
    process.stdout.write(`\nWrote ${path.relative(cwd, file)}\n`);
    return 0;
  } catch (err) {
    if (EXPECTED_ERRORS.some((E) => err instanceof E)) {
      process.stderr.write(`Error: ${(err as Error).message}\n`);
    } else {
      process.stderr.write(`Evaluation failed:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    return 1;
  } finally {
    await embeddings?.dispose();
  }
}

process.exitCode = await main(process.argv.slice(2));
