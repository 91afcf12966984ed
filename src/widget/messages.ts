import { el, append, clear, icon, ICONS } from './dom.js';
import { describeDayRange, describeFilterVi, excerpt, formatDateVi, groupByArticle, splitAnswer } from './format.js';
import type { ChatRecord, Citation } from './types.js';

/** Rendering of one conversation turn. Everything from the server goes in as text nodes. */

export interface AnswerCallbacks {
  /** The article view; with a citation's offsets, the passage is highlighted. */
  articleHref(c: Pick<Citation, 'documentId'> & Partial<Pick<Citation, 'start' | 'end'>>): string;
  onFeedback(messageId: string, rating: 'up' | 'down'): Promise<boolean>;
}

export function renderUserMessage(text: string): HTMLElement {
  return el('div', { class: 'msg user', 'data-role': 'user' }, [el('div', { class: 'bubble' }, [text])]);
}

function sourceLabel(c: Citation): string {
  return [c.outlet, formatDateVi(c.publishedAt)].filter((x) => x).join(' · ');
}

function renderSourceCard(c: Citation, href: string, onClose: () => void): HTMLElement {
  const closeBtn = el('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Đóng nguồn' }, ['✕']);
  closeBtn.addEventListener('click', onClose);
  const meta = sourceLabel(c);
  return el('div', { class: 'card', role: 'region', 'aria-label': `Nguồn [${c.n}]`, tabindex: '-1', 'data-n': String(c.n) }, [
    el('div', { class: 'card-head' }, [el('p', { class: 'card-title' }, [`[${c.n}] ${c.title}`]), closeBtn]),
    meta ? el('p', { class: 'card-meta' }, [meta]) : null,
    el('blockquote', { class: 'card-snippet' }, [el('mark', {}, [c.snippet])]),
    el('a', { class: 'card-link', href, target: '_blank', rel: 'noopener noreferrer' }, ['Xem toàn bài']),
  ]);
}

function renderFeedback(record: ChatRecord, initial: 'up' | 'down' | undefined, cb: AnswerCallbacks, onRated: (r: 'up' | 'down') => void): HTMLElement {
  const box = el('div', { class: 'feedback' });
  const thanks = (): void => {
    clear(box);
    append(box, [el('span', { role: 'status' }, ['Cảm ơn phản hồi của bạn'])]);
  };
  if (initial) {
    thanks();
    return box;
  }
  // SVG rather than 👍/👎 glyphs: many systems (and kiosks) have no colour emoji font.
  const button = (rating: 'up' | 'down', label: string, glyph: readonly string[]): HTMLButtonElement => {
    const b = el('button', { type: 'button', class: 'fb-btn', 'aria-label': label, title: label }, [icon(glyph)]);
    b.addEventListener('click', () => {
      for (const x of box.querySelectorAll('button')) x.disabled = true;
      void cb.onFeedback(record.messageId, rating).then((ok) => {
        if (ok) {
          thanks();
          onRated(rating);
          return;
        }
        for (const x of box.querySelectorAll('button')) x.disabled = false;
        box.querySelector('.fb-error')?.remove();
        append(box, [el('span', { class: 'fb-error', role: 'status' }, ['Không gửi được phản hồi.'])]);
      });
    });
    return b;
  };
  append(box, [
    button('up', 'Câu trả lời hữu ích', ICONS.thumbsUp),
    button('down', 'Câu trả lời chưa tốt', ICONS.thumbsDown),
  ]);
  return box;
}

/**
 * A finished answer: text with clickable [n] markers, a sources list, one source card at a time,
 * and feedback. A not-grounded answer (the corpus holds nothing relevant) is a distinct notice
 * with no sources.
 */
/** What narrowed the answer's search: the period it used and the filter, when there were any. */
function renderScope(record: ChatRecord): HTMLElement | null {
  const parts: string[] = [];
  const period = record.period;
  if (period?.applied) parts.push(`Khoảng thời gian: ${describeDayRange(period)} (theo “${period.text}”)`);
  if (record.filter) parts.push(`Bộ lọc: ${describeFilterVi(record.filter)}`);
  if (record.recency) parts.push('Ưu tiên bài mới nhất');
  return parts.length > 0 ? el('p', { class: 'scope', 'data-role': 'scope' }, [parts.join(' · ')]) : null;
}

export function renderAnswer(
  record: ChatRecord,
  feedback: 'up' | 'down' | undefined,
  cb: AnswerCallbacks,
  onRated: (r: 'up' | 'down') => void,
): HTMLElement {
  const grounded = record.grounded && record.citations.length > 0;
  const wrapper = el('div', {
    class: grounded ? 'msg assistant' : 'msg assistant notfound',
    'data-role': 'assistant',
    'data-state': 'done',
    'data-message-id': record.messageId,
  });
  const scope = renderScope(record);
  if (scope) wrapper.appendChild(scope);
  const bubble = el('div', { class: 'bubble' });
  wrapper.appendChild(bubble);
  if (!grounded) {
    append(bubble, [el('strong', { class: 'notfound-label' }, ['Không tìm thấy thông tin']), record.answer]);
    if (record.notice) append(wrapper, [el('p', { class: 'note' }, [record.notice])]);
    append(wrapper, [renderFeedback(record, feedback, cb, onRated)]);
    return wrapper;
  }

  const byN = new Map(record.citations.map((c) => [c.n, c]));
  const cardSlot = el('div', { class: 'card-slot' });
  const triggers: HTMLButtonElement[] = [];
  let openN: number | null = null;

  const closeCard = (returnFocusTo?: HTMLElement): void => {
    clear(cardSlot);
    openN = null;
    for (const t of triggers) t.setAttribute('aria-expanded', 'false');
    returnFocusTo?.focus();
  };
  const toggleCard = (n: number, trigger: HTMLButtonElement): void => {
    const c = byN.get(n);
    if (!c) return;
    if (openN === n) return closeCard(trigger);
    clear(cardSlot);
    openN = n;
    for (const t of triggers) t.setAttribute('aria-expanded', String(t.dataset.n === String(n)));
    const card = renderSourceCard(c, cb.articleHref(c), () => closeCard(trigger));
    card.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      closeCard(trigger);
    });
    cardSlot.appendChild(card);
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
  };
  const trigger = (n: number, cls: string, children: (Node | string)[], label: string): HTMLButtonElement => {
    const b = el('button', { type: 'button', class: cls, 'data-n': String(n), 'aria-expanded': 'false', 'aria-label': label }, children);
    b.addEventListener('click', () => toggleCard(n, b));
    triggers.push(b);
    return b;
  };

  for (const seg of splitAnswer(record.answer, new Set(byN.keys()))) {
    if (seg.kind === 'text') bubble.appendChild(document.createTextNode(seg.text));
    else bubble.appendChild(trigger(seg.n, 'cite', [`[${seg.n}]`], `Nguồn ${seg.n}: ${byN.get(seg.n)?.title ?? ''}`));
  }

  // One entry per article (title, outlet, date), its cited passages under it.
  const list = el('ol', { class: 'source-articles' });
  for (const group of groupByArticle(record.citations)) {
    const first = group.passages[0]!;
    const meta = sourceLabel(first);
    list.appendChild(
      el('li', { class: 'source-article', 'data-document-id': group.documentId }, [
        el('p', { class: 'source-article-head' }, [
          el('span', { class: 'source-title' }, [first.title]),
          meta ? el('span', { class: 'source-meta' }, [` — ${meta}`]) : null,
        ]),
        el(
          'ul',
          { class: 'source-passages' },
          group.passages.map((c) =>
            el('li', {}, [
              trigger(c.n, 'source-item', [
                el('span', { class: 'source-n' }, [`[${c.n}]`]),
                el('span', { class: 'source-text' }, [excerpt(c.snippet)]),
              ], `Xem nguồn ${c.n}: ${c.title}`),
            ]),
          ),
        ),
      ]),
    );
  }
  // Records kept from before "Bài liên quan" existed have no list.
  const related = record.related ?? [];
  const relatedList = related.length
    ? el('div', { class: 'sources related', 'data-role': 'related' }, [
        el('p', { class: 'sources-title' }, ['Bài liên quan']),
        el(
          'ul',
          {},
          related.map((a) => {
            const meta = [a.outlet, formatDateVi(a.publishedAt)].filter((x) => x).join(' · ');
            return el('li', {}, [
              el('a', { href: cb.articleHref({ documentId: a.documentId }), target: '_blank', rel: 'noopener noreferrer' }, [a.title]),
              meta ? el('span', { class: 'source-meta' }, [` — ${meta}`]) : null,
            ]);
          }),
        ),
      ])
    : null;
  append(wrapper, [
    record.notice ? el('p', { class: 'note' }, [record.notice]) : null,
    el('div', { class: 'sources' }, [el('p', { class: 'sources-title' }, ['Nguồn']), list]),
    relatedList,
    cardSlot,
    renderFeedback(record, feedback, cb, onRated),
  ]);
  return wrapper;
}

/** The answer while it streams in: plain text only, markers become buttons once `done` arrives. */
export function renderStreamingAnswer(): { element: HTMLElement; appendText(text: string): void } {
  const text = document.createTextNode('');
  const element = el('div', { class: 'msg assistant streaming', 'data-role': 'assistant', 'data-state': 'streaming' }, [
    el('div', { class: 'bubble' }, [text]),
  ]);
  return { element, appendText: (t) => text.appendData(t) };
}

export function renderTyping(): HTMLElement {
  return el('div', { class: 'typing', role: 'status', 'aria-label': 'Đang soạn câu trả lời' }, [
    el('span'),
    el('span'),
    el('span'),
  ]);
}
