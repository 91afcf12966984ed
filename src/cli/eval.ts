/**
 * `npm run eval [-- --only xquad,seed,answers] [--limit N] [--check]`
 * Evaluation in sections: retrieval on XQuAD-vi (in-memory index of its passages), retrieval on the
 * seed questions (a fresh index of CORPUS_DIR in a temporary folder), and answers through the
 * real chat service on both. Prints tables, writes eval/results/latest.json; a full run (no
 * --only, no --limit) also rewrites docs/EVALUATION.md. --check compares against eval/floors.json
 * and exits 1 when a figure falls below its floor.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { archiveOver, fixedReader, makeProduct, openArchive, type Archive } from '../app/product.js';
import type { ChatService } from '../chat/chatService.js';
import { makeInMemoryConversationStore } from '../chat/conversations.js';
import { loadConfig, loadConfigFromProcess, type Config } from '../config/config.js';
import { evaluateSeedAnswers, evaluateXquadAnswers, type SeedAnswerCase, type SeedConversation } from '../eval/answers.js';
import { loadCommittedAnswerabilityModel } from '../answer/answerability.js';
import { answerabilityRows, modelSeparation, type Separation } from '../eval/answerability.js';
import { evaluateQuestionSet, loadConversationSet, loadQuestionSet, openArchiveIndex, type ArchiveSetReport } from '../eval/archive.js';
import { runDatedEvaluation, type DatedReport } from '../eval/dated.js';
import { checkFloors, renderEvaluationMarkdown, type EvalResults } from '../eval/report.js';
import {
  buildMemoryIndex,
  evaluateSeed,
  evaluateXquad,
  isRecord,
  isUnanswerable,
  loadSeedQuestions,
  loadQaSet,
  loadXquad,
  passageAsArticle,
  readJsonl,
  type MemoryIndex,
  type MethodMetrics,
  type RankMetrics,
  type XquadQuestion,
} from '../eval/retrieval.js';
import { chunkArticle } from '../ingest/chunk.js';
import { TransformersEmbeddings } from '../ingest/embeddings.js';
import { ingestCorpus } from '../ingest/ingest.js';
import type { HybridSearcher } from '../retrieval/hybrid.js';
import { runCli, UsageError } from './run.js';

const USAGE = `Usage: npm run eval -- [--only xquad,seed,answers,viquad,archive,dated] [--limit N] [--check] [--archive-index DIR]
  --only LIST   run some sections: xquad (XQuAD-vi retrieval), seed (seed questions, retrieval),
                answers (answers on XQuAD-vi and on the seed corpus, through the chat service),
                viquad (ViQuAD-test retrieval, answers and not-found), archive (seed and news
                questions inside the archive index; runs only with an archive index),
                dated (dated questions over corpus/ and eval/dated-corpus: accuracy per kind)
  --limit N     evaluate only the first N questions of each set
  --check       fail (exit 1) when a figure is below its floor in eval/floors.json
  --archive-index DIR  the archive's index (default: EVAL_ARCHIVE_INDEX); without one the archive
                section is skipped
ViQuAD answers are measured on its first 600 questions (never used to fit anything).
Environment: EVAL_XQUAD_DIR (default ../shared/eval/xquad-vi), EVAL_VIQUAD_DIR (default
../shared/eval/viquad-test), EVAL_SEED_QUESTIONS (default eval/seed-questions.jsonl),
EVAL_SEED_CONVERSATIONS (default eval/seed-conversations.jsonl), EVAL_NEWS_QUESTIONS (default
eval/news-questions.jsonl), EVAL_NEWS_CONVERSATIONS (default eval/news-conversations.jsonl), EVAL_NEWS_HOLDOUT_QUESTIONS and
EVAL_NEWS_HOLDOUT_CONVERSATIONS (default eval/news-holdout-*.jsonl),
EVAL_ARCHIVE_INDEX, EVAL_RESULTS_FILE (default eval/results/latest.json), and the product's own configuration (EMBEDDING_MODEL, CORPUS_DIR, LLM_*, ...).`;

/**
 * ViQuAD-test's questions 1–600 were never used to fit anything; 601–2210 fitted the retrieval's
 * sentence weight (RETRIEVAL_SENTENCE_WEIGHT) and the share of the retrieval score in the
 * extractive answer's sentence score, and 1401–2210 train the not-found model (npm run
 * train:answerability). Answers are measured on the first 600 only; retrieval on
 * all and on the first 600 alone.
 */
const VIQUAD_HELD_OUT = 600;

/** What several sections share, built once on first use. */
interface SectionContext {
  config: Config;
  embeddings: TransformersEmbeddings;
  limit: number | undefined;
  check: boolean;
  archiveIndex: string | undefined;
  cwd: string;
  log: (line: string) => void;
  xquad: () => Promise<{ dir: string; index: MemoryIndex; questions: XquadQuestion[] }>;
  /** The seed corpus, ingested into a fresh archive. */
  seedArchive: () => Promise<Archive>;
  /** An in-memory index as an archive, to answer from as the product does. */
  archiveOf: (index: MemoryIndex) => Archive;
  /** The product's chat service over an archive, with the configured answerer. */
  chatOver: (archive: Archive) => Promise<ChatService>;
  cleanup: Array<() => Promise<void>>;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

const pct = (x: number) => x.toFixed(3);

function metricsRow(name: string, m: RankMetrics): string {
  return `  ${name.padEnd(8)} ${pct(m.recallAt1)}  ${pct(m.recallAt5)}  ${pct(m.recallAt10)}  ${pct(m.mrr)}`;
}

function methodTable(title: string, m: MethodMetrics): string {
  return [`${title}`, '  method   R@1    R@5    R@10   MRR', metricsRow('dense', m.dense), metricsRow('lexical', m.lexical), metricsRow('hybrid', m.hybrid)].join('\n');
}

async function runXquad(ctx: SectionContext, out: EvalResults): Promise<void> {
  const started = performance.now();
  const { dir, index } = await ctx.xquad();
  const report = await evaluateXquad({
    dir,
    index,
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

async function runSeed(ctx: SectionContext, out: EvalResults): Promise<void> {
  const file = path.resolve(ctx.cwd, process.env.EVAL_SEED_QUESTIONS ?? 'eval/seed-questions.jsonl');
  const all = await loadSeedQuestions(file);
  const questions = ctx.limit ? all.slice(0, ctx.limit) : all;
  const archive = await ctx.seedArchive();
  const report = await evaluateSeed({
    searcher: archive.searcher,
    questions,
    threshold: ctx.config.retrieval.relevanceThreshold,
  });
  out.seed = report;
  const misses = report.questions.filter((q) => (q.answerable ? q.rank !== 1 || !q.relevant : q.relevant));
  ctx.log(
    [
      `\nSeed questions on ${ctx.config.paths.corpusDir}: ${report.answerable} answerable, ${report.unanswerable} not answerable`,
      `  right article: R@1 ${pct(report.recallAt1)}  R@5 ${pct(report.recallAt5)}  MRR ${pct(report.mrr)}` +
        (report.answerInTop5 === null ? '' : `  answer text in top 5: ${pct(report.answerInTop5)}`),
      `  not-found at threshold ${report.threshold}: answerable kept ${pct(report.answerableKept)}, ` +
        `unanswerable rejected ${pct(report.unanswerableRejected)} (balanced ${pct(report.notFoundAccuracy)}); ` +
        `best threshold here ${report.bestThreshold?.threshold ?? '-'} (${pct(report.bestThreshold?.balancedAccuracy ?? 0)})`,
      ...misses.map(
        (q) => `  ✗ ${q.id} ${q.answerable ? `rank ${q.rank ?? '-'}` : 'unanswerable'} score ${q.topScore.toFixed(3)} top ${q.topDocumentId ?? '-'}: ${q.question}`,
      ),
    ].join('\n'),
  );
}

const isConversation = (x: unknown): x is SeedConversation =>
  isRecord(x) &&
  typeof x.id === 'string' &&
  Array.isArray(x.turns) &&
  x.turns.every((t) => isRecord(t) && typeof t.question === 'string' && (t.documentId === undefined || typeof t.documentId === 'string'));

async function runAnswers(ctx: SectionContext, out: EvalResults): Promise<void> {
  const started = performance.now();
  const { index, questions } = await ctx.xquad();
  const picked = ctx.limit ? questions.slice(0, ctx.limit) : questions;
  ctx.log(`\nAnswers on XQuAD-vi: ${picked.length} questions, with and without accents`);
  const xquadChat = await ctx.chatOver(ctx.archiveOf(index));
  const xquad = await evaluateXquadAnswers(xquadChat, picked);
  const answerability = await qaSeparation(ctx, ctx.archiveOf(index).searcher, picked);

  const seedFile = path.resolve(ctx.cwd, process.env.EVAL_SEED_QUESTIONS ?? 'eval/seed-questions.jsonl');
  const convFile = path.resolve(ctx.cwd, process.env.EVAL_SEED_CONVERSATIONS ?? 'eval/seed-conversations.jsonl');
  const seedQuestions = await loadSeedQuestions(seedFile);
  const cases: SeedAnswerCase[] = (ctx.limit ? seedQuestions.slice(0, ctx.limit) : seedQuestions).map((q) =>
    isUnanswerable(q) ? { id: q.id, question: q.question } : { id: q.id, question: q.question, documentId: q.documentId, ...(q.mustContain ? { mustContain: q.mustContain } : {}) },
  );
  const conversations = await readJsonl(convFile, isConversation);
  const seedChat = await ctx.chatOver(await ctx.seedArchive());
  const seed = await evaluateSeedAnswers(seedChat, cases, ctx.limit ? conversations.slice(0, ctx.limit) : conversations);
  out.answers = { mode: ctx.config.llm.provider === 'none' ? 'extractive' : `llm (${ctx.config.llm.provider}: ${ctx.config.llm.model})`, xquad, seed, answerability };
  const row = answersRow;
  ctx.log(
    [
      `  ${((performance.now() - started) / 1000).toFixed(1)} s, answering mode: ${out.answers.mode}`,
      '  questions         contains  F1     [1]=gold   any=gold  support  grounded  chars',
      row('as written', xquad.toned),
      row('accents stripped', xquad.untoned),
      separationLine('Not-found model (fitted on this set)', answerability),
      `\nAnswers on the seed corpus:`,
      `  answerable ${seed.answerable.count}: accuracy ${pct(seed.answerable.accuracy)} (grounded, cites the right article, holds the expected fact)`,
      `  not answerable ${seed.unanswerable.count}: accuracy ${pct(seed.unanswerable.accuracy)} (says it did not find it)`,
      `  two-turn conversations ${seed.followUps.count}: follow-up accuracy ${pct(seed.followUps.accuracy)}, first turn ${pct(seed.followUps.firstTurnAccuracy)}`,
      `  cited sentences supported by their source: ${pct(seed.citationSupport)}`,
      ...seed.failures.map((f) => `  ✗ ${f.id}: ${f.question}\n      expected ${f.expected}; got ${f.grounded ? `[${f.citedDocuments.join(', ')}] ` : ''}${f.answer.slice(0, 160)}`),
    ].join('\n'),
  );
}

const answersRow = (name: string, m: { containsGold: number; f1: number; firstCitationGold: number; anyCitationGold: number; citationSupport: number; grounded: number; meanAnswerChars: number }) =>
  `  ${name.padEnd(17)} ${pct(m.containsGold)}     ${pct(m.f1)}  ${pct(m.firstCitationGold)}      ${pct(m.anyCitationGold)}    ${pct(m.citationSupport)}    ${pct(m.grounded)}    ${m.meanAnswerChars.toFixed(0)}`;

const separationLine = (label: string, s: Separation) =>
  `  ${label}: answerable answered ${pct(s.answerableKept)} (wrongly "not found" ${pct(1 - s.answerableKept)}), ` +
  `gold removed → "not found" ${pct(s.unanswerableRejected)} (${s.answerable} + ${s.unanswerable} cases)`;

/** The answerability model on a QA set: each question with its gold passage indexed and left out. */
async function qaSeparation(ctx: SectionContext, searcher: HybridSearcher, questions: readonly XquadQuestion[]): Promise<Separation> {
  const rows = await answerabilityRows(
    searcher,
    ctx.embeddings,
    questions.map((q) => ({ id: q.qid, question: q.question, documentId: q.gold_passage_id })),
    { withGoldRemoved: true },
  );
  return modelSeparation(loadCommittedAnswerabilityModel(), rows);
}

async function runViquad(ctx: SectionContext, out: EvalResults): Promise<void> {
  const started = performance.now();
  const dir = path.resolve(ctx.cwd, process.env.EVAL_VIQUAD_DIR ?? '../shared/eval/viquad-test');
  const set = await loadQaSet(dir, 'viquad-test');
  ctx.log(`\nViQuAD-test: indexing ${set.passages.length} passages`);
  const index = await buildMemoryIndex(set.passages.map(passageAsArticle), (a) => chunkArticle(a, ctx.config.chunking), ctx.embeddings, ctx.config);
  const retrieval = await evaluateXquad({
    dir,
    set,
    index,
    config: ctx.config,
    embeddings: ctx.embeddings,
    chunk: (a) => chunkArticle(a, ctx.config.chunking),
    limit: ctx.limit,
    heldOutQuestions: VIQUAD_HELD_OUT,
  });
  const answerCount = Math.min(ctx.limit ?? VIQUAD_HELD_OUT, VIQUAD_HELD_OUT);
  const picked = set.questions.slice(0, answerCount);
  const archive = ctx.archiveOf(index);
  const searcher = archive.searcher;
  const answers = await evaluateXquadAnswers(await ctx.chatOver(archive), picked);
  const answerability = await qaSeparation(ctx, searcher, picked);
  out.viquad = { retrieval, answers, answerability, answerQuestions: picked.length };
  ctx.log(
    [
      `ViQuAD-test: ${retrieval.passages} passages (${retrieval.chunks} chunks), ${retrieval.questions} questions, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      methodTable('Questions as written:', retrieval.toned),
      methodTable('Accents stripped from the questions:', retrieval.accentsStripped),
      ...(retrieval.heldOut
        ? [
            methodTable(`Questions 1–${retrieval.heldOut.questions} (held out), as written:`, retrieval.heldOut.toned),
            methodTable(`Questions 1–${retrieval.heldOut.questions} (held out), accents stripped:`, retrieval.heldOut.accentsStripped),
          ]
        : []),
      `Answers on ${picked.length} questions:`,
      '  questions         contains  F1     [1]=gold   any=gold  support  grounded  chars',
      answersRow('as written', answers.toned),
      answersRow('accents stripped', answers.untoned),
      separationLine('Not-found model', answerability),
    ].join('\n'),
  );
}

function setLines(label: string, r: ArchiveSetReport, opts: { listMisses: boolean } = { listMisses: true }): string[] {
  return [
    `  ${label}: answerable ${r.answerable.count}: right ${pct(r.answerable.accuracy)}; not answerable ${r.unanswerable.count}: "not found" ${pct(r.unanswerable.accuracy)}; ` +
      `follow-ups ${r.followUps.count}: ${pct(r.followUps.accuracy)} (first turns ${pct(r.followUps.firstTurnAccuracy)}); support ${pct(r.citationSupport)}`,
    ...Object.entries(r.byTyping).map(([typed, g]) => `    typed ${typed}: ${g.count} answerable, right ${pct(g.accuracy)}`),
    ...(r.switches ? [`    after a topic switch: ${r.switches.count}, right ${pct(r.switches.accuracy)} (the same questions alone: ${pct(r.switches.aloneAccuracy)})`] : []),
    ...(opts.listMisses ? r.failures : []).map((f) => `  ✗ ${f.id}: ${f.question}\n      expected ${f.expected}; got ${f.grounded ? `[${f.citedDocuments.join(', ')}] ` : ''}${f.answer.slice(0, 200)}`),
  ];
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function runArchive(ctx: SectionContext, out: EvalResults): Promise<void> {
  if (ctx.archiveIndex === undefined) {
    ctx.log('\nArchive: skipped (no --archive-index / EVAL_ARCHIVE_INDEX)');
    return;
  }
  const started = performance.now();
  const dir = path.resolve(ctx.cwd, ctx.archiveIndex);
  const archive = await openArchiveIndex(dir, ctx.config, ctx.embeddings);
  try {
    const { articles, chunks } = archive.status();
    ctx.log(`\nArchive ${dir}: ${articles} articles, ${chunks} passages`);
    const searcher = archive.searcher;
    const chat = await ctx.chatOver(archive);
    const file = (env: string, fallback: string) => path.resolve(ctx.cwd, process.env[env] ?? fallback);
    const cut = <T>(xs: readonly T[]) => (ctx.limit ? xs.slice(0, ctx.limit) : [...xs]);
    const seed = await evaluateQuestionSet(
      chat,
      cut(await loadQuestionSet(file('EVAL_SEED_QUESTIONS', 'eval/seed-questions.jsonl'))),
      cut(await loadConversationSet(file('EVAL_SEED_CONVERSATIONS', 'eval/seed-conversations.jsonl'))),
    );
    out.archive = { index: dir, articles, chunks, seed };
    const lines = setLines('seed questions', seed);
    // The held-out set's misses are not printed: it stays held out only while nobody changing the answerer reads them.
    const newsSet = async (label: string, questionsFile: string, conversationsFile: string, listMisses = true) => {
      if (!(await exists(questionsFile))) {
        lines.push(`  ${label}: ${path.relative(ctx.cwd, questionsFile)} not found, skipped`);
        return undefined;
      }
      const questions = cut(await loadQuestionSet(questionsFile));
      const conversations = (await exists(conversationsFile)) ? cut(await loadConversationSet(conversationsFile)) : [];
      const answers = await evaluateQuestionSet(chat, questions, conversations);
      const retrieval = await evaluateSeed({
        searcher,
        questions: questions.map((q) =>
          q.documentId === undefined
            ? { id: q.id, question: q.question, answerable: false as const }
            : { id: q.id, question: q.question, documentId: q.documentId, ...(typeof q.mustContain === 'string' ? { mustContain: q.mustContain } : {}) },
        ),
        threshold: ctx.config.retrieval.relevanceThreshold,
      });
      lines.push(...setLines(label, answers, { listMisses }), `  ${label} retrieval: right article R@1 ${pct(retrieval.recallAt1)}  R@5 ${pct(retrieval.recallAt5)}  MRR ${pct(retrieval.mrr)}`);
      return { answers, retrieval };
    };
    const news = await newsSet('news questions', file('EVAL_NEWS_QUESTIONS', 'eval/news-questions.jsonl'), file('EVAL_NEWS_CONVERSATIONS', 'eval/news-conversations.jsonl'));
    if (news) Object.assign(out.archive, { news: news.answers, newsRetrieval: news.retrieval });
    const holdout = await newsSet(
      'held-out news questions',
      file('EVAL_NEWS_HOLDOUT_QUESTIONS', 'eval/news-holdout-questions.jsonl'),
      file('EVAL_NEWS_HOLDOUT_CONVERSATIONS', 'eval/news-holdout-conversations.jsonl'),
      false,
    );
    if (holdout) Object.assign(out.archive, { holdout: holdout.answers, holdoutRetrieval: holdout.retrieval });
    ctx.log([...lines, `  ${((performance.now() - started) / 1000).toFixed(1)} s`].join('\n'));
  } finally {
    await archive.close();
  }
}

/** Dated questions (periods, relative periods, "mới nhất", timelines, comparisons): accuracy per kind. */
async function runDated(ctx: SectionContext, out: EvalResults): Promise<void> {
  out.dated = await runDatedEvaluation({ ...ctx, cleanup: ctx.cleanup });
  const lines = (title: string, d: DatedReport) => {
    const { accuracy: a, counts: n } = d;
    return [`\n${title} (accuracy, cases):`, ...Object.keys(a).map((k) => `  ${k.padEnd(11)} ${pct(a[k as keyof typeof a])} (${n[k as keyof typeof n]})`), ...d.failures.map((f) => `  ✗ ${f.id} ${f.kind}: ${f.question} — ${f.why}`)];
  };
  ctx.log([...lines('Dated questions, tuned set', out.dated), ...lines('Dated questions, held-out set', out.dated.heldout)].join('\n'));
}

const SECTIONS: Record<string, (ctx: SectionContext, out: EvalResults) => Promise<void>> = {
  xquad: runXquad,
  seed: runSeed,
  answers: runAnswers,
  viquad: runViquad,
  archive: runArchive,
  dated: runDated,
};

function makeContext(
  config: Config,
  embeddings: TransformersEmbeddings,
  run: { limit: number | undefined; check: boolean; archiveIndex: string | undefined },
  cwd: string,
  cleanup: Array<() => Promise<void>>,
): SectionContext {
  const log = (l: string) => process.stdout.write(`${l}\n`);
  return {
    config,
    embeddings,
    ...run,
    cwd,
    log,
    cleanup,
    xquad: once(async () => {
      const dir = path.resolve(cwd, process.env.EVAL_XQUAD_DIR ?? '../shared/eval/xquad-vi');
      const { passages, questions } = await loadXquad(dir);
      log(`XQuAD: indexing ${passages.length} passages`);
      const index = await buildMemoryIndex(passages.map(passageAsArticle), (a) => chunkArticle(a, config.chunking), embeddings, config);
      return { dir, index, questions };
    }),
    // A fresh index of the corpus, so the figures never depend on the state of index/.
    seedArchive: once(async () => {
      const indexDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-eval-index-'));
      cleanup.push(() => fs.rm(indexDir, { recursive: true, force: true }));
      const seedConfig = loadConfig({ ...process.env, CORPUS_DIR: config.paths.corpusDir, INDEX_DIR: indexDir }, cwd);
      log(`Seed: indexing ${config.paths.corpusDir}`);
      await ingestCorpus(seedConfig, { embeddings });
      const archive = await openArchive(seedConfig, { embeddings, follow: false });
      cleanup.unshift(() => archive.close());
      return archive;
    }),
    archiveOf: (index) => archiveOver(config, fixedReader(index.snapshot), embeddings, async () => undefined),
    chatOver: async (archive) => {
      const product = await makeProduct(config, { archive, conversations: makeInMemoryConversationStore(config.conversations) });
      return product.chat;
    },
  };
}

async function main(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      limit: { type: 'string' },
      check: { type: 'boolean', default: false },
      'archive-index': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names = flags.only ? flags.only.split(',').map((s) => s.trim()) : Object.keys(SECTIONS);
  const unknown = names.filter((n) => !(n in SECTIONS));
  if (unknown.length > 0) throw new UsageError(`unknown section "${unknown.join(', ')}" (choose from ${Object.keys(SECTIONS).join(', ')}).`);
  let limit: number | undefined;
  if (flags.limit !== undefined) {
    limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number (got "${flags.limit}").`);
  }
  if (flags.check && limit !== undefined) throw new UsageError('--check compares whole sets with their floors; drop --limit.');

  const cwd = process.cwd();
  const cleanup: Array<() => Promise<void>> = [];
  let embeddings: TransformersEmbeddings | undefined;
  try {
    const config = await loadConfigFromProcess(cwd);
    embeddings = await TransformersEmbeddings.create(config.embedding);
    const archiveIndex = flags['archive-index'] ?? process.env.EVAL_ARCHIVE_INDEX;
    const ctx = makeContext(config, embeddings, { limit, check: flags.check, archiveIndex: archiveIndex || undefined }, cwd, cleanup);
    const results: EvalResults = { createdAt: new Date().toISOString(), model: path.basename(config.embedding.model), limit: limit ?? null };
    for (const name of names) await SECTIONS[name]!(ctx, results);

    // EVAL_RESULTS_FILE lets sections run in parallel processes without overwriting each other.
    const outFile = path.resolve(cwd, process.env.EVAL_RESULTS_FILE ?? 'eval/results/latest.json');
    await fs.mkdir(path.dirname(outFile), { recursive: true });
    await fs.writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\nWrote ${path.relative(cwd, outFile)}\n`);
    const complete = names.length === Object.keys(SECTIONS).length && limit === undefined;
    if (complete && !flags.check) {
      await fs.writeFile(path.resolve(cwd, 'docs/EVALUATION.md'), renderEvaluationMarkdown(results));
      process.stdout.write('Wrote docs/EVALUATION.md\n');
    }
    if (flags.check) {
      const floors = JSON.parse(await fs.readFile(path.resolve(cwd, 'eval/floors.json'), 'utf8')) as Record<string, number>;
      // The archive runs only with an archive index; without one its floors are not checked.
      const ran = names.filter((n) => n !== 'archive' || archiveIndex);
      const verdicts = checkFloors(results, floors, ran);
      for (const v of verdicts) process.stdout.write(`${v.ok ? '✓' : '✗'} ${v.key}: ${v.value === null ? 'missing' : v.value.toFixed(3)} (floor ${v.floor})\n`);
      const failed = verdicts.filter((v) => !v.ok);
      process.stdout.write(failed.length === 0 ? `eval check: every figure at or above its floor (${verdicts.length} checked)\n` : `eval check: ${failed.length} figure(s) below their floor\n`);
      if (failed.length > 0) return 1;
    }
    return 0;
  } finally {
    for (const step of cleanup) await step();
    await embeddings?.dispose();
  }
}

await runCli('Evaluation', USAGE, main);
