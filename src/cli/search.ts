/**
 * `npm run search -- "câu hỏi" [--k N] [--json] [--index DIR]`
 * Hybrid search over the index; prints the best passages with their relevance.
 */
import { formatDateVi } from '../text/dates.js';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFromProcess } from '../config/config.js';
import { ModelLoadError } from '../ingest/embeddings.js';
import { IndexCorruptError, IndexMismatchError, IndexMissingError } from '../ingest/indexStore.js';
import { openSearchEngine } from '../retrieval/engine.js';
import type { SearchResponse } from '../retrieval/types.js';

const USAGE = `Usage: npm run search -- "câu hỏi" [--k N] [--json] [--index DIR]
  --k N        number of passages (default RETRIEVAL_K)
  --json       print {"results":[…],"relevant":…} instead of text
  --index DIR  index folder (overrides INDEX_DIR)`;

/** Errors the operator can fix from the message alone: one line, no stack trace. */
const EXPECTED_ERRORS = [ConfigError, ModelLoadError, IndexMissingError, IndexCorruptError, IndexMismatchError];

const SNIPPET_CHARS = 240;

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SNIPPET_CHARS ? flat : `${flat.slice(0, SNIPPET_CHARS - 1).trimEnd()}…`;
}

function formatHuman(query: string, response: SearchResponse): string {
  if (response.results.length === 0) return `Không tìm thấy đoạn nào cho: ${query}`;
  const lines = response.results.map((r, i) => {
    const meta = [r.outlet ?? 'không rõ nguồn', formatDateVi(r.publishedAt) || 'không rõ ngày', `điểm ${r.score.toFixed(3)}`].join(', ');
    return `${i + 1}. ${r.title} — ${meta}\n   [${r.chunkId} ${r.start}–${r.end}] ${snippet(r.text)}`;
  });
  const verdict = response.relevant
    ? ''
    : '\n(Điểm liên quan thấp: có thể kho bài viết không có câu trả lời.)';
  return `${lines.join('\n')}${verdict}`;
}

/** The documented --json shape, field order fixed. */
function formatJson(response: SearchResponse): string {
  const results = response.results.map((r) => ({
    text: r.text,
    score: r.score,
    documentId: r.documentId,
    title: r.title,
    outlet: r.outlet,
    publishedAt: r.publishedAt,
    chunkId: r.chunkId,
    start: r.start,
    end: r.end,
  }));
  return JSON.stringify({ results, relevant: response.relevant });
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        k: { type: 'string' },
        json: { type: 'boolean', default: false },
        index: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const query = positionals.join(' ').trim();
  if (query.length === 0) {
    process.stderr.write(`Error: empty query.\n${USAGE}\n`);
    return 2;
  }
  let k: number | undefined;
  if (flags.k !== undefined) {
    k = Number(flags.k);
    if (!Number.isInteger(k) || k < 1 || k > 50) {
      process.stderr.write(`Error: --k must be a whole number from 1 to 50 (got "${flags.k}").\n`);
      return 2;
    }
  }
  if (flags.index) process.env.INDEX_DIR = flags.index;

  try {
    const config = await loadConfigFromProcess();
    const engine = await openSearchEngine(config);
    try {
      const response = await engine.search(query, k === undefined ? {} : { k });
      process.stdout.write(`${flags.json ? formatJson(response) : formatHuman(query, response)}\n`);
    } finally {
      await engine.close();
    }
    return 0;
  } catch (err) {
    if (EXPECTED_ERRORS.some((E) => err instanceof E)) {
      process.stderr.write(`Error: ${(err as Error).message}\n`);
    } else {
      process.stderr.write(`Search failed unexpectedly:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
