import { createChat } from './chat.js';
import { readOptions } from './options.js';
import { makeConversationStore } from './storage.js';

/**
 * Entry point of widget.js: `<script src="https://HOST/widget.js" data-title="…" defer></script>`.
 * Mounts a launcher and chat panel in a shadow root, talking to the origin the script came from.
 */

// Replaced at build time with the server's MAX_MESSAGE_CHARS (see build.ts).
declare const __VNRAG_MAX_CHARS__: number;
const DEFAULT_MAX_CHARS = typeof __VNRAG_MAX_CHARS__ === 'number' ? __VNRAG_MAX_CHARS__ : 2000;

const HOST_TAG = 'vnrag-chat-widget';

function findOwnScript(): HTMLScriptElement | null {
  // currentScript is only set while this file first runs (also for `defer`); the selector covers async loaders.
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  const candidates = document.querySelectorAll<HTMLScriptElement>('script[src*="widget.js"]');
  return candidates[candidates.length - 1] ?? null;
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // blocked third-party storage
  }
}

function mount(script: HTMLScriptElement | null): void {
  const opts = readOptions({ ...(script?.dataset ?? {}) }, script?.getAttribute('src') ? script.src : null, location.href, DEFAULT_MAX_CHARS);
  if (document.querySelector(`${HOST_TAG}[data-api="${CSS.escape(opts.apiBase)}"]`)) return; // included twice
  const host = document.createElement(HOST_TAG);
  host.setAttribute('data-api', opts.apiBase);
  // Inline !important beats any page rule (`* {display:none !important}`, inherited colours, fonts).
  host.style.setProperty('all', 'initial', 'important');
  host.style.setProperty('display', 'block', 'important');
  const shadow = host.attachShadow({ mode: 'open' });
  document.body.appendChild(host);
  createChat(shadow, opts, makeConversationStore(opts.apiBase, sessionStorageOrNull));
}

const ownScript = findOwnScript();
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => mount(ownScript));
else mount(ownScript);
