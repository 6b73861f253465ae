/**
 * The platform on a real wasmd node, for the tests of this folder: a fresh single-validator
 * chain (scripts/wasmd) with the payment token, billing and usage deployed by the project's
 * deploy CLI. Each test file starts its own chain, so a file may kill its node.
 */
import { fileURLToPath } from 'node:url';
import { type ChainClient, type DevAccount, mnemonicSigner, signQueryPermit } from '@privexbot/schema/chain';
import {
  connectWasmdAccount,
  deployWasmdPlatform,
  type WasmdPlatform,
} from '../../scripts/wasmd/deploy-wasmd-platform.js';
import { startWasmdChain, type WasmdChain } from '../../scripts/wasmd/start-wasmd-chain.js';

export const COSMJS_HD_PATH = "m/44'/118'/0'/0/0";
export const artifactsDir =
  process.env.PRIVEXBOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../../contracts/artifacts', import.meta.url));

export interface WasmdTestPlatform extends WasmdPlatform {
  chain: WasmdChain;
  /** a signing client of a dev account, through the product's cosmjs adapter */
  client(role: DevAccount['role']): Promise<ChainClient>;
  /** a SNIP-24 permit signed by a dev account, as the chain (prefix `wasm`) verifies it */
  permit(role: DevAccount['role'], contract: string, permissions: string[]): Promise<never>;
  close(): Promise<void>;
}

export async function startWasmdPlatform(): Promise<WasmdTestPlatform> {
  const chain = await startWasmdChain();
  try {
    const platform = await deployWasmdPlatform(chain, { artifactsDir });
    const clients = new Map<string, Promise<ChainClient>>();
    return {
      ...platform,
      chain,
      client(role) {
        let client = clients.get(role);
        if (!client) {
          client = connectWasmdAccount(chain, role);
          clients.set(role, client);
        }
        return client;
      },
      async permit(role, contract, permissions) {
        const signer = await mnemonicSigner(chain.account(role).mnemonic, {
          hdPath: COSMJS_HD_PATH,
          prefix: chain.addressPrefix,
        });
        const permit = await signQueryPermit(signer.wallet, {
          owner: signer.address,
          chainId: chain.chainId,
          permitName: `test-${role}`,
          allowedContracts: [contract],
          permissions,
        });
        return permit as never;
      },
      close: () => chain.close(),
    };
  } catch (error) {
    await chain.close();
    throw error;
  }
}
