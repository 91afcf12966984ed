/**
 * The server-rendered pages: static HTML shells with no inline script or style (the strict CSP
 * forbids both); their behaviour comes from bundled scripts the widget router serves.
 */

export const PAGE_TITLE = 'Trợ lý tin tức';

/** Strict policy for the chat and article pages: only same-origin scripts, styles and requests. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function shell(opts: { bodyClass: string; head: string; body: string }): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
${opts.head}
</head>
<body class="${opts.bodyClass}">
${opts.body}
</body>
</html>
`;
}

/** `GET /`: the widget in full-page mode. Paths are relative so the app also works under a prefix. */
export function chatPageHtml(): string {
  return shell({
    bodyClass: 'chat-page',
    head: `<title>${PAGE_TITLE}</title>\n<link rel="stylesheet" href="assets/page.css">`,
    body: `<noscript><p class="noscript">Trang trò chuyện cần bật JavaScript.</p></noscript>
<script src="widget.js" data-mode="page" data-title="${PAGE_TITLE}" data-theme="auto" defer></script>`,
  });
}

/** `GET /articles/:id`: filled in by article-view.js from `GET /api/documents/:id`. */
export function articlePageHtml(): string {
  return shell({
    bodyClass: 'article-page',
    head: `<title>Bài viết — ${PAGE_TITLE}</title>\n<link rel="stylesheet" href="../assets/page.css">`,
    body: `<nav class="topbar"><a href="../">← ${PAGE_TITLE}</a></nav>
<main id="article" class="article" aria-busy="true"><p class="status">Đang tải bài viết…</p></main>
<script src="../article-view.js" defer></script>`,
  });
}

export const PAGE_CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1b1f24;--muted:#5b6470;--border:#d9dee5;--accent:#0b5cad;--mark:#ffe58a;--mark-fg:#1b1f24;--focus:#1a73e8}
@media (prefers-color-scheme:dark){:root{--bg:#16191d;--fg:#e8eaed;--muted:#a4acb7;--border:#343a42;--accent:#7db3f5;--mark:#806a12;--mark-fg:#fff8dc;--focus:#8ab4f8}}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--fg);font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;line-height:1.6}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.noscript{padding:24px}
.topbar{border-bottom:1px solid var(--border);padding:10px 20px;font-size:15px}
.topbar a{text-decoration:none;font-weight:600}
.article{max-width:760px;margin:0 auto;padding:24px 20px 64px}
.article h1{font-size:clamp(22px,4vw,30px);line-height:1.3;margin:0 0 8px}
.meta{color:var(--muted);margin:0 0 20px;font-size:15px}
.hint{font-size:14px;color:var(--muted);border-left:3px solid var(--mark);padding-left:10px;margin:0 0 20px}
.article-text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:17px}
mark{background:var(--mark);color:var(--mark-fg);border-radius:2px;padding:1px 0;scroll-margin:30vh}
.status{color:var(--muted)}
button{font:inherit;padding:6px 12px;border-radius:8px;border:1px solid var(--border);background:var(--bg);color:var(--fg);cursor:pointer}
`;
