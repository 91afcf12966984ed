/**
 * Styles of the widget, applied inside its shadow root. `.root` resets everything it would
 * otherwise inherit from the host page (`all: initial`), so page CSS can't leak in, and nothing
 * here can leak out.
 */
export const WIDGET_CSS = `
.root{all:initial;display:block;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;font-size:15px;line-height:1.5;color:var(--fg);
--bg:#ffffff;--fg:#1b1f24;--muted:#5b6470;--border:#d9dee5;--surface:#f3f5f8;--accent:#0b5cad;--accent-fg:#ffffff;--user:#0b5cad;--user-fg:#ffffff;
--mark:#ffe58a;--mark-fg:#1b1f24;--danger:#b3261e;--danger-bg:#fdecea;--notice-bg:#fff6dc;--notice-border:#e9c75c;--focus:#1a73e8;--shadow:0 12px 40px rgba(15,23,42,.22)}
.root.theme-dark{--bg:#16191d;--fg:#e8eaed;--muted:#a4acb7;--border:#343a42;--surface:#22262c;--accent:#7db3f5;--accent-fg:#0d1117;--user:#2f5f97;--user-fg:#ffffff;
--mark:#806a12;--mark-fg:#fff8dc;--danger:#ffb4ab;--danger-bg:#3d1f1c;--notice-bg:#332b12;--notice-border:#8a7325;--focus:#8ab4f8;--shadow:0 12px 40px rgba(0,0,0,.6)}
@media (prefers-color-scheme:dark){.root.theme-auto{--bg:#16191d;--fg:#e8eaed;--muted:#a4acb7;--border:#343a42;--surface:#22262c;--accent:#7db3f5;--accent-fg:#0d1117;--user:#2f5f97;--user-fg:#ffffff;
--mark:#806a12;--mark-fg:#fff8dc;--danger:#ffb4ab;--danger-bg:#3d1f1c;--notice-bg:#332b12;--notice-border:#8a7325;--focus:#8ab4f8;--shadow:0 12px 40px rgba(0,0,0,.6)}}
:where(.root *,.root *::before,.root *::after){box-sizing:border-box;font:inherit;color:inherit;letter-spacing:normal;text-transform:none;visibility:inherit}
.root [hidden]{display:none !important}
button{cursor:pointer;border:0;background:none;padding:0;margin:0;display:inline-flex;align-items:center;justify-content:center;gap:6px}
button:disabled{cursor:not-allowed;opacity:.55}
:focus{outline:none}
:focus-visible{outline:3px solid var(--focus) !important;outline-offset:2px}
svg{fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round;flex:none}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.launcher{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;background:var(--accent);color:var(--accent-fg);box-shadow:var(--shadow)}
.launcher svg{width:26px;height:26px}
.pos-bottom-left .launcher{right:auto;left:20px}
.panel{position:fixed;bottom:88px;right:20px;z-index:2147483001;width:400px;max-width:calc(100vw - 40px);height:min(640px,calc(100vh - 108px));display:flex;flex-direction:column;background:var(--bg);color:var(--fg);border:1px solid var(--border);border-radius:14px;box-shadow:var(--shadow);overflow:hidden}
.pos-bottom-left .panel{right:auto;left:20px}
.page .panel{inset:0;width:100%;max-width:none;height:100%;border:0;border-radius:0;box-shadow:none}
.page .header,.page .log-inner,.page .composer-inner{max-width:820px;margin-left:auto;margin-right:auto;width:100%}
.header-bar{border-bottom:1px solid var(--border);background:var(--surface)}
.header{display:flex;align-items:center;gap:8px;padding:10px 12px 10px 16px}
.title{margin:0;flex:1;font-size:16px;font-weight:650;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.text-btn{font-size:13px;padding:6px 10px;border-radius:8px;border:1px solid var(--border);background:var(--bg);color:var(--fg)}
.text-btn:hover{border-color:var(--accent)}
.icon-btn{width:36px;height:36px;border-radius:8px;color:var(--fg)}
.icon-btn:hover{background:var(--border)}
.log{flex:1;overflow-y:auto;overscroll-behavior:contain;scroll-behavior:smooth}
.log-inner{display:flex;flex-direction:column;gap:12px;padding:16px}
.welcome{color:var(--muted);font-size:14px;margin:0}
.msg{display:flex;flex-direction:column;gap:8px;max-width:100%}
.msg.user{align-items:flex-end}
.bubble{padding:10px 14px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;max-width:92%}
.user .bubble{background:var(--user);color:var(--user-fg);border-bottom-right-radius:4px}
.assistant .bubble{background:var(--surface);border:1px solid var(--border);border-bottom-left-radius:4px;align-self:flex-start}
.streaming .bubble::after{content:"▍";margin-left:2px;color:var(--muted);animation:blink 1s steps(1) infinite}
.notfound .bubble{background:var(--notice-bg);border-color:var(--notice-border)}
.notfound-label{display:block;font-weight:650;margin-bottom:4px}
.cite{display:inline;vertical-align:baseline;font-size:12px;font-weight:700;line-height:1;padding:2px 5px;margin:0 1px;border-radius:6px;background:var(--bg);color:var(--accent);border:1px solid var(--border)}
.cite[aria-expanded="true"]{background:var(--accent);color:var(--accent-fg);border-color:var(--accent)}
.note{font-size:13px;color:var(--muted);margin:0}
.scope{font-size:12px;color:var(--muted);margin:0 0 4px}
.filters{display:flex;flex-wrap:wrap;align-items:center;gap:6px 8px;padding:0 16px 10px;font-size:13px;color:var(--muted)}
.page .filters{max-width:820px;margin:0 auto;width:100%}
.filters select,.filters input{font:inherit;color:inherit;background:var(--surface);border:1px solid var(--border);border-radius:6px;padding:3px 6px}
.filters-span{margin-left:auto}
.sources{margin:0;font-size:13px}
.sources-title{margin:0 0 4px;font-size:12px;font-weight:700;text-transform:uppercase;color:var(--muted)}
.sources ol{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:4px}
.source-item{display:flex;align-items:baseline;justify-content:flex-start;gap:6px;text-align:left;width:100%;padding:6px 8px;border-radius:8px;border:1px solid var(--border);background:var(--bg);color:var(--fg)}
.source-item:hover{border-color:var(--accent)}
.source-n{font-weight:700;color:var(--accent);flex:none}
.source-text{min-width:0;overflow-wrap:anywhere}
.source-meta{color:var(--muted)}
.source-article-head{margin:0 0 2px;overflow-wrap:anywhere}
.source-title{font-weight:600}
.related ul{margin:0;padding-left:18px;display:flex;flex-direction:column;gap:2px}
.sources ul.source-passages{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:4px}
.card{border:1px solid var(--accent);border-radius:12px;padding:12px;background:var(--bg);display:flex;flex-direction:column;gap:6px}
.card-head{display:flex;align-items:center;gap:8px}
.card-title{margin:0;flex:1;font-weight:650;overflow-wrap:anywhere}
.card-meta{margin:0;font-size:13px;color:var(--muted)}
.card-snippet{margin:0;padding:8px 10px;border-left:3px solid var(--accent);background:var(--surface);white-space:pre-wrap;overflow-wrap:anywhere;font-size:14px;max-height:220px;overflow-y:auto}
mark{background:var(--mark);color:var(--mark-fg);padding:0 1px;border-radius:2px}
.card-link{color:var(--accent);font-weight:600;text-decoration:underline;align-self:flex-start}
.feedback{display:flex;align-items:center;gap:4px;font-size:13px;color:var(--muted)}
.fb-btn{width:32px;height:32px;border-radius:8px;border:1px solid transparent;color:var(--muted)}
.fb-btn svg{width:17px;height:17px}
.fb-btn:hover{border-color:var(--border)}
.status{border-radius:10px;padding:10px 12px;font-size:14px;display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.status.error{background:var(--danger-bg);color:var(--danger);border:1px solid var(--danger)}
.status .text-btn{color:var(--fg)}
.typing{display:inline-flex;gap:4px;padding:12px 14px;border-radius:14px;background:var(--surface);border:1px solid var(--border);align-self:flex-start}
.typing span{width:7px;height:7px;border-radius:50%;background:var(--muted);animation:bounce 1.2s infinite ease-in-out}
.typing span:nth-child(2){animation-delay:.15s}
.typing span:nth-child(3){animation-delay:.3s}
.composer-bar{border-top:1px solid var(--border);background:var(--bg)}
.composer-inner{display:flex;align-items:flex-end;gap:8px;padding:10px 12px}
.field{flex:1;display:flex;flex-direction:column;gap:2px;min-width:0}
textarea{width:100%;resize:none;min-height:42px;max-height:140px;padding:10px 12px;border:1px solid var(--border);border-radius:10px;background:var(--bg);color:var(--fg);font-size:15px;line-height:1.4}
textarea:focus-visible{outline-offset:0}
textarea::placeholder{color:var(--muted)}
.field-meta{display:flex;justify-content:space-between;gap:8px;font-size:12px;color:var(--muted);min-height:16px}
.over .counter,.over .limit-hint{color:var(--danger);font-weight:600}
.send{width:42px;height:42px;border-radius:10px;background:var(--accent);color:var(--accent-fg)}
@keyframes bounce{0%,80%,100%{transform:translateY(0);opacity:.5}40%{transform:translateY(-4px);opacity:1}}
@keyframes blink{50%{opacity:0}}
@media (max-width:480px){.root:not(.page) .panel{inset:0;width:100%;max-width:none;height:100%;border:0;border-radius:0}
.root.open:not(.page) .launcher{display:none}}
@media (prefers-reduced-motion:reduce){.root *{animation:none !important;transition:none !important;scroll-behavior:auto !important}}
`;
