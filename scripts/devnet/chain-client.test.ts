import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getContractDir } from '@oraichain/common-contracts-build';
import { connectDevnet, devOnlyAccount, mnemonicSigner, signQueryPermit } from '@privexbot/schema/chain';
import { runChainClientSuite } from '@privexbot/schema/chain/testing/chain-client-suite';
import { afterAll } from 'vitest';
import { artifactPath } from './deploy-contracts.js';
import { type RunningDevnet, startDevnet } from './index.js';

// PRIVEXBOT_ARTIFACTS_DIR points the tests at wasm built elsewhere (default contracts/artifacts).
const artifactsDir =
  process.env.PRIVEXBOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../../contracts/artifacts', import.meta.url));
let devnet: RunningDevnet | undefined;
afterAll(() => devnet?.close());

runChainClientSuite(
  'devnet over HTTP',
  async () => {
    devnet = await startDevnet({ port: 0, artifactsDir });
    const [payerSigner, otherSigner] = await Promise.all([
      mnemonicSigner(devOnlyAccount('alice').mnemonic),
      mnemonicSigner(devOnlyAccount('bob').mnemonic),
    ]);
    return {
      payer: await connectDevnet({ url: devnet.url, signer: payerSigner }),
      other: await connectDevnet({ url: devnet.url, signer: otherSigner }),
      readOnly: await connectDevnet({ url: devnet.url }),
      token: devnet.contracts.token.address,
      ...(devnet.contracts.billing ? { billing: devnet.contracts.billing.address } : {}),
      payerPermit: (contract, permissions) =>
        signQueryPermit(payerSigner.wallet, {
          owner: payerSigner.address,
          chainId: (devnet as RunningDevnet).chainId,
          permitName: 'chain-client-suite',
          allowedContracts: [contract],
          permissions,
        }),
      cw20Wasm: new Uint8Array(readFileSync(getContractDir('cw20-base'))),
      missingContract: 'secret1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq',
    };
  },
  { withBilling: existsSync(artifactPath(artifactsDir, 'billing')) },
);
