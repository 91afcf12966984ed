// @ts-check
/**
 * CI's production check: in a deployment folder (the repository's files, the built dist/, and
 * `npm ci --omit=dev`), the compiled server starts with node, gets ready with the shipped model
 * and no configuration but a port and temporary data folders, answers one question grounded in
 * a cited source, and stops cleanly on SIGTERM.
 *
 *   node .ci/production-check.js <deployment folder>
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const appDir = path.resolve(process.argv[2] ?? '');
const QUESTION = 'Năm nào ASEAN và UNDP chính thức lập quan hệ đối tác?';
const START_TIMEOUT_MS = 300_000;

/** @param {string} message */
function fail(message) {
  process.stderr.write(`production check: ${message}\n`);
  process.exit(1);
}

if (!fs.existsSync(path.join(appDir, 'dist', 'cli', 'serve.js'))) fail(`no dist/cli/serve.js in ${appDir}`);

// Only production dependencies: the build tools must not be installed there.
const requireFromApp = createRequire(path.join(appDir, 'dist', 'cli', 'serve.js'));
for (const dev of ['typescript', 'tsx', 'esbuild']) {
  let found = false;
  try {
    requireFromApp.resolve(dev);
    found = true;
  } catch {
    // expected
  }
  if (found) fail(`${dev} is installed in ${appDir}; the check must run on production dependencies only`);
}

const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vnrag-prod-check-'));
/** @type {NodeJS.ProcessEnv} */
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  PORT: '0',
  HOST: '127.0.0.1',
  INDEX_DIR: path.join(dataRoot, 'index'),
  DATA_DIR: path.join(dataRoot, 'data'),
};
const started = Date.now();
const child = spawn(process.execPath, ['dist/cli/serve.js'], { cwd: appDir, env, stdio: ['ignore', 'inherit', 'pipe'] });
let stderr = '';
child.stderr?.setEncoding('utf8');
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));

/** @returns {Promise<string>} */
function serverUrl() {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not serving after ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      const m = /Serving on (http:\/\/\S+?) /.exec(stderr);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before serving`));
    });
  });
}

try {
  const url = await serverUrl();
  const ready = await (await fetch(`${url}/ready`)).json();
  if (ready.ready !== true) throw new Error(`/ready says ${JSON.stringify(ready)}`);
  const res = await fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: QUESTION }),
  });
  const record = await res.json();
  if (res.status !== 200 || record.grounded !== true || !(record.citations?.length > 0)) {
    throw new Error(`POST /api/chat answered ${res.status}: ${JSON.stringify(record)}`);
  }
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`the server exited with ${code} on SIGTERM`);
  process.stderr.write(
    `production check: ready in ${((Date.now() - started) / 1000).toFixed(1)} s with ${ready.articles} articles (model ${path.basename(ready.model)}); ` +
      `answered with ${record.citations.length} citation(s): ${record.answer.slice(0, 80)}…\n`,
  );
} catch (err) {
  child.kill('SIGKILL');
  process.stderr.write(stderr);
  fail(err instanceof Error ? err.message : String(err));
} finally {
  fs.rmSync(dataRoot, { recursive: true, force: true });
}
