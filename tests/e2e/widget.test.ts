import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { ingestCorpus } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { startFakeLlm } from './fakeLlm.js';
import { freePort, HOSTILE_CSS, hostPageHtml, launchChromium, screenshot, startHostSite, type HostSite } from '../helpers/browser.js';
import { makeTempDir, REPO_ROOT, testConfig } from '../helpers/config.js';

/**
 * The widget as a reader meets it: embedded with one script tag in a page of another origin (with
 * hostile CSS), talking to the real server over a real index built from corpus/ plus one article
 * full of markup that must stay inert.
 */

const QUESTION = 'Tổng Thư ký ASEAN đề xuất hợp tác với Liên hợp quốc tập trung vào những lĩnh vực nào?';
const FOLLOW_UP = 'Còn Tổng Thư ký Ban Ki-moon nhấn mạnh điều gì?';
const NOT_FOUND_QUESTION = 'Giá vé tàu cao tốc Bắc Nam năm 2030 là bao nhiêu?';
const HOSTILE_QUESTION = 'Lễ hội Sen Tháp Mười thu hút bao nhiêu du khách?';
const SCRIPT_TEXT = '<script>window.__pwned=1</script>';
const IMG_TEXT = '<img src=x onerror="window.__pwned=1">';

const HOSTILE_ARTICLE = `---
id: le-hoi-sen-thap-muoi
title: 'Lễ hội Sen Tháp Mười ${IMG_TEXT} thu hút du khách'
outlet: Báo Thử Nghiệm
publishedAt: 2024-06-15
url: null
originalFile: null
---

Lễ hội Sen Tháp Mười năm nay thu hút hơn 50.000 du khách đến tham quan các đầm sen ${SCRIPT_TEXT} ở huyện Tháp Mười, tỉnh Đồng Tháp.

Ban tổ chức Lễ hội Sen Tháp Mười cho biết du khách được chèo xuồng giữa đầm sen và thưởng thức các món ăn từ sen ${IMG_TEXT} trong suốt ba ngày lễ hội.
`;

let tmp: string;
let baseEnv: Record<string, string>;
let config: Config;
const pages: Record<string, string> = {};
let server: RunningServer | null = null;
let browser: Browser;
let host: HostSite;
let deniedHost: HostSite;
let apiBase: string;

async function copyCorpus(into: string): Promise<void> {
  await fs.cp(path.join(REPO_ROOT, 'corpus'), into, { recursive: true });
  await fs.writeFile(path.join(into, 'le-hoi-sen-thap-muoi.md'), HOSTILE_ARTICLE);
}

beforeAll(async () => {
  tmp = await makeTempDir('vnrag-e2e-');
  const corpusDir = path.join(tmp, 'corpus');
  await copyCorpus(corpusDir);
  const [hostPort, serverPort] = [await freePort(), await freePort()];
  baseEnv = {
    CORPUS_DIR: corpusDir,
    INDEX_DIR: path.join(tmp, 'index'),
    DATA_DIR: path.join(tmp, 'data'),
    PORT: String(serverPort),
    CORS_ORIGINS: `http://127.0.0.1:${hostPort}`,
    RATE_LIMIT_PER_MINUTE: '10000',
    SHUTDOWN_GRACE_MS: '200',
  };
  config = testConfig(baseEnv);
  await ingestCorpus(config);
  server = await startServer(config);
  await server.ready;
  apiBase = server.url.replace(/\/+$/, '');
  const widgetSrc = `${apiBase}/widget.js`;
  Object.assign(pages, {
    '/': hostPageHtml({ widgetSrc, css: HOSTILE_CSS, attrs: { title: 'Trợ lý tin tức' } }),
    '/dark': hostPageHtml({ widgetSrc, attrs: { theme: 'dark', open: 'true' } }),
    // A page that lifts the client-side limit, so the server's own 413 is what the reader meets.
    '/no-client-limit': hostPageHtml({ widgetSrc, attrs: { 'max-chars': '100000', open: 'true' } }),
  });
  host = await startHostSite(pages, hostPort);
  deniedHost = await startHostSite(pages);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await host?.close();
  await deniedHost?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

interface Watched {
  page: Page;
  context: BrowserContext;
  /** Bodies of every POST /api/chat/stream, in order. */
  chatBodies: Array<{ message: string; conversationId?: string }>;
  errors: string[];
}

async function openPage(url: string, opts: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}): Promise<Watched> {
  // Reduced motion also makes scrolling instant, so screenshots show where things end up.
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 860 }, colorScheme: opts.colorScheme ?? 'light', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const watched: Watched = { page, context, chatBodies: [], errors: [] };
  page.on('request', (req) => {
    if (req.method() === 'POST' && req.url().endsWith('/api/chat/stream')) watched.chatBodies.push(req.postDataJSON() as Watched['chatBodies'][number]);
  });
  page.on('pageerror', (err) => watched.errors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) watched.errors.push(msg.text());
  });
  await page.goto(url);
  return watched;
}

async function openPanel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Mở Trợ lý tin tức' }).click();
  await expect.poll(() => page.getByRole('dialog', { name: 'Trợ lý tin tức' }).isVisible()).toBe(true);
}

/** Types a question, sends it with Enter and waits for the finished answer (the n-th assistant message). */
async function ask(page: Page, question: string, n: number) {
  const input = page.getByLabel('Câu hỏi của bạn');
  await input.fill(question);
  await input.press('Enter');
  const answer = page.locator('[data-role=assistant][data-state=done]').nth(n - 1);
  await answer.waitFor({ timeout: 60_000 });
  return answer;
}

function storedConversation(page: Page): Promise<{ conversationId: string | null; messages: unknown[] } | null> {
  return page.evaluate((key) => {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as { conversationId: string | null; messages: unknown[] }) : null;
  }, `vnrag-widget:${apiBase}`);
}

describe('embedded widget against the real server', () => {
  it('answers with working citations on a page with hostile CSS, and the article link highlights the passage', async () => {
    const { page, context, errors } = await openPage(`${host.origin}/`);
    await openPanel(page);
    // The page hides every button and textarea; the widget's own must still be usable.
    await expect.poll(() => page.getByRole('button', { name: 'Gửi' }).isVisible()).toBe(true);
    const textColor = await page.locator('.welcome').evaluate((e) => getComputedStyle(e).color);
    expect(textColor).not.toBe('rgb(255, 0, 0)');
    await screenshot(page, '01-open-hostile-css');

    const answer = await ask(page, QUESTION, 1);
    const markers = answer.locator('button.cite');
    expect(await markers.count()).toBeGreaterThan(0);
    expect(await answer.locator('.sources li').count()).toBeGreaterThan(0);
    await markers.first().click();
    const card = answer.locator('.card');
    await card.waitFor();
    const snippet = (await card.locator('mark').textContent()) ?? '';
    expect(snippet.length).toBeGreaterThan(20);
    expect(await card.locator('.card-title').textContent()).toMatch(/^\[1\] /);
    await screenshot(page, '02-answer-with-source-card');

    const link = card.getByRole('link', { name: 'Xem toàn bài' });
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toMatch(new RegExp(`^${apiBase}/articles/[a-z0-9-]+\\?start=\\d+&end=\\d+$`));
    const [article] = await Promise.all([context.waitForEvent('page'), link.click()]);
    article.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) errors.push(msg.text());
    });
    const mark = article.locator('mark#highlight');
    await mark.waitFor();
    const marked = ((await mark.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    expect(marked.length).toBeGreaterThan(20);
    expect(snippet.replace(/\s+/g, ' ')).toContain(marked.slice(0, 60));
    expect(await article.locator('h1').textContent()).toBeTruthy();
    await expect.poll(() => mark.isVisible()).toBe(true);
    await screenshot(article, '03-article-view-highlight');

    // Feedback on the answer.
    await answer.getByRole('button', { name: 'Câu trả lời hữu ích' }).click();
    await answer.getByText('Cảm ơn phản hồi của bạn').waitFor();
    const feedbackFile = await fs.readFile(path.join(config.paths.dataDir, 'feedback.jsonl'), 'utf8');
    expect(feedbackFile).toContain('"up"');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the answer while it streams, before the done event', async () => {
    // The real server answering with a (fake) language model that holds the end of its reply:
    // whatever the page shows meanwhile was streamed, since `done` cannot have been sent yet.
    const llm = await startFakeLlm(['Tổng Thư ký Lê Lương Minh đề xuất ', 'hợp tác tập trung vào '], ['ba lĩnh vực chính [1].']);
    const llmServer = await startServer(testConfig({ ...baseEnv, PORT: '0', LLM_PROVIDER: 'openai', LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'fake' }));
    try {
      await llmServer.ready;
      pages['/llm'] = hostPageHtml({ widgetSrc: `${llmServer.url.replace(/\/+$/, '')}/widget.js` });
      const { page, context } = await openPage(`${host.origin}/llm`);
      await openPanel(page);
      // Every state the conversation passes through, recorded as the DOM changes.
      await page.evaluate(() => {
        const root = document.querySelector('vnrag-chat-widget')?.shadowRoot as ShadowRoot;
        const records: string[] = [];
        (window as unknown as { __records: string[] }).__records = records;
        new MutationObserver(() => {
          const m = root.querySelector<HTMLElement>('[data-role=assistant]');
          records.push(m ? `${m.dataset.state}:${m.querySelector('.bubble')?.textContent ?? ''}` : root.querySelector('.typing') ? 'typing' : 'idle');
        }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      const input = page.getByLabel('Câu hỏi của bạn');
      await input.fill(QUESTION);
      await input.press('Enter');
      await llm.firstPartSent;
      const streaming = page.locator('[data-role=assistant][data-state=streaming] .bubble');
      await streaming.filter({ hasText: 'đề xuất hợp tác tập trung vào' }).waitFor();
      expect(await streaming.textContent()).not.toContain('ba lĩnh vực');
      expect(await input.isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Gửi' }).isDisabled()).toBe(true);
      await screenshot(page, '04-streaming');

      llm.release();
      const done = page.locator('[data-role=assistant][data-state=done]');
      await done.waitFor({ timeout: 60_000 });
      expect(await done.locator('.bubble').textContent()).toContain('ba lĩnh vực chính');
      expect(await done.locator('button.cite').count()).toBe(1);
      expect(await input.isDisabled()).toBe(false);
      const records = await page.evaluate(() => (window as unknown as { __records: string[] }).__records);
      const firstStreaming = records.findIndex((r) => r.startsWith('streaming:Tổng'));
      expect(records.indexOf('typing')).toBeGreaterThanOrEqual(0);
      expect(records.indexOf('typing')).toBeLessThan(firstStreaming);
      expect(firstStreaming).toBeLessThan(records.findIndex((r) => r.startsWith('done:')));
      await context.close();
    } finally {
      await llmServer.close();
      await llm.close();
    }
  });

  it('keeps the conversation for follow-ups and across a reload; "Cuộc trò chuyện mới" starts over', async () => {
    const { page, context, chatBodies } = await openPage(`${host.origin}/`);
    await openPanel(page);
    await ask(page, QUESTION, 1);
    const first = await storedConversation(page);
    expect(first?.conversationId).toBeTruthy();
    expect(chatBodies[0]?.conversationId).toBeUndefined();

    await ask(page, FOLLOW_UP, 2);
    expect(chatBodies[1]?.conversationId).toBe(first?.conversationId);

    await page.reload();
    // The panel reopens with both turns, rendered from storage, markers still clickable.
    await page.getByRole('dialog', { name: 'Trợ lý tin tức' }).waitFor();
    expect(await page.locator('[data-role=user]').count()).toBe(2);
    expect(await page.locator('[data-role=assistant][data-state=done]').count()).toBe(2);
    await page.locator('[data-role=assistant] button.cite').first().click();
    await page.locator('.card').first().waitFor();
    await screenshot(page, '05-after-reload');

    await ask(page, 'Cuộc họp diễn ra ở đâu?', 3);
    expect(chatBodies[2]?.conversationId).toBe(first?.conversationId);

    await page.getByRole('button', { name: 'Cuộc trò chuyện mới' }).click();
    expect(await page.locator('[data-role=user]').count()).toBe(0);
    expect((await storedConversation(page))?.conversationId ?? null).toBeNull();
    await ask(page, QUESTION, 1);
    expect(chatBodies[3]?.conversationId).toBeUndefined();
    await context.close();
  });

  it('shows a distinct not-found notice without sources', async () => {
    const { page, context } = await openPage(`${host.origin}/`);
    await openPanel(page);
    const answer = await ask(page, NOT_FOUND_QUESTION, 1);
    expect(await answer.getAttribute('class')).toContain('notfound');
    expect(await answer.getByText('Không tìm thấy thông tin').count()).toBe(1);
    expect(await answer.locator('.sources, button.cite').count()).toBe(0);
    await screenshot(page, '06-not-found');
    await context.close();
  });

  it('renders markup in sources as inert characters', async () => {
    const { page, context } = await openPage(`${host.origin}/`);
    await openPanel(page);
    const answer = await ask(page, HOSTILE_QUESTION, 1);
    await answer.locator('.source-item').first().click();
    const card = answer.locator('.card');
    await card.waitFor();
    const visible = `${await answer.locator('.bubble').textContent()} ${await card.textContent()}`;
    expect(visible.includes(SCRIPT_TEXT) || visible.includes(IMG_TEXT)).toBe(true);
    expect(await card.locator('.card-title').textContent()).toContain(IMG_TEXT);
    const injected = await page.evaluate(() => document.querySelector('vnrag-chat-widget')?.shadowRoot?.querySelectorAll('script, img').length);
    expect(injected).toBe(0);
    await screenshot(page, '07-hostile-source-inert');

    const [article] = await Promise.all([context.waitForEvent('page'), card.getByRole('link', { name: 'Xem toàn bài' }).click()]);
    await article.locator('mark#highlight').waitFor();
    expect(await article.locator('main').textContent()).toContain(SCRIPT_TEXT);
    expect(await article.locator('main img, main script').count()).toBe(0);
    expect(await article.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await context.close();
  });

  it('refuses a host page whose origin is not allowed, and the widget says so', async () => {
    const { page, context } = await openPage(`${deniedHost.origin}/`);
    const failed: string[] = [];
    page.on('requestfailed', (req) => failed.push(req.url()));
    await openPanel(page);
    const input = page.getByLabel('Câu hỏi của bạn');
    await input.fill(QUESTION);
    await input.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Không kết nối được máy chủ. Vui lòng thử lại.');
    expect(await alert.getByRole('button', { name: 'Thử lại' }).isVisible()).toBe(true);
    expect(failed.some((u) => u.endsWith('/api/chat/stream'))).toBe(true);
    expect(await page.locator('[data-role=assistant]').count()).toBe(0);
    await context.close();
  });

  it('stops a too-long question in the client, and explains the server\'s 413 as well', async () => {
    const { page, context, chatBodies } = await openPage(`${host.origin}/`);
    await openPanel(page);
    const input = page.getByLabel('Câu hỏi của bạn');
    const limit = config.server.maxMessageChars;
    await input.fill('a'.repeat(limit + 1));
    expect(await page.getByText(`${limit + 1}/${limit}`).isVisible()).toBe(true);
    expect(await page.getByText(`Câu hỏi quá dài: tối đa ${limit} ký tự.`).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Gửi' }).isDisabled()).toBe(true);
    await input.press('Enter');
    expect(chatBodies).toEqual([]);
    await screenshot(page, '12-too-long-client');
    await context.close();

    const other = await openPage(`${host.origin}/no-client-limit`);
    const otherInput = other.page.getByLabel('Câu hỏi của bạn');
    await otherInput.fill('Giá vàng '.repeat(Math.ceil(limit / 9) + 1));
    await otherInput.press('Enter');
    const alert = other.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Câu hỏi quá dài');
    expect(await alert.getByRole('button', { name: 'Thử lại' }).count()).toBe(0);
    // The question goes back into the box for shortening.
    expect((await otherInput.inputValue()).length).toBeGreaterThan(limit);
    await other.context.close();
  });

  it('fits a 360×640 phone screen, closes with Esc and returns focus to the launcher', async () => {
    const { page, context } = await openPage(`${host.origin}/`, { viewport: { width: 360, height: 640 } });
    await openPanel(page);
    const box = await page.getByRole('dialog').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 360, height: 640 });
    const answer = await ask(page, QUESTION, 1);
    const answerBox = await answer.boundingBox();
    expect((answerBox?.x ?? -1) >= 0 && (answerBox?.x ?? 0) + (answerBox?.width ?? 999) <= 360).toBe(true);
    await screenshot(page, '08-phone');
    await page.getByLabel('Câu hỏi của bạn').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    const focused = await page.evaluate(() => document.querySelector('vnrag-chat-widget')?.shadowRoot?.activeElement?.getAttribute('aria-label'));
    expect(focused).toBe('Mở Trợ lý tin tức');
    await context.close();
  });

  it('honours data-theme="dark" and data-open', async () => {
    const { page, context } = await openPage(`${host.origin}/dark`);
    const dialog = page.getByRole('dialog', { name: 'Trợ lý tin tức' });
    await dialog.waitFor();
    const bg = await dialog.evaluate((e) => getComputedStyle(e).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(150);
    await ask(page, QUESTION, 1);
    await page.locator('button.cite').first().click();
    await screenshot(page, '09-dark');
    await context.close();
  });

  it('serves a full-page chat at / under its strict CSP', async () => {
    const { page, context, errors } = await openPage(`${apiBase}/`, { colorScheme: 'dark' });
    // In page mode the panel is there at once, without a launcher, and the input has focus.
    await page.getByRole('dialog', { name: 'Trợ lý tin tức' }).waitFor();
    expect(await page.getByRole('button', { name: 'Mở Trợ lý tin tức' }).count()).toBe(0);
    await ask(page, QUESTION, 1);
    const padding = await page.locator('.bubble').first().evaluate((e) => getComputedStyle(e).paddingLeft);
    expect(padding).toBe('14px'); // the constructed stylesheet applied despite style-src 'self'
    await screenshot(page, '10-chat-page');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the server-down state; its retry works once the server is back, in a new conversation', async () => {
    const { page, context, chatBodies } = await openPage(`${host.origin}/`);
    await openPanel(page);
    await ask(page, QUESTION, 1);
    const before = (await storedConversation(page))?.conversationId;
    expect(before).toBeTruthy();
    await server?.close();
    server = null;
    const input = page.getByLabel('Câu hỏi của bạn');
    await input.fill(FOLLOW_UP);
    await input.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Không kết nối được máy chủ. Vui lòng thử lại.');
    await screenshot(page, '11-server-down');

    // The restarted server has forgotten the conversation (404 conversation_not_found): the
    // widget starts a new one and resends, without bothering the reader.
    server = await startServer(config);
    await server.ready;
    await alert.getByRole('button', { name: 'Thử lại' }).click();
    await page.locator('[data-role=assistant][data-state=done]').nth(1).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('[data-role=user]').count()).toBe(2);
    expect(chatBodies.at(-2)).toEqual({ message: FOLLOW_UP, conversationId: before });
    expect(chatBodies.at(-1)).toEqual({ message: FOLLOW_UP });
    const after = (await storedConversation(page))?.conversationId;
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    await context.close();
  });

  it('says when the reader sends too fast, and holds the retry for Retry-After', async () => {
    const limited = await startServer(testConfig({ ...baseEnv, PORT: '0', RATE_LIMIT_PER_MINUTE: '1' }));
    try {
      await limited.ready;
      pages['/limited'] = hostPageHtml({ widgetSrc: `${limited.url.replace(/\/+$/, '')}/widget.js`, attrs: { open: 'true' } });
      const { page, context } = await openPage(`${host.origin}/limited`);
      await ask(page, QUESTION, 1);
      const input = page.getByLabel('Câu hỏi của bạn');
      await input.fill(FOLLOW_UP);
      await input.press('Enter');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/^Bạn gửi quá nhanh, vui lòng chờ một chút\. Có thể thử lại sau \d+ giây\./);
      expect(await alert.getByRole('button', { name: 'Thử lại' }).isDisabled()).toBe(true);
      await screenshot(page, '13-rate-limited');
      await context.close();
    } finally {
      await limited.close();
    }
  });
});
