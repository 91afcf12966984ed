import autocannon from 'autocannon';
import { readRssMiB, round, summarize, type LatencySummary } from './stats.js';

const jsonHeaders = { 'content-type': 'application/json' };

/** `/api/chat`, one request at a time: the latency a single user sees. */
export async function measureChatSequential(url: string, questions: readonly string[], count: number): Promise<LatencySummary & { errors: number }> {
  const samples: number[] = [];
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ message: questions[i % questions.length] });
    const t0 = performance.now();
    const res = await fetch(`${url}/api/chat`, { method: 'POST', headers: jsonHeaders, body });
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
    if (res.status !== 200) errors++;
  }
  return { ...summarize(samples), errors };
}

/** `/api/chat/stream`: time to the first SSE event and to the end of the stream. */
export async function measureStream(url: string, questions: readonly string[], count: number): Promise<{ firstEvent: LatencySummary; complete: LatencySummary; errors: number }> {
  const first: number[] = [];
  const complete: number[] = [];
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ message: questions[i % questions.length] });
    const t0 = performance.now();
    const res = await fetch(`${url}/api/chat/stream`, { method: 'POST', headers: jsonHeaders, body });
    if (res.status !== 200 || !res.body) {
      errors++;
      await res.arrayBuffer().catch(() => undefined);
      continue;
    }
    const decoder = new TextDecoder();
    let text = '';
    let sawFirst = false;
    const reader = res.body.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      text += decoder.decode(part.value, { stream: true });
      if (!sawFirst && /\n\n/.test(text)) {
        first.push(performance.now() - t0);
        sawFirst = true;
      }
    }
    complete.push(performance.now() - t0);
    if (!/event: done/.test(text)) errors++;
  }
  return { firstEvent: summarize(first), complete: summarize(complete), errors };
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p97_5: number; p99: number; mean: number; max: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}

function requestsFor(questions: readonly string[]) {
  return questions.map((q) => ({ method: 'POST' as const, path: '/api/chat', headers: jsonHeaders, body: JSON.stringify({ message: q }) }));
}

/** Concurrent `/api/chat` load on loopback with autocannon, bounded in time. */
export async function measureLoad(url: string, questions: readonly string[], connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, requests: requestsFor(questions), timeout: 30 });
  return {
    connections,
    seconds,
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.total / result.duration, 1),
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      mean: round(result.latency.average, 1),
      max: result.latency.max,
    },
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  };
}

export interface SoakResult extends LoadResult {
  rssSamplesMiB: Array<{ t: number; rss: number }>;
  rssStartMiB: number;
  rssEndMiB: number;
  rssMaxMiB: number;
  /** Least-squares slope of RSS over the second half of the run, in MiB per minute. */
  rssSlopeSecondHalfMiBPerMin: number;
}

function slopePerMinute(points: Array<{ t: number; rss: number }>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mr = points.reduce((s, p) => s + p.rss, 0) / n;
  const cov = points.reduce((s, p) => s + (p.t - mt) * (p.rss - mr), 0);
  const varT = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return varT === 0 ? 0 : (cov / varT) * 60;
}

/** Steady load for `seconds`, sampling the server's resident memory every few seconds. */
export async function measureSoak(url: string, serverPid: number, questions: readonly string[], connections: number, seconds: number): Promise<SoakResult> {
  const samples: Array<{ t: number; rss: number }> = [];
  const t0 = performance.now();
  const sample = async () => {
    const rss = await readRssMiB(serverPid);
    if (rss !== null) samples.push({ t: round((performance.now() - t0) / 1000, 1), rss: round(rss, 1) });
  };
  await sample();
  const timer = setInterval(() => void sample(), 5000);
  try {
    const load = await measureLoad(url, questions, connections, seconds);
    await sample();
    const rss = samples.map((s) => s.rss);
    const secondHalf = samples.filter((s) => s.t >= seconds / 2);
    return {
      ...load,
      rssSamplesMiB: samples,
      rssStartMiB: rss[0] ?? Number.NaN,
      rssEndMiB: rss[rss.length - 1] ?? Number.NaN,
      rssMaxMiB: Math.max(...rss),
      rssSlopeSecondHalfMiBPerMin: round(slopePerMinute(secondHalf), 2),
    };
  } finally {
    clearInterval(timer);
  }
}
