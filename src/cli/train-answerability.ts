/**
 * `npm run train:answerability [-- --out FILE] [--min-kept 0.975]`
 * Fits the answerer's not-found decision (src/answer/answerability.ts) and writes it to
 * src/answer/answerability.model.json, which the answerer loads.
 *
 * Training data, all from the repository and ../shared (deterministic, so a rerun gives the same
 * weights): every XQuAD-vi question, as written and typed without diacritics, asked over an
 * in-memory index of the XQuAD-vi passages twice: with its gold passage (answerable) and with the
 * gold passage left out of the search (unanswerable: the rest of the article stays, so the
 * retrieved text is about the topic but does not hold the fact); with `--answer-removed yes`, once
 * more with the passages as found but every sentence stating the gold answer cut out
 * (unanswerable: the right story without the asked detail). The same for ViQuAD-test questions
 * 1401–2210 (`--viquad`; over the ViQuAD-test passages): questions written by native speakers,
 * unlike XQuAD-vi's translations. Plus the seed questions over a fresh index of CORPUS_DIR
 * (answerable and not). With `--news FILE` (not the default), news questions too
 * (eval/news-train-questions.jsonl: answerable, and asking a detail their article does not give) over
 * an in-memory index of the seed corpus, the VNTC articles they ask about and every 10th other
 * article of the VNTC sample (so that the passages found are as crowded as in an archive); each
 * answerable one also with its article left out and with the sentences stating its answer cut.
 * ViQuAD-test questions 1–1400 and the news development and held-out sets are never read: they
 * are where the model is checked.
 *
 * The reference-text threshold (for answers from texts without outlet or date) is chosen the same
 * way over the XQuAD-vi and ViQuAD-test rows, to answer `--min-kept-reference` of them.
 *
 * The threshold is the highest probability that still answers `--min-kept` of the answerable
 * training rows.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ANSWERABILITY_FEATURES, answerabilityProbability, type AnswerabilityModel } from '../answer/answerability.js';
import { fitLogistic } from '../answer/logistic.js';
import { loadConfig, loadConfigFromProcess } from '../config/config.js';
import { writeVntcSlice } from '../bench/vntc.js';
import { loadCorpus } from '../corpus/load.js';
import type { Article } from '../corpus/types.js';
import { answerabilityRows, chooseThreshold, separationAt, type AnswerabilityRow, type LabelledQuery } from '../eval/answerability.js';
import { mustList } from '../eval/answers.js';
import { loadQuestionSet, type SetQuestion } from '../eval/archive.js';
import { buildMemoryIndex, loadQaSet, searcherOver, isUnanswerable, loadSeedQuestions, loadXquad, passageAsArticle, type XquadPassage, type XquadQuestion } from '../eval/retrieval.js';
import { chunkArticle } from '../ingest/chunk.js';
import { TransformersEmbeddings } from '../ingest/embeddings.js';
import { ingestCorpus } from '../ingest/ingest.js';
import { hybridSettingsFromConfig } from '../retrieval/hybrid.js';
import { openArchive } from '../app/product.js';
import { foldDiacritics, hasDiacritics } from '../text/normalize.js';
import { runCli, UsageError } from './run.js';

const USAGE = `Usage: npm run train:answerability -- [--out FILE] [--min-kept 0.975] [--min-kept-reference 0.99] [--answer-removed yes|no] [--viquad 1400,2210] [--news FILE|none]
  --out FILE        where to write the model (default src/answer/answerability.model.json)
  --viquad A,B      ViQuAD-test questions A+1..B trained on too (default 1400,2210; "none" for none:
                    then the model is fitted on XQuAD-vi and the seed questions only)
  --min-kept X      share of answerable training questions the threshold must still answer
  --min-kept-reference X
                    the same for answers from reference texts (no outlet, no date), over the
                    XQuAD-vi and ViQuAD-test rows only
  --answer-removed  also train on the passages found with the answer's sentences cut (default no:
                    measured, it declined more answerable ViQuAD-test questions and rejected no
                    more unanswerable news questions; see docs/EVALUATION.md)
  --news FILE       also train on news questions, e.g. eval/news-train-questions.jsonl (default none:
                    measured, it took one answerable development question and declined no more
                    unanswerable ones; see docs/EVALUATION-HISTORY.md)
Environment: EVAL_XQUAD_DIR (default ../shared/eval/xquad-vi), EVAL_VIQUAD_DIR (default
../shared/eval/viquad-test), EVAL_SEED_QUESTIONS (default
eval/seed-questions.jsonl), EVAL_VNTC (default ../shared/corpora/vntc-sample-10k.jsonl.xz),
EMBEDDING_MODEL, CORPUS_DIR.`;

const L2 = 1e-3;
/** The VNTC sample's size (../shared/corpora/vntc-sample-10k.jsonl.xz). */
const VNTC_SAMPLE_ARTICLES = 10_000;

async function main(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'src/answer/answerability.model.json' },
      'min-kept': { type: 'string', default: '0.975' },
      'min-kept-reference': { type: 'string', default: '0.99' },
      'answer-removed': { type: 'string', default: 'no' },
      viquad: { type: 'string', default: '1400,2210' },
      news: { type: 'string', default: 'none' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const minKept = Number(flags['min-kept']);
  const answerRemovedFlag = flags['answer-removed'];
  if (answerRemovedFlag !== 'yes' && answerRemovedFlag !== 'no') throw new UsageError(`--answer-removed must be yes or no (got "${answerRemovedFlag}").`);
  const answerRemoved = answerRemovedFlag === 'yes';
  if (!(minKept > 0 && minKept < 1)) throw new UsageError(`--min-kept must be between 0 and 1 (got "${flags['min-kept']}").`);
  const minKeptReference = Number(flags['min-kept-reference']);
  if (!(minKeptReference > 0 && minKeptReference < 1)) {
    throw new UsageError(`--min-kept-reference must be between 0 and 1 (got "${flags['min-kept-reference']}").`);
  }
  const viquadRange = parseRange(flags.viquad);
  const cwd = process.cwd();
  const log = (l: string) => process.stdout.write(`${l}\n`);
  const config = await loadConfigFromProcess(cwd);
  const embeddings = await TransformersEmbeddings.create(config.embedding);
  const indexDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-train-index-'));
  try {
    const xquadDir = path.resolve(cwd, process.env.EVAL_XQUAD_DIR ?? '../shared/eval/xquad-vi');
    const { passages, questions } = await loadXquad(xquadDir);
    const progress = (label: string) => (n: number) => log(`  ${label}: ${n} questions`);
    /**
     * A question-answer set's rows: its passages indexed in memory, each question asked as written
     * and without diacritics, with its gold passage indexed and left out.
     */
    const qaSetRows = async (name: string, set: { passages: XquadPassage[]; questions: XquadQuestion[] }): Promise<AnswerabilityRow[]> => {
      log(`${name}: indexing ${set.passages.length} passages, ${set.questions.length} questions`);
      const index = await buildMemoryIndex(set.passages.map(passageAsArticle), (a) => chunkArticle(a, config.chunking), embeddings, config);
      const searcher = searcherOver(index, embeddings, hybridSettingsFromConfig(config));
      const asWritten = set.questions.map((q) => ({ id: q.qid, question: q.question, documentId: q.gold_passage_id, answers: q.answers }));
      const untoned = asWritten.map((q) => ({ ...q, id: `${q.id}-untoned`, question: foldDiacritics(q.question) }));
      const options = { withGoldRemoved: true, withAnswerRemoved: answerRemoved };
      return [
        ...(await answerabilityRows(searcher, embeddings, asWritten, { ...options, onProgress: progress(`${name}, as written`) })),
        ...(await answerabilityRows(searcher, embeddings, untoned, { ...options, onProgress: progress(`${name}, without diacritics`) })),
      ];
    };
    const rows = await qaSetRows('XQuAD-vi', { passages, questions });
    if (viquadRange) {
      const viquad = await loadQaSet(path.resolve(cwd, process.env.EVAL_VIQUAD_DIR ?? '../shared/eval/viquad-test'), 'viquad-test');
      rows.push(...(await qaSetRows('ViQuAD-test', { passages: viquad.passages, questions: viquad.questions.slice(viquadRange.from, viquadRange.to) })));
    }

    // The rows so far are the reference texts' (question-answer sets over encyclopedia articles).
    const referenceRows = rows.length;
    const seedConfig = loadConfig({ ...process.env, CORPUS_DIR: config.paths.corpusDir, INDEX_DIR: indexDir }, cwd);
    log(`Seed: indexing ${config.paths.corpusDir}`);
    await ingestCorpus(seedConfig, { embeddings });
    const seedArchive = await openArchive(seedConfig, { embeddings, follow: false });
    const seedFile = path.resolve(cwd, process.env.EVAL_SEED_QUESTIONS ?? 'eval/seed-questions.jsonl');
    const seed = (await loadSeedQuestions(seedFile)).map((q) => ({ id: q.id, question: q.question, documentId: isUnanswerable(q) ? null : q.documentId }));
    rows.push(...(await answerabilityRows(seedArchive.searcher, embeddings, seed, { withGoldRemoved: false })));
    await seedArchive.close();

    let newsCount = 0;
    if (flags.news !== 'none') {
      const questions = await loadQuestionSet(path.resolve(cwd, flags.news));
      newsCount = questions.length;
      const vntcXz = path.resolve(cwd, process.env.EVAL_VNTC ?? '../shared/corpora/vntc-sample-10k.jsonl.xz');
      const articles = await newsTrainingArticles(config.paths.corpusDir, vntcXz, questions, indexDir);
      log(`News: indexing ${articles.length} articles, ${questions.length} questions`);
      const index = await buildMemoryIndex(articles, (a) => chunkArticle(a, config.chunking), embeddings, config);
      const searcher = searcherOver(index, embeddings, hybridSettingsFromConfig(config));
      const labelled = questions.map(labelledNewsQuestion);
      const untoned = labelled.filter((q) => hasDiacritics(q.question)).map((q) => ({ ...q, id: `${q.id}-untoned`, question: foldDiacritics(q.question) }));
      rows.push(...(await answerabilityRows(searcher, embeddings, [...labelled, ...untoned], { withGoldRemoved: true, withAnswerRemoved: true })));
    }

    const labels = rows.map((r) => r.label);
    const fitted = fitLogistic(ANSWERABILITY_FEATURES, rows.map((r) => r.features), labels, { l2: L2 });
    const probabilities = rows.map((r) => answerabilityProbability({ ...fitted, threshold: 0, trainedOn: '' }, r.features));
    const threshold = chooseThreshold(probabilities, labels, minKept);
    const referenceThreshold = chooseThreshold(probabilities.slice(0, referenceRows), labels.slice(0, referenceRows), minKeptReference);
    const positives = labels.filter((l) => l === 1).length;
    const model: AnswerabilityModel = {
      ...fitted,
      threshold,
      referenceThreshold,
      trainedOn:
        `npm run train:answerability (min kept ${minKept}, reference texts ${minKeptReference}, L2 ${L2}): ${questions.length} XQuAD-vi questions as written and without ` +
        `diacritics, each with its gold passage indexed and left out${answerRemoved ? ' and with the answer sentences cut from the passages found' : ''}` +
        `${viquadRange ? `, the same for ViQuAD-test questions ${viquadRange.from + 1}–${viquadRange.to}` : ''}, plus ${seed.length} seed questions` +
        `${newsCount > 0 ? ` and ${newsCount} news training questions (as written and without diacritics; answerable ones also with their article left out and with their answer's sentences cut)` : ''}; ` +
        `${positives} answerable and ${rows.length - positives} unanswerable rows`,
    };
    const sep = separationAt(probabilities, labels, threshold);
    log(`\n${rows.length} rows (${positives} answerable); threshold ${threshold}, reference texts ${referenceThreshold}`);
    log(`training set: answerable kept ${sep.answerableKept.toFixed(3)}, unanswerable rejected ${sep.unanswerableRejected.toFixed(3)}`);
    for (const kept of [0.95, 0.96, 0.97, 0.98, 0.99]) {
      const t = chooseThreshold(probabilities, labels, kept);
      const s = separationAt(probabilities, labels, t);
      log(`  kept ≥ ${kept}: threshold ${t.toFixed(4)}, rejected ${s.unanswerableRejected.toFixed(3)}`);
    }
    log('weights (standardised features):');
    ANSWERABILITY_FEATURES.forEach((f, i) => log(`  ${f.padEnd(20)} ${fitted.weights[i]!.toFixed(3)}`));
    const out = path.resolve(cwd, flags.out);
    await fs.writeFile(out, `${JSON.stringify(model, null, 2)}\n`);
    log(`Wrote ${path.relative(cwd, out)}`);
    return 0;
  } finally {
    await embeddings.dispose();
    await fs.rm(indexDir, { recursive: true, force: true });
  }
}

/** A news question as a labelled query: its article and the texts its answer must hold, or no article. */
function labelledNewsQuestion(q: SetQuestion): LabelledQuery {
  if (q.answerable === false) return { id: q.id, question: q.question, documentId: null };
  return { id: q.id, question: q.question, documentId: q.documentId!, answers: mustList(q.mustContain) };
}

/** Every VNTC article beside the asked ones that the news training index holds (one in this many). */
const DISTRACTOR_EVERY = 10;

/**
 * The news training index's articles: the seed corpus, the VNTC articles the questions ask about
 * (`documentId`, or `about` for a detail not given) and every DISTRACTOR_EVERY-th other article of
 * the VNTC sample, in the sample's order (deterministic).
 */
async function newsTrainingArticles(seedDir: string, vntcXz: string, questions: readonly SetQuestion[], workDir: string): Promise<Article[]> {
  const vntcDir = path.join(workDir, 'vntc');
  await writeVntcSlice(vntcXz, VNTC_SAMPLE_ARTICLES, vntcDir);
  const [seed, vntc] = await Promise.all([loadCorpus(seedDir), loadCorpus(vntcDir)]);
  const asked = new Set(questions.flatMap((q) => [q.documentId, q.about]).filter((id): id is string => id !== undefined && id !== null));
  const found = new Set(vntc.articles.map((a) => a.id));
  const seedIds = new Set(seed.articles.map((a) => a.id));
  const missing = [...asked].filter((id) => !found.has(id) && !seedIds.has(id));
  if (missing.length > 0) throw new Error(`News training questions ask about articles that are not in ${vntcXz} or the seed corpus: ${missing.slice(0, 5).join(', ')}`);
  return [...seed.articles, ...vntc.articles.filter((a, i) => asked.has(a.id) || i % DISTRACTOR_EVERY === 0)];
}

/** "1400,2210" → questions 1401–2210 (0-based from, exclusive to); "none" → null. */
function parseRange(value: string): { from: number; to: number } | null {
  if (value === 'none') return null;
  const m = /^(\d+),(\d+)$/.exec(value);
  const from = Number(m?.[1]);
  const to = Number(m?.[2]);
  if (!m || !(to > from)) throw new UsageError(`--viquad must be two question numbers "from,to" with from < to, or "none" (got "${value}").`);
  return { from, to };
}

await runCli('Training the answerability model', USAGE, main);
