// widget.js: the loader a host page includes with
//   <script src="https://api.example/widget.js" async></script>
//   <script>window.pb=window.pb||function(){(pb.q=pb.q||[]).push(arguments)};pb('init',{id:'BOT_ID'})</script>
// It draws the chat bubble and opens the conversation in a frame served from the origin this
// script came from, so the host page can never read the conversation. No framework: every
// byte here is paid for by every page view of every host site.
import { NAMESPACE, readMessage, safeColor, textColorOn } from '../message-protocol.js';

performance.mark('privexbot:loader-start');

interface InitOptions {
  id: string;
  position?: 'bottom-right' | 'bottom-left';
  color?: string;
  /** Accessible name of the bubble. */
  label?: string;
}

type Command = (arg?: unknown) => void;
interface QueueFunction {
  (...args: unknown[]): void;
  q?: ArrayLike<unknown>[];
}

const STYLE = `:host{all:initial}
.b{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;padding:0;background:var(--c);color:var(--t);cursor:pointer;box-shadow:0 4px 14px #0004;display:grid;place-items:center}
.b:focus-visible{outline:3px solid var(--t);outline-offset:-7px}
.b svg{width:28px;height:28px;fill:currentColor}
.n{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#b00020;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}
.p{position:fixed;bottom:88px;right:20px;z-index:2147483001;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 120px));border-radius:12px;overflow:hidden;box-shadow:0 8px 30px #0005;background:#fff}
.l .b,.l .p{right:auto;left:20px}
[hidden]{display:none!important}
iframe{border:0;width:100%;height:100%;display:block}
@media (max-width:480px){.p{inset:0;width:100%;height:100%!important;border-radius:0}}`;

const ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

/** Reports a problem on the console; the loader never throws into the host page. */
/** How long a first visit waits for the origin check before drawing the bubble anyway. */
const CHECK_PATIENCE_MS = 3000;

function report(problem: unknown): void {
  console.error('[privexbot]', problem instanceof Error ? problem.message : problem);
}

/** The origin that served this script: the frame and the API live there. */
function scriptOrigin(): string | undefined {
  const own = document.currentScript as HTMLScriptElement | null;
  const src = own?.src || Array.from(document.scripts).find((s) => /\/widget\.js(?:[?#]|$)/.test(s.src))?.src;
  return src ? new URL(src).origin : undefined;
}

const frameOrigin = scriptOrigin();
let commands: Record<string, Command> | undefined;

function init(raw: unknown): void {
  if (commands) {
    report('pb("init") was called twice; the second call is ignored.');
    return;
  }
  const options = (raw ?? {}) as InitOptions;
  if (typeof options.id !== 'string' || !/^[\w-]{1,64}$/.test(options.id)) {
    report('pb("init", { id }) needs the bot id shown in the dashboard.');
    return;
  }
  if (!frameOrigin) {
    report('cannot tell where widget.js was loaded from.');
    return;
  }
  const origin = frameOrigin;
  const hostChoseColor = typeof options.color === 'string';
  const label = typeof options.label === 'string' ? options.label : 'Open chat';

  const host = document.createElement('div');
  host.setAttribute('data-privexbot', '');
  // A shadow root keeps the host page's CSS off our bubble (and ours off the page).
  const shadow = host.attachShadow({ mode: 'open' });
  try {
    // Constructed stylesheets also work on host pages whose CSP forbids inline <style>.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = STYLE;
    shadow.append(style);
  }
  const wrapper = document.createElement('div');
  const bubble = document.createElement('button');
  bubble.type = 'button';
  bubble.className = 'b';
  bubble.innerHTML = ICON; // a constant of this file, never data
  const badge = document.createElement('span');
  badge.className = 'n';
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');
  bubble.append(badge);
  const panel = document.createElement('div');
  panel.className = 'p';
  panel.id = 'pb-panel';
  panel.hidden = true;
  bubble.setAttribute('aria-controls', panel.id);
  wrapper.append(panel, bubble);
  shadow.append(wrapper);

  // Used only when the browser denies our frame its own storage (see visitor-session.ts).
  const storageKey = `privexbot:${options.id}`;
  const readKeptIds = (): Record<string, string> => {
    try {
      const kept = JSON.parse(localStorage.getItem(storageKey) ?? '{}');
      return { ...(kept.v && { v: String(kept.v) }), ...(kept.c && { c: String(kept.c) }) };
    } catch {
      return {};
    }
  };

  let frame: HTMLIFrameElement | undefined;
  let ready = false;
  let open = false;

  const theme = (color: unknown, position: unknown) => {
    const c = safeColor(color, '#1f4fd6');
    wrapper.style.setProperty('--c', c);
    wrapper.style.setProperty('--t', textColorOn(c));
    wrapper.className = position === 'bottom-left' ? 'l' : '';
  };
  const showState = (unread: number) => {
    bubble.setAttribute('aria-expanded', String(open));
    bubble.setAttribute(
      'aria-label',
      open ? 'Close chat' : unread > 0 ? `${label} (${unread} unread)` : label,
    );
    badge.hidden = open || unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
  };
  const post = (type: 'open' | 'close') => {
    if (frame && ready) frame.contentWindow?.postMessage({ ns: NAMESPACE, type }, origin);
  };

  const createFrame = () => {
    frame = document.createElement('iframe');
    frame.title = 'Chat';
    // The frame checks its parent's origin against the referrer where the browser does not
    // expose ancestorOrigins; keep that referrer even on host pages with no-referrer.
    frame.referrerPolicy = 'origin';
    // The frame learns which origin embeds it, and checks that claim against the browser's.
    const fragment = new URLSearchParams({ origin: location.origin, ...readKeptIds() });
    frame.src = `${origin}/embed/${encodeURIComponent(options.id)}#${fragment}`;
    panel.append(frame);
    setTimeout(() => {
      if (!ready) report(`the chat did not load; is ${location.origin} among the bot's allowed origins?`);
    }, 15_000);
  };
  // On an origin the bot does not allow, the browser would refuse the frame (CSP
  // frame-ancestors) and show a blank grey box: the widget draws nothing there and says why in
  // one console line. The answer is remembered per site: where the bot was allowed before, the
  // bubble is drawn at once and the check runs behind it; on a first visit it is drawn once
  // the check says yes (or says nothing in time), so a refused site never shows it, not even
  // for a moment; where it was refused before, nothing is drawn.
  const verdictKey = `privexbot:origin:${options.id}`;
  let verdict: string | null = null;
  try {
    verdict = localStorage.getItem(verdictKey);
  } catch {
    // no storage: every page view waits for the check before it draws
  }
  let refused = verdict === '0';
  let checked = verdict === '1';
  const mount = () => {
    if (refused || !checked || host.isConnected || !document.body) return;
    document.body.append(host);
    performance.mark('privexbot:bubble-ready');
  };
  let allowed: Promise<boolean>;

  const setOpen = (value: boolean) => {
    if (value === open) return;
    open = value;
    if (open && !frame)
      allowed.then((ok) => {
        if (ok && !frame) createFrame();
      });
    panel.hidden = !open;
    showState(0);
    if (open && ready) frame?.focus();
    post(open ? 'open' : 'close');
  };

  window.addEventListener('message', (event) => {
    // Only our frame, from our origin, may drive the widget: never the page or other frames.
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    const message = readMessage(event.data);
    if (!message) return;
    if (message.type === 'ready') {
      ready = true;
      if (!hostChoseColor) theme(message.color, options.position ?? message.position);
      if (open) {
        frame.focus();
        post('open');
      }
    } else if (message.type === 'close') {
      setOpen(false);
      bubble.focus();
    } else if (message.type === 'unread' && !open && typeof message.count === 'number') {
      showState(Math.max(0, Math.floor(message.count)));
    } else if (message.type === 'session') {
      try {
        localStorage.setItem(storageKey, JSON.stringify({ v: message.visitorId, c: message.conversationId }));
      } catch {
        // the host page has no storage either: the session lasts this page view
      }
    } else if (message.type === 'resize' && typeof message.height === 'number') {
      panel.style.height = `${Math.round(Math.max(320, Math.min(message.height, 600, innerHeight - 120)))}px`;
    }
  });

  bubble.onclick = () => setOpen(!open);
  theme(options.color, options.position);
  showState(0);
  commands = { open: () => setOpen(true), close: () => setOpen(false), toggle: () => setOpen(!open) };
  // An async script may run before the parser has reached <body>.
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
  // Any answer but a refusal (a network error, a bot not found) draws the bubble and lets the
  // frame tell the visitor; so does a check still unanswered after CHECK_PATIENCE_MS.
  const patience = setTimeout(() => {
    checked = true;
    mount();
  }, CHECK_PATIENCE_MS);
  allowed = fetch(`${origin}/v1/bots/${encodeURIComponent(options.id)}/embed-check`)
    .then((response) => (response.ok ? response.json() : undefined))
    .catch(() => undefined)
    .then((answer) => {
      clearTimeout(patience);
      checked = true;
      refused = answer?.allowed === false;
      try {
        localStorage.setItem(verdictKey, refused ? '0' : '1');
      } catch {
        // not remembered: the next page view asks again before it draws
      }
      if (refused) {
        host.remove();
        report(
          `${location.origin} is not among the allowed origins of bot ${options.id}, so the chat is not shown; its owner can add it in the dashboard (the bot's "Allowed website origins").`,
        );
      } else mount();
      return !refused;
    });
}

function pb(command: unknown, arg?: unknown): void {
  try {
    if (command === 'init') {
      init(arg);
      return;
    }
    const run = commands?.[String(command)];
    if (run) run(arg);
    else
      report(
        commands
          ? `unknown command "${String(command)}"`
          : `call pb("init", ...) before pb("${String(command)}")`,
      );
  } catch (error) {
    report(error);
  }
}

const global = window as unknown as { pb?: QueueFunction };
const queued = global.pb?.q ?? [];
global.pb = pb;
// Calls made before this script arrived are replayed in order.
for (const args of Array.from(queued)) pb(args[0], args[1]);
