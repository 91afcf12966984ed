import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './config.js';

/** Browser-test helpers: a headless system Chromium and tiny "host site" servers on other ports. */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/screenshots');

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface HostSite {
  origin: string;
  close(): Promise<void>;
}

/** Serves fixed HTML pages (path → html) on 127.0.0.1, the stand-in for a third-party news site. */
export async function startHostSite(pages: Record<string, string>, port = 0): Promise<HostSite> {
  const server = http.createServer((req, res) => {
    const html = pages[(req.url ?? '/').split('?')[0] ?? '/'];
    if (html === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that is free right now (bound then released), for servers that must know it in advance. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Page CSS a careless or hostile site might have; the widget must look and work the same. */
export const HOSTILE_CSS = `
* { color: red !important; font-family: "Comic Sans MS", cursive !important; letter-spacing: 3px !important; }
button { display: none !important; }
textarea, input { display: none !important; }
div { border: 3px dashed magenta; padding: 20px; }
section, ol, li, p, mark, a { background: lime !important; }
`;

export function hostPageHtml(opts: { widgetSrc: string; attrs?: Record<string, string>; css?: string }): string {
  const attrs = Object.entries(opts.attrs ?? {})
    .map(([k, v]) => ` data-${k}="${v.replace(/"/g, '&quot;')}"`)
    .join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Báo Thử Nghiệm</title><style>${opts.css ?? ''}</style></head>
<body><div><h1>Báo Thử Nghiệm</h1><p>Một trang tin tức bất kỳ nhúng trợ lý.</p></div>
<script src="${opts.widgetSrc}"${attrs} defer></script></body></html>`;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}
