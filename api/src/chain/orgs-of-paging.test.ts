/**
 * The api reads every org of an address, not the contract's first page (issue 17, item 7):
 * on the devnet executing the real billing wasm, an address that belongs to 75 orgs sees 75.
 */
import { connectDevnet } from '@privexbot/schema/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, devnetAccount } from '../services/quotas/test-support/devnet-billing.js';
import { type DevnetProcess, startDevnetProcess } from '../testing/start-devnet-process.js';
import { ChainOrgDirectory } from './chain-org-directory.js';

let devnet: DevnetProcess;

beforeAll(async () => {
  devnet = await startDevnetProcess();
}, 180_000);
afterAll(async () => {
  await devnet?.stop();
});

describe('orgs_of paging', () => {
  it('an address that belongs to 75 orgs sees all 75', async () => {
    const bob = await devnetAccount(devnet, 'bob');
    const bobAddress = bob.address as string;
    // Three owners make 25 orgs each and name bob a member of every one.
    const created: string[] = [];
    for (const role of ['alice', 'operator', 'relayer'] as const) {
      const owner = await devnetAccount(devnet, role);
      for (let i = 0; i < 25; i++) {
        const orgId = await createOrg(owner, devnet, `${role} org ${i}`);
        await owner.execute(devnet.contracts.billing, {
          add_org_role: { org_id: Number(orgId), role: 'member', address: bobAddress },
        });
        created.push(orgId);
      }
    }
    const reader = await connectDevnet({ url: devnet.url });
    const first = (await reader.query(devnet.contracts.billing, { orgs_of: { address: bobAddress } })) as {
      orgs: unknown[];
      total: number;
    };
    expect(first.orgs.length).toBeLessThan(75); // the contract's default page is shorter
    expect(first.total).toBe(75);
    const directory = new ChainOrgDirectory(reader, devnet.contracts.billing);
    const seen = await directory.orgsOf(bobAddress);
    expect(seen).toHaveLength(75);
    expect([...seen].sort()).toEqual([...created].sort());
  }, 180_000);
});
