import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRecord } from '../../src/chat/chatService.js';
import { formatDateVi } from '../../src/text/dates.js';
import { ingestCorpus } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { launchChromium, screenshot } from '../helpers/browser.js';
import { makeTempDir, REPO_ROOT, testConfig } from '../helpers/config.js';

/**
 * The full-page chat's filters in a real Chromium against the real server: outlets and the date
 * span come from /api/facets, the chosen filter goes with the question and comes back in the
 * answer, and the period a question names is shown with the answer.
 */

let tmp: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  tmp = await makeTempDir('vnrag-e2e-filters-');
  const corpusDir = path.join(tmp, 'corpus');
  await fs.mkdir(corpusDir);
  for (const dir of ['corpus', 'eval/dated-corpus']) {
    for (const file of await fs.readdir(path.join(REPO_ROOT, dir))) {
      if (file.endsWith('.md') && file !== 'README.md') await fs.copyFile(path.join(REPO_ROOT, dir, file), path.join(corpusDir, file));
    }
  }
  const config = testConfig({
    CORPUS_DIR: corpusDir,
    INDEX_DIR: path.join(tmp, 'index'),
    DATA_DIR: path.join(tmp, 'data'),
    PORT: '0',
    RATE_LIMIT_PER_MINUTE: '10000',
    SHUTDOWN_GRACE_MS: '200',
    TIME_REFERENCE: '2020-12-15',
  });
  await ingestCorpus(config);
  server = await startServer(config);
  await server.ready;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('chat page filters', () => {
  it('offers the archive\'s outlets and dates, sends the chosen filter and shows it with the answer', async () => {
    const page = await browser.newPage();
    const bodies: Array<{ filter?: unknown }> = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/chat/stream') && req.method() === 'POST') bodies.push(JSON.parse(req.postData() ?? '{}') as { filter?: unknown });
    });
    try {
      await page.goto(server.url);
      const outlet = page.locator('[data-role=filter-outlet]');
      await page.locator('[data-role=filter-outlet] option[value="VOV"]').waitFor({ state: 'attached' });
      expect(await page.locator('[data-role=filter-from]').getAttribute('min')).toBe('2016-05-12');
      expect(await page.locator('[data-role=filter-to]').getAttribute('max')).toBe('2020-12-10');
      expect(await page.locator('[data-role=filter-span]').textContent()).toBe('Kho bài: 12/05/2016 – 10/12/2020');

      await outlet.selectOption('VOV');
      await page.locator('[data-role=filter-from]').fill('2019-01-01');
      await page.locator('[data-role=filter-to]').fill('2019-12-31');
      await page.locator('textarea').fill('Cầu Phú Lâm có sự kiện gì?');
      await page.locator('textarea').press('Enter');
      const answer = page.locator('[data-role=assistant][data-state=done]').first();
      await answer.waitFor();
      expect(bodies[0]?.filter).toEqual({ outlets: ['VOV'], from: '2019-01-01', to: '2019-12-31' });
      expect(await answer.locator('[data-role=scope]').textContent()).toBe('Bộ lọc: nguồn VOV; từ 01/01/2019 đến 31/12/2019');
      await screenshot(page, 'chat-page-filters');

      // Cleared filters, and a period named in the question: the answer says which period it used.
      await outlet.selectOption('');
      await page.locator('[data-role=filter-from]').fill('');
      await page.locator('[data-role=filter-to]').fill('');
      await page.locator('textarea').fill('Năm ngoái cầu Phú Lâm có sự kiện gì?');
      await page.locator('textarea').press('Enter');
      const second = page.locator('[data-role=assistant][data-state=done]').nth(1);
      await second.waitFor();
      expect(bodies[1]?.filter).toEqual({});
      expect(await second.locator('[data-role=scope]').textContent()).toBe('Khoảng thời gian: từ 01/01/2019 đến 31/12/2019 (theo “Năm ngoái”)');
      expect(await second.locator('.bubble').textContent()).toMatch(/^Trong các bài từ 01\/01\/2019 đến 31\/12\/2019: /);
      // The filter is applied inside the store's search: only VOV articles of 2019 were cited.
      const firstSources = (await answer.locator('.sources li').allTextContents()).join('\n');
      expect(firstSources).toContain('Chính thức thông xe cầu Phú Lâm');
      expect(firstSources).not.toContain('TPO');
    } finally {
      await page.close();
    }
  });
});

describe('sources grouped by article', () => {
  it('shows the passages of one article together under its title, outlet and date, then "Bài liên quan"', async () => {
    const question = 'Các mốc quan hệ ASEAN - Liên Hợp Quốc?';
    // The same question through the API: the record the page must show.
    const res = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message: question }) });
    const record = (await res.json()) as ChatRecord;
    const expected = new Map<string, number[]>();
    for (const c of [...record.citations].sort((a, b) => a.n - b.n)) expected.set(c.documentId, [...(expected.get(c.documentId) ?? []), c.n]);
    // The question is one whose answer cites several passages of one article.
    expect([...expected.values()].some((ns) => ns.length > 1)).toBe(true);

    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      await page.locator('textarea').fill(question);
      await page.locator('textarea').press('Enter');
      const answer = page.locator('[data-role=assistant][data-state=done]').first();
      await answer.waitFor();
      const articles = answer.locator('.source-article');
      const shown = await articles.evaluateAll((lis) =>
        lis.map((li) => ({
          documentId: li.getAttribute('data-document-id'),
          head: li.querySelector('.source-article-head')?.textContent ?? '',
          passages: [...li.querySelectorAll('.source-item')].map((b) => Number(b.getAttribute('data-n'))),
        })),
      );
      expect(shown.map((a) => [a.documentId, a.passages])).toEqual([...expected.entries()]);
      for (const a of shown) {
        const c = record.citations.find((x) => x.documentId === a.documentId)!;
        expect(a.head).toBe(`${c.title} — ${[c.outlet, formatDateVi(c.publishedAt)].filter((x) => x).join(' · ')}`);
      }
      // A passage under its article opens its card.
      const grouped = [...expected.entries()].find(([, ns]) => ns.length > 1)!;
      await answer.locator(`.source-article[data-document-id="${grouped[0]}"] .source-item`).nth(1).click();
      expect(await answer.locator('.card').getAttribute('data-n')).toBe(String(grouped[1][1]));

      // Related articles: the API's list, shown by title, none of them cited.
      expect(record.related.length).toBeGreaterThan(0);
      const related = answer.locator('[data-role=related] li');
      expect(await related.count()).toBe(record.related.length);
      for (const [i, a] of record.related.entries()) {
        expect(expected.has(a.documentId)).toBe(false);
        expect(await related.nth(i).locator('a').textContent()).toBe(a.title);
      }
      await screenshot(page, 'chat-page-grouped-sources');
    } finally {
      await page.close();
    }
  });
});
