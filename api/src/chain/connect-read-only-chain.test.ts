/**
 * The api's two lazy chain readers (org directory, plan reader) share one connection per
 * process: against the devnet running the real wasm, behind a proxy that counts what the api
 * asks and can play a chain that is down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectDevnet, devOnlyAccount, mnemonicSigner } from '@privexbot/schema/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config.js';
import { LazyChainPlanQuotaSource } from '../services/quotas/lazy-chain-plan-quota-source.js';
import { PlanQuotaUnavailableError } from '../services/quotas/org-plan.js';
import { type DevnetProcess, startDevnetProcess } from '../testing/start-devnet-process.js';
import { LazyChainOrgDirectory } from './connect-org-directory.js';
import { OrgDirectoryUnavailableError } from './org-directory.js';

const READER_KEY = 'shared-connection-reader-key';
let devnet: DevnetProcess;
let proxy: Server;
let proxyUrl: string;
let down = false;
const forwarded: string[] = [];
let orgId: string;
const reader = devOnlyAccount('bob');

beforeAll(async () => {
  devnet = await startDevnetProcess();
  // An org that names the reader as auditor, and the reader's viewing key on both contracts.
  const alice = await connectDevnet({
    url: devnet.url,
    signer: await mnemonicSigner(devOnlyAccount('alice').mnemonic),
  });
  const bob = await connectDevnet({ url: devnet.url, signer: await mnemonicSigner(reader.mnemonic) });
  const created = await alice.execute(devnet.contracts.billing, { create_org: { name: 'Shared' } });
  orgId = created.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value ?? '';
  await alice.execute(devnet.contracts.billing, {
    add_org_role: { org_id: Number(orgId), role: 'auditor', address: reader.address },
  });
  for (const contract of [devnet.contracts.billing, devnet.contracts.usage])
    await bob.execute(contract, { set_viewing_key: { key: READER_KEY, padding: null } });

  proxy = createServer((req, res) => {
    if (down) return res.writeHead(503).end('chain down');
    forwarded.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const upstream = await fetch(`${devnet.url}${req.url}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      });
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'text/plain',
      });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await devnet?.stop();
});

function readers() {
  const config = {
    chain: { kind: 'devnet', url: proxyUrl },
    chainId: 'unused-on-the-devnet',
    billingContract: undefined,
  } as const satisfies Pick<Config, 'chain' | 'chainId' | 'billingContract'>;
  return {
    directory: new LazyChainOrgDirectory(config),
    plans: new LazyChainPlanQuotaSource(config, {
      usageContract: undefined,
      reader: { address: reader.address, key: READER_KEY },
    }),
  };
}

describe('the api’s chain readers', () => {
  it('share one connection: the devnet’s status is read once to connect and once for its contracts', async () => {
    forwarded.length = 0;
    const { directory, plans } = readers();
    await Promise.all([directory.check(), plans.planOf(orgId, new Date())]);
    expect((await directory.findOrg(orgId)).org).toMatchObject({ id: orgId, name: 'Shared' });
    expect((await plans.planOf(orgId, new Date())).active).toBe(false);
    expect(await plans.chainMessagesUsed(orgId, 0, 0)).toBe(0);
    // Two readers each opening their own client read it four times.
    expect(forwarded.filter((request) => request === 'GET /status')).toHaveLength(2);
  }, 60_000);

  it('both fail while the chain is down and connect once it is up', async () => {
    const { directory, plans } = readers();
    down = true;
    await expect(directory.check()).rejects.toBeInstanceOf(OrgDirectoryUnavailableError);
    await expect(plans.planOf(orgId, new Date())).rejects.toBeInstanceOf(PlanQuotaUnavailableError);
    down = false;
    forwarded.length = 0;
    await directory.check();
    expect((await plans.planOf(orgId, new Date())).active).toBe(false);
    expect(forwarded.filter((request) => request === 'GET /status')).toHaveLength(2);
  }, 60_000);
});
