/**
 * Deploys the platform on a wasmd chain as on any CosmWasm chain: the payment token
 * (cw20-base, "PrivexBot Dev USD", 6 decimals, every dev account funded as on the devnet),
 * then the project's own deploy CLI (`scripts/deploy/main.ts --network cosmwasm`), so the
 * deploy path the operators use is the one exercised here. Returns its deployment file.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getContractDir } from '@oraichain/common-contracts-build';
import { type ChainClient, connectSigningClient } from '@privexbot/schema/chain';
import { type DeploymentFile, readDeploymentFile } from '../deploy/deployment-file.js';
import { DEV_FUNDING } from '../devnet/deploy-contracts.js';
import { repoRoot } from '../lib/paths.js';
import type { WasmdChain } from './start-wasmd-chain.js';

export interface WasmdPlatform {
  token: string;
  billing: string;
  usage: string;
  deployment: DeploymentFile;
  /** where the deployment file was written */
  deploymentFile: string;
}

/** A signing client of a dev account on this chain, through the product's cosmjs adapter. */
export function connectWasmdAccount(
  chain: WasmdChain,
  role: Parameters<WasmdChain['account']>[0],
  options: { broadcastPollIntervalMs?: number } = {},
): Promise<ChainClient> {
  return connectSigningClient(
    {
      adapter: 'cosmwasm',
      rpcUrl: chain.rpcUrl,
      gasPrice: chain.gasPrice,
      addressPrefix: chain.addressPrefix,
      nativeDenom: chain.denom,
      broadcastPollIntervalMs: options.broadcastPollIntervalMs ?? 200,
    },
    chain.account(role).mnemonic,
  );
}

/** The environment a CosmWasm-adapter process (deploy, relayer, api) needs for this chain. */
export function wasmdDeployEnvironment(chain: WasmdChain): Record<string, string> {
  return {
    COSMWASM_RPC_URL: chain.rpcUrl,
    COSMWASM_CHAIN_ID: chain.chainId,
    COSMWASM_GAS_PRICE: chain.gasPrice,
    COSMWASM_ADDRESS_PREFIX: chain.addressPrefix,
    COSMWASM_NATIVE_DENOM: chain.denom,
  };
}

export async function deployWasmdPlatform(
  chain: WasmdChain,
  options: { artifactsDir?: string; log?: (line: string) => void } = {},
): Promise<WasmdPlatform> {
  const log = options.log ?? (() => {});
  const operator = await connectWasmdAccount(chain, 'operator');
  const cw20 = await operator.upload(new Uint8Array(readFileSync(getContractDir('cw20-base'))));
  const { address: token } = await operator.instantiate({
    codeId: cw20.codeId,
    label: 'PrivexBot Dev USD',
    admin: operator.address as string,
    msg: {
      name: 'PrivexBot Dev USD',
      symbol: 'PDUSD',
      decimals: 6,
      initial_balances: chain.accounts.map((account) => ({
        address: account.address,
        amount: DEV_FUNDING.tokens.toString(),
      })),
      mint: { minter: operator.address },
    },
  });
  log(`payment token PDUSD at ${token}`);

  const deploymentFile = join(chain.homeDir, 'deployment.json');
  await runDeployCli(
    {
      ...wasmdDeployEnvironment(chain),
      DEPLOYER_MNEMONIC: chain.account('operator').mnemonic,
      DEPLOY_RELAYER_ADDRESSES: chain.account('relayer').address,
      PAYMENT_TOKEN_ADDRESS: token,
      ...(options.artifactsDir ? { PRIVEXBOT_ARTIFACTS_DIR: options.artifactsDir } : {}),
    },
    deploymentFile,
    log,
  );
  const deployment = readDeploymentFile(deploymentFile);
  return {
    token,
    billing: deployment.contracts.billing.address,
    usage: deployment.contracts.usage.address,
    deployment,
    deploymentFile,
  };
}

function runDeployCli(env: Record<string, string>, out: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'scripts/deploy/main.ts'), '--network', 'cosmwasm', '--out', out],
      { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
      for (const line of chunk.toString().split('\n')) if (line) log(line);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the deploy CLI exited with ${code}:\n${output}`)),
    );
  });
}
