import type { TestApi } from './start-test-api.js';
import { createTestWallet } from './test-wallet.js';

/**
 * What routes/every-route.test.ts needs to call every route against a real row: each area
 * seeds its rows in an org through the API and returns the path-parameter values naming them,
 * and gives a valid body for each of its routes that takes one. Add an entry when you add an
 * area; the test names what is missing (`add a fixture for :botId`, `add a valid sample body`).
 */
export interface RouteFixtureArea {
  name: string;
  /** Runs once per org (A and B), in list order; `params` holds what earlier areas returned. */
  seed(context: SeedContext): Promise<Record<string, string>>;
  /** Keyed by "method path", e.g. "post /v1/orgs/:orgId/api-keys". */
  sampleBodies?: Record<string, (context: SeedContext) => unknown | Promise<unknown>>;
}

export interface SeedContext {
  api: TestApi;
  /** Access token of the org's owner. */
  token: string;
  orgId: string;
  /** Path-parameter values seeded so far for this org. */
  params: Record<string, string>;
}

const orgsArea: RouteFixtureArea = {
  name: 'orgs, invitations, api keys',
  async seed({ api, token, orgId }) {
    const invitee = await createTestWallet();
    const invitation = await api.request('post', `/v1/orgs/${orgId}/invitations`, {
      token,
      body: { address: invitee.address },
    });
    if (invitation.status !== 201)
      throw new Error(`seeding an invitation failed: ${JSON.stringify(invitation.body)}`);
    return { orgId, invitationId: invitation.body.id };
  },
  sampleBodies: {
    'post /v1/orgs/:orgId/invitations': async () => ({
      address: (await createTestWallet()).address,
      role: 'member',
    }),
    'post /v1/orgs/:orgId/api-keys': () => ({ name: 'probe', scopes: ['org:read'] }),
    'post /auth/sign-out': () => ({ everywhere: false }),
    'post /auth/verify': () => ({}),
    'post /auth/refresh': () => ({}),
  },
};

const botsArea: RouteFixtureArea = {
  name: 'bots, knowledge, conversations',
  async seed({ api, token, orgId }) {
    // A webhook, so "send test event" has one to queue a delivery to.
    const bot = await api.request('post', `/v1/orgs/${orgId}/bots`, {
      token,
      body: {
        name: 'Fixture bot',
        webhook: { url: 'https://hooks.example.com/privexbot', secret: 'fixture-secret-0123' },
      },
    });
    if (bot.status !== 201) throw new Error(`seeding a bot failed: ${JSON.stringify(bot.body)}`);
    const botId: string = bot.body.id;
    const source = await api.request('post', `/v1/orgs/${orgId}/bots/${botId}/sources`, {
      token,
      body: { type: 'text', name: 'Fixture notes', text: 'Opening hours are nine to five.' },
    });
    if (source.status !== 201 && source.status !== 202) {
      throw new Error(`seeding a source failed: ${JSON.stringify(source.body)}`);
    }
    // Ingestion runs in the background (the sentence model takes a moment per chunk): wait for
    // it, so its writes never land inside a test that asserts a refused request wrote nothing.
    await waitForIngestion(api, source.body.source.id);
    // A website whose crawl has ended. A private address: the SSRF guard refuses it before any
    // DNS lookup or connection, so every crawl of it (the re-crawl route's too) ends at once and
    // never writes inside a later test that asserts a refused request wrote nothing.
    const website = await api.request('post', `/v1/orgs/${orgId}/bots/${botId}/websites`, {
      token,
      body: { startUrl: PRIVATE_SITE, delayMs: 0 },
    });
    if (website.status !== 201) throw new Error(`seeding a website failed: ${JSON.stringify(website.body)}`);
    await waitForCrawl(api, website.body.website.id);
    // Conversations start only from the public chat; a row stands in for one here.
    const conversation = await api.database.prisma.conversation.create({
      data: { botId, visitorId: 'fixture-visitor' },
    });
    return {
      botId,
      sourceId: source.body.source.id,
      websiteId: website.body.website.id,
      conversationId: conversation.id,
    };
  },
  sampleBodies: {
    'post /v1/orgs/:orgId/bots': () => ({ name: 'Probe bot' }),
    'patch /v1/orgs/:orgId/bots/:botId': () => ({ welcomeMessage: 'Hello again' }),
    'post /v1/orgs/:orgId/bots/:botId/publish': () => ({}),
    'post /v1/orgs/:orgId/bots/:botId/unpublish': () => ({}),
    'post /v1/orgs/:orgId/bots/:botId/sources': () => ({ type: 'text', name: 'Probe', text: 'Probe text.' }),
    'post /v1/orgs/:orgId/bots/:botId/retrieval': () => ({ query: 'opening hours' }),
    'patch /v1/orgs/:orgId/bots/:botId/sources/:sourceId': () => ({ citable: false }),
    'post /v1/orgs/:orgId/bots/:botId/webhook-test': () => ({}),
    'post /v1/orgs/:orgId/bots/:botId/sources/:sourceId/reindex': () => ({}),
    'post /v1/orgs/:orgId/bots/:botId/websites': () => ({ startUrl: PRIVATE_SITE }),
    'patch /v1/orgs/:orgId/bots/:botId/websites/:websiteId': () => ({ recrawlIntervalMinutes: null }),
    'post /v1/orgs/:orgId/bots/:botId/websites/:websiteId/crawl': () => ({}),
    'post /v1/orgs/:orgId/bots/:botId/websites/:websiteId/cancel': () => ({}),
  },
};

/** Seeded in this order; later areas may use earlier areas' params (a source needs a bot). */
export const routeFixtureAreas: RouteFixtureArea[] = [orgsArea, botsArea];

const PRIVATE_SITE = 'http://10.0.0.1/';

async function waitForCrawl(api: TestApi, sourceId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pending = await api.database.prisma.crawlRun.count({
      where: { sourceId, status: { in: ['queued', 'running'] } },
    });
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`seeding: website ${sourceId} still crawling after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForIngestion(api: TestApi, sourceId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pending = await api.database.prisma.ingestJob.count({
      where: { sourceId, status: { in: ['queued', 'running'] } },
    });
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`seeding: source ${sourceId} still ingesting after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
