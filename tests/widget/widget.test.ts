/// <reference lib="dom" />
// The embeddable widget in a real Chromium: a host page on one origin, the widget, its frame
// and the public bot API on another (see serve-widget-fixtures.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWidget } from '@privexbot/dapp/widget/build-widget';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Frame,
  type FrameLocator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANSWER_TOKENS,
  CONSENT_VERSION,
  startWidgetFixtures,
  type WidgetFixtures,
  XSS,
} from './serve-widget-fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let fixtures: WidgetFixtures;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  // Tests always run against a fresh build of the widget.
  await buildWidget();
  fixtures = await startWidgetFixtures();
  // chromium.launch gives every run a fresh, temporary --user-data-dir.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await fixtures?.close();
});

beforeEach(async () => {
  await context?.close();
  // A new context per test: no storage or visitor id leaks from one test into the next.
  context = await browser.newContext();
  // Runs in every frame, ours included: records any CSP violation an injection would cause.
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  fixtures.requests.length = 0;
});

async function openHost(botId: string, origin = fixtures.hostOrigin, query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/host?bot=${botId}${query}`);
  return page;
}

function chatFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe[title="Chat"]');
}

async function openChat(page: Page): Promise<FrameLocator> {
  await page.getByRole('button', { name: /^Open chat/ }).click();
  const frame = chatFrame(page);
  await frame.locator('textarea').waitFor();
  return frame;
}

async function ask(frame: FrameLocator, question: string): Promise<void> {
  await frame.getByLabel('Your message').fill(question);
  await frame.getByLabel('Your message').press('Enter');
}

/** The second chat request continues the first one's conversation, for the same visitor. */
function expectSameSession(): void {
  const [first, second] = fixtures.requests.filter((r) => r.path === '/v1/bots/bot-ok/chat');
  expect(first?.body?.conversationId).toBeUndefined();
  expect(first?.body?.visitorId).toMatch(/^[0-9a-f]{32}$/);
  expect(second?.body?.visitorId).toBe(first?.body?.visitorId);
  expect(second?.body?.conversationId).toMatch(/^conv-\d+$/);
}

/** Evaluates in the widget's frame (our origin), not the host page. */
async function inFrame<T>(page: Page, fn: () => T): Promise<T> {
  const frame = page.frames().find((f) => f.url().startsWith(`${fixtures.apiOrigin}/embed/`));
  if (!frame) throw new Error('the widget frame is not there');
  return frame.evaluate(fn);
}

describe('the loader', () => {
  it('draws an accessible bubble from a call queued before the script loaded', async () => {
    const page = await openHost('bot-ok');
    const bubble = page.getByRole('button', { name: 'Open chat' });
    await bubble.waitFor();
    expect(await bubble.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => performance.getEntriesByName('privexbot:bubble-ready').length)).toBe(1);
    // One small request asks whether this origin may show the bot; the frame waits for an open.
    await expect.poll(() => fixtures.count('/v1/bots/bot-ok/embed-check')).toBe(1);
    expect(fixtures.count('/v1/')).toBe(1);
    expect(fixtures.count('/embed/')).toBe(0);

    // Keyboard only: Tab reaches the bubble, Enter opens the chat and moves focus into it.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className)).toBe('b');
    await page.keyboard.press('Enter');
    const frame = chatFrame(page);
    await expect.poll(() => inFrame(page, () => document.activeElement?.id)).toBe('pb-input');
    expect(await page.getByRole('button', { name: 'Close chat' }).getAttribute('aria-expanded')).toBe('true');
    await frame.getByText('How can I help you today?').waitFor();
    expect(await frame.getByRole('heading').textContent()).toBe('Helpdesk');

    // Escape inside the frame closes it and gives focus back to the bubble.
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.getByRole('button', { name: 'Open chat' }).getAttribute('aria-expanded'))
      .toBe('false');
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className)).toBe('b');
    expect(await page.locator('iframe[title="Chat"]').isVisible()).toBe(false);
  });

  it('works with the snippet in <head> on a host page that sends no referrer', async () => {
    const page = await openHost('bot-ok', fixtures.hostOrigin, '&head&no-referrer');
    const frame = await openChat(page);
    await frame.getByText('How can I help you today?').waitFor();
    // The frame verified its parent (the close button talks to the loader).
    await frame.getByRole('button', { name: 'Close chat' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Open chat' }).getAttribute('aria-expanded'))
      .toBe('false');
  });

  it('opens full screen on a phone-sized viewport', async () => {
    const page = await openHost('bot-ok');
    await page.setViewportSize({ width: 375, height: 667 });
    await openChat(page);
    const box = await page.locator('iframe[title="Chat"]').boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 375, height: 667 });
  });

  it('reports bad calls on the console and never throws into the host page', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(`${fixtures.hostOrigin}/host?bot=`);
    await page.evaluate(() => {
      const pb = (window as unknown as { pb: (...a: unknown[]) => void }).pb;
      pb('open');
      pb('init', { id: '<script>' });
      pb('nonsense');
    });
    await expect
      .poll(() => consoleErrors.filter((t) => t.includes('[privexbot]')).length)
      .toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([]);
    expect(await page.locator('[data-privexbot]').count()).toBe(0);
  });
});

describe('the conversation', () => {
  it('streams an answer as safe Markdown, with citations', async () => {
    fixtures.tokenDelayMs = 250;
    try {
      const page = await openHost('bot-ok');
      const frame = await openChat(page);
      await ask(frame, 'When are you open?');
      // Part of the answer is on screen while the rest is still streaming.
      await frame.getByText('opening hours').waitFor();
      expect(await frame.locator('[role=log]').getAttribute('aria-busy')).toBe('true');
      expect(await frame.getByText('Monday to Friday').count()).toBe(0);
      await frame.getByText('Saturday by appointment').waitFor();
      await expect.poll(() => frame.locator('[role=log]').getAttribute('aria-busy')).toBe('false');
    } finally {
      fixtures.tokenDelayMs = 30;
    }
  });

  it('renders Markdown and citations with DOM elements', async () => {
    const page = await openHost('bot-ok');
    const frame = await openChat(page);
    await ask(frame, 'When are you open?');
    const answer = frame.locator('.msg.bot').last();
    await answer.getByText('Sources').waitFor();
    expect(await answer.locator('strong').first().textContent()).toBe('opening hours');
    expect(await answer.locator('em').textContent()).toBe('by appointment');
    expect(await answer.locator('.body li').count()).toBe(2);
    expect(await answer.getByRole('link', { name: 'the schedule' }).getAttribute('href')).toBe(
      'https://example.com/hours',
    );
    const sources = answer.getByRole('region', { name: 'Sources' });
    expect(await sources.getByRole('link', { name: 'Opening hours' }).getAttribute('href')).toBe(
      'https://example.com/hours',
    );
    await sources.getByText('Staff handbook').waitFor(); // a source without URL: a title, no link
    expect(await sources.getByRole('link').count()).toBe(1);
    expect(await answer.locator('.body').textContent()).toContain('are 9 to 5');
    expect(ANSWER_TOKENS.join('')).toContain('[the schedule]');
  });

  it('shows XSS payloads in bot names, answers and citations as text', async () => {
    const page = await openHost('bot-xss');
    const frame = await openChat(page);
    await ask(frame, 'hi');
    await frame.getByText('Sources').waitFor();
    const seen = await inFrame(page, () => ({
      xss: (window as unknown as { __pbXss?: number }).__pbXss,
      csp: (window as unknown as { __csp: string[] }).__csp,
      title: document.querySelector('h1')?.textContent,
      log: document.querySelector('[role=log]')?.textContent ?? '',
      injected: document.querySelectorAll('img, iframe, svg, b, [onerror], [onclick], [onload]').length,
      scripts: document.scripts.length,
      links: Array.from(document.querySelectorAll('a'), (a) => a.getAttribute('href')),
    }));
    expect(seen.xss).toBeUndefined();
    expect(seen.csp).toEqual([]);
    expect(seen.title).toBe(XSS.name);
    expect(seen.log).toContain('<script>window.__pbXss=2</script>');
    expect(seen.log).toContain('<img src=x onerror="window.__pbXss=3">');
    expect(seen.log).toContain(XSS.citationTitle);
    expect(seen.injected).toBe(0);
    expect(seen.scripts).toBe(1); // only our own, nonced script
    expect(seen.links).toEqual([]); // the javascript: link and citation URL were not made links
    expect(await page.evaluate(() => (window as unknown as { __pbXss?: number }).__pbXss)).toBeUndefined();
  });

  it('submits a lead only with explicit consent', async () => {
    const page = await openHost('bot-ok');
    const frame = await openChat(page);
    await ask(frame, 'Can someone call me?');
    const form = frame.getByRole('form', { name: 'Leave your email' });
    await form.getByText('Want a human to follow up?').waitFor();
    await form.getByLabel('Email', { exact: true }).fill('visitor@example.com');
    await form.getByLabel('Name (optional)').fill('Ada');
    await form.getByRole('button', { name: 'Send my email' }).click();
    // The consent box is required: nothing was sent.
    expect(
      await form.getByRole('checkbox').evaluate((c) => (c as HTMLInputElement).validity.valueMissing),
    ).toBe(true);
    expect(fixtures.count('/v1/bots/bot-ok/leads')).toBe(0);

    // The consent sentence is the api's, word for word, and its version goes back with the lead.
    await form.getByLabel('I agree that Helpdesk may email me about my question.').check();
    await form.getByRole('button', { name: 'Send my email' }).click();
    await frame.getByText('Thank you! We will be in touch.').waitFor();
    const lead = fixtures.requests.find((r) => r.path === '/v1/bots/bot-ok/leads');
    const chat = fixtures.requests.find((r) => r.path === '/v1/bots/bot-ok/chat');
    expect(lead?.body).toEqual({
      email: 'visitor@example.com',
      name: 'Ada',
      consent: true,
      consentVersion: CONSENT_VERSION,
      conversationId: expect.stringMatching(/^conv-\d+$/),
      visitorId: chat?.body?.visitorId,
    });
    expect(chat?.body?.visitorId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('lets the visitor dismiss the lead form without sending anything', async () => {
    const page = await openHost('bot-ok');
    const frame = await openChat(page);
    await ask(frame, 'Just browsing');
    const form = frame.getByRole('form', { name: 'Leave your email' });
    await form.getByRole('button', { name: 'No thanks' }).click();
    expect(await form.count()).toBe(0);
    await expect.poll(() => inFrame(page, () => document.activeElement?.id)).toBe('pb-input');
    expect(fixtures.count('/v1/bots/bot-ok/leads')).toBe(0);
  });

  it('keeps the visitor, the conversation and its text across a reload', async () => {
    // A fresh --user-data-dir whose profile lets third-party frames have (partitioned)
    // storage, as Chrome's default profile, Firefox and Safari do.
    const profile = mkdtempSync(join(tmpdir(), 'privexbot-widget-'));
    mkdirSync(join(profile, 'Default'));
    writeFileSync(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
    );
    const persistent = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await persistent.newPage();
      await page.goto(`${fixtures.hostOrigin}/host?bot=bot-ok`);
      let frame = await openChat(page);
      await ask(frame, 'First question');
      await frame.getByText('Sources').waitFor();
      await page.reload();
      frame = await openChat(page);
      await frame.getByText('First question').waitFor();
      await frame.getByText('Saturday by appointment').waitFor();
      await ask(frame, 'Second question');
      await expect.poll(() => fixtures.count('/v1/bots/bot-ok/chat')).toBe(2);
      expectSameSession();
      // The frame kept everything in its own storage: the host page holds nothing of it, only
      // the loader's note that this site may show the bot.
      expect(
        await page.evaluate(() =>
          Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage[k]])),
        ),
      ).toEqual({ 'privexbot:origin:bot-ok': '1' });
    } finally {
      await persistent.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('keeps the visitor and the conversation ids with the loader when the frame has no storage', async () => {
    // This context blocks third-party storage, like private windows do.
    const page = await openHost('bot-ok');
    let frame = await openChat(page);
    await ask(frame, 'First question');
    await frame.getByText('Sources').waitFor();
    expect(
      await inFrame(page, () => {
        try {
          return localStorage.length >= 0;
        } catch {
          return 'denied';
        }
      }),
    ).toBe('denied');
    await page.reload();
    frame = await openChat(page);
    await ask(frame, 'Second question');
    await expect.poll(() => fixtures.count('/v1/bots/bot-ok/chat')).toBe(2);
    expectSameSession();
    // The host page keeps the two ids only, never the conversation's text.
    const kept = await page.evaluate(() => localStorage.getItem('privexbot:bot-ok') ?? '');
    expect(Object.keys(JSON.parse(kept)).sort()).toEqual(['c', 'v']);
    expect(kept).not.toContain('question');
  });

  it('counts answers that arrive while closed as unread on the bubble', async () => {
    fixtures.tokenDelayMs = 200;
    try {
      const page = await openHost('bot-ok');
      const frame = await openChat(page);
      await ask(frame, 'Tell me while I look away');
      await frame.getByText('opening hours').waitFor();
      await page.getByRole('button', { name: 'Close chat' }).click();
      await page.getByRole('button', { name: 'Open chat (1 unread)' }).waitFor();
    } finally {
      fixtures.tokenDelayMs = 30;
    }
  });
});

describe('accessibility', () => {
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  type AxeResult = { violations: { id: string; impact: string; nodes: unknown[] }[] };

  async function audit(frame: Frame, include: string): Promise<AxeResult['violations']> {
    // Evaluated through DevTools, so the frame's strict CSP does not block the auditor.
    await frame.evaluate(axeSource);
    const result = (await frame.evaluate(
      (selector) =>
        (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<unknown> } }).axe.run(
          { include: [[selector]] },
          { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } },
        ),
      include,
    )) as AxeResult;
    return result.violations.map(({ id, impact, nodes }) => ({
      id,
      impact,
      nodes: nodes.length as unknown as unknown[],
    }));
  }

  it('has no WCAG 2.1 AA violations in the bubble or the conversation (axe-core)', async () => {
    const page = await openHost('bot-ok');
    expect(await audit(page.mainFrame(), '[data-privexbot]')).toEqual([]);
    const frameLocator = await openChat(page);
    await ask(frameLocator, 'When are you open?');
    await frameLocator.getByRole('form', { name: 'Leave your email' }).waitFor();
    await frameLocator.getByLabel('Your message').fill('');
    const frame = page.frames().find((f) => f.url().startsWith(`${fixtures.apiOrigin}/embed/`));
    if (!frame) throw new Error('the widget frame is not there');
    expect(await audit(frame, 'body')).toEqual([]);
    expect(await audit(page.mainFrame(), '[data-privexbot]')).toEqual([]);
  });
});

describe('failures', () => {
  it('shows a polite message when the quota is exhausted, without retrying', async () => {
    const page = await openHost('bot-quota');
    const frame = await openChat(page);
    await ask(frame, 'hello?');
    await frame.getByText(/answered all the messages it can for now/).waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    expect(fixtures.count('/v1/bots/bot-quota/chat')).toBe(1);
  });

  it('retries a failing server a bounded number of times, then stops for good', async () => {
    const page = await openHost('bot-failing');
    const frame = await openChat(page);
    const chats = () => fixtures.count('/v1/bots/bot-failing/chat');
    await ask(frame, 'one');
    await frame.getByText('cannot be reached right now. Please try again').waitFor();
    expect(chats()).toBe(4); // the request and 3 retries
    const gaps = fixtures.requests
      .filter((r) => r.path === '/v1/bots/bot-failing/chat')
      .map((r, i, all) => r.at - (all[i - 1]?.at ?? r.at))
      .slice(1);
    // Exponential backoff with jitter in the upper half: at least 200, 400, 800 ms. Only lower
    // bounds are asserted: a busy machine can stretch a gap, never shorten it.
    expect(gaps.length).toBe(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(195);
    expect(gaps[1]).toBeGreaterThanOrEqual(395);
    expect(gaps[2]).toBeGreaterThanOrEqual(795);

    await new Promise((r) => setTimeout(r, 2000));
    expect(chats()).toBe(4); // nothing more without a new action

    for (const text of ['two', 'three']) {
      await ask(frame, text);
      await expect
        .poll(() => frame.locator('.notice').count(), { timeout: 10_000 })
        .toBe(text === 'two' ? 2 : 3);
    }
    expect(chats()).toBe(12); // the page's failure budget is spent
    await ask(frame, 'four');
    await frame.getByText('Please come back later.').waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    expect(chats()).toBe(12);
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    const page = await openHost('bot-rate-limited');
    const frame = await openChat(page);
    await ask(frame, 'hi');
    await frame.getByText('Saturday by appointment').waitFor();
    const [limited, accepted] = fixtures.requests.filter((r) => r.path === '/v1/bots/bot-rate-limited/chat');
    expect((accepted?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(fixtures.count('/v1/bots/bot-rate-limited/chat')).toBe(2);
  });

  it('says so when the bot cannot be loaded, after bounded retries', async () => {
    const page = await openHost('bot-down');
    const frame = await openChat(page);
    await frame.getByText('This chat is not available right now.').waitFor();
    expect(fixtures.count('/v1/bots/bot-down/public')).toBe(4);
  });
});

describe('isolation', () => {
  it('on an origin the bot does not allow, draws nothing and logs one line saying why; allowed origins keep the bubble', async () => {
    const refusal = `[privexbot] ${fixtures.foreignOrigin} is not among the allowed origins of bot bot-ok, so the chat is not shown; its owner can add it in the dashboard (the bot's "Allowed website origins").`;
    // Every page records whether the widget ever attached anything to the document.
    await context.addInitScript(() => {
      const w = window as unknown as { __widgetDrawn: boolean };
      w.__widgetDrawn = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-privexbot], iframe')) w.__widgetDrawn = true;
      }).observe(document, { childList: true, subtree: true });
    });
    const visibleElements = (page: Page) =>
      page.evaluate(() => {
        const seen: string[] = [];
        const roots: ParentNode[] = [document];
        for (let root = roots.pop(); root; root = roots.pop())
          for (const element of Array.from(root.querySelectorAll('*'))) {
            if (element.shadowRoot) roots.push(element.shadowRoot);
            const box = element.getBoundingClientRect();
            const shown = element.checkVisibility({ opacityProperty: true, visibilityProperty: true });
            if (shown && box.width > 0 && box.height > 0) seen.push(element.tagName);
          }
        return seen.sort();
      });

    for (const view of ['first', 'second'] as const) {
      const page = await context.newPage();
      const messages: string[] = [];
      page.on('console', (message) => {
        // The host page's own missing favicon is the browser's line, not the widget's.
        if (!message.location().url.endsWith('/favicon.ico')) messages.push(message.text());
      });
      await page.goto(`${fixtures.foreignOrigin}/host?bot=bot-ok`);
      await expect.poll(() => messages.length).toBeGreaterThan(0);
      // Long enough for anything else the widget would draw or log (the check answers in ms).
      await page.waitForTimeout(300);
      expect(messages).toEqual([refusal]);
      expect(await visibleElements(page)).toEqual(['BODY', 'H1', 'HTML', 'P']);
      expect(await page.locator('[data-privexbot]').count()).toBe(0);
      // Commands on a refused page do nothing, and draw nothing.
      await page.evaluate(() => (window as unknown as { pb: (c: string) => void }).pb('open'));
      await page.waitForTimeout(100);
      expect(await visibleElements(page)).toEqual(['BODY', 'H1', 'HTML', 'P']);
      // Not even for the check's round trip on the first visit: the bubble never appeared, and
      // the second view knew the answer before asking.
      const drawn = await page.evaluate(
        () => (window as unknown as { __widgetDrawn: boolean }).__widgetDrawn,
      );
      expect(drawn, `${view} view`).toBe(false);
      expect(await page.evaluate(() => localStorage.getItem('privexbot:origin:bot-ok'))).toBe('0');
      expect(messages).toEqual([refusal]);
      await page.close();
    }
    // No frame for the browser to refuse: the embed page was never requested.
    expect(fixtures.count('/v1/bots/bot-ok/embed-check')).toBe(2);
    expect(fixtures.count('/embed/bot-ok')).toBe(0);
    expect(fixtures.count('/v1/bots/bot-ok/public')).toBe(0);
    // And were a frame forced there, the browser would refuse it: the page allows only the host.
    const response = await fetch(`${fixtures.apiOrigin}/embed/bot-ok`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors 'self' ${fixtures.hostOrigin}`);
    expect(csp).not.toContain(fixtures.foreignOrigin);

    // The same bot on an allowed origin, in the same browser: the bubble is there and logs nothing.
    const allowed = await openHost('bot-ok');
    const messages: string[] = [];
    allowed.on('console', (message) => {
      if (!message.location().url.endsWith('/favicon.ico')) messages.push(message.text());
    });
    await allowed.getByRole('button', { name: 'Open chat' }).waitFor();
    const box = await allowed.getByRole('button', { name: 'Open chat' }).boundingBox();
    expect(box?.width).toBe(56);
    expect(await visibleElements(allowed)).toEqual(['BODY', 'BUTTON', 'H1', 'HTML', 'P', 'path', 'svg']);
    expect(messages).toEqual([]);
  });

  it('shows the bubble again once the origin is allowed, after a refusal remembered on that site', async () => {
    const page = await openHost('bot-ok');
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    // As left by a page view before the owner allowed this origin.
    await page.evaluate(() => localStorage.setItem('privexbot:origin:bot-ok', '0'));
    await page.reload();
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('privexbot:origin:bot-ok'))).toBe('1');
    // The bubble waited for the check's answer on this view only.
    const order = await page.evaluate(() => {
      const check = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/embed-check')) as
        | PerformanceResourceTiming
        | undefined;
      const drawn = performance.getEntriesByName('privexbot:bubble-ready')[0];
      return check && drawn ? drawn.startTime - check.responseEnd : Number.NaN;
    });
    expect(order).toBeGreaterThanOrEqual(0);
    const frame = await openChat(page);
    await frame.getByText('How can I help you today?').waitFor();
  });

  it('ignores postMessage from foreign origins on both sides', async () => {
    const page = await openHost('bot-ok', fixtures.hostOrigin, '&spoof=1');
    const frame = await openChat(page);
    await frame.getByText('How can I help you today?').waitFor();
    const spoofFrame = page.frames().find((f) => f.url().startsWith(fixtures.foreignOrigin));
    if (!spoofFrame) throw new Error('no third-party frame');
    await spoofFrame.evaluate(() => {
      const messages = [
        { ns: 'privexbot', type: 'close' },
        { ns: 'privexbot', type: 'unread', count: 7 },
        { ns: 'privexbot', type: 'resize', height: 10 },
      ];
      // To the host page (the loader listens there) and to every sibling frame (ours included).
      for (const m of messages) {
        window.parent.postMessage(m, '*');
        for (let i = 0; i < window.parent.frames.length; i++) window.parent.frames[i]?.postMessage(m, '*');
      }
    });
    // The host page itself is not our frame either.
    await page.evaluate(() => window.postMessage({ ns: 'privexbot', type: 'close' }, '*'));
    await page.waitForTimeout(500);
    expect(await page.getByRole('button', { name: 'Close chat' }).getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('iframe[title="Chat"]').isVisible()).toBe(true);
    expect(await inFrame(page, () => document.documentElement.dataset.open)).toBe('true');
    const panelHeight = await page
      .locator('iframe[title="Chat"]')
      .evaluate((f) => f.getBoundingClientRect().height);
    expect(panelHeight).toBeGreaterThanOrEqual(320);

    // The real parent closing it still works: the checks did not just block everything.
    await page.getByRole('button', { name: 'Close chat' }).click();
    await expect.poll(() => inFrame(page, () => document.documentElement.dataset.open)).toBe('false');
  });
});
