import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { makeProduct, openArchive } from '../app/product.js';
import type { ChatRecord, ChatService } from '../chat/chatService.js';
import { makeInMemoryConversationStore } from '../chat/conversations.js';
import { loadConfig, type Config } from '../config/config.js';
import type { TransformersEmbeddings } from '../ingest/embeddings.js';
import { ingestCorpus } from '../ingest/ingest.js';
import { foldDiacritics, normalizeQuery } from '../text/normalize.js';
import { splitSentences } from '../text/sentences.js';

/**
 * The dated question set (eval/dated-questions.jsonl) over the seed corpus and
 * eval/dated-corpus: explicit periods, relative periods (fixed reference day), "mới nhất",
 * timelines and comparisons, each judged by what its kind promises.
 */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const base = { id: z.string(), question: z.string(), reference: day.optional() };
export const datedCaseSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.enum(['period', 'relative']), period: z.tuple([day, day]), documents: z.array(z.string()).min(1), mustContain: z.string() }),
  z.object({ ...base, kind: z.literal('recency'), first: z.string() }),
  z.object({ ...base, kind: z.literal('timeline'), events: z.array(day).min(1) }),
  z.object({ ...base, kind: z.literal('comparison'), sides: z.array(z.string()).min(2) }),
]);
export type DatedCase = z.infer<typeof datedCaseSchema>;
export type DatedKind = DatedCase['kind'];

export async function loadDatedCases(file: string): Promise<DatedCase[]> {
  const lines = (await fs.readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  return lines.map((l, i) => {
    const parsed = datedCaseSchema.safeParse(JSON.parse(l));
    if (!parsed.success) throw new Error(`${path.basename(file)} line ${i + 1}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  });
}

const fold = (s: string) => foldDiacritics(normalizeQuery(s));

/** Why a case failed, or null when it passed. */
export function judgeDated(c: DatedCase, r: ChatRecord): string | null {
  const cited = [...new Set(r.citations.map((x) => x.documentId))];
  switch (c.kind) {
    case 'period':
    case 'relative': {
      if (!r.period || r.period.from !== c.period[0] || r.period.to !== c.period[1]) return `period ${r.period ? `${r.period.from}…${r.period.to}` : 'none'}`;
      if (!r.grounded || cited.length === 0) return 'not grounded';
      if (!cited.every((d) => c.documents.includes(d))) return `cites ${cited.join(', ')}`;
      return fold(r.answer).includes(fold(c.mustContain)) ? null : `answer lacks "${c.mustContain}"`;
    }
    case 'recency':
      if (!r.recency) return 'recency not read';
      return r.citations[0]?.documentId === c.first ? null : `first citation ${r.citations[0]?.documentId ?? 'none'}`;
    case 'timeline': {
      const days = (r.timeline ?? []).map((e) => e.from);
      if (days.length === 0) return 'no timeline';
      if (days.some((d, i) => i > 0 && d < days[i - 1]!)) return 'events out of order';
      const missing = c.events.filter((d) => !days.includes(d));
      return missing.length === 0 ? null : `missing ${missing.join(', ')}`;
    }
    case 'comparison': {
      // Each side is stated, with a citation, in the answer (one source sentence may hold both).
      const missing = c.sides.filter((side) => !splitSentences(r.answer).some((s) => fold(s.text).includes(fold(side)) && /\[\d+\]/.test(s.text)));
      return missing.length === 0 ? null : `a side is not answered with a citation: ${missing.join(', ')}`;
    }
  }
}

export interface DatedReport {
  /** Accuracy per kind, and over all cases. */
  accuracy: Record<DatedKind | 'all', number>;
  counts: Record<DatedKind | 'all', number>;
  failures: Array<{ id: string; kind: DatedKind; question: string; why: string }>;
}

/** Runs each case through a chat service made for its reference day (one new conversation each). */
export async function evaluateDated(cases: readonly DatedCase[], chatFor: (reference: string | undefined) => Promise<ChatService>): Promise<DatedReport> {
  const kinds: DatedKind[] = ['period', 'relative', 'recency', 'timeline', 'comparison'];
  const right = new Map<string, number>();
  const total = new Map<string, number>();
  const failures: DatedReport['failures'] = [];
  for (const c of cases) {
    const record = await (await chatFor(c.reference)).chat({ message: c.question });
    const why = judgeDated(c, record);
    for (const k of [c.kind, 'all']) {
      total.set(k, (total.get(k) ?? 0) + 1);
      if (why === null) right.set(k, (right.get(k) ?? 0) + 1);
    }
    if (why !== null) failures.push({ id: c.id, kind: c.kind, question: c.question, why });
  }
  const share = (k: string) => ((total.get(k) ?? 0) === 0 ? 0 : (right.get(k) ?? 0) / total.get(k)!);
  const keys = [...kinds, 'all'] as const;
  return {
    accuracy: Object.fromEntries(keys.map((k) => [k, share(k)])) as DatedReport['accuracy'],
    counts: Object.fromEntries(keys.map((k) => [k, total.get(k) ?? 0])) as DatedReport['counts'],
    failures,
  };
}

export interface DatedRunDeps {
  config: Config;
  embeddings: TransformersEmbeddings;
  cwd: string;
  /** Releases what is opened here (archive, temporary folders), run by the caller at the end. */
  cleanup: Array<() => Promise<void>>;
  log: (line: string) => void;
}

/** The set written alongside the code (tuned on), with the held-out set written after it. */
export interface DatedResults extends DatedReport {
  /** eval/dated-heldout-questions.jsonl: written before it was ever run, not tuned on. */
  heldout: DatedReport;
}

/**
 * The whole dated evaluation: a fresh archive of the corpus and eval/dated-corpus, then every
 * case of eval/dated-questions.jsonl (EVAL_DATED_QUESTIONS) and of the held-out
 * eval/dated-heldout-questions.jsonl (EVAL_DATED_HELDOUT) through the product's chat service.
 */
export async function runDatedEvaluation(deps: DatedRunDeps): Promise<DatedResults> {
  const { config, embeddings, cwd } = deps;
  const corpusDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-eval-dated-corpus-'));
  const indexDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-eval-dated-index-'));
  deps.cleanup.push(() => fs.rm(corpusDir, { recursive: true, force: true }), () => fs.rm(indexDir, { recursive: true, force: true }));
  for (const dir of [config.paths.corpusDir, path.resolve(cwd, 'eval/dated-corpus')]) {
    for (const file of await fs.readdir(dir)) {
      if (file.endsWith('.md') && file !== 'README.md') await fs.copyFile(path.join(dir, file), path.join(corpusDir, file));
    }
  }
  const env = { ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir };
  const indexConfig = loadConfig(env, cwd);
  deps.log(`Dated: indexing ${config.paths.corpusDir} and eval/dated-corpus`);
  await ingestCorpus(indexConfig, { embeddings });
  const archive = await openArchive(indexConfig, { embeddings, follow: false });
  deps.cleanup.unshift(() => archive.close());
  const chats = new Map<string, ChatService>();
  const chatFor = async (reference: string | undefined) => {
    const key = reference ?? config.time.reference;
    let chat = chats.get(key);
    if (!chat) {
      const chatConfig = loadConfig({ ...env, TIME_REFERENCE: key }, cwd);
      chat = (await makeProduct(chatConfig, { archive, conversations: makeInMemoryConversationStore(chatConfig.conversations) })).chat;
      chats.set(key, chat);
    }
    return chat;
  };
  const tuned = path.resolve(cwd, process.env.EVAL_DATED_QUESTIONS ?? 'eval/dated-questions.jsonl');
  const heldout = path.resolve(cwd, process.env.EVAL_DATED_HELDOUT ?? 'eval/dated-heldout-questions.jsonl');
  const report = await evaluateDated(await loadDatedCases(tuned), chatFor);
  return { ...report, heldout: await evaluateDated(await loadDatedCases(heldout), chatFor) };
}
