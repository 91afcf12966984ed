/**
 * Loading the corpus folder: curated Markdown with front matter, raw `.txt` scrapes and JSONL
 * collections, all cleaned the same way. A file that cannot be read as an article becomes a
 * problem naming the file and what to do; it never stops the others from loading.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { cleanArticle } from '../text/clean.js';
import { normalizeDocumentText } from '../text/normalize.js';
import { CorpusFolderError } from './errors.js';
import { hasFrontMatter, ISO_DATE_HINT, isIsoDate, parseFrontMatter } from './frontMatter.js';
import { parseScrape } from './scrape.js';
import { slugify } from './slug.js';
import type { Article, CorpusProblem, LoadedCorpus } from './types.js';

export interface LoadCorpusOptions {
  /** Largest `.md`/`.txt` file, and largest JSONL line, in bytes (default 5 MB). */
  maxFileBytes?: number;
  /** Largest `.jsonl` file in bytes (default 1 GB): a JSONL file is a whole collection. */
  maxJsonlFileBytes?: number;
  /**
   * Folders never read as articles: the index, when it is kept inside the corpus folder (its
   * segments hold the articles' JSON lines, which would come back as a second corpus).
   */
  skipDirs?: readonly string[];
}

const MB = 1024 * 1024;
const DEFAULT_MAX_FILE_BYTES = 5 * MB;
const DEFAULT_MAX_JSONL_FILE_BYTES = 1024 * MB;
const ARTICLE_EXTENSIONS = new Set(['.md', '.txt', '.jsonl']);

/** An article read from the corpus, with where it came from for messages. */
export interface CorpusArticle {
  article: Article;
  where: string;
}

export { CorpusFolderError };

/** What reading a corpus yields, file after file: an article (and where it was read), or a problem. */
export type CorpusItem = CorpusArticle | { problem: CorpusProblem };

/**
 * Reads every `*.md`, `*.txt` and `*.jsonl` under `dir` (recursively, in sorted order; hidden
 * entries and README.md files skipped), one article at a time: a JSONL collection is read line
 * by line, so a corpus of any size is read in little memory. An id met again is a problem (the
 * first article keeps it). Problems name files as `dir` was given plus the path inside it
 * (`corpus/x.md`), JSONL lines as `file:line`. Throws only when `dir` itself is not a readable folder.
 */
export async function* readCorpus(dir: string, options: LoadCorpusOptions = {}): AsyncGenerator<CorpusItem> {
  const limits = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxJsonlFileBytes: options.maxJsonlFileBytes ?? DEFAULT_MAX_JSONL_FILE_BYTES,
  };
  const files = await listArticleFiles(dir, options.skipDirs ?? []);
  const firstWith = new Map<string, string>();
  for (const rel of files) {
    for await (const item of readFile(dir, rel, limits)) {
      if ('problem' in item) {
        yield item;
        continue;
      }
      const previous = firstWith.get(item.article.id);
      if (previous !== undefined) {
        yield { problem: { file: item.where, message: `duplicate id "${item.article.id}" (already used by ${previous}); give one of them another id` } };
        continue;
      }
      firstWith.set(item.article.id, item.where);
      yield item;
    }
  }
}

/** The whole corpus in memory (`readCorpus` collected): for small corpora and tests. */
export async function loadCorpus(dir: string, options: LoadCorpusOptions = {}): Promise<LoadedCorpus> {
  const articles: Article[] = [];
  const problems: CorpusProblem[] = [];
  for await (const item of readCorpus(dir, options)) {
    if ('problem' in item) problems.push(item.problem);
    else articles.push(item.article);
  }
  return { articles, problems };
}

/** One line per problem, as a user would read it. */
export function formatCorpusProblem(problem: CorpusProblem): string {
  return `${problem.file}: ${problem.message}`;
}

/** Relative POSIX paths of the article files under `dir`, sorted. */
async function listArticleFiles(dir: string, skipDirs: readonly string[]): Promise<string[]> {
  const skipped = new Set(skipDirs.map((d) => path.resolve(d)));
  try {
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) throw new CorpusFolderError(`corpus folder ${dir} is not a folder; set CORPUS_DIR to a folder of articles`);
  } catch (error) {
    if (error instanceof CorpusFolderError) throw error;
    throw new CorpusFolderError(`corpus folder ${dir} cannot be read (${(error as Error).message}); set CORPUS_DIR to a folder of articles`);
  }
  const found: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skipped.has(path.resolve(dir, childRel))) await walk(childRel);
      } else if (
        entry.isFile() &&
        ARTICLE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()) &&
        entry.name.toLowerCase() !== 'readme.md'
      ) {
        found.push(childRel);
      }
    }
  }
  await walk('');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function* readFile(dir: string, rel: string, limits: { maxFileBytes: number; maxJsonlFileBytes: number }): AsyncGenerator<CorpusItem> {
  const where = path.join(dir, rel);
  const problem = (message: string): CorpusItem => ({ problem: { file: where, message } });
  const ext = path.extname(rel).toLowerCase();
  const limit = ext === '.jsonl' ? limits.maxJsonlFileBytes : limits.maxFileBytes;
  try {
    const stat = await fs.stat(where);
    if (stat.size > limit) {
      yield problem(`file is ${formatBytes(stat.size)}, over the ${formatBytes(limit)} limit; split it into smaller files`);
      return;
    }
  } catch (error) {
    yield problem(`cannot be read: ${(error as Error).message}`);
    return;
  }
  if (ext === '.jsonl') {
    yield* readJsonl(rel, where, limits.maxFileBytes);
    return;
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(where);
  } catch (error) {
    yield problem(`cannot be read: ${(error as Error).message}`);
    return;
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return yield problem(decoded.message);
  if (decoded.text.trim() === '') return yield problem('file is empty');
  const id = slugify(path.basename(rel, path.extname(rel)));
  const result =
    ext === '.md' && hasFrontMatter(decoded.text)
      ? articleFromMarkdown(decoded.text, rel, id)
      : articleFromScrape(decoded.text, rel, id);
  if (!result.ok) return yield problem(result.message);
  yield { article: result.article, where };
}

type ArticleResult = { ok: true; article: Article } | { ok: false; message: string };

function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: 'is not valid UTF-8; save it with UTF-8 encoding' };
  }
  if (text.includes('\uFFFD')) {
    return {
      ok: false,
      message: 'contains U+FFFD replacement characters (text damaged by a bad encoding conversion); fix the text',
    };
  }
  return { ok: true, text: text.replace(/^\uFEFF/, '') };
}

function articleFromMarkdown(source: string, rel: string, defaultId: string): ArticleResult {
  const parsed = parseFrontMatter(source);
  if (!parsed.ok) return parsed;
  const fm = parsed.frontMatter;
  const cleaned = cleanArticle(parsed.body, { title: fm.title });
  return finish({
    id: fm.id ?? defaultId,
    title: fm.title,
    outlet: fm.outlet !== undefined ? fm.outlet : cleaned.outlet,
    publishedAt: fm.publishedAt !== undefined ? fm.publishedAt : cleaned.publishedAt,
    text: cleaned.body,
    sourceFile: rel,
    originalFile: fm.originalFile ?? null,
    url: fm.url ?? null,
    ...(fm.section ? { section: fm.section } : {}),
  });
}

function articleFromScrape(source: string, rel: string, id: string): ArticleResult {
  const parsed = parseScrape(source);
  return finish({
    id,
    title: parsed.title,
    outlet: parsed.outlet,
    publishedAt: parsed.publishedAt,
    text: parsed.body,
    sourceFile: rel,
    originalFile: null,
    url: null,
  });
}

/** Title and outlet are normalised like the text, so they match queries the same way. */
function finish(fields: Article): ArticleResult {
  const article: Article = {
    ...fields,
    title: normalizeLine(fields.title),
    outlet: fields.outlet === null ? null : normalizeLine(fields.outlet) || null,
    ...(fields.section ? { section: normalizeLine(fields.section) } : {}),
  };
  if (article.id === '') {
    return { ok: false, message: 'no id can be made from the file name; set id in the front matter' };
  }
  if (article.text === '') return { ok: false, message: 'body is empty after cleaning' };
  if (article.title.trim() === '') return { ok: false, message: 'has no title' };
  return { ok: true, article };
}

const jsonlRowSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string().nullable().optional(),
  text: z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') }),
  outlet: z.string().nullable().optional(),
  /** VNTC and similar collections name the outlet `source`. */
  source: z.string().nullable().optional(),
  publishedAt: z
    .string()
    .refine(isIsoDate, { error: `must be an ISO date (${ISO_DATE_HINT})` })
    .nullable()
    .optional(),
  url: z.string().nullable().optional(),
  section: z.string().nullable().optional(),
  /** VNTC names the section `topic`. */
  topic: z.string().nullable().optional(),
});

/**
 * The lines of a file as bytes, without their newline, read a chunk at a time; a line longer
 * than `maxLineBytes` comes back as its length only (its bytes are not kept).
 */
async function* fileLines(file: string, maxLineBytes: number): AsyncGenerator<Buffer | number> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      const total = length + (end - start);
      if (total > maxLineBytes) yield total;
      else yield parts.length === 0 ? chunk.subarray(start, end) : Buffer.concat([...parts, chunk.subarray(start, end)]);
      parts = [];
      length = 0;
      start = end + 1;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      if (length + rest <= maxLineBytes) parts.push(chunk.subarray(start));
      else parts = []; // too long already: only its length is counted
      length += rest;
    }
  }
  if (length > 0) yield length > maxLineBytes ? length : Buffer.concat(parts);
}

/** One article per line; a bad line is a problem of its own and the others still load. */
async function* readJsonl(rel: string, where: string, maxLineBytes: number): AsyncGenerator<CorpusItem> {
  const fileBase = slugify(path.basename(rel, path.extname(rel))) || 'line';
  let lineNo = 0;
  let anyContent = false;
  try {
    for await (const line of fileLines(where, maxLineBytes)) {
      lineNo++;
      const lineWhere = `${where}:${lineNo}`;
      if (typeof line === 'number') {
        anyContent = true;
        yield { problem: { file: lineWhere, message: `line is ${formatBytes(line)}, over the ${formatBytes(maxLineBytes)} limit` } };
        continue;
      }
      const decoded = decodeUtf8(line);
      if (!decoded.ok) {
        anyContent = true;
        yield { problem: { file: lineWhere, message: decoded.message } };
        continue;
      }
      if (decoded.text.trim() === '') continue;
      anyContent = true;
      const result = articleFromJsonLine(decoded.text, rel, `${fileBase}-${lineNo}`);
      yield result.ok ? { article: result.article, where: lineWhere } : { problem: { file: lineWhere, message: result.message } };
    }
  } catch (error) {
    yield { problem: { file: where, message: `cannot be read: ${(error as Error).message}` } };
    return;
  }
  if (!anyContent) yield { problem: { file: where, message: 'file is empty' } };
}

function articleFromJsonLine(line: string, rel: string, fallbackId: string): ArticleResult {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return { ok: false, message: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, message: 'must be a JSON object like {"title": …, "text": …}' };
  }
  const parsed = jsonlRowSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue?.path.join('.') || 'line'} ${issue?.message ?? 'is invalid'}` };
  }
  const row = parsed.data;
  const section = (row.section ?? row.topic)?.trim() || null;
  const id = row.id !== undefined ? slugify(String(row.id)) || fallbackId : fallbackId;
  const title = row.title?.trim();
  const content = title ? { title, ...cleanArticle(row.text, { title }) } : parseScrape(row.text);
  return finish({
    id,
    title: content.title,
    outlet: row.outlet ?? row.source ?? content.outlet,
    publishedAt: row.publishedAt ?? content.publishedAt,
    text: content.body,
    sourceFile: rel,
    originalFile: null,
    url: row.url ?? null,
    ...(section ? { section } : {}),
  });
}

function normalizeLine(text: string): string {
  return normalizeDocumentText(text).replace(/\s+/g, ' ');
}

function formatBytes(n: number): string {
  return n >= MB ? `${(n / MB).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}
