// Local servers for the widget's browser tests:
//  - the api origin (localhost): serves /widget.js and /embed/:botId exactly as the api
//    platform does (through api/src/widget/serve-widget.ts), plus a stand-in for the public bot API
//    that follows its contract (GET /v1/bots/:id/public, POST .../chat as SSE, POST .../leads).
//    The end-to-end suite later replaces this stand-in with the real api platform.
//  - a host origin (127.0.0.1) in the bots' allowed origins, and a foreign origin that is not.
// Each bot id selects a scenario; every request is recorded so tests can count them.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createNonce,
  embedHeaders,
  renderEmbedPage,
  widgetLoaderHeaders,
  widgetLoaderPath,
} from '@privexbot/api/widget/serve-widget';
import { formatSseEvent } from '@privexbot/schema/sse';

export interface RecordedRequest {
  method: string;
  path: string;
  at: number;
  body?: Record<string, unknown>;
}

/** The consent version the stand-in api hands out (the real one hashes the consent text). */
export const CONSENT_VERSION = '0123456789abcdef';

export const XSS = {
  name: '<img src=x onerror="window.__pbXss=1">Evil<script>window.__pbXss=1</script>',
  answer: [
    'Hi <script>window.__pbXss=2</script> there ',
    '<img src=x onerror="window.__pbXss=3"> and ',
    '[click me](javascript:window.__pbXss=4) and ',
    '**<b onclick="window.__pbXss=5">bold</b>**',
  ],
  citationTitle: '<iframe src="javascript:window.__pbXss=6"></iframe>',
};

export const ANSWER_TOKENS = [
  'Our **opening hours** ',
  'are 9 to 5. See ',
  '[the schedule](https://example.com/hours).\n\n',
  '- Monday to Friday\n',
  '- Saturday *by appointment*',
];

interface Scenario {
  name: string;
  welcomeMessage: string;
  chat: 'answer' | 'xss' | 'quota' | 'failing' | 'rate-limit-once';
  publicFails?: boolean;
}

const SCENARIOS: Record<string, Scenario> = {
  'bot-ok': { name: 'Helpdesk', welcomeMessage: 'Hello! How can I **help** you today?', chat: 'answer' },
  'bot-xss': {
    name: XSS.name,
    welcomeMessage: 'Welcome <img src=x onerror="window.__pbXss=7">',
    chat: 'xss',
  },
  'bot-quota': { name: 'Busy bot', welcomeMessage: 'Hi!', chat: 'quota' },
  'bot-failing': { name: 'Flaky bot', welcomeMessage: 'Hi!', chat: 'failing' },
  'bot-rate-limited': { name: 'Careful bot', welcomeMessage: 'Hi!', chat: 'rate-limit-once' },
  'bot-down': { name: 'Down bot', welcomeMessage: 'Hi!', chat: 'answer', publicFails: true },
};

export interface WidgetFixtures {
  apiOrigin: string;
  hostOrigin: string;
  foreignOrigin: string;
  requests: RecordedRequest[];
  /** Requests whose path starts with the prefix (and method, when given). */
  count(pathPrefix: string, method?: string): number;
  /** Delay between streamed tokens, in ms. */
  tokenDelayMs: number;
  close(): Promise<void>;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function apiError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(res, status, { error: { code, message, requestId: `req-${Date.now()}` } }, headers);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = '';
  for await (const chunk of req) text += chunk;
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** The two-line snippet of the dashboard, on a page of the given origin. */
function hostPage(apiOrigin: string, botId: string, extraBody = '', inHead = false): string {
  const snippet = `<script>window.pb=window.pb||function(){(pb.q=pb.q||[]).push(arguments)};pb('init',{id:${JSON.stringify(botId)}});</script>
<script src="${apiOrigin}/widget.js" async></script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host shop</title>${inHead ? snippet : ''}</head><body>
<h1>A host page</h1><p>Some content</p>${extraBody}
${inHead ? '' : snippet}
</body></html>`;
}

export async function startWidgetFixtures(): Promise<WidgetFixtures> {
  const requests: RecordedRequest[] = [];
  let conversations = 0;
  const rateLimited = new Set<string>();
  const fixtures = { tokenDelayMs: 30 } as WidgetFixtures;

  const hostServer = createServer();
  const foreignServer = createServer();
  const apiServer = createServer();
  const [hostPort, foreignPort, apiPort] = [
    await listen(hostServer),
    await listen(foreignServer),
    await listen(apiServer),
  ];
  const hostOrigin = `http://127.0.0.1:${hostPort}`;
  const foreignOrigin = `http://127.0.0.1:${foreignPort}`;
  // localhost and 127.0.0.1 are different sites to the browser: the frame is truly third-party.
  const apiOrigin = `http://localhost:${apiPort}`;

  const servePages = (origin: string) => (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/host') {
      const spoof = url.searchParams.has('spoof')
        ? `<iframe title="ads" src="${foreignOrigin}/spoof"></iframe>`
        : '';
      // ?head puts the snippet in <head>; ?no-referrer sets the strictest referrer policy.
      const headers: Record<string, string> = { 'content-type': 'text/html' };
      if (url.searchParams.has('no-referrer')) headers['referrer-policy'] = 'no-referrer';
      const html = hostPage(
        apiOrigin,
        url.searchParams.get('bot') ?? '',
        spoof,
        url.searchParams.has('head'),
      );
      res.writeHead(200, headers).end(html);
    } else if (url.pathname === '/spoof') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>third party</title><p>ad</p>');
    } else {
      res.writeHead(404).end();
    }
  };
  hostServer.on('request', servePages(hostOrigin));
  foreignServer.on('request', servePages(foreignOrigin));

  apiServer.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', apiOrigin);
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, at: Date.now() };
    requests.push(record);
    try {
      if (method === 'GET' && url.pathname === '/widget.js') {
        res.writeHead(200, widgetLoaderHeaders).end(readFileSync(widgetLoaderPath));
        return;
      }
      const embed = /^\/embed\/([\w-]+)$/.exec(url.pathname);
      if (method === 'GET' && embed) {
        const botId = embed[1] as string;
        if (!SCENARIOS[botId]) return apiError(res, 404, 'BOT_NOT_FOUND', 'No such bot');
        const nonce = createNonce();
        res.writeHead(200, embedHeaders([hostOrigin], nonce)).end(renderEmbedPage({ botId, nonce }));
        return;
      }
      // The api's answer (routes/embed-diagnostics.ts): may a page on this Origin frame the bot?
      const check = /^\/v1\/bots\/([\w-]+)\/embed-check$/.exec(url.pathname);
      if (method === 'GET' && check && SCENARIOS[check[1] as string]) {
        const origin = req.headers.origin ?? '';
        res.setHeader('access-control-allow-origin', '*');
        return sendJson(res, 200, { allowed: origin === hostOrigin || origin === apiOrigin, origin });
      }
      const route = /^\/v1\/bots\/([\w-]+)\/(public|chat|leads)$/.exec(url.pathname);
      const scenario = route ? SCENARIOS[route[1] as string] : undefined;
      if (!route || !scenario) return apiError(res, 404, 'NOT_FOUND', 'No such route or bot');
      const botId = route[1] as string;

      if (route[2] === 'public' && method === 'GET') {
        if (scenario.publicFails) return apiError(res, 500, 'INTERNAL', 'Internal error');
        return sendJson(res, 200, {
          id: botId,
          name: scenario.name,
          welcomeMessage: scenario.welcomeMessage,
          theme: { color: '#0a7d4f', position: 'bottom-right' },
          leadCapture: {
            enabled: true,
            prompt: 'Want a human to follow up?',
            consentText: `I agree that ${scenario.name} may email me about my question.`,
            consentVersion: CONSENT_VERSION,
          },
        });
      }

      if (route[2] === 'leads' && method === 'POST') {
        const body = await readJson(req);
        record.body = body;
        const valid =
          body &&
          typeof body.email === 'string' &&
          /^[^@\s]+@[^@\s]+$/.test(body.email) &&
          body.consent === true &&
          body.consentVersion === CONSENT_VERSION &&
          typeof body.conversationId === 'string' &&
          typeof body.visitorId === 'string';
        if (!valid)
          return apiError(
            res,
            400,
            'INVALID_LEAD',
            'email, consent: true, the consentVersion shown, conversationId and visitorId are required',
          );
        return sendJson(res, 201, { id: `lead-${requests.length}` });
      }

      if (route[2] === 'chat' && method === 'POST') {
        const body = await readJson(req);
        record.body = body;
        if (!body || typeof body.message !== 'string' || body.message.length === 0) {
          return apiError(res, 400, 'INVALID_MESSAGE', 'message is required');
        }
        if (scenario.chat === 'quota') {
          return apiError(res, 402, 'QUOTA_EXHAUSTED', "This organization's message quota is exhausted");
        }
        if (scenario.chat === 'failing') return apiError(res, 500, 'INTERNAL', 'Internal error');
        if (scenario.chat === 'rate-limit-once' && !rateLimited.has(String(body.visitorId))) {
          rateLimited.add(String(body.visitorId));
          return apiError(res, 429, 'RATE_LIMITED', 'Slow down', { 'retry-after': '1' });
        }
        const conversationId =
          typeof body.conversationId === 'string' ? body.conversationId : `conv-${++conversations}`;
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
        });
        const event = (name: string, data: unknown) => res.write(formatSseEvent(name, data));
        const tokens = scenario.chat === 'xss' ? XSS.answer : ANSWER_TOKENS;
        for (const text of tokens) {
          event('token', { text });
          await sleep(fixtures.tokenDelayMs);
        }
        event('citations', {
          citations:
            scenario.chat === 'xss'
              ? [
                  {
                    title: XSS.citationTitle,
                    url: 'javascript:window.__pbXss=8',
                    snippet: '<svg onload="window.__pbXss=9">',
                  },
                ]
              : [
                  {
                    title: 'Opening hours',
                    url: 'https://example.com/hours',
                    snippet: 'We are open 9 to 5.',
                  },
                  { title: 'Staff handbook', snippet: 'Saturdays by appointment.' },
                ],
        });
        event('usage', { promptTokens: 42, completionTokens: 17 });
        event('done', { conversationId });
        res.end();
        return;
      }
      apiError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
    } catch (error) {
      if (!res.headersSent) apiError(res, 500, 'INTERNAL', String(error));
      else res.end();
    }
  });

  const close = async () => {
    for (const server of [hostServer, foreignServer, apiServer]) {
      server.closeAllConnections();
      server.close();
    }
  };
  return Object.assign(fixtures, {
    apiOrigin,
    hostOrigin,
    foreignOrigin,
    requests,
    count: (prefix: string, m?: string) =>
      requests.filter((r) => r.path.startsWith(prefix) && (!m || r.method === m)).length,
    close,
  });
}
