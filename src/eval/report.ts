import type { Separation } from './answerability.js';
import type { SeedAnswerReport, XquadAnswerMetrics } from './answers.js';
import type { ArchiveSetReport } from './archive.js';
import type { DatedReport, DatedResults } from './dated.js';
import type { MethodMetrics, SeedReport, XquadReport } from './retrieval.js';
import { markdownTable } from './markdown.js';

/** Everything `npm run eval` measured, as written to eval/results/latest.json. */
export interface EvalResults {
  createdAt: string;
  model: string;
  limit: number | null;
  xquad?: XquadReport;
  seed?: SeedReport;
  answers?: {
    mode: string;
    xquad: { toned: XquadAnswerMetrics; untoned: XquadAnswerMetrics };
    seed: SeedAnswerReport;
    /** The answerability model on XQuAD-vi (its training set) with the gold passage indexed vs left out. */
    answerability?: Separation;
  };
  /** UIT-ViQuAD 1.0 test split: retrieval, answers, answerability (questions 1–600 never tuned on). */
  viquad?: {
    retrieval: XquadReport;
    answers: { toned: XquadAnswerMetrics; untoned: XquadAnswerMetrics };
    answerability: Separation;
    /** Questions asked (fewer than the set under --check, to keep CI short). */
    answerQuestions: number;
  };
  /** The seed corpus inside the 10,000-article archive (not in CI). */
  archive?: {
    index: string;
    articles: number;
    chunks: number;
    seed: ArchiveSetReport;
    news?: ArchiveSetReport;
    newsRetrieval?: SeedReport;
    /** Questions written after the answerer's last change, by someone who never ran it. */
    holdout?: ArchiveSetReport;
    holdoutRetrieval?: SeedReport;
  };
  dated?: DatedResults;
}

export interface FloorVerdict {
  key: string;
  floor: number;
  value: number | null;
  ok: boolean;
}

function valueAt(results: EvalResults, key: string): number | null {
  let node: unknown = results;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'number' ? node : null;
}

/**
 * Compares measured figures with the floors recorded in the repo (dotted paths into the
 * results). Floors of sections that did not run are skipped; a floor whose figure is missing fails.
 */
export function checkFloors(results: EvalResults, floors: Record<string, number>, sectionsRun: readonly string[]): FloorVerdict[] {
  return Object.entries(floors)
    .filter(([key]) => sectionsRun.includes(key.split('.')[0]!))
    .map(([key, floor]) => {
      const value = valueAt(results, key);
      return { key, floor, value, ok: value !== null && value >= floor - 1e-9 };
    });
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));


function methodRows(label: string, m: MethodMetrics): Array<Array<string | number>> {
  return (['dense', 'lexical', 'hybrid'] as const).map((k) => [label, k, f3(m[k].recallAt1), f3(m[k].recallAt5), f3(m[k].recallAt10), f3(m[k].mrr)]);
}

/** docs/EVALUATION.md, rewritten by a full `npm run eval`. */
export function renderEvaluationMarkdown(r: EvalResults): string {
  const parts = [
    '# Evaluation',
    '',
    `Latest figures from \`npm run eval\` (${r.createdAt.slice(0, 10)}, embedding model \`${r.model}\`); raw numbers in`,
    '`eval/results/latest.json`. Reproduce with:',
    '',
    '```bash',
    'EMBEDDING_MODEL=../shared/models/vi-news-embed-small npm run eval            # everything, rewrites this file',
    'EMBEDDING_MODEL=../shared/models/vi-news-embed-small npm run eval -- --check # and fail below eval/floors.json',
    '```',
    '',
    '`npm test` runs the `--check` form, so a change that lowers a figure below its floor fails CI.',
    '',
    'What was tuned on what: the not-found decision (a logistic regression over answerability features, see',
    '`src/answer/answerability.ts`; `npm run train:answerability` refits it) was fitted on XQuAD-vi, ViQuAD-test questions',
    '1401–2210 and the seed questions, the sentence scoring on XQuAD-vi and the seed questions; two weights (the retrieval\'s',
    'sentence lift, `RETRIEVAL_SENTENCE_WEIGHT`, and the share of the passage\'s retrieval score in a sentence\'s score) on',
    'ViQuAD-test questions 601–2210. ViQuAD-test questions 1–600 (the answers\' questions) were never used to fit anything. The news question set (`eval/news-questions.jsonl`) is the',
    'development set of the archive answers (its misses were read); `eval/news-holdout-questions.jsonl`, written by someone',
    'who never ran the answerer and whose misses were never read, is what a stranger\'s questions get.',
    '',
    'How the figures moved from change to change, and which set saw what: [EVALUATION-HISTORY.md](EVALUATION-HISTORY.md).',
    '',
  ];
  if (r.xquad) {
    const x = r.xquad;
    parts.push(
      '## Retrieval on XQuAD-vi',
      '',
      `Every one of the ${x.passages} passages indexed (${x.chunks} chunks, the product's own chunker and embedding text), ${x.questions} questions;`,
      'the gold passage among the first k results (overlapping chunks of one passage count once).',
      '',
      markdownTable(['questions', 'method', 'R@1', 'R@5', 'R@10', 'MRR'], [...methodRows('as written', x.toned), ...methodRows('accents stripped', x.accentsStripped)]),
      '',
      `Not-found calibration: with the gold passage left out of the results, the configured threshold ${x.settings.relevanceThreshold} keeps`,
      `${f3(x.relevance.atConfigured?.answerableKept)} of answerable questions and rejects ${f3(x.relevance.atConfigured?.unanswerableRejected)} of the`,
      `"gold removed" ones (best threshold on this set: ${x.relevance.threshold?.threshold ?? 'n/a'}). Other passages of the same Wikipedia`,
      'article stay indexed, so this is harsher than a question about a topic the corpus never covers.',
      '',
    );
  }
  if (r.seed) {
    const s = r.seed;
    parts.push(
      '## Retrieval on the seed corpus',
      '',
      `\`eval/seed-questions.jsonl\`: ${s.answerable} answerable questions (with and without diacritics, abbreviations) and ${s.unanswerable}`,
      'questions the corpus cannot answer (including close-but-absent ones).',
      '',
      markdownTable(
        ['right article R@1', 'R@5', 'MRR', 'answer text in top 5', `answerable kept at ${s.threshold}`, 'unanswerable rejected', 'best threshold here'],
        [[f3(s.recallAt1), f3(s.recallAt5), f3(s.mrr), f3(s.answerInTop5), f3(s.answerableKept), f3(s.unanswerableRejected), s.bestThreshold?.threshold ?? 'n/a']],
      ),
      '',
    );
  }
  if (r.answers) {
    const a = r.answers;
    const row = (label: string, m: XquadAnswerMetrics) => [label, f3(m.containsGold), f3(m.f1), f3(m.firstCitationGold), f3(m.anyCitationGold), f3(m.citationSupport), f3(m.grounded), m.meanAnswerChars.toFixed(0)];
    parts.push(
      `## Answers (${a.mode})`,
      '',
      'Through the chat service that `/api/chat` runs, one new conversation per question. "contains": the answer holds a gold',
      'answer (whole words, tone placement and case folded); F1: SQuAD-style token F1 against the best gold answer (low by',
      'design for extractive answers, which quote a whole sentence); "[1]=gold" / "any=gold": the first / any citation points at',
      'the gold passage; "support": share of answer sentences whose cited passage holds at least 80% of their words.',
      '',
      markdownTable(['XQuAD-vi questions', 'contains', 'F1', '[1]=gold', 'any=gold', 'support', 'grounded', 'mean chars'], [row('as written', a.xquad.toned), row('accents stripped', a.xquad.untoned)]),
      '',
      markdownTable(
        ['seed corpus', 'cases', 'accuracy'],
        [
          ['answerable: grounded, cites the right article, holds the expected fact', a.seed.answerable.count, f3(a.seed.answerable.accuracy)],
          ['not answerable: says "not found"', a.seed.unanswerable.count, f3(a.seed.unanswerable.accuracy)],
          ['two-turn conversations: the follow-up', a.seed.followUps.count, f3(a.seed.followUps.accuracy)],
          ['two-turn conversations: the first turn', a.seed.followUps.count, f3(a.seed.followUps.firstTurnAccuracy)],
          ['cited sentences supported by their source', '', f3(a.seed.citationSupport)],
        ],
      ),
      '',
    );
    if (a.answerability) {
      parts.push(
        'Not-found decision (the learned answerability model, `src/answer/answerability.model.json`, fitted on this set: these',
        `figures are its training fit): with the gold passage indexed it answers ${f3(a.answerability.answerableKept)} of the questions; with the gold`,
        `passage left out it says "not found" for ${f3(a.answerability.unanswerableRejected)} (the rest of the article stays indexed, so those passages are on topic).`,
        '',
      );
    }
    if (a.seed.failures.length > 0) {
      parts.push('Seed cases it gets wrong:', '', ...a.seed.failures.map((f) => `- \`${f.id}\` ${f.question} (expected ${f.expected})`), '');
    }
  }
  if (r.viquad) {
    const v = r.viquad;
    const row = (label: string, m: XquadAnswerMetrics) => [label, f3(m.containsGold), f3(1 - m.grounded), f3(m.firstCitationGold), f3(m.anyCitationGold), f3(m.citationSupport), m.meanAnswerChars.toFixed(0)];
    parts.push(
      '## ViQuAD-test',
      '',
      `UIT-ViQuAD 1.0 test split: ${v.retrieval.passages} Wikipedia passages (${v.retrieval.chunks} chunks), ${v.retrieval.questions} questions written by native`,
      'speakers from the passage, every one answerable from its passage.',
      '',
      markdownTable(['questions', 'method', 'R@1', 'R@5', 'R@10', 'MRR'], [
        ...methodRows('as written', v.retrieval.toned),
        ...methodRows('accents stripped', v.retrieval.accentsStripped),
        ...(v.retrieval.heldOut
          ? [
              ...methodRows(`1–${v.retrieval.heldOut.questions}, as written`, v.retrieval.heldOut.toned),
              ...methodRows(`1–${v.retrieval.heldOut.questions}, accents stripped`, v.retrieval.heldOut.accentsStripped),
            ]
          : []),
      ]),
      '',
      v.retrieval.heldOut
        ? `Questions ${v.retrieval.heldOut.questions + 1}–${v.retrieval.questions} fitted the retrieval's sentence weight (RETRIEVAL_SENTENCE_WEIGHT), the share of the retrieval score in the extractive answer and the tone restorer's bigram weight, and questions 1401–2210 train the not-found model; questions 1–${v.retrieval.heldOut.questions} (the answers' questions too) were never used to fit anything.`
        : '',
      '',
      `Answers on ${v.answerQuestions} questions ("not found": answerable questions wrongly declined):`,
      '',
      markdownTable(['ViQuAD-test questions', 'contains', '"not found"', '[1]=gold', 'any=gold', 'support', 'mean chars'], [row('as written', v.answers.toned), row('accents stripped', v.answers.untoned)]),
      '',
      `Not-found decision: answers ${f3(v.answerability.answerableKept)} of the questions with their gold passage indexed, says "not found" for`,
      `${f3(v.answerability.unanswerableRejected)} of them with the gold passage left out (other passages of the same article stay).`,
      '',
    );
  }
  if (r.archive) {
    const x = r.archive;
    const setRows = (label: string, s: ArchiveSetReport) => [
      [`${label}: answerable, right (grounded, right article, expected fact)`, s.answerable.count, f3(s.answerable.accuracy)],
      ...Object.entries(s.byTyping).map(([typed, g]) => [`${label}: answerable typed ${typed}`, g.count, f3(g.accuracy)]),
      [`${label}: not answerable, "not found"`, s.unanswerable.count, f3(s.unanswerable.accuracy)],
      [`${label}: follow-ups`, s.followUps.count, f3(s.followUps.accuracy)],
      ...(s.switches ? [[`${label}: next question about another article (alone: ${f3(s.switches.aloneAccuracy)})`, s.switches.count, f3(s.switches.accuracy)]] : []),
      [`${label}: cited sentences supported`, '', f3(s.citationSupport)],
    ];
    parts.push(
      '## Inside the archive (not in CI)',
      '',
      `The seed corpus indexed among the VNTC news articles: ${x.articles} articles, ${x.chunks} passages (an index built once with`,
      '`npm run ingest` and reused: `npm run eval -- --archive-index DIR` or `EVAL_ARCHIVE_INDEX`). The seed questions and',
      '`eval/news-questions.jsonl` (written by someone else over the seed corpus and VNTC articles; the development set, whose misses guide changes) asked through the chat service.',
      '',
      '`eval/news-holdout-questions.jsonl` was written later, over other VNTC articles, by someone who never ran the answerer; it was',
      'first run after the changes it measures and nothing was tuned on it.',
      '',
      'No conversation of the sets changes topic; "next question about another article" makes such turns: each conversation\'s',
      'first question followed by an answerable question of the same set about another article (two per conversation), to',
      'check that a question is not pulled towards the article just cited. "alone": the same questions asked alone.',
      '',
      markdownTable(['set', 'cases', 'accuracy'], [
        ...setRows('seed', x.seed),
        ...(x.news ? setRows('news', x.news) : []),
        ...(x.holdout ? setRows('held-out news', x.holdout) : []),
      ]),
      '',
      ...(x.newsRetrieval
        ? [`News questions, retrieval: right article R@1 ${f3(x.newsRetrieval.recallAt1)}, R@5 ${f3(x.newsRetrieval.recallAt5)}, MRR ${f3(x.newsRetrieval.mrr)}.`, '']
        : []),
      ...(x.holdoutRetrieval
        ? [`Held-out news questions, retrieval: right article R@1 ${f3(x.holdoutRetrieval.recallAt1)}, R@5 ${f3(x.holdoutRetrieval.recallAt5)}, MRR ${f3(x.holdoutRetrieval.mrr)}.`, '']
        : []),
    );
    // The held-out set's misses are left out of the page: a set stays held out only while nobody
    // who changes the answerer reads its misses (they stay in eval/results/latest.json).
    const failures = [...x.seed.failures, ...(x.news?.failures ?? [])];
    if (failures.length > 0) parts.push('Archive cases it gets wrong (seed and development sets; the held-out set\'s misses are not listed):', '', ...failures.map((f) => `- \`${f.id}\` ${f.question} (expected ${f.expected})`), '');
  }
  if (r.dated) {
    const d = r.dated;
    const kinds = Object.keys(d.accuracy) as Array<keyof DatedReport['accuracy']>;
    const cell = (x: DatedReport, k: keyof DatedReport['accuracy']) => (x.counts[k] === 0 ? '—' : `${f3(x.accuracy[k])} (${x.counts[k]})`);
    const failures = (x: DatedReport) => x.failures.map((f) => `- \`${f.id}\` ${f.question} (${f.why})`);
    parts.push(
      '## Dated questions',
      '',
      'Over `corpus/` and `eval/dated-corpus/` (relative periods with a fixed reference day), through the chat service. Two sets:',
      '`eval/dated-questions.jsonl`, written alongside the code and tuned on, and `eval/dated-heldout-questions.jsonl`, written',
      'together with eight new dated articles of two new stories, before it was first run, and not tuned on. Right when: a period is read as expected and',
      'every citation is an article of it, holding the expected fact; "mới nhất" cites the newest article first; a timeline holds every',
      'expected event, oldest first; a comparison states each side in a cited sentence.',
      '',
      markdownTable(['kind', 'tuned set: accuracy (cases)', 'held-out set: accuracy (cases)'], kinds.map((k) => [k, cell(d, k), cell(d.heldout, k)])),
      '',
      ...(d.failures.length > 0 ? ['Tuned-set cases it gets wrong:', '', ...failures(d), ''] : []),
      ...(d.heldout.failures.length > 0 ? ['Held-out cases it gets wrong:', '', ...failures(d.heldout), ''] : []),
    );
  }
  return parts.join('\n');
}
