/**
 * `npm run ask -- "câu hỏi" [--json]`: answers one question from the index, with numbered
 * citations (title — outlet, date; the cited text). Uses the language model when LLM_PROVIDER
 * is set, the extractive answerer otherwise.
 */
import { parseArgs } from 'node:util';
import type { Citation } from '../answer/types.js';
import { makeProduct } from '../app/product.js';
import type { ChatRecord } from '../chat/chatService.js';
import { makeInMemoryConversationStore } from '../chat/conversations.js';
import { loadConfigFromProcess } from '../config/config.js';
import { describeDayRange, describeFilterVi, formatDateVi } from '../text/dates.js';
import { FILTER_OPTIONS, FILTER_USAGE, filterFromFlags } from './filterFlags.js';
import { runCli, UsageError } from './run.js';

const USAGE = `Usage: npm run ask -- "câu hỏi" [--json] [filter flags]
  --json         print the answer record as JSON
${FILTER_USAGE}`;

function formatCitation(c: Citation): string {
  const source = [c.outlet, formatDateVi(c.publishedAt)].filter((x): x is string => !!x).join(', ');
  const snippet = c.snippet.length > 300 ? `${c.snippet.slice(0, 300)}…` : c.snippet;
  return `[${c.n}] ${c.title}${source ? ` — ${source}` : ''}\n    “${snippet}”`;
}

export function formatAnswer(record: Omit<ChatRecord, 'conversationId' | 'messageId'>): string {
  const lines: string[] = [];
  if (record.filter) lines.push(`Bộ lọc: ${describeFilterVi(record.filter)}`);
  if (record.period) {
    const used = record.period.applied ? '' : ' (không dùng: bộ lọc có ngày riêng)';
    lines.push(`Thời gian trong câu hỏi: “${record.period.text}” = ${describeDayRange(record.period)}${used}`);
  }
  if (record.recency) lines.push('Ưu tiên bài mới nhất.');
  if (lines.length > 0) lines.push('');
  lines.push(record.answer);
  if (record.notice) lines.push('', `(${record.notice})`);
  if (record.citations.length > 0) lines.push('', 'Nguồn:', ...record.citations.map(formatCitation));
  if (record.related?.length) {
    const related = record.related.map((a) => {
      const source = [a.outlet, formatDateVi(a.publishedAt)].filter((x) => x).join(', ');
      return `- ${a.title}${source ? ` — ${source}` : ''}`;
    });
    lines.push('', 'Bài liên quan:', ...related);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      ...FILTER_OPTIONS,
    },
    allowPositionals: true,
    strict: true,
  });
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const question = parsed.positionals.join(' ').trim();
  if (question.length === 0) throw new UsageError('no question given.');
  const filter = filterFromFlags(parsed.values);
  const config = await loadConfigFromProcess();
  const product = await makeProduct(config, {
    follow: false,
    // One question, no follow-up: the configured (maybe shared) conversation store is not needed.
    conversations: makeInMemoryConversationStore(config.conversations),
    logger: { warn: (obj) => process.stderr.write(`Warning: ${describeWarning(obj)}\n`) },
  });
  try {
    const { conversationId: _c, messageId: _m, ...record } = await product.chat.chat({ message: question, ...(filter ? { filter } : {}) });
    process.stdout.write(`${parsed.values.json ? JSON.stringify(record, null, 2) : formatAnswer(record)}\n`);
    return 0;
  } finally {
    await product.close();
  }
}

function describeWarning(obj: object): string {
  const err = (obj as { err?: unknown }).err;
  return err instanceof Error ? `the language model failed (${err.message}); answering from the sources directly` : JSON.stringify(obj);
}

await runCli('Ask', USAGE, main);
