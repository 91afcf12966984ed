import type { IngestBenchResult } from './ingestWorker.js';
import type { LoadResult, SoakResult } from './httpBench.js';
import type { ScaleResult } from './scaleBench.js';
import { markdownTable } from '../eval/markdown.js';

export interface BenchReport {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string };
  model: { id: string; dtype: string };
  ingestion: Array<{ label: string } & IngestBenchResult>;
  retrieval: Array<{ label: string; queries: number; p50: number; p95: number; p99: number; mean: number }>;
  http: Array<{
    label: string;
    coldStartMs: number;
    chat: { p50: number; p95: number; p99: number; errors: number; count: number };
    firstEvent: { p50: number; p95: number };
    streamComplete: { p50: number; p95: number };
    streamErrors: number;
    load: LoadResult;
  }>;
  soak: ({ label: string } & SoakResult) | null;
  /** Synthetic archives served by one process (absent in reports from before the scale section). */
  scale?: ScaleResult[];
  /** Which run each section's figures come from, when they are not all from this one. */
  origins?: Record<string, { date: string; command: string }>;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);


/** docs/BENCHMARKS.md: every figure once, with the machine, the date and the command. */
export function renderBenchmarksMarkdown(r: BenchReport, args: string[], notes = ''): string {
  const command = `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}`;
  const parts: string[] = [
    '# Benchmarks',
    '',
    `Produced by \`${command}\` on ${r.date.slice(0, 10)}; raw figures in \`docs/benchmarks.json\`.`,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.platform}, Node ${r.machine.node}.`,
    `Embedding model: \`${r.model.id}\` (${r.model.dtype}). Everything runs on this one machine: the load generator`,
    'shares the two cores with the server, so the HTTP figures are a floor, not a ceiling.',
    '',
  ];
  const from = (section: string): string[] => {
    const o = r.origins?.[section];
    return o && o.date !== r.date ? [`(Figures of this section from \`${o.command}\` on ${o.date.slice(0, 10)}.)`, ''] : [];
  };
  if (r.ingestion.length) {
    parts.push(
      '## Ingestion',
      '',
      ...from('ingestion'),
      'Articles from `../shared/corpora/vntc-sample-10k.jsonl.xz` (the first N). "Model alone" embeds an even',
      'sample of the same chunk texts with the same batching and nothing else; the ratio is full ingestion',
      '(load, clean, chunk, embed, HNSW and lexical indexing, atomic write) over that.',
      '',
      markdownTable(
        ['corpus', 'articles', 'chunks', 'mean chunk chars', 'model alone chunks/s', 'ingest chunks/s', 'ingest articles/s', 'ratio', 'total s', 'index on disk MiB', 'peak RSS MiB'],
        r.ingestion.map((i) => [
          i.label,
          i.articles,
          i.chunks,
          i.meanChunkChars,
          i.raw.chunksPerSecond,
          i.ingest.chunksPerSecond,
          i.ingest.articlesPerSecond,
          i.ratioToRaw,
          i.ingest.seconds,
          mib(i.indexBytes),
          i.peakRssMiB?.toFixed(0) ?? 'n/a',
        ]),
      ),
      '',
    );
  }
  if (r.retrieval.length) {
    parts.push(
      '## Retrieval (in process)',
      '',
      ...from('retrieval'),
      'Hybrid search (query embedding, HNSW, lexical, fusion), k = 5, after a warm-up; seed questions',
      'for the seed corpus, article headlines for the VNTC indexes.',
      '',
      markdownTable(['index', 'queries', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms'], r.retrieval.map((x) => [x.label, x.queries, x.p50, x.p95, x.p99, x.mean])),
      '',
    );
  }
  if (r.http.length) {
    parts.push(
      '## HTTP answer path (extractive answerer, server in its own process)',
      '',
      ...from('http'),
      'Cold start: from spawning `src/cli/serve.ts` (as `npm start` does) with an existing index to the first',
      '200 from `/ready`. One at a time: 200 `/api/chat` requests, 100 `/api/chat/stream` requests.',
      '',
      markdownTable(
        ['index', 'cold start ms', '/api/chat p50 ms', 'p95 ms', 'p99 ms', 'first SSE event p50 ms', 'p95 ms', 'stream complete p50 ms', 'errors'],
        r.http.map((h) => [h.label, h.coldStartMs, h.chat.p50, h.chat.p95, h.chat.p99, h.firstEvent.p50, h.firstEvent.p95, h.streamComplete.p50, h.chat.errors + h.streamErrors]),
      ),
      '',
      `Under load: autocannon on loopback, \`/api/chat\` with the same questions in rotation.`,
      '',
      markdownTable(
        ['index', 'connections', 'seconds', 'requests', 'req/s', 'latency p50 ms', 'p97.5 ms', 'p99 ms', 'errors', 'non-2xx', 'timeouts'],
        r.http.map((h) => [h.label, h.load.connections, h.load.seconds, h.load.requests, h.load.requestsPerSecond, h.load.latencyMs.p50, h.load.latencyMs.p97_5, h.load.latencyMs.p99, h.load.errors, h.load.non2xx, h.load.timeouts]),
      ),
      '',
    );
  }
  if (r.soak) {
    const s = r.soak;
    parts.push(
      '## Soak',
      '',
      ...from('soak'),
      `${s.seconds} s of steady \`/api/chat\` load (${s.connections} connections) on the ${s.label}; server RSS sampled every 5 s.`,
      'Every request opens a new conversation, so the bounded conversation store fills up during the run.',
      '',
      markdownTable(
        ['requests', 'req/s', 'p50 ms', 'p99 ms', 'errors + non-2xx + timeouts', 'RSS start MiB', 'RSS end MiB', 'RSS max MiB', 'RSS slope, 2nd half, MiB/min'],
        [[s.requests, s.requestsPerSecond, s.latencyMs.p50, s.latencyMs.p99, s.errors + s.non2xx + s.timeouts, s.rssStartMiB, s.rssEndMiB, s.rssMaxMiB, s.rssSlopeSecondHalfMiBPerMin]],
      ),
      '',
      `RSS samples (s: MiB): ${s.rssSamplesMiB.map((p) => `${p.t}: ${p.rss}`).join(', ')}`,
      '',
    );
  }
  if (r.scale?.length) parts.push(...renderScale(r.scale, from('scale')));
  if (notes.trim()) parts.push(notes.trim(), '');
  return parts.join('\n');
}

function renderScale(rows: ScaleResult[], origin: string[]): string[] {
  const filter = rows.find((r) => r.serving)?.serving?.search.filtered.filter;
  const filterText = filter
    ? [filter.outlets?.length ? `outlet ${filter.outlets.join(', ')}` : '', filter.from && filter.to ? `${filter.from} to ${filter.to}` : ''].filter(Boolean).join(', ')
    : 'one outlet, one month';
  const na = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x);
  return [
    '## Scale (synthetic archive, one server process)',
    '',
    ...origin,
    `The first ${rows[0]!.sampleArticles.toLocaleString('en')} VNTC sample articles cycled with new ids and dates (outlets kept), cut by the`,
    "real chunker; each passage's vector is the real embedding of its sample passage plus Gaussian noise",
    `(σ = ${rows[0]!.noise} per component), renormalised, so the model is not in the loop.`,
    "Written through the store's writer in a child process (peak RSS is the writer's; merges run in the background, the writer's close waits for one); served by",
    '`src/cli/serve.ts --no-ingest` in its own process. Search: `POST /api/search` (query embedding, dense,',
    `lexical, fusion; k = 5) with article headlines, without and with a filter (${filterText}).`,
    'Add / delete: 100 articles (vectors given, no embedding) in one commit by a new writer process',
    '(opening the archive included), then the time until the running server answers',
    '`/api/documents/:id` for them (200, then 404).',
    `Machine load (1-minute load average, 2 cores) at the start and end of each run: ${rows.map((s) => `${s.articles} articles ${s.loadAverage.start} → ${s.loadAverage.end}`).join('; ')}.`,
    ...rows
      .filter((s) => s.builtAt)
      .map((s) => `The ${s.articles.toLocaleString('en')}-article archive was served again as the run of ${s.builtAt} wrote it (\`--scale-reuse\`): its build figures are that run's.`),
    '',
    markdownTable(
      ['articles', 'passages', 'build s', 'passages/s', 'longest commit s', 'close waited s', 'writer peak RSS MiB', 'on disk MiB', 'cold start ms', 'server RSS MiB'],
      rows.map((s) => [s.articles, s.passages, s.build.seconds, s.build.passagesPerSecond, na(s.build.maxCommitSeconds), na(s.build.closeSeconds), s.build.peakRssMiB === null ? 'n/a' : Math.round(s.build.peakRssMiB), s.diskMiB, na(s.serving?.coldStartMs), na(s.serving?.rssMiB)]),
    ),
    '',
    markdownTable(
      ['articles', 'search p50 ms', 'p95 ms', 'filtered p50 ms', 'p95 ms', 'filtered mean results', 'add 100 s', 'visible after s', 'delete 100 s', 'gone after s', 'update peak RSS MiB'],
      rows.map((s) => [
        s.articles,
        na(s.serving?.search.unfiltered.p50),
        na(s.serving?.search.unfiltered.p95),
        na(s.serving?.search.filtered.p50),
        na(s.serving?.search.filtered.p95),
        na(s.serving?.search.filtered.meanResults),
        s.add.seconds,
        na(s.add.visibleSeconds),
        s.remove.seconds,
        na(s.remove.goneSeconds),
        Math.max(s.add.peakRssMiB ?? 0, s.remove.peakRssMiB ?? 0).toFixed(0),
      ]),
    ),
    '',
    ...rows.filter((s) => s.servingError).map((s) => `No server figures for ${s.articles} articles: ${s.servingError}`),
    ...rows.flatMap((s) =>
      s.sourceArchive
        ? [
            `The real archive the sample's vectors were read from (${s.sourceArchive.articles.toLocaleString('en')} articles, ${s.sourceArchive.passages.toLocaleString('en')} passages),`,
            `served the same way: cold start ${s.sourceArchive.coldStartMs} ms, server RSS ${na(s.sourceArchive.rssMiB)} MiB.`,
            '',
          ]
        : [],
    ),
  ];
}
