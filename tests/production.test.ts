import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, buildIsCurrent } from '../scripts/build.js';
import { HUGE_PAGES_TUNABLE, withHugePages } from '../src/app/hugePages.js';
import { makeTempDir, REPO_ROOT } from './helpers/config.js';

/**
 * The two ways the product starts on a machine that has nothing but the repository: from the
 * sources with no configuration at all (the shipped model, defaults found from the project root
 * whatever the working directory), and from dist/ with node and production dependencies only.
 */

interface Started {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Only what a shell needs; none of the product's variables (EMBEDDING_MODEL, TEST_*, …). */
function bareEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'] as const;
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}

async function startProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000, command = process.execPath): Promise<Started> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Serving on" within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /Serving on (http:\/\/\S+?) /.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before serving:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Whether this kernel gives huge pages to a process that asks for them (Linux, THP not "never"). */
async function hugePagesAvailable(): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  const mode = await fs.readFile('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').catch(() => '[never]');
  return !mode.includes('[never]');
}

async function anonHugePagesKiB(pid: number): Promise<number> {
  const rollup = await fs.readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/AnonHugePages:\s+(\d+)/.exec(rollup)?.[1] ?? 0);
}

async function askGrounded(url: string) {
  const res = await fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'Năm nào ASEAN và UNDP chính thức lập quan hệ đối tác?' }),
  });
  expect(res.status).toBe(200);
  const record = (await res.json()) as { answer: string; grounded: boolean; citations: Array<{ documentId: string }> };
  expect(record.grounded).toBe(true);
  expect(record.citations.length).toBeGreaterThan(0);
  expect(record.answer).toContain('1977');
}

const running: Started[] = [];
const temps: string[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await Promise.all(temps.map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('offline start with no configuration', () => {
  it('starts from the sources with no environment variable, from another working directory, and gets ready', async () => {
    const cwd = await makeTempDir('vnrag-cwd-');
    temps.push(cwd);
    const corpus = path.join(cwd, 'corpus');
    await fs.cp(path.join(REPO_ROOT, 'corpus'), corpus, { recursive: true });
    const tsx = import.meta.resolve('tsx');
    const server = await startProcess(
      ['--import', tsx, path.join(REPO_ROOT, 'src/cli/serve.ts')],
      cwd,
      bareEnvironment({ PORT: '0', CORPUS_DIR: corpus, INDEX_DIR: path.join(cwd, 'index'), DATA_DIR: path.join(cwd, 'data') }),
    );
    running.push(server);
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as { ready: boolean; model: string; articles: number };
    expect(ready.ready).toBe(true);
    expect(ready.model).toBe(path.join(REPO_ROOT, 'models', 'vi-news-embed-small'));
    expect(ready.articles).toBeGreaterThan(0);
    await askGrounded(server.url);
    expect(await server.stop()).toBe(0);
  });
});

describe('npm start', () => {
  it('runs the server as npm\'s own child with huge pages asked for, and stops it gracefully when npm gets SIGTERM', async () => {
    const cwd = await makeTempDir('vnrag-npm-start-');
    temps.push(cwd);
    // npm as the tests were started with it (npm test), else the one on PATH.
    const npmCli = process.env.npm_execpath;
    const server = await startProcess(
      npmCli ? [npmCli, 'start'] : ['start'],
      REPO_ROOT,
      bareEnvironment({ PORT: '0', INDEX_DIR: path.join(cwd, 'index'), DATA_DIR: path.join(cwd, 'data') }),
      240_000,
      npmCli ? process.execPath : 'npm',
    );
    running.push(server);
    // `exec` in the start script: the server replaces the shell, so npm's signals reach it.
    const children = (await fs.readFile(`/proc/${server.child.pid!}/task/${server.child.pid!}/children`, 'utf8').catch(() => '')).trim().split(/\s+/);
    expect(children).toHaveLength(1);
    const serverPid = Number(children[0]);
    expect(await fs.readFile(`/proc/${serverPid}/cmdline`, 'utf8')).toContain('scripts/start.js');
    const environ = (await fs.readFile(`/proc/${serverPid}/environ`, 'utf8')).split('\0');
    expect(environ).toContain(`GLIBC_TUNABLES=${HUGE_PAGES_TUNABLE}`);
    await askGrounded(server.url);
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).toContain('SIGTERM: finishing requests in flight');
    // The server is gone with npm, not left serving.
    await expect(fs.access(`/proc/${serverPid}`)).rejects.toThrow();
  });
});

describe('production start from dist/', () => {
  let appDir: string;

  beforeAll(async () => {
    if (!buildIsCurrent()) await build();
    // A deployment: package.json, dist/, prompts/, models/ and only the production dependencies
    // (linked from the full install, so nothing but them resolves from the app's own code).
    appDir = await makeTempDir('vnrag-prod-');
    temps.push(appDir);
    await fs.cp(path.join(REPO_ROOT, 'dist'), path.join(appDir, 'dist'), { recursive: true });
    await fs.cp(path.join(REPO_ROOT, 'prompts'), path.join(appDir, 'prompts'), { recursive: true });
    await fs.copyFile(path.join(REPO_ROOT, 'package.json'), path.join(appDir, 'package.json'));
    await fs.symlink(path.join(REPO_ROOT, 'models'), path.join(appDir, 'models'));
    const pkg = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies)) {
      const link = path.join(appDir, 'node_modules', name);
      await fs.mkdir(path.dirname(link), { recursive: true });
      await fs.symlink(await fs.realpath(path.join(REPO_ROOT, 'node_modules', name)), link);
    }
  });

  it('has no compiler, bundler or TypeScript runner within reach', () => {
    const requireFromApp = createRequire(path.join(appDir, 'dist', 'cli', 'serve.js'));
    for (const dev of ['typescript', 'tsx', 'esbuild', 'vitest']) {
      expect(() => requireFromApp.resolve(dev), dev).toThrow();
    }
    expect(requireFromApp.resolve('express')).toBeTruthy();
  });

  it('starts with node, serves the prebuilt widget, answers a question with a citation, and stops on SIGTERM', async () => {
    const server = await startProcess(
      [path.join('dist', 'cli', 'serve.js')],
      appDir,
      // As `npm start` starts it.
      withHugePages(
        bareEnvironment({
          PORT: '0',
          CORPUS_DIR: path.join(REPO_ROOT, 'corpus'),
          INDEX_DIR: path.join(appDir, 'index'),
          DATA_DIR: path.join(appDir, 'data'),
          MAX_MESSAGE_CHARS: '1500',
        }),
      ),
    );
    running.push(server);
    if (await hugePagesAvailable()) {
      // The model and the index were read into huge pages (glibc asked for them).
      expect(await anonHugePagesKiB(server.child.pid!)).toBeGreaterThan(0);
    }
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as { ready: boolean; model: string };
    expect(ready).toMatchObject({ ready: true, model: path.join(appDir, 'models', 'vi-news-embed-small') });
    await askGrounded(server.url);

    const widget = await fetch(`${server.url}/widget.js`);
    expect(widget.status).toBe(200);
    const code = await widget.text();
    expect(code).toContain(await fs.readFile(path.join(REPO_ROOT, 'dist', 'public', 'widget.js'), 'utf8'));
    expect(code).toContain('(1500)');
    expect((await fetch(`${server.url}/article-view.js`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('vnrag_answers_total{mode="extractive",outcome="grounded"} 1');

    expect(await server.stop()).toBe(0);
  });
});
