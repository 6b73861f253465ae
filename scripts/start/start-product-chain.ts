/**
 * The chain `npm start` runs the product on: the devnet (default), or with `--chain wasmd` a
 * real single-validator wasmd node (scripts/wasmd) with the platform deployed by the deploy
 * CLI. Either way the rest of the start reads the same few things from it: the api's and the
 * relayer's chain variables, and one preparation step once the gateway is up (its signer
 * registered, the platform's chain reader given its viewing key).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ChainClient, devOnlyAccount } from '@privexbot/schema/chain';
import { deploymentEnvironment, readDeploymentFile } from '../deploy/deployment-file.js';
import { type Deployment, staleContracts } from '../devnet/deploy-contracts.js';
import { repoRoot } from '../lib/paths.js';
import {
  connectWasmdAccount,
  deployWasmdPlatform,
  wasmdDeployEnvironment,
} from '../wasmd/deploy-wasmd-platform.js';
import { startWasmdChain } from '../wasmd/start-wasmd-chain.js';
import { registerGatewaySigner, registerGatewaySignerOn, setUpChainReader } from './prepare-devnet.js';

export type ChainMode = 'devnet' | 'wasmd';

const artifactsDir = join(repoRoot, 'contracts', 'artifacts');

export function chainModeFromArgs(argv: string[]): ChainMode {
  const i = argv.findIndex((a) => a === '--chain' || a.startsWith('--chain='));
  if (i < 0) return 'devnet';
  const value = argv[i]?.includes('=') ? argv[i]?.split('=')[1] : argv[i + 1];
  if (value === 'devnet' || value === 'wasmd') return value;
  throw new Error(`--chain takes "devnet" or "wasmd", not "${value ?? ''}"`);
}

export interface ProductChain {
  /** one line for the start banner */
  describe: string;
  usage: string | undefined;
  /** CHAIN_* and contract variables of the api */
  apiEnv: Record<string, string>;
  /** RELAYER_CHAIN_*, the usage contract and the relayer's mnemonic */
  relayerEnv: Record<string, string>;
  /** the dev accounts as this chain derives them */
  accounts: { role: string; address: string }[];
  /** Registers the gateway's signer (dev mode) and readies the chain reader; idempotent. */
  prepare(gatewayUrl: string): Promise<{ readerAddress: string; readerViewingKey: string }>;
  close(): Promise<void>;
}

/** The devnet already running at `url` (npm start supervises its process). */
export function devnetProductChain(
  url: string,
  usage: string | undefined,
  readerViewingKey: string,
): ProductChain {
  return {
    describe: `devnet    ${url}/status`,
    usage,
    apiEnv: { CHAIN_KIND: 'devnet', DEVNET_URL: url },
    relayerEnv: {
      RELAYER_CHAIN_URL: url,
      ...(usage ? { USAGE_CONTRACT: usage } : {}),
      RELAYER_MNEMONIC: devOnlyAccount('relayer').mnemonic,
    },
    accounts: (['operator', 'alice', 'bob'] as const).map((role) => ({
      role,
      address: devOnlyAccount(role).address,
    })),
    async prepare(gatewayUrl) {
      await registerGatewaySigner(url, gatewayUrl);
      return { readerAddress: await setUpChainReader(url, readerViewingKey), readerViewingKey };
    },
    close: async () => {},
  };
}

/**
 * A wasmd node in `<dataDir>/node`: created and deployed on the first start, reopened with its
 * state (and the same ports) afterwards; stopped with the product.
 */
export async function startWasmdProductChain(options: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<ProductChain> {
  const chain = await startWasmdChain({ homeDir: join(options.dataDir, 'node'), log: options.log });
  try {
    const deploymentFile = join(chain.homeDir, 'deployment.json');
    const deployment = existsSync(deploymentFile)
      ? readDeploymentFile(deploymentFile)
      : (await deployWasmdPlatform(chain, { log: options.log })).deployment;
    for (const name of staleContracts(deployment.contracts as unknown as Deployment, artifactsDir)) {
      options.log(
        `warning: contracts/artifacts/${name}.vanilla.wasm changed since it was deployed; delete ${options.dataDir} to redeploy`,
      );
    }
    const reader = deployment.chainReader;
    if (!reader) throw new Error(`${deploymentFile} names no chain reader`);
    const usage = deployment.contracts.usage.address;
    const deployed = deploymentEnvironment(deployment);
    let operator: Promise<ChainClient> | undefined;
    return {
      describe: `wasmd     ${chain.rpcUrl}/status (REST ${chain.restUrl}, chain ${chain.chainId})`,
      usage,
      apiEnv: {
        ...deployed,
        CHAIN_KIND: 'cosmwasm',
        CHAIN_URL: chain.rpcUrl,
        BECH32_PREFIX: chain.addressPrefix,
      },
      relayerEnv: {
        RELAYER_CHAIN_ADAPTER: 'cosmwasm',
        RELAYER_CHAIN_URL: chain.rpcUrl,
        RELAYER_GAS_PRICE: wasmdDeployEnvironment(chain).COSMWASM_GAS_PRICE as string,
        RELAYER_ADDRESS_PREFIX: chain.addressPrefix,
        USAGE_CONTRACT: usage,
        RELAYER_MNEMONIC: chain.account('relayer').mnemonic,
      },
      accounts: chain.accounts.filter((a) => a.role !== 'relayer'),
      async prepare(gatewayUrl) {
        operator ??= connectWasmdAccount(chain, 'operator');
        await registerGatewaySignerOn(await operator, usage, gatewayUrl);
        return { readerAddress: reader.address, readerViewingKey: reader.viewingKey };
      },
      close: () => chain.stop(),
    };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}
