/**
 * A single-validator wasmd chain in a temporary folder, for tests and `npm start -- --chain wasmd`.
 *
 * Every port (RPC, P2P, gRPC, REST) is picked free on 127.0.0.1 at creation and kept across
 * restarts, so the URLs stay valid when a test kills the node (SIGKILL) and starts it again on
 * the same home. Blocks are ~0.5 s (`timeout_commit`). The chain's one denom is `uscrt`, as on
 * the devnet and Secret Network (stake, fees and plan prices alike), so the same contracts'
 * configuration and the ChainClient defaults hold on all three.
 *
 * Funded accounts: the DEV-ONLY mnemonics of `@privexbot/schema/chain`, derived as cosmjs does
 * by default (coin type 118) with the `wasm` prefix, which is what connectSigningClient's
 * `cosmwasm` adapter and the deploy script derive; worthless anywhere else.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { DEV_ONLY_ACCOUNTS, type DevAccount } from '@privexbot/schema/chain';
import { ensureWasmd } from './build-wasmd.js';

const run = promisify(execFile);

export const WASMD_CHAIN_ID = 'privexbot-local-1';
export const WASMD_DENOM = 'uscrt';
export const WASMD_ADDRESS_PREFIX = 'wasm';
/** The node refuses cheaper transactions (app.toml `minimum-gas-prices`). */
export const WASMD_GAS_PRICE = `0.025${WASMD_DENOM}`;
/** 10^12 uscrt (a million SCRT) per dev account: fees and stakes never run out in a test. */
const DEV_BALANCE = `1000000000000${WASMD_DENOM}`;
const VALIDATOR_STAKE = `1000000000${WASMD_DENOM}`;

export interface WasmdAccount {
  role: DevAccount['role'];
  address: string;
  mnemonic: string;
}

export interface WasmdChain {
  readonly chainId: string;
  /** CometBFT RPC, what cosmjs connects to */
  readonly rpcUrl: string;
  /** the Cosmos REST API (LCD) */
  readonly restUrl: string;
  readonly homeDir: string;
  readonly denom: string;
  readonly addressPrefix: string;
  readonly gasPrice: string;
  /** the dev accounts as this chain derives them, funded at genesis */
  readonly accounts: readonly WasmdAccount[];
  /** the validator's operator address (`wasmvaloper1…`), for staking */
  readonly validator: string;
  account(role: DevAccount['role']): WasmdAccount;
  /** Starts the node on its home (again after stop or kill) and waits for a new block. */
  start(): Promise<void>;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown handler runs, as in a crash. */
  kill(): Promise<void>;
  /** The current block height, from RPC /status. */
  height(): Promise<number>;
  /** Stops the node and deletes its folder (unless `keepHome`). */
  close(): Promise<void>;
}

export interface StartWasmdChainOptions {
  /** the wasmd binary; default: the cached build (built on first use) */
  binary?: string;
  /** `timeout_commit`; default 500 ms */
  blockTimeMs?: number;
  /** the block gas limit written into genesis (`consensus.params.block.max_gas`); default: wasmd's (-1, none) */
  maxBlockGas?: number;
  /**
   * where the chain lives, kept by close(); a folder that already holds a chain is reopened
   * (same genesis, state and ports). Default: a new temporary folder, deleted by close().
   */
  homeDir?: string;
  log?: (line: string) => void;
  /** last lines of the node's output are kept for errors; also printed here when given */
  onOutput?: (line: string) => void;
}

export class WasmdChainError extends Error {
  override readonly name = 'WasmdChainError';
}

export async function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function wasmdAccounts(): Promise<WasmdAccount[]> {
  return Promise.all(
    DEV_ONLY_ACCOUNTS.map(async ({ role, mnemonic }) => {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: WASMD_ADDRESS_PREFIX });
      const [account] = await wallet.getAccounts();
      return { role, mnemonic, address: account?.address ?? '' };
    }),
  );
}

/** Creates (genesis) and starts a new chain; resolves once it has produced a block. */
export async function startWasmdChain(options: StartWasmdChainOptions = {}): Promise<WasmdChain> {
  const log = options.log ?? (() => {});
  const binary = options.binary ?? (await ensureWasmd(log));
  const ownsHome = !options.homeDir;
  const homeDir = options.homeDir ?? mkdtempSync(join(tmpdir(), 'privexbot-wasmd-'));
  const home = ['--home', homeDir];
  const cli = async (...args: string[]) => (await run(binary, [...args, ...home])).stdout;
  const keyring = ['--keyring-backend', 'test'];

  const accounts = await wasmdAccounts();
  const existing = existsSync(join(homeDir, 'config', 'genesis.json'));
  const ports = existing ? readPorts(homeDir) : await genesis();
  const validator = (await cli('keys', 'show', 'validator', '-a', '--bech', 'val', ...keyring)).trim();

  async function genesis() {
    const chosen = {
      rpc: await freeLocalPort(),
      p2p: await freeLocalPort(),
      grpc: await freeLocalPort(),
      api: await freeLocalPort(),
    };
    await cli('init', 'privexbot-local', '--chain-id', WASMD_CHAIN_ID, '--default-denom', WASMD_DENOM);
    await cli('keys', 'add', 'validator', ...keyring, '--output', 'json');
    const validatorAccount = (await cli('keys', 'show', 'validator', '-a', ...keyring)).trim();
    for (const address of [validatorAccount, ...accounts.map((account) => account.address)]) {
      await cli('genesis', 'add-genesis-account', address, DEV_BALANCE);
    }
    await cli('genesis', 'gentx', 'validator', VALIDATOR_STAKE, '--chain-id', WASMD_CHAIN_ID, ...keyring);
    await cli('genesis', 'collect-gentxs');
    if (options.maxBlockGas !== undefined)
      setMaxBlockGas(join(homeDir, 'config', 'genesis.json'), options.maxBlockGas);

    editToml(join(homeDir, 'config', 'config.toml'), [
      ['consensus', 'timeout_commit', `"${options.blockTimeMs ?? 500}ms"`],
      ['rpc', 'laddr', `"tcp://127.0.0.1:${chosen.rpc}"`],
      ['rpc', 'pprof_laddr', '""'],
      ['p2p', 'laddr', `"tcp://127.0.0.1:${chosen.p2p}"`],
      ['instrumentation', 'prometheus', 'false'],
    ]);
    editToml(join(homeDir, 'config', 'app.toml'), [
      ['', 'minimum-gas-prices', `"${WASMD_GAS_PRICE}"`],
      ['api', 'enable', 'true'],
      ['api', 'address', `"tcp://127.0.0.1:${chosen.api}"`],
      ['grpc', 'address', `"127.0.0.1:${chosen.grpc}"`],
    ]);
    return chosen;
  }

  const rpcUrl = `http://127.0.0.1:${ports.rpc}`;
  let child: ChildProcess | undefined;
  let output: string[] = [];

  async function height(): Promise<number> {
    const response = await fetch(`${rpcUrl}/status`);
    const body = (await response.json()) as { result: { sync_info: { latest_block_height: string } } };
    return Number(body.result.sync_info.latest_block_height);
  }

  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) return;
    output = [];
    const node = spawn(binary, ['start', ...home], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = node;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        output.push(line);
        if (output.length > 60) output.shift();
        options.onOutput?.(line);
      }
    };
    node.stdout?.on('data', keep);
    node.stderr?.on('data', keep);
    let before = -1;
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (node.exitCode !== null || node.signalCode !== null) {
        throw new WasmdChainError(`wasmd exited while starting:\n${output.join('\n')}`);
      }
      const current = await height().catch(() => undefined);
      // A block after the one the node restarted from: consensus runs, not just the RPC server.
      if (current !== undefined && before < 0) before = current;
      if (current !== undefined && current > Math.max(before, 0)) return;
      if (Date.now() > deadline) {
        throw new WasmdChainError(`wasmd made no block within 120 s:\n${output.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function signal(name: NodeJS.Signals): Promise<void> {
    const node = child;
    if (!node || node.exitCode !== null || node.signalCode !== null) return;
    const exited = new Promise((resolve) => node.once('exit', resolve));
    node.kill(name);
    await exited;
  }

  const chain: WasmdChain = {
    chainId: WASMD_CHAIN_ID,
    rpcUrl,
    restUrl: `http://127.0.0.1:${ports.api}`,
    homeDir,
    denom: WASMD_DENOM,
    addressPrefix: WASMD_ADDRESS_PREFIX,
    gasPrice: WASMD_GAS_PRICE,
    accounts,
    validator,
    account(role) {
      const found = accounts.find((account) => account.role === role);
      if (!found) throw new WasmdChainError(`no dev account with role ${role}`);
      return found;
    },
    start,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    height,
    async close() {
      await signal('SIGTERM');
      if (ownsHome) rmSync(homeDir, { recursive: true, force: true });
    },
  };
  log(`${existing ? 'reopening' : 'genesis of'} ${WASMD_CHAIN_ID} in ${homeDir}; starting the node`);
  try {
    await start();
  } catch (error) {
    await chain.close();
    throw error;
  }
  log(`wasmd node at ${rpcUrl} (REST ${chain.restUrl})`);
  return chain;
}

/** The ports a chain's config files name (what genesis() chose). */
function readPorts(homeDir: string): { rpc: number; p2p: number; grpc: number; api: number } {
  const port = (file: string, section: string, key: string) => {
    const value = tomlValue(join(homeDir, 'config', file), section, key);
    const found = /127\.0\.0\.1:(\d+)"$/.exec(value ?? '')?.[1];
    if (!found) throw new WasmdChainError(`${file} has no [${section}] ${key} on 127.0.0.1`);
    return Number(found);
  };
  return {
    rpc: port('config.toml', 'rpc', 'laddr'),
    p2p: port('config.toml', 'p2p', 'laddr'),
    api: port('app.toml', 'api', 'address'),
    grpc: port('app.toml', 'grpc', 'address'),
  };
}

function tomlValue(file: string, section: string, key: string): string | undefined {
  let current = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) current = header[1] as string;
    else if (current === section && line.startsWith(`${key} =`)) return line.slice(key.length + 2).trim();
  }
  return undefined;
}

/** Sets `key = value` in a TOML section ('' is the top level), replacing the existing line. */
function setMaxBlockGas(file: string, maxGas: number): void {
  const genesis = JSON.parse(readFileSync(file, 'utf8'));
  const block = genesis.consensus?.params?.block;
  if (!block) throw new WasmdChainError(`${file} has no consensus.params.block to set max_gas in`);
  block.max_gas = String(maxGas);
  writeFileSync(file, `${JSON.stringify(genesis, null, 2)}\n`);
}

function editToml(file: string, edits: [section: string, key: string, value: string][]): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [section, key, value] of edits) {
    let current = '';
    let done = false;
    for (let i = 0; i < lines.length && !done; i++) {
      const line = lines[i] as string;
      const header = /^\[([^\]]+)\]\s*$/.exec(line);
      if (header) current = header[1] as string;
      else if (current === section && new RegExp(`^${key}\\s*=`).test(line)) {
        lines[i] = `${key} = ${value}`;
        done = true;
      }
    }
    if (!done) throw new WasmdChainError(`${file} has no ${section ? `[${section}] ` : ''}${key}`);
  }
  writeFileSync(file, lines.join('\n'));
}
