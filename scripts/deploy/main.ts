/**
 * npx tsx scripts/deploy/main.ts --network localsecret|pulsar|secret-4|cosmwasm|devnet --out deployment.json [--force]
 *
 * Deploys billing and usage and writes the deployment file the services read. When the file
 * already describes live contracts on the same chain, it keeps them (so the compose stack's
 * one-shot deploy is idempotent across restarts); --force deploys anew. README.md lists the
 * environment variables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ChainClient, connectDevnet } from '@privexbot/schema/chain';
import { connectDeployer } from './connect-deployer.js';
import { deployPlatform } from './deploy-platform.js';
import { readDeploymentFile, writeDeploymentFile } from './deployment-file.js';
import { resolveNetwork } from './resolve-network.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      network: { type: 'string' },
      out: { type: 'string', default: 'deployment.json' },
      force: { type: 'boolean', default: false },
    },
  });
  const network = resolveNetwork(values.network ?? '', process.env);
  const out = resolve(values.out ?? 'deployment.json');
  const log = (line: string) => console.log(`[deploy ${network.name}] ${line}`);

  const chain = await connectDeployer(network);
  await waitForChain(chain, Number(process.env.DEPLOY_WAIT_SECONDS ?? 120), log);
  if (!values.force && existsSync(out)) {
    const previous = readDeploymentFile(out);
    if (previous.chainId === chain.chainId) {
      try {
        await chain.query(previous.contracts.billing.address, { config: {} });
        log(
          `${values.out} already describes live contracts on ${chain.chainId}; keeping them (--force redeploys)`,
        );
        return;
      } catch {
        log(`${values.out} names contracts that do not answer on ${chain.chainId}: deploying anew`);
      }
    }
  }

  // The devnet ships its own cw20 payment token: use it unless another one is given.
  if (network.adapter === 'devnet' && !network.paymentToken) {
    const status = await (await connectDevnet({ url: network.url })).status();
    if (status.contracts.token) {
      network.paymentToken = {
        address: status.contracts.token.address,
        codeHash: status.contracts.token.codeHash,
      };
    }
  }
  if (!network.paymentToken) log('no PAYMENT_TOKEN_ADDRESS: plans are priced in the native denom only');

  const artifactsDir = process.env.PRIVEXBOT_ARTIFACTS_DIR ?? join(repoRoot, 'contracts', 'artifacts');
  const flavour = network.secret ? 'secret' : 'vanilla';
  const readWasm = (name: string) => {
    const file = join(artifactsDir, `${name}.${flavour}.wasm`);
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: build it with npx tsx scripts/contracts/build-contracts.ts`);
    }
    return new Uint8Array(readFileSync(file));
  };

  const deployment = await deployPlatform(chain, {
    network: network.name,
    wasm: { billing: readWasm('billing'), usage: readWasm('usage') },
    secret: network.secret,
    ...(network.paymentToken ? { paymentToken: network.paymentToken } : {}),
    nativeDenom: network.nativeDenom,
    relayers: network.relayers,
    addressPrefix: network.addressPrefix,
    log,
  });
  writeDeploymentFile(out, deployment);
  log(`wrote ${values.out}`);
}

/** A node that just started (LocalSecret in compose) may not answer yet: ask until it does. */
async function waitForChain(chain: ChainClient, seconds: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      await chain.nativeBalance(chain.address ?? '');
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new Error(`the chain did not answer within ${seconds}s: ${(error as Error).message}`);
      }
      if (attempt === 0) log(`waiting for the chain: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

main().catch((error: unknown) => {
  // Messages name what is wrong; the mnemonic never appears in them.
  console.error(`deploy failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
