// @ts-check
/**
 * Cold start of the compiled server: time from spawning `node dist/cli/serve.js --no-ingest` (in
 * the environment `npm start` gives it: GLIBC_TUNABLES for huge pages, src/app/hugePages.ts) to
 * the first 200 from `/ready`, several runs one after the other, with each run's RSS and the load
 * average when it started (the machine may be shared: say so next to the figures).
 *
 *   npm run build
 *   INDEX_DIR=<archive> EMBEDDING_MODEL=<model folder> node scripts/coldstart.js [--runs 7] [--dist DIR]
 *
 * The server is started with --no-ingest, so it only reads INDEX_DIR. `--dist` times another build
 * (for a before/after comparison); it must sit in a checkout of its own (the server finds its files
 * from there). Everything else comes from the environment, as for `npm start`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DIST } from './build.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, dist: { type: 'string', default: DIST } } });
const runs = Number(values.runs);
const dist = path.resolve(values.dist ?? DIST);
const serveJs = path.join(dist, 'cli', 'serve.js');
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
if (!fs.existsSync(serveJs)) throw new Error(`${serveJs} is missing: run \`npm run build\` first`);
// The server's environment as `npm start` makes it (huge pages), from the build being timed; a
// build from before that had none.
const hugePagesJs = path.join(dist, 'app', 'hugePages.js');
/** @type {(env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv} */
const serverEnvironment = fs.existsSync(hugePagesJs) ? (await import(pathToFileURL(hugePagesJs).href)).withHugePages : (env) => env;

/** @returns {Promise<number>} a port that was free a moment ago */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const rssMiB = (/** @type {number} */ pid) => {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

/** @returns {Promise<number>} milliseconds from spawn to the first 200 from /ready */
async function once() {
  const port = await freePort();
  const load = loadAverage();
  const started = performance.now();
  const child = spawn(process.execPath, [serveJs, '--no-ingest'], {
    env: serverEnvironment({ ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d.toString()).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    while (!exited && performance.now() - started < 120_000) {
      const ok = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status === 200, () => false);
      if (ok) {
        const ms = performance.now() - started;
        console.log(`${Math.round(ms)} ms  RSS ${rssMiB(child.pid ?? 0)} MiB  load average ${load}`);
        return ms;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`the server was not ready:\n${stderr}`);
  } finally {
    if (!exited) await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')));
  }
}

const times = [];
for (let i = 0; i < runs; i++) {
  times.push(await once());
  await new Promise((r) => setTimeout(r, 500));
}
times.sort((a, b) => a - b);
console.log(
  `${runs} runs of ${serveJs}: median ${Math.round(times[Math.floor((runs - 1) / 2)] ?? NaN)} ms, ` +
    `min ${Math.round(times[0] ?? NaN)}, max ${Math.round(times[runs - 1] ?? NaN)}; load average now ${loadAverage()}`,
);
