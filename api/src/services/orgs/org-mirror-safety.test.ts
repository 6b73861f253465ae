/**
 * No chain failure and no wrong setting deletes an org's data. Against the devnet executing
 * the real billing wasm, reached through a stand-in node that can misbehave the ways real
 * nodes and proxies do (a 404 HTML page, no answer, a contract error that says "not found"),
 * and with the api pointed at wrong contract addresses. Only the billing contract's typed
 * "no such org" hides an org, and even then nothing is deleted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectDevnet, type DevnetChainClient } from '@privexbot/schema/chain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChainOrgDirectory } from '../../chain/chain-org-directory.js';
import { LazyChainOrgDirectory } from '../../chain/connect-org-directory.js';
import type { OrgDirectory } from '../../chain/org-directory.js';
import { AppError } from '../../http/app-error.js';
import { createLogger } from '../../logger.js';
import { type DevnetProcess, startDevnetProcess } from '../../testing/start-devnet-process.js';
import { startTestDatabase, type TestDatabase } from '../../testing/start-test-database.js';
import { createOrg, devnetAccount } from '../quotas/test-support/devnet-billing.js';
import { ensureFreshOrgMirror } from './ensure-fresh-org-mirror.js';
import { refreshStaleOrgs } from './refresh-stale-orgs.js';
import { syncOrgMirror } from './sync-org-mirror.js';

type NodeMode = 'pass' | 'html404' | 'silent' | 'contractError';

let devnet: DevnetProcess;
let database: TestDatabase;
let node: Server;
let nodeUrl: string;
let mode: NodeMode = 'pass';
let orgId: string;
const log = createLogger({ level: 'silent' });

beforeAll(async () => {
  [devnet, database] = await Promise.all([startDevnetProcess(), startTestDatabase()]);
  const alice = await devnetAccount(devnet, 'alice');
  orgId = await createOrg(alice, devnet, 'Acme');
  await alice.execute(devnet.contracts.billing, {
    add_org_role: {
      org_id: Number(orgId),
      role: 'member',
      address: (await devnetAccount(devnet, 'bob')).address,
    },
  });

  node = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (mode === 'html404') {
        res
          .writeHead(404, { 'content-type': 'text/html' })
          .end('<html><body><h1>404 Not Found</h1></body></html>');
        return;
      }
      if (mode === 'silent') return; // never answers: the client's deadline decides
      if (mode === 'contractError' && req.url === '/query') {
        res.writeHead(400, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: { code: 'CONTRACT_ERROR', message: `contract error: org ${orgId} not found` },
          }),
        );
        return;
      }
      const upstream = await fetch(`${devnet.url}${req.url}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': 'application/json' },
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
  nodeUrl = `http://127.0.0.1:${(node.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  node?.closeAllConnections();
  await new Promise((resolve) => node?.close(resolve));
  await database?.close();
  await devnet?.stop();
});

/** A client of the stand-in node that gives up after 1 s, as a production client would. */
async function nodeClient(): Promise<DevnetChainClient> {
  return connectDevnet({
    url: nodeUrl,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(1000) }),
  });
}

/** Row counts of the org and what hangs off it (what a cascade delete would take). */
async function orgData(id: string) {
  const db = database.prisma;
  return {
    org: await db.org.count({ where: { id } }),
    members: await db.member.count({ where: { orgId: id } }),
    bots: await db.bot.count({ where: { orgId: id } }),
    auditLog: await db.auditLog.count({ where: { orgId: id } }),
  };
}

async function seedOrgData(id: string) {
  await database.prisma.bot.create({
    data: {
      orgId: id,
      name: 'Helper',
      model: 'm',
      allowedOrigins: [],
      embedder: 'local-hash-384',
      createdBy: 'test',
    },
  });
  await database.prisma.auditLog.create({
    data: { orgId: id, actor: 'test', action: 'bot.create', targetType: 'bot', requestId: 'r1' },
  });
}

function refreshNow(orgDirectory: OrgDirectory, id = orgId) {
  return ensureFreshOrgMirror({
    db: database.prisma,
    orgDirectory,
    orgId: id,
    maxAgeSeconds: 0,
    now: new Date(),
    log,
    serveStale: false,
  });
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return { code: (error as AppError).code, status: (error as AppError).status };
}

describe('the org mirror against a misbehaving chain', () => {
  let intact: Awaited<ReturnType<typeof orgData>>;

  beforeAll(async () => {
    mode = 'pass';
    const outcome = await syncOrgMirror({
      db: database.prisma,
      orgDirectory: new ChainOrgDirectory(await nodeClient(), devnet.contracts.billing),
      orgId,
      now: new Date(),
    });
    expect(outcome).toBe('synced');
    await seedOrgData(orgId);
    intact = await orgData(orgId);
    expect(intact).toEqual({ org: 1, members: 2, bots: 1, auditLog: 1 });
    const row = await database.prisma.org.findUniqueOrThrow({ where: { id: orgId } });
    expect(row.billingContract).toBe(devnet.contracts.billing);
  });

  beforeEach(() => {
    mode = 'pass';
  });

  for (const [failure, nodeMode] of [
    ['a 404 HTML page', 'html404'],
    ['no answer (timeout)', 'silent'],
    ['a contract error saying "org N not found"', 'contractError'],
  ] as const) {
    it(`${failure}: 503 CHAIN_UNAVAILABLE, the periodic refresh fails, nothing is deleted or hidden`, async () => {
      const directory = new ChainOrgDirectory(await nodeClient(), devnet.contracts.billing);
      mode = nodeMode;
      expect(await refusal(refreshNow(directory))).toEqual({ code: 'CHAIN_UNAVAILABLE', status: 503 });
      const refreshed = await refreshStaleOrgs({
        db: database.prisma,
        orgDirectory: directory,
        olderThanSeconds: 0,
        limit: 50,
        now: new Date(Date.now() + 1000),
        log,
      });
      expect(refreshed.failed).toBeGreaterThanOrEqual(1);
      expect(await orgData(orgId)).toEqual(intact);
      expect((await database.prisma.org.findUniqueOrThrow({ where: { id: orgId } })).goneAt).toBeNull();
      // Back to a healthy node, the org refreshes as before.
      mode = 'pass';
      await refreshNow(directory);
      expect(await orgData(orgId)).toEqual(intact);
    }, 30_000);
  }

  it('a wrong contract address: not ready, the org is not served as that contract’s org #k, nothing is deleted', async () => {
    const missingContract = `${devnet.contracts.billing.slice(0, -6)}qqqqqq`;
    for (const wrong of [devnet.contracts.usage, missingContract]) {
      const lazy = new LazyChainOrgDirectory({
        chain: { kind: 'devnet', url: nodeUrl },
        chainId: 'unused-on-the-devnet',
        billingContract: wrong,
      });
      await expect(lazy.check(), `/readyz's chain check with ${wrong}`).rejects.toThrow();
      expect(await refusal(refreshNow(lazy))).toEqual({ code: 'ORG_MIRRORS_OTHER_CONTRACT', status: 503 });
      // Even a fresh mirror is not served for another contract.
      expect(
        await refusal(
          ensureFreshOrgMirror({
            db: database.prisma,
            orgDirectory: lazy,
            orgId,
            maxAgeSeconds: 3600,
            now: new Date(),
            log,
          }),
        ),
      ).toEqual({ code: 'ORG_MIRRORS_OTHER_CONTRACT', status: 503 });
      const refreshed = await refreshStaleOrgs({
        db: database.prisma,
        orgDirectory: lazy,
        olderThanSeconds: 0,
        limit: 50,
        now: new Date(Date.now() + 1000),
        log,
      });
      expect(refreshed.refreshed).toBe(0);
      expect(await orgData(orgId)).toEqual(intact);
    }
    // The right address is ready.
    await new LazyChainOrgDirectory({
      chain: { kind: 'devnet', url: nodeUrl },
      chainId: 'unused-on-the-devnet',
      billingContract: devnet.contracts.billing,
    }).check();
  }, 60_000);

  it('another billing contract that has an org of the same id never takes this row over', async () => {
    // A second billing contract: the same mirror row must not be filled from it.
    const other = new ChainOrgDirectory(await nodeClient(), devnet.contracts.billing);
    const impostor: OrgDirectory = {
      contract: async () => 'another-billing-contract',
      findOrg: async (id) => ({ ...(await other.findOrg(id)), contract: 'another-billing-contract' }),
      orgsOf: (address) => other.orgsOf(address),
    };
    expect(
      await refusal(syncOrgMirror({ db: database.prisma, orgDirectory: impostor, orgId, now: new Date() })),
    ).toEqual({ code: 'ORG_MIRRORS_OTHER_CONTRACT', status: 503 });
    const row = await database.prisma.org.findUniqueOrThrow({ where: { id: orgId } });
    expect(row.billingContract).toBe(devnet.contracts.billing);
    expect(await orgData(orgId)).toEqual(intact);
  });

  it('a truly missing org (the contract’s typed answer) is hidden with a 404 and kept until purged', async () => {
    // A mirror the contract does not know (the chain was reset, say), with data under it.
    const ghost = '4242';
    await database.prisma.org.create({
      data: {
        id: ghost,
        name: 'Ghost',
        owner: 'cosmwasm1ghost',
        syncedAt: new Date(0),
        billingContract: devnet.contracts.billing,
        members: { create: { address: 'cosmwasm1ghost', role: 'owner' } },
      },
    });
    await seedOrgData(ghost);
    const kept = await orgData(ghost);
    const directory = new ChainOrgDirectory(await nodeClient(), devnet.contracts.billing);
    expect(await refusal(refreshNow(directory, ghost))).toEqual({ code: 'NOT_FOUND', status: 404 });
    const row = await database.prisma.org.findUniqueOrThrow({ where: { id: ghost } });
    expect(row.goneAt).toBeInstanceOf(Date);
    expect(await orgData(ghost)).toEqual(kept);
    // Gone stays gone (also for a stale-tolerant caller), and the refresh leaves it alone.
    expect(
      await refusal(
        ensureFreshOrgMirror({
          db: database.prisma,
          orgDirectory: directory,
          orgId: ghost,
          maxAgeSeconds: 3600,
          now: new Date(),
          log,
        }),
      ),
    ).toEqual({ code: 'NOT_FOUND', status: 404 });
    await refreshStaleOrgs({
      db: database.prisma,
      orgDirectory: directory,
      olderThanSeconds: 0,
      limit: 50,
      now: new Date(Date.now() + 1000),
      log,
    });
    expect(await orgData(ghost)).toEqual(kept);
    // An id the contract never created and the api never saw: a plain 404, nothing written.
    expect(await refusal(refreshNow(directory, '4343'))).toEqual({ code: 'NOT_FOUND', status: 404 });
    expect(await database.prisma.org.count({ where: { id: '4343' } })).toBe(0);
    // The real org was never touched by any of this.
    expect(await orgData(orgId)).toEqual(intact);
  });
});
