/**
 * `npm run search -- "câu hỏi" [--k N] [--json] [--index DIR]`
 * Hybrid search over the index; prints the best passages with their relevance.
 */
import { parseArgs } from 'node:util';
import { loadConfigFromProcess } from '../config/config.js';
import { openArchive } from '../app/product.js';
import type { SearchResponse } from '../retrieval/types.js';
import { formatDateVi } from '../text/dates.js';
import { FILTER_OPTIONS, FILTER_USAGE, filterFromFlags } from './filterFlags.js';
import { runCli, UsageError } from './run.js';

const USAGE = `Usage: npm run search -- "câu hỏi" [--k N] [--json] [--index DIR] [filter flags]
  --k N        number of passages (default RETRIEVAL_K)
  --json       print {"results":[…],"relevant":…} instead of text
  --index DIR  index folder (overrides INDEX_DIR)
${FILTER_USAGE}`;


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
  const { values: flags, positionals } = parseArgs({
    args: argv,
    options: {
      k: { type: 'string' },
      json: { type: 'boolean', default: false },
      index: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      ...FILTER_OPTIONS,
    },
    allowPositionals: true,
    strict: true,
  });
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const query = positionals.join(' ').trim();
  if (query.length === 0) throw new UsageError('empty query.');
  let k: number | undefined;
  if (flags.k !== undefined) {
    k = Number(flags.k);
    if (!Number.isInteger(k) || k < 1 || k > 50) throw new UsageError(`--k must be a whole number from 1 to 50 (got "${flags.k}").`);
  }
  const filter = filterFromFlags(flags);
  if (flags.index) process.env.INDEX_DIR = flags.index;

  const config = await loadConfigFromProcess();
  const archive = await openArchive(config, { follow: false });
  try {
    const response = await archive.searcher.search(query, { ...(k === undefined ? {} : { k }), ...(filter ? { filter } : {}) });
    process.stdout.write(`${flags.json ? formatJson(response) : formatHuman(query, response)}\n`);
  } finally {
    await archive.close();
  }
  return 0;
}

await runCli('Search', USAGE, main);
