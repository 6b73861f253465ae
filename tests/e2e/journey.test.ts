/// <reference lib="dom" />
/**
 * The product's main journey in a real Chromium, against every service as its real process
 * (start-product.ts): an org owner signs in with Keplr, creates an org and pays for a plan on
 * the devnet, builds a bot from an uploaded document, tests it, embeds it on another site where
 * a visitor chats and leaves a lead; the relayer puts the usage on chain, the usage page shows
 * it and the auditor view verifies it. Each step asserts what the user sees and saves a
 * screenshot to tests/screenshots/e2e/ (git-ignored).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKeplrInjection } from '@privexbot/dapp/e2e-support/build-keplr-injection';
import { devOnlyAccount } from '@privexbot/schema/chain';
import { type Browser, type BrowserContext, chromium, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostPage, serveHostPage } from './serve-host-page.js';
import { type Product, startProduct } from './start-product.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../screenshots/e2e/', import.meta.url));
/** Every page at 390 and 1280 px: `<page>-<width>.png`. */
const PAGE_SHOTS = join(SCREENSHOTS, 'pages');
/** Bound for anything that crosses processes (a transaction, an ingestion, a relayed batch). */
const SLOW = 30_000;

const owner = devOnlyAccount('alice');
const member = devOnlyAccount('bob');
const KNOWLEDGE = [
  '# Opening hours',
  '',
  'The Lighthouse Bakery is open from 7 am to 3 pm, Tuesday to Sunday.',
  'On Mondays the bakery is closed for deep cleaning.',
  '',
  '# Sourdough',
  '',
  'Our sourdough starter is called Gerald and is twelve years old.',
].join('\n');

/** Installed by the injected dev Keplr (dapp/e2e-support): switches the account in place. */
interface DevKeySwitch {
  __privexbotSwitchDevKey(key: { mnemonic: string; label: string }): Promise<void>;
}

let product: Product;
let host: HostPage;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let failed = false;
let step = 0;

async function screenshot(name: string): Promise<void> {
  step += 1;
  await page.screenshot({
    path: join(SCREENSHOTS, `${String(step).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

/**
 * Starts recording the distinct texts the newest answer under `log` shows while it streams,
 * one per DOM update the browser could paint; the returned function reads the count. An answer
 * that arrives in one to three chunks shows at most four (its placeholder and the chunks).
 */
async function watchAnswerUpdates(
  target: Page | Frame,
  log: string,
  answer: string,
): Promise<() => Promise<number>> {
  await target.evaluate(
    ({ log, answer }) => {
      const root = document.querySelector(log);
      if (!root) throw new Error(`no ${log} to watch`);
      const before = root.querySelectorAll(answer).length;
      const seen = new Set<string>();
      new MutationObserver(() => {
        const newest = Array.from(root.querySelectorAll(answer)).slice(before).at(-1);
        if (newest?.textContent) seen.add(newest.textContent);
      }).observe(root, { subtree: true, childList: true, characterData: true });
      (window as unknown as { __answerUpdates: Set<string> }).__answerUpdates = seen;
    },
    { log, answer },
  );
  return () =>
    target.evaluate(() => (window as unknown as { __answerUpdates: Set<string> }).__answerUpdates.size);
}

beforeAll(async () => {
  // Only this run's screenshots: a stale FAILED-… picture would mislead.
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const [started, injection] = await Promise.all([startProduct(), buildKeplrInjection()]);
  product = started;
  host = await serveHostPage();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: product.dappOrigin });
  // window.keplr signing with the owner's real secp256k1 key, injected as the extension does.
  await context.addInitScript(
    `window.__PRIVEXBOT_DEV_KEPLR__ = ${JSON.stringify({ mnemonic: owner.mnemonic, label: 'alice' })};`,
  );
  await context.addInitScript({ content: injection });
  page = await context.newPage();
  page.setDefaultTimeout(SLOW);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  if (failed && product) console.error(`journey failed: service logs kept in ${product.dataDir}`);
  await product?.close({ keepData: failed });
});

describe('the journey of an org owner, a visitor and an auditor', { timeout: 120_000 }, () => {
  // Each step needs the previous one: after a failure the rest report that, not a second cause.
  function journeyStep(name: string, body: () => Promise<void>) {
    it(name, async () => {
      if (failed) throw new Error('an earlier step failed');
      try {
        await body();
      } catch (error) {
        failed = true;
        await screenshot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
        throw error;
      }
    });
  }

  journeyStep('1. signs in with Keplr (ADR-36)', async () => {
    await page.goto(`${product.dappOrigin}/sign-in`);
    await page.getByRole('button', { name: 'Connect Keplr' }).click();
    await expect.poll(() => page.getByTestId('connected-address').textContent()).toBe(owner.address);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Organizations', exact: true }).waitFor();
    expect(await page.getByTestId('account-address').textContent()).not.toContain('not signed in');
    await screenshot('signed-in');
  });

  journeyStep('2. creates an organization on chain', async () => {
    await page.getByLabel('Name').fill('Lighthouse Bakery');
    await page.getByRole('button', { name: 'Create on chain' }).click();
    await page.getByRole('status').filter({ hasText: 'Created in transaction' }).waitFor();
    const list = page.getByTestId('org-list');
    await list.getByRole('button', { name: /^Lighthouse Bakery \(#\d+\)$/ }).waitFor();
    await expect.poll(() => list.textContent()).toContain('owner');
    // Right after creation the dapp asks to let the platform read the org's plan (the api's
    // CHAIN_READER_ADDRESS, published at GET /v1/platform): one more transaction, consented.
    const consent = page.getByTestId('reader-consent');
    await consent.getByRole('heading', { name: 'Let PrivexBot read this org’s plan and usage' }).waitFor();
    expect(await consent.getByTestId('reader-address').textContent()).toBe(product.readerAddress);
    await consent.getByRole('button', { name: 'Grant read access' }).click();
    await expect
      .poll(() => page.getByTestId('reader-status').textContent(), { timeout: SLOW })
      .toContain('PrivexBot can read this org’s plan and usage');
    await page
      .getByTestId('member-table')
      .getByRole('row')
      .filter({ hasText: product.readerAddress })
      .filter({ hasText: 'auditor' })
      .waitFor();
    // The onboarding checklist follows: the org and the reader are done, a plan comes next.
    await expect.poll(() => page.getByTestId('onboarding-reader').getAttribute('data-done')).toBe('true');
    expect(await page.getByTestId('onboarding-plan').getAttribute('data-done')).toBe('false');
    expect(await page.getByTestId('onboarding-progress').textContent()).toBe('2 of 7 done.');
    await screenshot('org-created');
  });

  journeyStep('3. subscribes to a paid plan with a cw20 token Send', async () => {
    await page.getByRole('link', { name: 'Billing' }).click();
    const starter = page.getByTestId('plan-Starter');
    await starter.getByRole('heading', { name: 'Starter' }).waitFor();
    await expect.poll(() => page.getByTestId('subscription-status').textContent()).toBe('No active plan.');
    await starter.getByRole('button', { name: /^Subscribe \(9\.99 / }).click();
    // Nothing is signed before the terms are confirmed.
    const confirm = page.getByTestId('confirm-transaction');
    expect(await confirm.getByTestId('confirm-amount').textContent()).toBe(
      '9.99 payment tokens now (1 × 9.99 payment tokens)',
    );
    await confirm.getByTestId('confirm-sign').click();
    await page.getByTestId('last-tx').waitFor();
    await expect
      .poll(() => page.getByTestId('subscription-status').textContent(), { timeout: SLOW })
      .toMatch(/^Active: Starter via payment/);
    await starter.getByTestId('current-plan').waitFor();
    await screenshot('subscribed');
  });

  journeyStep('4. creates a bot', async () => {
    await page.getByRole('link', { name: 'Bots' }).click();
    await page.getByText('No bots yet').waitFor();
    await page.getByRole('button', { name: 'New bot' }).click();
    await page.getByLabel('Name').fill('Bakery helper');
    await page.getByLabel('Welcome message').fill('Hello! Ask me about the bakery.');
    await page.getByRole('button', { name: 'Create bot' }).click();
    await page.getByRole('heading', { name: 'Bakery helper', level: 1 }).waitFor();
    await screenshot('bot-created');
  });

  journeyStep('5. uploads a document and watches its ingestion reach 100 %', async () => {
    await page.getByLabel(/^Upload a file/).setInputFiles({
      name: 'bakery-faq.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(KNOWLEDGE),
    });
    const row = page.getByTestId('source-list').getByRole('row').filter({ hasText: 'bakery-faq.md' });
    await row.waitFor();
    await expect
      .poll(() => row.getByTestId('source-progress').textContent(), { timeout: SLOW })
      .toBe('100 %');
    expect(await row.getByText('ready').count()).toBe(1);
    expect(
      await row.getByRole('progressbar', { name: 'bakery-faq.md ingestion progress' }).getAttribute('value'),
    ).toBe('100');
    await screenshot('document-ingested');
  });

  journeyStep('5b. adds a website, reads why its crawl failed, and sets its re-crawl schedule', async () => {
    // A private address: the SSRF guard refuses it before any connection, so no network is needed.
    await page.getByLabel(/^Whole website/).fill('http://10.1.2.3/docs/');
    await page.getByRole('button', { name: 'Crawl website' }).click();
    const row = page.getByTestId('source-list').getByRole('row').filter({ hasText: '10.1.2.3' });
    await expect
      .poll(() => row.getByTestId('crawl-counts').textContent(), { timeout: SLOW })
      .toContain('Crawl done: 1 found, 0 fetched, 0 unchanged, 0 skipped, 1 failed');
    await row.getByText('Failed (1)').click();
    await row
      .getByTestId('crawl-failed')
      .getByText('The address is private or reserved; PrivexBot reads public addresses only.')
      .waitFor();
    await row.getByTestId('recrawl-current').getByText('Re-crawled only when asked.').waitFor();
    const field = row.getByLabel('Re-crawl every (minutes; empty: only when asked)');
    await field.fill('30');
    await row.getByRole('button', { name: 'Save schedule' }).click();
    await row.getByRole('alert').getByText('Re-crawl at most hourly: at least 60 minutes.').waitFor();
    await field.fill('120');
    await row.getByRole('button', { name: 'Save schedule' }).click();
    await expect
      .poll(() => row.getByTestId('recrawl-current').textContent(), { timeout: SLOW })
      .toContain('Re-crawled every 120 minutes; next crawl');
    expect(await row.getByRole('alert').count()).toBe(0);
    await screenshot('website-schedule');
  });

  journeyStep('6. tests the bot in the dapp and sees a citation', async () => {
    // The gateway runs its offline answerer: the owner is told so on the bot page.
    await expect
      .poll(() => page.getByTestId('answerer-notice').textContent(), { timeout: SLOW })
      .toContain('No language model is configured.');
    const updates = await watchAnswerUpdates(page, '[data-testid="chat-log"]', '[data-testid="chat-answer"]');
    await page.getByLabel('Message', { exact: true }).fill('When is the bakery closed?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const answer = page.getByTestId('chat-answer').last();
    await expect.poll(() => answer.textContent(), { timeout: SLOW }).toContain('Monday');
    await expect
      .poll(() => page.getByTestId('chat-log').getAttribute('aria-busy'), { timeout: SLOW })
      .toBe('false');
    // The answer (about 40 words from the offline answerer) was written, not dropped in at once.
    expect(await updates()).toBeGreaterThanOrEqual(10);
    const citations = page.getByRole('list', { name: 'Citations' });
    await citations.getByText('bakery-faq.md').waitFor();
    await screenshot('test-chat');
  });

  let snippet = '';
  journeyStep('7. copies the embed snippet', async () => {
    await page.getByRole('button', { name: 'Copy snippet' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toBe(await page.getByTestId('embed-snippet').textContent());
    expect(snippet).toContain(`<script src="${product.dappOrigin}/widget.js" async></script>`);
    await screenshot('snippet-copied');
  });

  let visitor: Page;
  journeyStep('8. allows the host site, publishes, and the widget appears there', async () => {
    await page.getByRole('heading', { name: 'Settings', level: 2 }).click();
    await page.getByLabel('Allowed website origins (one per line)').fill(host.origin);
    await page.getByLabel('Offer visitors a lead form (their email, with consent)').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page
      .getByTestId('publish-state')
      .filter({ hasText: /^Published/ })
      .waitFor();
    await screenshot('bot-published');

    // The dapp's live preview frames the api's /embed page (its CSP frame-ancestors names the
    // dapp's origin): the bot's welcome message appears in it.
    await page.getByRole('button', { name: 'Show live preview' }).click();
    await page
      .frameLocator('[data-testid="embed-preview"]')
      .getByText('Hello! Ask me about the bakery.')
      .waitFor();
    await screenshot('live-preview');
    await page.getByRole('button', { name: 'Hide live preview' }).click();

    host.snippet = snippet;
    visitor = await context.newPage();
    visitor.setDefaultTimeout(SLOW);
    await visitor.goto(`${host.origin}/`);
    const bubble = visitor.getByRole('button', { name: 'Open chat' });
    await bubble.click();
    const frame = visitor.frameLocator('iframe[title="Chat"]');
    await frame.getByText('Hello! Ask me about the bakery.').waitFor();
    expect(await frame.getByRole('heading').textContent()).toBe('Bakery helper');
    await visitor.screenshot({
      path: join(SCREENSHOTS, `${String(++step).padStart(2, '0')}-widget-on-host.png`),
    });
  });

  journeyStep('9. the visitor gets a streamed answer and leaves a lead with consent', async () => {
    const frame = visitor.frameLocator('iframe[title="Chat"]');
    const conversation = visitor.frames().find((f) => f.url().includes('/embed/'));
    if (!conversation) throw new Error('the widget has no conversation frame');
    const updates = await watchAnswerUpdates(conversation, '[role="log"]', '.msg.bot');
    await frame.getByLabel('Your message').fill('Is the bakery open on Monday?');
    await frame.getByLabel('Your message').press('Enter');
    const log = frame.getByRole('log');
    await expect.poll(() => log.textContent(), { timeout: SLOW }).toContain('closed for deep cleaning');
    await expect.poll(() => log.getAttribute('aria-busy'), { timeout: SLOW }).toBe('false');
    // Streamed into the frame as it was produced: at least ten distinct texts painted.
    expect(await updates()).toBeGreaterThanOrEqual(10);
    await log.getByRole('region', { name: 'Sources' }).getByText('bakery-faq.md').waitFor();
    // The "no model configured" notice is for the org only: the visitor reads a plain answer.
    expect(await log.textContent()).not.toMatch(/language model|offline/i);

    const form = frame.getByRole('form', { name: 'Leave your email' });
    await form.getByLabel('Email', { exact: true }).fill('visitor@example.com');
    await form.getByRole('checkbox').check();
    await form.getByRole('button', { name: 'Send my email' }).click();
    await frame.getByText('Thank you! We will be in touch.').waitFor();
    await visitor.screenshot({
      path: join(SCREENSHOTS, `${String(++step).padStart(2, '0')}-widget-chat-and-lead.png`),
    });
  });

  journeyStep('10. after the relayer runs, the usage appears on chain', async () => {
    if (product.relayerError) throw product.relayerError;
    await page.getByRole('link', { name: 'Usage' }).click();
    const onChain = page.getByTestId('on-chain-state');
    // Two answers were counted (the test chat and the visitor's); the relayer batches them
    // within a second or two. Each reload reads the contract again.
    const deadline = Date.now() + SLOW;
    for (;;) {
      const text =
        (await onChain
          .getByRole('paragraph')
          .last()
          .textContent()
          .catch(() => '')) ?? '';
      if (/^2 messages, \d+ tokens\.$/.test(text)) break;
      if (Date.now() > deadline) throw new Error(`on-chain usage never reached 2 messages: ${text}`);
      await page.waitForTimeout(1000);
      await page.reload();
      await onChain.getByRole('heading', { name: 'On chain' }).waitFor();
    }
    // The api's own counters (GET /v1/orgs/:orgId/usage) beside the chain's, with the
    // difference explained per day: both counted the same two answers.
    await expect
      .poll(() => page.getByTestId('off-chain-state').getByRole('paragraph').last().textContent())
      .toBe('2 messages.');
    const today = page.getByTestId('usage-table').getByRole('row').nth(1);
    expect(await today.getByRole('cell').nth(1).textContent()).toBe('2');
    expect(await today.getByRole('cell').nth(2).textContent()).toBe('2');
    expect(await today.getByRole('cell').last().textContent()).toBe('equal');
    // The plan's quota as a meter with its 70/85/95 % marks, and the bot's own count beside the org's.
    await expect
      .poll(
        () =>
          page
            .getByTestId('quota-meter')
            .getByText(/messages this period/)
            .textContent(),
        { timeout: SLOW },
      )
      .toBe('2 of 5,000 messages this period (0 %)');
    expect(await page.getByTestId('quota-state').textContent()).toBe('Below the 70 % mark.');
    const byBot = page.getByTestId('usage-by-bot');
    expect(await byBot.getByRole('columnheader').allTextContents()).toEqual([
      'Day (UTC)',
      'Bakery helper',
      'Org total',
    ]);
    await expect
      .poll(() => byBot.getByRole('row').nth(1).getByRole('cell').allTextContents())
      .toEqual([expect.any(String), '2', '2']);
    await screenshot('usage-on-chain');
  });

  journeyStep('11. the auditor view verifies every receipt', async () => {
    await page.getByRole('link', { name: 'Auditor' }).click();
    const orgId = await page.getByTestId('org-switcher').inputValue();
    await page.getByLabel('Org id (optional)').fill(orgId);
    // The local gateway signs with a dev key: allowed here, and the page says so first.
    await page.getByLabel('Allow dev signers (development only)').check();
    await page.getByRole('button', { name: 'Verify as the connected auditor' }).click();
    await expect
      .poll(() => page.getByTestId('audit-verdict').textContent(), { timeout: SLOW })
      .toBe('Pass: the chain matches what the gateways signed.');
    expect(await page.getByTestId('audit-notice').textContent()).toMatch(/^DEV SIGNERS ALLOWED/);
    // the relayer settles in receipts (settlement v2) by default: each listed with its verdict
    const rows = page.getByTestId('audit-receipts').getByRole('row');
    expect(await rows.count()).toBeGreaterThan(1);
    for (const row of (await rows.all()).slice(1))
      expect(await row.getByRole('cell').last().textContent()).toBe('pass');
    await screenshot('audit-passed');
  });

  journeyStep('12. marks the document learn-only, and the next answer no longer cites it', async () => {
    await page.getByRole('link', { name: 'Bots' }).click();
    await page.getByRole('link', { name: 'Bakery helper' }).click();
    const row = page.getByTestId('source-list').getByRole('row').filter({ hasText: 'bakery-faq.md' });
    const citable = row.getByRole('checkbox', { name: 'bakery-faq.md is citable' });
    await citable.click();
    await expect.poll(() => citable.isChecked()).toBe(false);
    await expect.poll(() => row.getByRole('cell').nth(3).textContent()).toContain('learn-only');
    await page.getByLabel('Message', { exact: true }).fill('When is the bakery closed?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    // The page was opened afresh: this is its only turn. The log is busy from the moment the
    // question appears until the answer and its citations are complete.
    const log = page.getByTestId('chat-log');
    await expect.poll(() => log.getByTestId('chat-answer').count()).toBe(1);
    await expect.poll(() => log.getAttribute('aria-busy'), { timeout: SLOW }).toBe('false');
    expect(await log.getByRole('alert').count()).toBe(0);
    const answer = (await log.getByTestId('chat-answer').textContent()) ?? '';
    expect(answer).not.toBe('Bot: …');
    // Learn-only text is never quoted: the sentence step 6 quoted with its source is gone.
    expect(answer).not.toContain('closed for deep cleaning');
    expect(answer).not.toContain('[bakery-faq.md]');
    expect(await log.getByRole('list', { name: 'Citations' }).count()).toBe(0);
    await screenshot('learn-only');
  });

  journeyStep(
    '13. the inbox shows the visitor’s conversation, the lead in the CSV, and a test webhook delivery',
    async () => {
      await page.getByTestId('open-inbox').click();
      await page.getByRole('heading', { name: 'Inbox of Bakery helper' }).waitFor();
      await page.getByTestId('conversation-search').fill('Is the bakery open');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      const conversations = page.getByTestId('conversation-list').getByRole('listitem');
      await expect.poll(() => conversations.count(), { timeout: SLOW }).toBe(1);
      await conversations.first().getByRole('button').click();
      const transcript = page.getByTestId('transcript');
      await transcript.getByText('Is the bakery open on Monday?').waitFor();
      expect(await transcript.getByTestId('transcript-citations').first().textContent()).toContain(
        'bakery-faq.md',
      );

      const leads = page.getByTestId('lead-table');
      await leads.getByRole('cell', { name: 'visitor@example.com' }).waitFor();
      expect(await leads.getByRole('row').nth(1).textContent()).toMatch(/given /);
      // What the visitor was shown in the widget, word for word, recorded with the lead.
      expect(await leads.getByTestId('lead-consent-text').first().textContent()).toMatch(
        /^I agree that Bakery helper may contact me at this email address\. \(version [0-9a-f]{16}\)$/,
      );
      const csvHref = (await page.getByTestId('leads-csv').getAttribute('href')) ?? '';
      const csv = decodeURIComponent(csvHref.replace(/^data:text\/csv;charset=utf-8,/, ''));
      expect(csv.split('\r\n')[0]).toBe(
        'email,name,consent,consent_at,consent_text,consent_version,conversation_id,created_at',
      );
      expect(csv).toMatch(
        /^visitor@example\.com,,yes,\d{4}-[^,]+,I agree that Bakery helper may contact me at this email address\.,[0-9a-f]{16},/m,
      );

      await page.getByTestId('webhook-url').fill(`${host.origin}/privexbot-hook`);
      await page.getByTestId('webhook-secret').fill('journey-secret-0123456789');
      await page.getByTestId('save-webhook').click();
      await expect
        .poll(() => page.getByTestId('webhook-state').textContent(), { timeout: SLOW })
        .toContain('/privexbot-hook');
      await page.getByTestId('send-test-event').click();
      await page.getByTestId('webhook-deliveries').getByRole('cell', { name: 'webhook.test' }).waitFor();
      await screenshot('inbox');
    },
  );

  journeyStep('14. a member sees the owner’s billing actions disabled, with the reason', async () => {
    await page.getByRole('link', { name: 'Organizations' }).click();
    // Every onboarding step is done: plan, reader, bot, knowledge, a conversation, published.
    await expect
      .poll(() => page.getByTestId('onboarding-progress').textContent(), { timeout: SLOW })
      .toBe('All done: your bot is live.');
    await page.getByTestId('member-address').fill(member.address);
    await page.getByTestId('add-member').click();
    await page.getByTestId('member-table').getByText(member.address).waitFor({ timeout: SLOW });
    await page.evaluate(
      (m) => (window as unknown as DevKeySwitch).__privexbotSwitchDevKey({ mnemonic: m, label: 'bob' }),
      member.mnemonic,
    );
    await expect.poll(() => page.getByTestId('account-address').getAttribute('title')).toBe(member.address);
    await page.getByRole('link', { name: 'Billing' }).click();
    const starter = page.getByTestId('plan-Starter');
    await expect
      .poll(() => starter.textContent(), { timeout: SLOW })
      .toContain('Only the owner or an admin can choose a plan: you are a member.');
    expect(await starter.getByRole('button', { name: /^Switch to|^Subscribe/ }).isDisabled()).toBe(true);
    await screenshot('member-billing');
    await page.evaluate(
      (m) => (window as unknown as DevKeySwitch).__privexbotSwitchDevKey({ mnemonic: m, label: 'alice' }),
      owner.mnemonic,
    );
    await expect.poll(() => page.getByTestId('account-address').getAttribute('title')).toBe(owner.address);
  });

  journeyStep(
    '15. every page has no serious or critical axe violation and no sideways overflow at 390 and 1280 px',
    async () => {
      await page.goto(`${product.dappOrigin}/sign-in`);
      await page.getByTestId('sign-in').click();
      await expect
        .poll(() => page.getByTestId('account-address').textContent())
        .not.toContain('not signed in');
      await page.getByRole('link', { name: 'Bots' }).click();
      await page.getByRole('link', { name: 'Bakery helper' }).click();
      await page.getByTestId('open-inbox').waitFor();
      const botPath = new URL(page.url()).pathname;
      const pages: [string, string][] = [
        ['sign-in', '/sign-in'],
        ['orgs', '/orgs'],
        ['billing', '/billing'],
        ['bots', '/bots'],
        ['bot', botPath],
        ['inbox', `${botPath}/inbox`],
        ['usage', '/usage'],
        ['auditor', '/auditor'],
        ['settings', '/settings'],
      ];
      const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
      mkdirSync(PAGE_SHOTS, { recursive: true });
      const found: string[] = [];
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, path] of pages) {
          await page.goto(`${product.dappOrigin}${path}`);
          await page.getByRole('heading', { level: 1 }).first().waitFor();
          // Let the page's queries settle so the audit sees what a person sees.
          await page.waitForLoadState('networkidle').catch(() => undefined);
          await page.addScriptTag({ content: axeSource });
          const violations = await page.evaluate(async () => {
            const axe = (
              window as unknown as {
                axe: {
                  run(context: Document): Promise<{
                    violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[];
                  }>;
                };
              }
            ).axe;
            const result = await axe.run(document);
            // The nodes' selectors name the culprit when a run fails.
            return result.violations.map((v) => ({
              id: v.id,
              impact: v.impact,
              nodes: v.nodes.length,
              targets: v.nodes.map((n) => JSON.stringify(n.target)).join(' '),
            }));
          });
          for (const v of violations)
            if (v.impact === 'serious' || v.impact === 'critical')
              found.push(`${name} @${width}: ${v.id} (${v.impact}, ${v.nodes} nodes: ${v.targets})`);
          // Nothing, the header first, is wider than the window: no sideways scrolling on a phone.
          const overflow = await page.evaluate(() => {
            const header = document.querySelector('header');
            // The outermost elements whose right edge passes the window name the culprit.
            const culprits = Array.from(document.querySelectorAll('body *'))
              .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
              .filter((el) => {
                const parent = el.parentElement;
                // A positioned element escapes the scrollers between it and its containing block.
                if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) return true;
                // A child clipped by a scrolling parent (a wide table in its scroller) is no culprit.
                return (
                  !parent ||
                  (parent.getBoundingClientRect().right <= window.innerWidth + 0.5 &&
                    getComputedStyle(parent).overflowX === 'visible')
                );
              })
              .slice(0, 3)
              .map(
                (el) =>
                  `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).replace(/ /g, '.')}` : ''}`,
              );
            return {
              page: document.documentElement.scrollWidth - window.innerWidth,
              header: header ? header.scrollWidth - header.clientWidth : 0,
              culprits,
            };
          });
          if (overflow.page > 0 || overflow.header > 0)
            found.push(
              `${name} @${width}: overflows sideways (page by ${overflow.page} px, header by ${overflow.header} px: ${overflow.culprits.join(', ')})`,
            );
          await page.screenshot({ path: join(PAGE_SHOTS, `${name}-${width}.png`), fullPage: true });
        }
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(found).toEqual([]);
    },
  );

  journeyStep('16. deletes the bot after typing its name', async () => {
    await page.getByRole('link', { name: 'Bots' }).click();
    await page.getByRole('link', { name: 'Bakery helper' }).click();
    await page.getByText('Delete this bot').click();
    const remove = page.getByTestId('delete-bot');
    expect(await remove.isDisabled()).toBe(true);
    await page.getByTestId('delete-bot-name').fill('Bakery helpe');
    expect(await remove.isDisabled()).toBe(true);
    await page.getByTestId('delete-bot-name').fill('Bakery helper');
    await remove.click();
    await page.waitForURL(/\/bots$/);
    await expect.poll(() => page.getByRole('link', { name: 'Bakery helper' }).count()).toBe(0);
    await screenshot('bot-deleted');
  });
});
