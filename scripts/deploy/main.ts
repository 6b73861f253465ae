/**
 * npx tsx scripts/deploy/main.ts --network localsecret|pulsar|secret-4|cosmwasm|devnet --out deployment.json [--force]
 *
 * Deploys billing and usage, sets the platform's chain reader's viewing key on both
 * (chain-reader.ts), and writes the deployment file the services read. When the file already
 * describes live contracts on the same chain, it keeps them (so the compose stack's one-shot
 * deploy is idempotent across restarts), setting up the reader only if the file has none yet
 * or names another reader or key; --force deploys anew. README.md lists the environment
 * variables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ChainClient, connectDevnet } from '@privexbot/schema/chain';
import { type ChainReader, newViewingKey, setUpChainReader } from './chain-reader.js';
import { connectDeployer } from './connect-deployer.js';
import { deployPlatform } from './deploy-platform.js';
import { type DeploymentFile, readDeploymentFile, writeDeploymentFile } from './deployment-file.js';
import { type ResolvedNetwork, resolveNetwork } from './resolve-network.js';

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
    if (previous.chainId === chain.chainId && (await answers(chain, previous))) {
      log(
        `${values.out} already describes live contracts on ${chain.chainId}; keeping them (--force redeploys)`,
      );
      const chainReader = await chainReaderFor(previous, network, chain, log);
      if (chainReader !== previous.chainReader) {
        writeDeploymentFile(out, { ...previous, chainReader });
        log(`wrote ${values.out}`);
      }
      return;
    }
    if (previous.chainId === chain.chainId) {
      log(`${values.out} names contracts that do not answer on ${chain.chainId}: deploying anew`);
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

  const cap = process.env.DEPLOY_MAX_ORGS_PER_CREATOR;
  // Checked here: a typo must not become JSON null, which the contract reads as "no cap".
  if (cap !== undefined && !/^[1-9][0-9]{0,9}$/.test(cap)) {
    throw new Error(`DEPLOY_MAX_ORGS_PER_CREATOR=${cap}: a whole number of orgs, at least 1`);
  }
  const deployment = await deployPlatform(chain, {
    ...(cap !== undefined ? { maxOrgsPerCreator: Number(cap) } : {}),
    network: network.name,
    wasm: { billing: readWasm('billing'), usage: readWasm('usage') },
    secret: network.secret,
    ...(network.paymentToken ? { paymentToken: network.paymentToken } : {}),
    nativeDenom: network.nativeDenom,
    relayers: network.relayers,
    addressPrefix: network.addressPrefix,
    log,
  });
  const chainReader = await chainReaderFor(deployment, network, chain, log);
  writeDeploymentFile(out, { ...deployment, chainReader });
  log(`wrote ${values.out}`);
}

async function answers(chain: ChainClient, deployment: DeploymentFile): Promise<boolean> {
  try {
    await chain.query(deployment.contracts.billing.address, { config: {} });
    return true;
  } catch {
    return false;
  }
}

/**
 * The platform's chain reader of a deployment: the one the file records when it is the
 * configured reader account with the configured key (or any key, when none is configured);
 * otherwise the reader's viewing key (the configured one, or a fresh one) set on both
 * contracts now. The key never reaches the log.
 */
async function chainReaderFor(
  deployment: DeploymentFile,
  network: ResolvedNetwork,
  deployer: ChainClient,
  log: (line: string) => void,
): Promise<ChainReader> {
  const reader =
    network.readerMnemonic === network.mnemonic
      ? deployer
      : await connectDeployer({ ...network, mnemonic: network.readerMnemonic });
  const recorded = deployment.chainReader;
  if (
    recorded &&
    recorded.address === reader.address &&
    (network.readerViewingKey === undefined || network.readerViewingKey === recorded.viewingKey)
  ) {
    return recorded;
  }
  const { billing, usage } = deployment.contracts;
  const viewingKey = network.readerViewingKey ?? newViewingKey();
  const chainReader = await setUpChainReader(
    reader,
    { billing: billing.address, usage: usage.address },
    viewingKey,
  );
  log(
    `chain reader ${chainReader.address}: viewing key set on billing and usage (CHAIN_READER_* in the file)`,
  );
  return chainReader;
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
