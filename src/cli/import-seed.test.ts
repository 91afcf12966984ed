import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../corpus/load.js';
import { importScrapes, toMarkdown } from './import-seed.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const SEED_DIR = path.resolve(REPO_ROOT, '../shared/seed-articles');
const run = promisify(execFile);

describe('importScrapes on the seed scrapes', () => {
  it('finds the 7 articles with their outlets and dates', async () => {
    const articles = await importScrapes(SEED_DIR);
    expect(articles.map((a) => [a.originalFile.slice(0, 17), a.outlet, a.publishedAt])).toEqual([
      ['seed-articles/000', 'TTXVN/Vietnam+', null],
      ['seed-articles/001', 'TTXVN/Vietnam+', null],
      ['seed-articles/002', 'VOV', null],
      ['seed-articles/002', 'TPO', null],
      ['seed-articles/002', null, null],
      ['seed-articles/003', null, '2020-10-30T11:57'],
      ['seed-articles/004', 'VOV', '2020-11-24T01:11'],
    ]);
    expect(articles.filter((a) => a.titleNeedsReview).map((a) => a.originalFile)).toEqual([
      'seed-articles/001_5ff6e0c6c72cd38f.txt',
    ]);
    expect(new Set(articles.map((a) => a.id)).size).toBe(7);
  });

  it('writes Markdown that loadCorpus reads back unchanged', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-import-'));
    try {
      const articles = await importScrapes(SEED_DIR);
      for (const a of articles) await fs.writeFile(path.join(dir, `${a.id}.md`), toMarkdown(a));
      const corpus = await loadCorpus(dir);
      expect(corpus.problems).toEqual([]);
      const byId = new Map(corpus.articles.map((a) => [a.id, a]));
      for (const a of articles) {
        expect(byId.get(a.id)).toMatchObject({ title: a.title, outlet: a.outlet, publishedAt: a.publishedAt, text: a.body });
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('the CLI refuses to overwrite without --force', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vnrag-import-'));
    const cli = ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/import-seed.ts'), SEED_DIR, dir];
    try {
      await run(process.execPath, cli, { cwd: REPO_ROOT });
      expect((await fs.readdir(dir)).filter((f) => f.endsWith('.md'))).toHaveLength(7);
      await expect(run(process.execPath, cli, { cwd: REPO_ROOT })).rejects.toMatchObject({
        stderr: expect.stringMatching(/refusing to overwrite 7 file\(s\).*--force/),
      });
      await run(process.execPath, [...cli, '--force'], { cwd: REPO_ROOT });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
