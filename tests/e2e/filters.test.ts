import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
