import fs from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './config.js';

/** The repository's corpus (its Markdown articles), copied so a test can edit and delete files. */
export async function copyRealCorpus(to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const f of await fs.readdir(path.join(REPO_ROOT, 'corpus'))) {
    if (f.endsWith('.md') && f !== 'README.md') await fs.copyFile(path.join(REPO_ROOT, 'corpus', f), path.join(to, f));
  }
}

/** Polls `check` every 100 ms until it holds; the seconds it took, or an error after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return (performance.now() - started) / 1000;
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
