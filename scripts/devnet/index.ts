/**
 * The devnet: a development chain (cw-simulate running the contracts' real vanilla wasm, with
 * cw20-base as the payment token) behind a small JSON HTTP API. See README.md.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_ONLY_ACCOUNTS, type DevAccount } from '@privexbot/schema/chain';
import { type Deployment, deployContracts, staleContracts } from './deploy-contracts.js';
import { createDevnetHttpServer } from './http-api.js';
import { SimulatedChain } from './simulated-chain.js';

export type { DeployedContract, Deployment } from './deploy-contracts.js';
export { DEV_FUNDING, defaultPlans, TOKEN_DECIMALS } from './deploy-contracts.js';

export const DEVNET_CHAIN_ID = 'privexbot-devnet-1';
export const DEFAULT_DEVNET_PORT = 26680;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface StartDevnetOptions {
  /** where state persists between runs; omit for a throwaway in-memory chain */
  dataDir?: string;
  /** 0 picks a free port; default 26680 */
  port?: number;
  host?: string;
  chainId?: string;
  /** where `<contract>.vanilla.wasm` files are; default $PRIVEXBOT_ARTIFACTS_DIR, else contracts/artifacts */
  artifactsDir?: string;
  log?: (line: string) => void;
}

export interface RunningDevnet {
  url: string;
  chainId: string;
  contracts: Deployment;
  /** DEV-ONLY accounts with their public mnemonics */
  accounts: readonly DevAccount[];
  /** true when this start created a new chain (false when it reopened a saved one) */
  deployed: boolean;
  close(): Promise<void>;
}

export async function startDevnet(options: StartDevnetOptions = {}): Promise<RunningDevnet> {
  const chainId = options.chainId ?? DEVNET_CHAIN_ID;
  const log = options.log ?? (() => {});
  const { chain, isNew } = await SimulatedChain.open({
    chainId,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const artifactsDir =
    options.artifactsDir ?? process.env.PRIVEXBOT_ARTIFACTS_DIR ?? join(repoRoot, 'contracts', 'artifacts');
  const existing = isNew ? undefined : (chain.deployment as unknown as Deployment);
  const before = Object.keys(existing ?? {});
  // The seam: deploys what is built and missing (everything on a new chain).
  const deployment = await deployContracts(chain, { artifactsDir, ...(existing ? { existing } : {}) });
  const added = Object.keys(deployment).filter((name) => !before.includes(name));
  if (added.length > 0) {
    chain.deployment = { ...deployment };
    chain.save();
    log(`deployed ${added.join(', ')} on ${chainId}`);
  }
  if (!isNew) log(`reopened ${chainId} at height ${chain.height}`);
  for (const name of staleContracts(deployment, artifactsDir)) {
    log(
      `warning: contracts/artifacts/${name}.vanilla.wasm changed since it was deployed; delete the data directory to redeploy`,
    );
  }
  const contracts = chain.deployment as unknown as Deployment;

  const server = createDevnetHttpServer(chain, () => contracts);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_DEVNET_PORT, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`devnet ${chainId} listening on ${url}`);

  return {
    url,
    chainId,
    contracts,
    accounts: DEV_ONLY_ACCOUNTS,
    deployed: isNew,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await chain.transact(async () => {}); // waits for a running tx, then saves
    },
  };
}
