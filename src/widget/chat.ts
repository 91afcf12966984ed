import { sendFeedback, streamChat, type ChatFailure } from './api.js';
import { el, append, clear, icon, ICONS } from './dom.js';
import { createFilterBar } from './filters.js';
import { messageLength } from './format.js';
import { renderAnswer, renderStreamingAnswer, renderTyping, renderUserMessage, type AnswerCallbacks } from './messages.js';
import type { WidgetOptions } from './options.js';
import type { ConversationStore } from './storage.js';
import { WIDGET_CSS } from './styles.js';
import type { StoredConversation, StoredMessage } from './types.js';

const WELCOME = 'Xin chào! Hãy đặt câu hỏi về tin tức, tôi sẽ trả lời kèm nguồn trích dẫn từ các bài báo.';

function failureText(f: ChatFailure, maxChars: number): string {
  switch (f.kind) {
    case 'network':
      return 'Không kết nối được máy chủ. Vui lòng thử lại.';
    case 'interrupted':
      return 'Kết nối bị gián đoạn. Vui lòng thử lại.';
    case 'rate_limited':
      return f.retryAfterSeconds
        ? `Bạn gửi quá nhanh, vui lòng chờ một chút. Có thể thử lại sau ${f.retryAfterSeconds} giây.`
        : 'Bạn gửi quá nhanh, vui lòng chờ một chút.';
    case 'too_long':
      return `Câu hỏi quá dài. Vui lòng rút gọn (tối đa ${maxChars} ký tự).`;
    default:
      return 'Đã xảy ra lỗi. Vui lòng thử lại.';
  }
}

function attachStyles(root: ShadowRoot): void {
  // A constructed sheet works under a host page's strict CSP (no 'unsafe-inline' needed).
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el('style', {}, [WIDGET_CSS]));
  }
}

/**
 * Builds the widget inside `shadow` and wires its behaviour. All state lives in this closure, so
 * several widgets on one page (or one test page) stay independent.
 */
export function createChat(shadow: ShadowRoot, opts: WidgetOptions, store: ConversationStore): void {
  attachStyles(shadow);
  const state: StoredConversation = store.load();
  let busy = false;
  let controller: AbortController | null = null;
  let retryMessage: string | null = null;

  const themeClass = `theme-${opts.theme}`;
  const root = el('div', { class: `root ${themeClass} pos-${opts.position}${opts.pageMode ? ' page' : ''}` });

  const launcher = el('button', { type: 'button', class: 'launcher', 'aria-label': `Mở ${opts.title}`, 'aria-expanded': 'false', 'aria-controls': 'vnrag-panel' }, [icon(ICONS.chat)]);
  const newBtn = el('button', { type: 'button', class: 'text-btn' }, ['Cuộc trò chuyện mới']);
  const closeBtn = el('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Đóng' }, [icon(ICONS.close)]);
  const logInner = el('div', { class: 'log-inner' });
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Tin nhắn', tabindex: '0' }, [logInner]);
  const textarea = el('textarea', { id: 'vnrag-input', rows: '1', placeholder: 'Đặt câu hỏi về tin tức…', 'aria-describedby': 'vnrag-meta' });
  const counter = el('span', { class: 'counter' }, [`0/${opts.maxChars}`]);
  const limitHint = el('span', { class: 'limit-hint', role: 'status' });
  const fieldMeta = el('div', { class: 'field-meta', id: 'vnrag-meta' }, [limitHint, counter]);
  const sendBtn = el('button', { type: 'submit', class: 'send', 'aria-label': 'Gửi' }, [icon(ICONS.send)]);
  const form = el('form', { class: 'composer-inner', novalidate: true }, [
    el('div', { class: 'field' }, [el('label', { class: 'sr-only', for: 'vnrag-input' }, ['Câu hỏi của bạn']), textarea, fieldMeta]),
    sendBtn,
  ]);
  // The full-page chat can narrow its search; the embedded widget stays a single question box.
  const filters = opts.pageMode ? createFilterBar(opts.apiBase) : null;
  const panel = el('section', { class: 'panel', id: 'vnrag-panel', role: 'dialog', 'aria-label': opts.title, hidden: true }, [
    el('div', { class: 'header-bar' }, [
      el('div', { class: 'header' }, [el('h2', { class: 'title' }, [opts.title]), newBtn, opts.pageMode ? null : closeBtn]),
      filters?.element,
    ]),
    log,
    el('div', { class: 'composer-bar' }, [form]),
  ]);
  append(root, [opts.pageMode ? null : launcher, panel]);
  shadow.appendChild(root);

  const persist = (): void => store.save(state);
  const scrollToEnd = (): void => {
    log.scrollTop = log.scrollHeight;
  };

  const callbacks: AnswerCallbacks = {
    articleHref: (c) =>
      `${opts.apiBase}/articles/${encodeURIComponent(c.documentId)}${c.start !== undefined && c.end !== undefined ? `?start=${c.start}&end=${c.end}` : ''}`,
    onFeedback: (messageId, rating) => sendFeedback(opts.apiBase, messageId, rating),
  };

  const renderStored = (m: StoredMessage): HTMLElement => {
    if (m.role === 'user') return renderUserMessage(m.text);
    return renderAnswer(m.record, m.feedback, callbacks, (rating) => {
      m.feedback = rating;
      persist();
    });
  };

  const renderAll = (): void => {
    clear(logInner);
    logInner.appendChild(el('p', { class: 'welcome' }, [WELCOME]));
    for (const m of state.messages) logInner.appendChild(renderStored(m));
  };

  const updateComposer = (): void => {
    const len = messageLength(textarea.value);
    const over = len > opts.maxChars;
    counter.textContent = `${len}/${opts.maxChars}`;
    fieldMeta.classList.toggle('over', over);
    limitHint.textContent = over ? `Câu hỏi quá dài: tối đa ${opts.maxChars} ký tự.` : '';
    textarea.setAttribute('aria-invalid', String(over));
    sendBtn.disabled = busy || over || len === 0;
    textarea.disabled = busy;
    // Grow with the text up to the CSS max-height (CSSOM writes are allowed under a strict CSP).
    textarea.style.height = 'auto';
    textarea.style.height = `${textarea.scrollHeight + 2}px`;
  };

  const setOpen = (open: boolean, focus = true): void => {
    panel.hidden = !open;
    root.classList.toggle('open', open);
    launcher.setAttribute('aria-expanded', String(open));
    if (state.open !== open) {
      state.open = open;
      persist();
    }
    if (!focus) return;
    if (open) {
      textarea.focus();
      scrollToEnd();
    } else launcher.focus();
  };

  const showFailure = (f: ChatFailure): void => {
    const retryBtn = el('button', { type: 'button', class: 'text-btn' }, ['Thử lại']);
    const canRetry = f.kind !== 'too_long';
    const box = el('div', { class: 'status error', role: 'alert', 'data-kind': f.kind }, [
      el('span', {}, [failureText(f, opts.maxChars)]),
      canRetry ? retryBtn : null,
    ]);
    if (f.kind === 'rate_limited' && f.retryAfterSeconds) {
      retryBtn.disabled = true;
      setTimeout(() => {
        retryBtn.disabled = false;
      }, f.retryAfterSeconds * 1000);
    }
    retryBtn.addEventListener('click', () => {
      box.remove();
      if (retryMessage !== null) void send(retryMessage, false);
    });
    logInner.appendChild(box);
    scrollToEnd();
  };

  const clearFailures = (): void => {
    for (const box of logInner.querySelectorAll('.status.error')) box.remove();
  };

  /** One request/stream; on an expired conversation, starts a new one and resends once. */
  const runTurn = async (message: string, signal: AbortSignal, typing: HTMLElement, allowRestart: boolean): Promise<void> => {
    let streaming: ReturnType<typeof renderStreamingAnswer> | null = null;
    const body = {
      message,
      ...(state.conversationId ? { conversationId: state.conversationId } : {}),
      ...(filters ? { filter: filters.current() } : {}),
    };
    const outcome = await streamChat(opts.apiBase, body, {
      onMeta: (meta) => {
        if (typeof meta.conversationId === 'string') state.conversationId = meta.conversationId;
      },
      onSources: () => undefined,
      onDelta: (text) => {
        if (!streaming) {
          streaming = renderStreamingAnswer();
          typing.replaceWith(streaming.element);
        }
        streaming.appendText(text);
        scrollToEnd();
      },
    }, signal);
    if (signal.aborted) return;
    const partial = streaming as ReturnType<typeof renderStreamingAnswer> | null;
    if (outcome.ok) {
      state.conversationId = outcome.record.conversationId;
      const stored: StoredMessage = { role: 'assistant', record: outcome.record };
      state.messages.push({ role: 'user', text: message }, stored);
      persist();
      (partial?.element ?? typing).replaceWith(renderStored(stored));
      return;
    }
    if (outcome.failure.kind === 'conversation_not_found' && allowRestart && !partial) {
      state.conversationId = null;
      persist();
      return runTurn(message, signal, typing, false);
    }
    partial?.element.remove();
    typing.remove();
    if (outcome.failure.kind === 'too_long' && textarea.value === '') textarea.value = message;
    showFailure(outcome.failure);
  };

  const send = async (message: string, isNew: boolean): Promise<void> => {
    if (busy) return;
    busy = true;
    retryMessage = message;
    clearFailures();
    if (isNew) {
      logInner.appendChild(renderUserMessage(message));
      textarea.value = '';
    }
    updateComposer();
    const typing = renderTyping();
    logInner.appendChild(typing);
    log.setAttribute('aria-busy', 'true');
    scrollToEnd();
    controller = new AbortController();
    const current = controller;
    try {
      await runTurn(message, current.signal, typing, true);
    } finally {
      if (controller === current) {
        controller = null;
        busy = false;
        log.setAttribute('aria-busy', 'false');
        updateComposer();
        if (!panel.hidden) textarea.focus();
      }
    }
  };

  const submit = (): void => {
    const message = textarea.value.trim();
    const len = messageLength(message);
    if (busy || len === 0 || len > opts.maxChars) return;
    void send(message, true);
  };

  const startNewConversation = (): void => {
    controller?.abort();
    controller = null;
    busy = false;
    retryMessage = null;
    state.conversationId = null;
    state.messages = [];
    store.save(state);
    log.setAttribute('aria-busy', 'false');
    renderAll();
    updateComposer();
    textarea.focus();
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  textarea.addEventListener('input', updateComposer);
  textarea.addEventListener('keydown', (e) => {
    // 229 / isComposing: Enter that confirms an IME composition (Vietnamese Telex/VNI input) is not "send".
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !opts.pageMode) {
      e.preventDefault();
      setOpen(false);
    }
  });
  launcher.addEventListener('click', () => setOpen(panel.hidden));
  closeBtn.addEventListener('click', () => setOpen(false));
  newBtn.addEventListener('click', startNewConversation);

  renderAll();
  updateComposer();
  setOpen(opts.pageMode || opts.startOpen || state.open, opts.pageMode);
}
