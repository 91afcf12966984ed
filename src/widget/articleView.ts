import { el, append, clear } from './dom.js';
import { formatDateVi, parseHighlightRange } from './format.js';
import { PAGE_TITLE } from './pages.js';

/**
 * Script of the article page (`/articles/:id?start=&end=`): loads the article from the API and
 * shows its text with the cited range marked and scrolled into view. Text nodes only.
 */

interface ArticleDocument {
  id: string;
  title: string;
  outlet: string | null;
  publishedAt: string | null;
  url: string | null;
  text: string;
}

function isHttpUrl(value: string | null): value is string {
  if (!value) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function renderArticle(main: HTMLElement, doc: ArticleDocument, params: URLSearchParams): void {
  const range = parseHighlightRange(params, doc.text.length);
  const meta = [doc.outlet, formatDateVi(doc.publishedAt)].filter((x) => x).join(' · ');
  const body = el('div', { class: 'article-text' });
  let mark: HTMLElement | null = null;
  if (range) {
    mark = el('mark', { id: 'highlight' }, [doc.text.slice(range.start, range.end)]);
    append(body, [doc.text.slice(0, range.start), mark, doc.text.slice(range.end)]);
  } else {
    append(body, [doc.text]);
  }
  clear(main);
  append(main, [
    el('h1', {}, [doc.title]),
    el('p', { class: 'meta' }, [
      meta,
      isHttpUrl(doc.url) ? el('span', {}, [meta ? ' · ' : '', el('a', { href: doc.url, rel: 'noopener noreferrer' }, ['Bài gốc'])]) : null,
    ]),
    range ? el('p', { class: 'hint' }, ['Đoạn được trích dẫn được tô sáng.']) : null,
    body,
  ]);
  document.title = `${doc.title} — ${PAGE_TITLE}`;
  mark?.scrollIntoView({ block: 'center' });
}

function renderMessage(main: HTMLElement, heading: string, text: string, retry?: () => void): void {
  clear(main);
  const button = retry ? el('button', { type: 'button' }, ['Thử lại']) : null;
  if (button && retry) button.addEventListener('click', retry);
  append(main, [el('h1', {}, [heading]), el('p', { class: 'status' }, [text]), button]);
  document.title = `${heading} — ${PAGE_TITLE}`;
}

async function load(main: HTMLElement, apiBase: string, id: string, params: URLSearchParams): Promise<void> {
  main.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(`${apiBase}api/documents/${encodeURIComponent(id)}`, { headers: { Accept: 'application/json' } });
    if (res.status === 404) {
      renderMessage(main, 'Không tìm thấy bài viết', 'Bài viết này không có trong kho dữ liệu (có thể đã bị gỡ hoặc đường dẫn sai).');
      return;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    renderArticle(main, (await res.json()) as ArticleDocument, params);
  } catch {
    renderMessage(main, 'Không tải được bài viết', 'Không kết nối được máy chủ. Vui lòng thử lại.', () => void load(main, apiBase, id, params));
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}

function start(): void {
  const main = document.getElementById('article');
  if (!main) return;
  // The page lives at <base>/articles/<id>; the API at <base>/api/….
  const match = /^(.*\/)articles\/([^/]+)\/?$/.exec(location.pathname);
  if (!match) {
    renderMessage(main, 'Không tìm thấy bài viết', 'Đường dẫn không hợp lệ.');
    return;
  }
  let id: string;
  try {
    id = decodeURIComponent(match[2] ?? '');
  } catch {
    renderMessage(main, 'Không tìm thấy bài viết', 'Đường dẫn không hợp lệ.');
    return;
  }
  void load(main, `${location.origin}${match[1] ?? '/'}`, id, new URLSearchParams(location.search));
}

start();
