// How the api serves the widget: the loader's file path, the frame page's HTML and its
// headers. The dapp package builds the widget into dapp/widget/dist (`npm run -w dapp
// build:widget`; `npm start` and `npm test` build it first); the api reads those built files,
// a build artefact, and imports no dapp code.
//
//   GET /widget.js      -> res.set(widgetLoaderHeaders).sendFile(widgetLoaderPath)
//   GET /embed/:botId   -> const nonce = createNonce();
//                          res.set(embedHeaders(bot.allowedOrigins, nonce))
//                             .send(renderEmbedPage({ botId, nonce }))
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../../dapp/widget/dist/', import.meta.url);

/** Absolute path of the built loader (dapp/widget/dist/widget.js). */
export const widgetLoaderPath = fileURLToPath(new URL('widget.js', dist));

/** Host pages fetch the loader on every view: cache briefly so a new release spreads within minutes. */
export const widgetLoaderHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': 'public, max-age=300',
  'x-content-type-options': 'nosniff',
};

let frameAssets: { script: string; style: string } | undefined;

function loadFrameAssets(): { script: string; style: string } {
  if (!frameAssets) {
    let script: string;
    let style: string;
    try {
      script = readFileSync(new URL('frame.js', dist), 'utf8');
      style = readFileSync(new URL('frame.css', dist), 'utf8');
    } catch {
      throw new Error('The widget is not built: run `npm run -w dapp build:widget`.');
    }
    // Both are inlined into the page, so neither may close its own element early.
    if (/<\/script/i.test(script) || /<\/style/i.test(style)) {
      throw new Error('The built widget contains a closing tag and cannot be inlined.');
    }
    frameAssets = { script, style };
  }
  return frameAssets;
}

/** A fresh CSP nonce: 128 random bits, base64. Use one per response. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Turns a bot's allowed origins into CSP source expressions. Each entry is reduced to its
 * serialized origin (scheme://host[:port]) and must then consist of host-name characters
 * only, so a stored value can never smuggle a directive into the header. Anything that is
 * not a plain http(s) origin (wildcards included) is dropped.
 */
export function toFrameAncestors(allowedOrigins: readonly string[]): string[] {
  const sources = new Set<string>();
  for (const entry of allowedOrigins) {
    try {
      const url = new URL(entry);
      // WHATWG URLs accept `;` and other CSP separators in host names: allow DNS names, IPv4
      // and bracketed IPv6 only.
      if (/^https?:\/\/(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(url.origin))
        sources.add(url.origin);
    } catch {
      // not an origin: ignored
    }
  }
  return [...sources];
}

/**
 * The Content-Security-Policy of the frame page. `frame-ancestors` lists the bot's allowed
 * origins (plus 'self', for the dashboard's live preview), so browsers refuse to embed the
 * bot anywhere else. The rest allows only the inlined, nonced script and style, and requests
 * to our own origin.
 */
export function embedCsp(allowedOrigins: readonly string[], nonce: string): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('embedCsp needs a nonce from createNonce().');
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${["'self'", ...toFrameAncestors(allowedOrigins)].join(' ')}`,
  ].join('; ');
}

/** Every header of the frame page's response. */
export function embedHeaders(allowedOrigins: readonly string[], nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': embedCsp(allowedOrigins, nonce),
    // The page embeds a per-response nonce: never cache it.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Links the visitor follows from citations do not tell the target which bot they came from.
    'referrer-policy': 'no-referrer',
  };
}

export interface EmbedPageOptions {
  botId: string;
  /** The nonce also passed to embedCsp for this response. */
  nonce: string;
}

/** The HTML of /embed/:botId: an empty page whose inlined script builds the conversation. */
export function renderEmbedPage({ botId, nonce }: EmbedPageOptions): string {
  const { script, style } = loadFrameAssets();
  const n = escapeAttribute(nonce);
  return `<!doctype html><html lang="en" data-bot-id="${escapeAttribute(botId)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Chat</title><style nonce="${n}">${style}</style></head><body><script nonce="${n}">${script}</script></body></html>`;
}
