/**
 * The archive configuration: questions asked where users are, over the seed corpus indexed among
 * thousands of other news articles (../shared/corpora's 10,000 VNTC articles). The index is built
 * once by `npm run ingest -- --corpus DIR --index DIR` and reused between runs (read-only here).
 */
import { z } from 'zod';
import { openArchive, type Archive } from '../app/product.js';
import type { ChatService } from '../chat/chatService.js';
import type { Config } from '../config/config.js';
import type { TransformersEmbeddings } from '../ingest/embeddings.js';
import { evaluateSeedAnswers, type SeedAnswerCase, type SeedAnswerReport, type SeedConversation } from './answers.js';
import { readJsonl } from './retrieval.js';

/**
 * Opens the archive index kept in `dir`, with the product's settings otherwise. The one place
 * that knows how an index on disk is opened for the evaluation.
 */
export async function openArchiveIndex(dir: string, config: Config, embeddings: TransformersEmbeddings): Promise<Archive> {
  return openArchive({ ...config, paths: { ...config.paths, indexDir: dir } }, { embeddings, follow: false });
}

const mustContainSchema = z.union([z.string(), z.array(z.string())]).optional();

/**
 * One question of a set (seed or news): answerable ones name their article and the text the
 * answer must hold; the others say `answerable: false`. Extra fields (kind, typed, note) are kept
 * for the breakdowns.
 */
const questionSchema = z
  .object({
    id: z.string(),
    question: z.string().min(1),
    documentId: z.string().optional(),
    mustContain: mustContainSchema,
    answerable: z.literal(false).optional(),
    /** For a question asking a detail its article does not give: that article. */
    about: z.string().nullable().optional(),
    kind: z.string().optional(),
    typed: z.string().optional(),
  })
  .refine((q) => (q.answerable === false) === (q.documentId === undefined), 'an answerable question names its documentId');

export type SetQuestion = z.infer<typeof questionSchema>;

const conversationSchema = z.object({
  id: z.string(),
  turns: z
    .array(z.object({ question: z.string().min(1), documentId: z.string().optional(), mustContain: mustContainSchema, answerable: z.literal(false).optional() }))
    .min(2),
});

const parsed = <T>(schema: z.ZodType<T>) => (x: unknown): x is T => schema.safeParse(x).success;

export async function loadQuestionSet(file: string): Promise<SetQuestion[]> {
  return readJsonl(file, parsed(questionSchema));
}

export async function loadConversationSet(file: string): Promise<SeedConversation[]> {
  const raw = await readJsonl(file, parsed(conversationSchema));
  return raw.map((c) => ({
    id: c.id,
    turns: c.turns.map((t, i) => ({
      id: `${c.id}#${i + 1}`,
      question: t.question,
      ...(t.documentId !== undefined ? { documentId: t.documentId } : {}),
      ...(t.mustContain !== undefined ? { mustContain: t.mustContain } : {}),
    })),
  }));
}

export const asAnswerCase = (q: SetQuestion): SeedAnswerCase => ({
  id: q.id,
  question: q.question,
  ...(q.documentId !== undefined ? { documentId: q.documentId } : {}),
  ...(q.mustContain !== undefined ? { mustContain: q.mustContain } : {}),
});

export interface ArchiveSetReport extends SeedAnswerReport {
  /** Answerable questions by how they were typed ("toned" / "untoned"), when the set says. */
  byTyping: Record<string, { count: number; accuracy: number }>;
  /**
   * Conversations that change topic (see `topicSwitches`): how often the question after the
   * switch is right, and how often the same questions are right asked alone.
   */
  switches?: { count: number; accuracy: number; aloneAccuracy: number };
}

/** Topic switches made per conversation of a set. */
const SWITCHES_PER_CONVERSATION = 2;

/**
 * Conversations that change topic, made from a set: each conversation's first question followed by
 * an answerable question of the set about another article (spread evenly over the set). The sets'
 * conversations never change topic; these check that reading a question in its conversation does
 * not pull it towards the article just cited when it names another.
 */
export function topicSwitches(questions: readonly SetQuestion[], conversations: readonly SeedConversation[], perConversation = SWITCHES_PER_CONVERSATION): SeedConversation[] {
  const answerable = questions.filter((q) => q.documentId !== undefined);
  const wanted = conversations.length * perConversation;
  if (answerable.length === 0 || wanted === 0) return [];
  const step = Math.max(1, Math.floor(answerable.length / wanted));
  const out: SeedConversation[] = [];
  let at = 0;
  for (const conv of conversations) {
    const first = conv.turns[0]!;
    for (let n = 0; n < perConversation; n++) {
      // The next question in the spread that is about another article than the first turn's.
      const skip = answerable.findIndex((_, k) => answerable[(at + k) % answerable.length]!.documentId !== first.documentId);
      if (skip < 0) break;
      const next = answerable[(at + skip) % answerable.length]!;
      at += skip + step;
      out.push({ id: `${conv.id}>${next.id}`, turns: [first, asAnswerCase(next)] });
    }
  }
  return out;
}

/** Asks a question set (and its conversations) through the chat service, with a breakdown by typing. */
export async function evaluateQuestionSet(
  chat: ChatService,
  questions: readonly SetQuestion[],
  conversations: readonly SeedConversation[],
): Promise<ArchiveSetReport> {
  const report = await evaluateSeedAnswers(chat, questions.map(asAnswerCase), conversations);
  const failed = new Set(report.failures.map((f) => f.id));
  const byTyping: Record<string, { count: number; accuracy: number }> = {};
  for (const typed of new Set(questions.map((q) => q.typed).filter((t): t is string => t !== undefined))) {
    const group = questions.filter((q) => q.typed === typed && q.documentId !== undefined);
    if (group.length === 0) continue;
    byTyping[typed] = { count: group.length, accuracy: group.filter((q) => !failed.has(q.id)).length / group.length };
  }
  const switched = topicSwitches(questions, conversations);
  if (switched.length === 0) return { ...report, byTyping };
  const after = await evaluateSeedAnswers(chat, [], switched);
  const asked = switched.map((c) => c.turns[1]!.id);
  const switches = {
    count: after.followUps.count,
    accuracy: after.followUps.accuracy,
    aloneAccuracy: asked.filter((id) => !failed.has(id)).length / asked.length,
  };
  return { ...report, byTyping, switches, failures: [...report.failures, ...after.failures.filter((f) => !f.id.endsWith('#1'))] };
}
