/**
 * Names outside ASCII, through every place a contract message carries text: create, rename,
 * read back, and a plan name. One suite, run against the devnet (scripts/devnet) and the real
 * wasmd node (tests/wasmd), so the two cannot disagree on it again.
 */
import type { ChainClient } from '@privexbot/schema/chain';
import { billingClient } from '@privexbot/schema/contracts';
import { describe, expect, it } from 'vitest';

/** Latin with accents (2-byte UTF-8), CJK (3 bytes), an emoji (4 bytes, a UTF-16 pair). */
export const UTF8_NAMES = ['Café', 'Zürich Bäckerei', '数据隐私公司', 'プライバシー', 'Bot 🤖 Ωmega'];

export interface Utf8NamesContext {
  /** a funded signer */
  owner: ChainClient;
  /** the billing contract's admin (plans) */
  operator: ChainClient;
  billing: string;
}

export function runUtf8NamesSuite(chain: string, setup: () => Promise<Utf8NamesContext>): void {
  describe(`UTF-8 in contract messages: ${chain}`, () => {
    it('creates orgs named in several scripts and reads each name back byte for byte', async () => {
      const { owner, billing } = await setup();
      const client = billingClient(owner, billing);
      for (const name of UTF8_NAMES) {
        const { orgId } = await client.createOrg(name);
        expect((await client.query('org', { id: orgId })).name).toBe(name);
      }
    });

    it('renames an org to a CJK name and counts characters, not bytes, against the limit', async () => {
      const { owner, billing } = await setup();
      const client = billingClient(owner, billing);
      const { orgId } = await client.createOrg('Plain');
      await client.execute('rename_org', { org_id: orgId, name: '株式会社データ' });
      expect((await client.query('org', { id: orgId })).name).toBe('株式会社データ');
      const { orgs } = await client.query('orgs_of', { address: owner.address as string });
      expect(orgs.map((org) => org.name)).toContain('株式会社データ');
    });

    it('accepts a plan named with accents from the operator', async () => {
      const { operator, billing } = await setup();
      const client = billingClient(operator, billing);
      const { plans } = await client.query('plans', {});
      const template = plans[0];
      if (!template) throw new Error('the chain has no plan to copy');
      await client.execute('create_plan', {
        plan: {
          name: 'Équipe Été',
          price: template.price,
          period_seconds: template.period_seconds,
          quotas: template.quotas,
          stake_amount: null,
          restricted_to: null,
        },
      });
      const after = await client.query('plans', {});
      expect(after.plans.map((plan) => plan.name)).toContain('Équipe Été');
    });
  });
}
