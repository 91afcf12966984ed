import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The whole configuration of the product, read and validated once (from the environment and
 * `.env`), then passed down. Names of environment variables are part of the public contract:
 * outside tools set them, so rename nothing without a migration note in the README.
 */

/**
 * The project's root, found from this file (src/config/ or dist/config/ alike), so defaults that
 * name files shipped in the repository work whatever the working directory is.
 */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** The embedding model shipped in the repository (models/vi-news-embed-small), the default. */
export const BUNDLED_MODEL_DIR = path.join(PROJECT_ROOT, 'models', 'vi-news-embed-small');

const DTYPES = ['auto', 'fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;

const csv = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  );

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);

/** Raw environment, as strings; defaults live here and only here. */
export const envSchema = z.object({
  /** Unset = the shipped model (BUNDLED_MODEL_DIR), resolved from the project root, not the cwd. */
  EMBEDDING_MODEL: z.string().min(1).optional(),
  EMBEDDING_DTYPE: z.enum(DTYPES).default('q8'),
  EMBEDDING_QUERY_PREFIX: z.string().default('query: '),
  EMBEDDING_PASSAGE_PREFIX: z.string().default('passage: '),
  /**
   * Passages per model call. 8 rather than 16: a whole 10k ingest peaked at 685 MiB instead of
   * 967 (onnxruntime's arena grows with the largest batch tensor), and embedding alone was faster.
   */
  EMBEDDING_BATCH_SIZE: int(1, 512).default(8),
  /** Threads one embedding uses (onnxruntime intra-op); 0 = onnxruntime's default, one per core. */
  EMBEDDING_THREADS: int(0, 256).default(0),
  EMBEDDING_ALLOW_REMOTE: bool.default(true),
  MODEL_CACHE_DIR: z.string().optional(),

  CORPUS_DIR: z.string().min(1).default('corpus'),
  INDEX_DIR: z.string().min(1).default('index'),
  DATA_DIR: z.string().min(1).default('data'),

  CHUNK_MAX_CHARS: int(200, 8000).default(900),
  CHUNK_OVERLAP_SENTENCES: int(0, 5).default(1),

  /** Where the archive lives: `embedded` (files in INDEX_DIR); PostgreSQL comes next. */
  STORE: z.enum(['embedded']).default('embedded'),
  /** How often a running server looks for a new commit of the archive. */
  STORE_POLL_MS: int(100, 60_000).default(1000),
  /**
   * Merges by size tier (src/store/embedded/mergePolicy.ts): a tier holding this many segments
   * (of similar live size) is merged into one; a merge takes at most this many.
   */
  STORE_MERGE_FACTOR: int(2, 100).default(10),
  /** Segments below this many live passages count as this size (the bottom tier). */
  STORE_MERGE_FLOOR_PASSAGES: int(1, 10_000_000).default(2_000),
  /**
   * No automatic merge writes a segment above this many live passages: it bounds a merge's cost
   * (merges run in the background; a commit does not wait for them, the writer's close does).
   * Segments above half of it are only rewritten alone, to drop deleted articles.
   */
  STORE_MAX_SEGMENT_PASSAGES: int(2, 1_000_000_000).default(500_000),
  /** Files of a superseded commit are kept this long for readers still using it. */
  STORE_FILE_GRACE_SECONDS: int(0, 86_400).default(60),
  /**
   * A lexical search reads the postings of at most this many passages, summed over the query's
   * terms, its rarest first (0: every posting). An archive of 10,000 articles never reaches the
   * default; at a million it bounds the cost of a long query (docs/BENCHMARKS.md).
   */
  STORE_POSTINGS_BUDGET: int(0, 2_000_000_000).default(600_000),
  /** An ingest commits every this many articles, or every INGEST_COMMIT_SECONDS, whichever comes first. */
  INGEST_COMMIT_ARTICLES: int(1, 1_000_000).default(500),
  INGEST_COMMIT_SECONDS: int(1, 86_400).default(120),

  HNSW_M: int(4, 128).default(16),
  HNSW_EF_CONSTRUCTION: int(10, 2000).default(200),
  HNSW_EF_SEARCH: int(10, 2000).default(128),

  RETRIEVAL_K: int(1, 50).default(5),
  RETRIEVAL_CANDIDATES: int(5, 500).default(50),
  RETRIEVAL_DENSE_WEIGHT: num(0, 10).default(1),
  RETRIEVAL_LEXICAL_WEIGHT: num(0, 10).default(1),
  /**
   * Weight of the best single sentence's coverage of the question, as a share of the fused score's
   * range, when the candidates are ranked. Fitted on ViQuAD-test questions 601–2210.
   */
  RETRIEVAL_SENTENCE_WEIGHT: num(0, 5).default(0.3),
  /** Put the diacritics back into a question typed without them before embedding it (see src/retrieval/toneRestoration.ts). */
  RETRIEVAL_RESTORE_TONES: bool.default(true),
  /** Below this relevance (0..1) the corpus is taken to hold no answer. Calibrated by `npm run eval`. */
  RELEVANCE_THRESHOLD: num(0, 1).default(0.5),

  LLM_PROVIDER: z.enum(['none', 'openai', 'ollama']).default('none'),
  LLM_BASE_URL: z.string().url().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_TIMEOUT_MS: int(100, 600_000).default(30_000),
  LLM_TEMPERATURE: num(0, 2).default(0.1),

  HOST: z.string().default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  CORS_ORIGINS: csv.default([]),
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(60),
  MAX_MESSAGE_CHARS: int(10, 100_000).default(2000),
  BODY_LIMIT: z.string().default('32kb'),
  TRUST_PROXY: bool.default(false),
  CONVERSATION_STORE: z.enum(['memory', 'redis']).default('memory'),
  REDIS_URL: z.string().url().optional(),
  REDIS_PREFIX: z.string().default('vnrag:'),
  CONVERSATION_MAX: int(1, 10_000_000).default(10_000),
  CONVERSATION_MAX_TURNS: int(1, 1000).default(20),
  CONVERSATION_TTL_MINUTES: int(1, 525_600).default(24 * 60),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  /**
   * How long an idle keep-alive connection stays open. Node's 5 s default races with clients and
   * proxies that reuse a connection just as the server closes it (ECONNRESET); a reverse proxy's
   * own idle timeout (nginx, load balancers: 60 s) must be the shorter one.
   */
  KEEP_ALIVE_TIMEOUT_MS: int(1000, 3_600_000).default(65_000),
  /** `GET /metrics` (Prometheus text format); off = 404. */
  METRICS_ENABLED: bool.default(true),
  /** When set, /metrics answers any client sending `Authorization: Bearer <token>`; unset = loopback clients only. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * What "hôm qua", "năm ngoái", "mới nhất" count from: `today` (in Vietnam), `archive` (the
   * newest article's day: for a historical archive) or a fixed day `YYYY-MM-DD`.
   */
  TIME_REFERENCE: z
    .string()
    .regex(/^(?:today|archive|\d{4}-\d{2}-\d{2})$/, 'must be today, archive or a day YYYY-MM-DD')
    .default('today'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type RawEnv = z.input<typeof envSchema>;

export interface EmbeddingConfig {
  /** Hub id (`Xenova/multilingual-e5-small`) or an absolute path to a local model folder. */
  model: string;
  /** True when `model` names a local folder rather than a hub id. */
  isLocal: boolean;
  dtype: (typeof DTYPES)[number];
  queryPrefix: string;
  passagePrefix: string;
  batchSize: number;
  /** onnxruntime intra-op threads; 0 leaves onnxruntime's default. */
  threads: number;
  allowRemote: boolean;
  cacheDir: string | undefined;
}

export interface Config {
  embedding: EmbeddingConfig;
  paths: { corpusDir: string; indexDir: string; dataDir: string };
  chunking: { maxChars: number; overlapSentences: number };
  hnsw: { m: number; efConstruction: number; efSearch: number };
  store: {
    kind: 'embedded';
    pollMs: number;
    merge: { mergeFactor: number; floorPassages: number; maxPassages: number };
    graceMs: number;
    /** See STORE_POSTINGS_BUDGET (Infinity: no budget). */
    postingsBudget: number;
  };
  ingest: { commitArticles: number; commitSeconds: number };
  retrieval: {
    k: number;
    candidates: number;
    denseWeight: number;
    lexicalWeight: number;
    sentenceWeight: number;
    restoreTones: boolean;
    relevanceThreshold: number;
  };
  llm: {
    provider: 'none' | 'openai' | 'ollama';
    baseUrl: string | undefined;
    model: string | undefined;
    apiKey: string | undefined;
    timeoutMs: number;
    temperature: number;
  };
  server: {
    host: string;
    port: number;
    corsOrigins: string[];
    rateLimitPerMinute: number;
    maxMessageChars: number;
    bodyLimit: string;
    trustProxy: boolean;
    shutdownGraceMs: number;
    keepAliveTimeoutMs: number;
  };
  conversations: {
    store: 'memory' | 'redis';
    redisUrl: string | undefined;
    redisPrefix: string;
    max: number;
    maxTurns: number;
    ttlMs: number;
  };
  /** `GET /metrics`: who may read it (see METRICS_TOKEN). */
  metrics: { enabled: boolean; token: string | undefined };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The day relative time expressions are resolved against: `today`, `archive` or `YYYY-MM-DD`. */
  time: { reference: string };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A model given as a path (`./x`, `../x`, `/x`, `C:\x`) is a local folder; `org/name` is a hub id. */
export function isLocalModelPath(model: string): boolean {
  return /^(\.{1,2}[\\/]|\/|[A-Za-z]:[\\/])/.test(model) || model === '.' || model === '..';
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Validates the environment and builds the configuration. Relative paths are taken from `cwd`;
 * without EMBEDDING_MODEL the shipped model is used wherever the command runs from.
 * Empty strings count as unset, so `.env.example` can list every name with no value.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new ConfigError(`Invalid configuration (see .env.example):\n${problems}`);
  }
  const e = parsed.data;
  if (cleaned.STORE_MAX_SEGMENTS !== undefined) {
    throw new ConfigError(
      'STORE_MAX_SEGMENTS is gone: merges now go by size tier. Remove it and, if needed, set STORE_MERGE_FACTOR, STORE_MERGE_FLOOR_PASSAGES or STORE_MAX_SEGMENT_PASSAGES (see .env.example).',
    );
  }
  if (e.CONVERSATION_STORE === 'redis' && !e.REDIS_URL) {
    throw new ConfigError('CONVERSATION_STORE=redis needs REDIS_URL (e.g. redis://127.0.0.1:6379).');
  }
  if (e.LLM_PROVIDER !== 'none' && !e.LLM_MODEL) {
    throw new ConfigError(`LLM_PROVIDER=${e.LLM_PROVIDER} needs LLM_MODEL (and usually LLM_BASE_URL).`);
  }
  const resolve = (p: string) => path.resolve(cwd, p);
  const model = e.EMBEDDING_MODEL ?? BUNDLED_MODEL_DIR;
  // `models/x` could be a hub id too; a folder of that name here settles it.
  const isLocal = isLocalModelPath(model) || isDirectory(resolve(model));
  return {
    embedding: {
      model: isLocal ? resolve(model) : model,
      isLocal,
      dtype: e.EMBEDDING_DTYPE,
      queryPrefix: e.EMBEDDING_QUERY_PREFIX,
      passagePrefix: e.EMBEDDING_PASSAGE_PREFIX,
      batchSize: e.EMBEDDING_BATCH_SIZE,
      threads: e.EMBEDDING_THREADS,
      allowRemote: e.EMBEDDING_ALLOW_REMOTE,
      cacheDir: e.MODEL_CACHE_DIR ? resolve(e.MODEL_CACHE_DIR) : undefined,
    },
    paths: {
      corpusDir: resolve(e.CORPUS_DIR),
      indexDir: resolve(e.INDEX_DIR),
      dataDir: resolve(e.DATA_DIR),
    },
    chunking: { maxChars: e.CHUNK_MAX_CHARS, overlapSentences: e.CHUNK_OVERLAP_SENTENCES },
    hnsw: { m: e.HNSW_M, efConstruction: e.HNSW_EF_CONSTRUCTION, efSearch: e.HNSW_EF_SEARCH },
    store: {
      kind: e.STORE,
      pollMs: e.STORE_POLL_MS,
      merge: {
        mergeFactor: e.STORE_MERGE_FACTOR,
        floorPassages: e.STORE_MERGE_FLOOR_PASSAGES,
        maxPassages: e.STORE_MAX_SEGMENT_PASSAGES,
      },
      graceMs: e.STORE_FILE_GRACE_SECONDS * 1000,
      postingsBudget: e.STORE_POSTINGS_BUDGET === 0 ? Infinity : e.STORE_POSTINGS_BUDGET,
    },
    ingest: { commitArticles: e.INGEST_COMMIT_ARTICLES, commitSeconds: e.INGEST_COMMIT_SECONDS },
    retrieval: {
      k: e.RETRIEVAL_K,
      candidates: e.RETRIEVAL_CANDIDATES,
      denseWeight: e.RETRIEVAL_DENSE_WEIGHT,
      lexicalWeight: e.RETRIEVAL_LEXICAL_WEIGHT,
      sentenceWeight: e.RETRIEVAL_SENTENCE_WEIGHT,
      restoreTones: e.RETRIEVAL_RESTORE_TONES,
      relevanceThreshold: e.RELEVANCE_THRESHOLD,
    },
    llm: {
      provider: e.LLM_PROVIDER,
      baseUrl: e.LLM_BASE_URL,
      model: e.LLM_MODEL,
      apiKey: e.LLM_API_KEY,
      timeoutMs: e.LLM_TIMEOUT_MS,
      temperature: e.LLM_TEMPERATURE,
    },
    server: {
      host: e.HOST,
      port: e.PORT,
      corsOrigins: e.CORS_ORIGINS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      bodyLimit: e.BODY_LIMIT,
      trustProxy: e.TRUST_PROXY,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    },
    conversations: {
      store: e.CONVERSATION_STORE,
      redisUrl: e.REDIS_URL,
      redisPrefix: e.REDIS_PREFIX,
      max: e.CONVERSATION_MAX,
      maxTurns: e.CONVERSATION_MAX_TURNS,
      ttlMs: e.CONVERSATION_TTL_MINUTES * 60_000,
    },
    metrics: { enabled: e.METRICS_ENABLED, token: e.METRICS_TOKEN },
    logLevel: e.LOG_LEVEL,
    time: { reference: e.TIME_REFERENCE },
  };
}

/** Reads `.env` (if present) into `process.env` without overriding what is already set, then validates. */
export async function loadConfigFromProcess(cwd: string = process.cwd()): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ path: path.join(cwd, '.env'), quiet: true });
  return loadConfig(process.env, cwd);
}
