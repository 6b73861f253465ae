// The conversation page inside the frame, served from our origin at /embed/:botId.
// Everything here is built with DOM APIs and textContent: no text from the server or the
// bot is ever parsed as HTML.
import { type FrameToLoader, NAMESPACE, readMessage, safeColor, textColorOn } from '../message-protocol.js';
import { renderMarkdown } from './render-markdown.js';
import { createRequester, RequestFailure } from './request-with-retry.js';
import { ChatError, readChatStream, readErrorBody } from './stream-chat.js';
import { type Citation, isId, loadSession, type StoredMessage, saveSession } from './visitor-session.js';

interface PublicBot {
  name: string;
  welcomeMessage: string;
  theme?: { color?: string; position?: string };
  /** consentText/consentVersion: the sentence to show word for word, and its version to send back. */
  leadCapture?: { enabled?: boolean; prompt?: string; consentText?: string; consentVersion?: string };
}

const NOTICES = {
  quota:
    'This assistant has answered all the messages it can for now. Please come back a little later, thank you for your patience.',
  unreachable: 'The assistant cannot be reached right now. Please try again in a moment.',
  stopped: 'The assistant cannot be reached right now. Please come back later.',
  broken: 'The answer was interrupted. Please ask again.',
  failed: 'Sorry, something went wrong with this message.',
  unavailable: 'This chat is not available right now.',
};

const root = document.documentElement;
const botId = root.dataset.botId ?? '';
const api = `/v1/bots/${encodeURIComponent(botId)}`;
const fragment = new URLSearchParams(location.hash.slice(1));
const session = loadSession(botId, { visitorId: fragment.get('v'), conversationId: fragment.get('c') });
const request = createRequester();

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) if (value !== undefined) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

// --- the parent page: accepted only when the origin the loader claimed is really our parent.
function verifiedParentOrigin(): string | undefined {
  if (window.parent === window) return undefined;
  const claimed = fragment.get('origin') ?? '';
  // Chromium and Safari tell us the real ancestor; elsewhere the referrer (origin-only by
  // default for cross-origin frames) is the best evidence. CSP frame-ancestors has already
  // restricted who can frame us; this check makes sure we talk to that page and no other.
  const actual =
    location.ancestorOrigins?.[0] ?? (document.referrer ? new URL(document.referrer).origin : '');
  return claimed && claimed === actual ? claimed : undefined;
}
const parentOrigin = verifiedParentOrigin();
let isOpen = !parentOrigin;
let unread = 0;

type Outgoing = FrameToLoader extends infer M ? (M extends FrameToLoader ? Omit<M, 'ns'> : never) : never;
function postToParent(message: Outgoing): void {
  if (parentOrigin) window.parent.postMessage({ ns: NAMESPACE, ...message }, parentOrigin);
}

window.addEventListener('message', (event) => {
  if (!parentOrigin || event.origin !== parentOrigin || event.source !== window.parent) return;
  const message = readMessage(event.data);
  if (message?.type === 'open') {
    isOpen = true;
    unread = 0;
    input.focus();
  } else if (message?.type === 'close') {
    isOpen = false;
  }
  root.dataset.open = String(isOpen);
});

// --- the page
const title = el('h1', { id: 'pb-title' }, 'Chat');
const closeButton = el('button', { type: 'button', class: 'close', 'aria-label': 'Close chat' }, '×');
const log = el('div', {
  class: 'log',
  role: 'log',
  'aria-live': 'polite',
  'aria-busy': 'true',
  'aria-labelledby': 'pb-title',
});
const input = el('textarea', {
  id: 'pb-input',
  rows: '1',
  maxlength: '4000',
  autocomplete: 'off',
  placeholder: 'Type your message…',
});
const sendButton = el('button', { type: 'submit' }, 'Send');
const compose = el(
  'form',
  { class: 'compose' },
  el('label', { for: 'pb-input', class: 'sr' }, 'Your message'),
  input,
  sendButton,
);
document.body.append(el('header', {}, title, closeButton), log, compose);

closeButton.onclick = () => postToParent({ type: 'close' });
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') postToParent({ type: 'close' });
});

let bot: PublicBot | undefined;
let busy = true;
/** Sending is paused until this time, when the server asked us to slow down. */
let pausedUntil = 0;

function setBusy(value: boolean): void {
  busy = value;
  sendButton.disabled = value;
  log.setAttribute('aria-busy', String(value));
}

function requestResize(): void {
  postToParent({ type: 'resize', height: document.body.scrollHeight - log.clientHeight + log.scrollHeight });
}

function showCitations(container: HTMLElement, citations: Citation[]): void {
  if (citations.length === 0) return;
  const list = el('ol');
  for (const c of citations) {
    const href = c.url && /^https?:\/\//i.test(c.url) ? c.url : undefined;
    const name = href
      ? el('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' }, c.title)
      : el('span', {}, c.title);
    list.append(el('li', {}, name, el('p', { class: 'snippet' }, c.snippet)));
  }
  container.append(
    el('section', { class: 'sources', 'aria-label': 'Sources' }, el('p', {}, 'Sources'), list),
  );
}

function addMessage(message: StoredMessage): HTMLElement {
  const body = el('div', { class: 'body' });
  const node = el('div', { class: `msg ${message.role}` }, body);
  if (message.role === 'bot') body.append(renderMarkdown(message.text));
  else body.textContent = message.text;
  if (message.citations) showCitations(node, message.citations);
  log.append(node);
  log.scrollTop = log.scrollHeight;
  requestResize();
  return node;
}

function notify(text: string): void {
  addMessage({ role: 'notice', text });
}

function remember(message: StoredMessage): void {
  session.transcript.push(message);
  saveSession(botId, session);
}

/** Without storage of our own, the loader keeps the ids (never the text) for the next page view. */
function keepIdsWithLoader(): void {
  if (!session.persistent) {
    postToParent({ type: 'session', visitorId: session.visitorId, conversationId: session.conversationId });
  }
}

async function send(text: string): Promise<void> {
  if (busy || !text.trim()) return;
  if (Date.now() < pausedUntil) {
    notify(
      `Please wait ${Math.ceil((pausedUntil - Date.now()) / 1000)} seconds before sending another message.`,
    );
    return;
  }
  const question: StoredMessage = { role: 'user', text };
  addMessage(question);
  remember(question);
  input.value = '';
  setBusy(true);
  try {
    const response = await request(() =>
      fetch(`${api}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          message: text,
          conversationId: session.conversationId,
          visitorId: session.visitorId,
        }),
      }),
    );
    if (response.status === 402) return notify(NOTICES.quota);
    if (!response.ok) throw await readErrorBody(response);
    await streamAnswer(response);
  } catch (error) {
    if (error instanceof RequestFailure && error.reason === 'rate-limited') {
      const seconds = Math.ceil((error.waitMs ?? 10_000) / 1000);
      pausedUntil = Date.now() + seconds * 1000;
      notify(
        `You are sending messages faster than this assistant can answer. Please wait ${seconds} seconds.`,
      );
    } else if (error instanceof RequestFailure) {
      notify(error.reason === 'budget-exhausted' ? NOTICES.stopped : NOTICES.unreachable);
    } else if (error instanceof ChatError && error.code === 'QUOTA_EXHAUSTED') {
      notify(NOTICES.quota);
    } else {
      notify(error instanceof ChatError && error.code === 'STREAM_BROKEN' ? NOTICES.broken : NOTICES.failed);
    }
  } finally {
    setBusy(false);
  }
}

async function streamAnswer(response: Response): Promise<void> {
  const answer: StoredMessage = { role: 'bot', text: '' };
  const node = addMessage(answer);
  const body = node.firstChild as HTMLElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Re-rendering the Markdown at most once a frame (16 ms) shows each token as a model sends it
  // (20-50 a second) and stays cheap at chat sizes; at 50 ms, an answer of 25 words took five
  // paints. A timer rather than requestAnimationFrame, which stops while the panel is closed.
  const render = () => {
    timer = undefined;
    body.replaceChildren(renderMarkdown(answer.text));
    log.scrollTop = log.scrollHeight;
  };
  try {
    await readChatStream(response, {
      onToken(text) {
        answer.text += text;
        timer ??= setTimeout(render, 16);
      },
      onCitations(citations) {
        answer.citations = citations;
      },
      onDone(conversationId) {
        if (isId(conversationId)) session.conversationId = conversationId;
        keepIdsWithLoader();
      },
    });
  } finally {
    clearTimeout(timer);
    render();
    // A partial answer is kept on screen and in the transcript: it is what the visitor saw.
    if (answer.text) remember(answer);
  }
  if (answer.citations) showCitations(node, answer.citations);
  requestResize();
  if (!isOpen) postToParent({ type: 'unread', count: ++unread });
  offerLeadForm();
}

let leadOffered = false;
function offerLeadForm(): void {
  if (leadOffered || session.leadSent || !bot?.leadCapture?.enabled || !session.conversationId) return;
  leadOffered = true;
  const lead = bot.leadCapture;
  const email = el('input', {
    id: 'pb-email',
    type: 'email',
    required: '',
    autocomplete: 'email',
    maxlength: '254',
  });
  const name = el('input', { id: 'pb-name', autocomplete: 'name', maxlength: '200' });
  const consent = el('input', { id: 'pb-consent', type: 'checkbox', required: '' });
  const status = el('p', { role: 'status' });
  const submit = el('button', { type: 'submit' }, 'Send my email');
  const dismiss = el('button', { type: 'button', class: 'quiet' }, 'No thanks');
  const form = el(
    'form',
    { class: 'lead', 'aria-label': 'Leave your email' },
    el('p', {}, lead.prompt || 'Would you like us to follow up by email?'),
    el('label', { for: 'pb-email' }, 'Email'),
    email,
    el('label', { for: 'pb-name' }, 'Name (optional)'),
    name,
    el(
      'div',
      { class: 'consent' },
      consent,
      el(
        'label',
        { for: 'pb-consent' },
        lead.consentText || `I agree that ${bot.name} may contact me at this email address.`,
      ),
    ),
    submit,
    dismiss,
    status,
  );
  dismiss.onclick = () => {
    form.remove();
    input.focus();
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    // The browser checks `required`; this guards against a form submitted some other way.
    if (!consent.checked || !email.checkValidity()) return;
    submit.disabled = true;
    try {
      const response = await request(() =>
        fetch(`${api}/leads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: email.value.trim(),
            name: name.value.trim() || undefined,
            consent: true,
            // The lead records the text this version names: what the visitor saw, word for word.
            consentVersion: lead.consentVersion,
            conversationId: session.conversationId,
            visitorId: session.visitorId,
          }),
        }),
      );
      if (!response.ok) throw await readErrorBody(response);
      session.leadSent = true;
      saveSession(botId, session);
      form.replaceChildren(el('p', { role: 'status' }, 'Thank you! We will be in touch.'));
    } catch {
      status.textContent = 'Your email could not be sent. Please check it and try again.';
      submit.disabled = false;
    }
  };
  log.append(form);
  log.scrollTop = log.scrollHeight;
}

compose.onsubmit = (event) => {
  event.preventDefault();
  void send(input.value);
};
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    void send(input.value);
  }
});

async function start(): Promise<void> {
  try {
    const response = await request(() => fetch(`${api}/public`));
    if (!response.ok) throw await readErrorBody(response);
    bot = (await response.json()) as PublicBot;
  } catch {
    log.setAttribute('aria-busy', 'false');
    notify(NOTICES.unavailable);
    postToParent({ type: 'ready' });
    return;
  }
  title.textContent = bot.name;
  document.title = bot.name;
  const color = safeColor(bot.theme?.color, '#1f4fd6');
  root.style.setProperty('--accent', color);
  root.style.setProperty('--on-accent', textColorOn(color));
  if (bot.welcomeMessage) addMessage({ role: 'bot', text: bot.welcomeMessage });
  for (const message of session.transcript) addMessage(message);
  setBusy(false);
  postToParent({ type: 'ready', color, position: bot.theme?.position });
  keepIdsWithLoader();
  if (isOpen) input.focus();
}

void start();
