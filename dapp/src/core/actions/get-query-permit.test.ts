import { describe, expect, it } from 'vitest';
import { connectedConfig, devnetForFile } from '../../testing/test-setup.js';
import { executeContract } from './execute-contract.js';
import { getQueryPermit, isPermitRevokedError, PERMIT_NAME_PREFIX } from './get-query-permit.js';
import { queryContract } from './query-contract.js';

// Against the devnet's real usage contract: a revoked permit name is refused for ever, so the
// dapp must sign a fresh one under a new name instead of locking itself out.
const devnet = devnetForFile();

describe('query permits of the dapp', () => {
  it('are named per signature, cached, and signed anew after the user revokes one', async () => {
    const config = await connectedConfig('alice', { devnetUrl: devnet().url });
    const tx = await executeContract(config, {
      contract: 'billing',
      msg: { create_org: { name: 'Permits' } },
    });
    const orgId = Number(tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value);
    const usageOf = (auth?: object) =>
      queryContract<{ days: unknown[] }>(config, {
        contract: 'usage',
        msg: { org_usage: { org_id: orgId, from_day: 20_000, to_day: 20_001, ...(auth ? { auth } : {}) } },
        ...(auth ? {} : { private: true }),
      });

    const first = await getQueryPermit(config, 'usage');
    expect(first.params.permit_name).toMatch(new RegExp(`^${PERMIT_NAME_PREFIX}-[0-9a-z]+-[0-9a-f]{6}$`));
    expect(await getQueryPermit(config, 'usage')).toEqual(first);
    expect((await usageOf()).days).toEqual([]);

    await executeContract(config, {
      contract: 'usage',
      msg: { revoke_permit: { permit_name: first.params.permit_name } },
    });
    const refused = await usageOf({ permit: first }).catch((error: unknown) => error);
    expect(isPermitRevokedError(refused)).toBe(true);

    // The private read meets the revocation, signs a fresh permit under a new name, and succeeds.
    expect((await usageOf()).days).toEqual([]);
    const second = await getQueryPermit(config, 'usage');
    expect(second.params.permit_name).not.toBe(first.params.permit_name);
    expect(second.params.permit_name.startsWith(`${PERMIT_NAME_PREFIX}-`)).toBe(true);
  });
});
