/**
 * The ChainClient contract suite and the UTF-8 names suite on a real wasmd node, through the
 * product's cosmjs adapter: the same assertions the devnet passes (scripts/devnet).
 */
import { readFileSync } from 'node:fs';
import { toBech32 } from '@cosmjs/encoding';
import { getContractDir } from '@oraichain/common-contracts-build';
import { connectReadOnlyClient } from '@privexbot/schema/chain/connect';
import { runChainClientSuite } from '@privexbot/schema/chain/testing/chain-client-suite';
import { afterAll } from 'vitest';
import { runUtf8NamesSuite } from '../../scripts/devnet/utf8-names-suite.js';
import { startWasmdPlatform, type WasmdTestPlatform } from './start-wasmd-platform.js';

let started: Promise<WasmdTestPlatform> | undefined;
const platform = () => {
  started ??= startWasmdPlatform();
  return started;
};
afterAll(async () => (await started)?.close());

runChainClientSuite(
  'wasmd node through cosmjs',
  async () => {
    const node = await platform();
    return {
      payer: await node.client('alice'),
      other: await node.client('bob'),
      readOnly: await connectReadOnlyClient({
        adapter: 'cosmwasm',
        rpcUrl: node.chain.rpcUrl,
        nativeDenom: node.chain.denom,
      }),
      token: node.token,
      billing: node.billing,
      payerPermit: (contract, permissions) => node.permit('alice', contract, permissions),
      cw20Wasm: new Uint8Array(readFileSync(getContractDir('cw20-base'))),
      missingContract: toBech32(node.chain.addressPrefix, new Uint8Array(32)),
    };
  },
  { withBilling: true },
);

runUtf8NamesSuite('wasmd node', async () => {
  const node = await platform();
  return {
    owner: await node.client('alice'),
    operator: await node.client('operator'),
    billing: node.billing,
  };
});
