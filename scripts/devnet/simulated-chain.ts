/**
 * The devnet's chain: cw-simulate's SimulateCosmWasmClient plus what a node would add around it:
 * a wall-clock block time that tests can push forward, one transaction at a time, replay
 * protection for signed envelopes, a transaction index, and state saved after every change.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimulateCosmWasmClient } from '@oraichain/cw-simulate';
import type { Coin, TxEvent, TxResult } from '@privexbot/schema/chain';
import tsResults from 'ts-results';
import { loadDevnetState, saveDevnetState } from './persist-chain-state.js';
import { installIteratorImports } from './vm-iterator-imports.js';
import { installUtf8Strings } from './vm-utf8-strings.js';

installIteratorImports();
installUtf8Strings();

export const DEVNET_BECH32_PREFIX = 'secret';

interface PersistedExtra {
  /** how far the chain's clock runs ahead of the wall clock */
  clockOffsetMs: number;
  /** used envelope nonces per sender */
  nonces: Record<string, string[]>;
  /** what deployContracts recorded: addresses and code hashes by name */
  deployment: Record<string, unknown>;
}

export class SimulatedChain {
  readonly client: SimulateCosmWasmClient;
  readonly chainId: string;
  private readonly dataDir: string | undefined;
  private clockOffsetMs: number;
  private readonly nonces: Map<string, Set<string>>;
  private readonly txs = new Map<string, TxResult>();
  /** tx index lines written only after the state that contains them is saved */
  private unsavedTxLines: string[] = [];
  deployment: Record<string, unknown>;
  /** every state change runs alone: cw-simulate's store is not safe for interleaved async txs */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(client: SimulateCosmWasmClient, dataDir: string | undefined, extra: PersistedExtra) {
    this.client = client;
    this.chainId = client.app.chainId;
    this.dataDir = dataDir;
    this.clockOffsetMs = extra.clockOffsetMs;
    this.nonces = new Map(Object.entries(extra.nonces).map(([sender, list]) => [sender, new Set(list)]));
    this.deployment = extra.deployment;
  }

  /** Opens the chain saved in `dataDir`, or a new empty one (then `isNew` is true). */
  static async open(options: {
    chainId: string;
    dataDir?: string;
  }): Promise<{ chain: SimulatedChain; isNew: boolean }> {
    const client = new SimulateCosmWasmClient({
      chainId: options.chainId,
      bech32Prefix: DEVNET_BECH32_PREFIX,
    });
    const empty: PersistedExtra = { clockOffsetMs: 0, nonces: {}, deployment: {} };
    if (!options.dataDir) return { chain: new SimulatedChain(client, undefined, empty), isNew: true };
    mkdirSync(options.dataDir, { recursive: true });
    const saved = loadDevnetState<PersistedExtra>(options.dataDir);
    if (!saved) return { chain: new SimulatedChain(client, options.dataDir, empty), isNew: true };
    if (saved.chainId !== options.chainId) {
      throw new Error(`the data directory holds chain ${saved.chainId}, not ${options.chainId}`);
    }
    // Same swap as cw-simulate's own persist.load: replace the store's root, then load each
    // contract's wasm module.
    client.app.store.db.tx((update) => {
      update(() => saved.store as ReturnType<Parameters<typeof update>[0]>);
      return tsResults.Ok(undefined);
    });
    const contracts = [...(client.app.wasm.store.get('contracts') as { keys(): Iterable<string> }).keys()];
    await Promise.all(contracts.map((address) => client.app.wasm.getContract(address).init()));
    const chain = new SimulatedChain(client, options.dataDir, saved.extra);
    chain.loadTxIndex();
    return { chain, isNew: false };
  }

  get height(): number {
    return this.client.app.height;
  }

  /** block time in nanoseconds */
  get timeNs(): number {
    return this.client.app.time;
  }

  /** Runs a state change alone, with the clock synced first, and saves the state afterwards. */
  transact<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.syncClock();
      try {
        return await change();
      } finally {
        this.resyncContractMemory();
        this.save();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Queries see the current wall-clock block time too, so "is it expired" answers stay true. */
  query<T>(contract: string, msg: object): Promise<T> {
    // In the same queue as transactions, so a query never sees a half-run transaction.
    const run = this.queue.then(async () => {
      this.syncClock();
      return (await this.client.queryContractSmart(contract, msg as Record<string, unknown>)) as T;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  hasCode(codeId: number): boolean {
    return this.client.app.wasm.getCodeInfo(codeId)?.wasmCode !== undefined;
  }

  hasContract(address: string): boolean {
    return this.client.app.wasm.getContractInfo(address) !== undefined;
  }

  nativeBalance(address: string, denom: string): Coin {
    const coins = this.client.app.bank.getBalance(address) as Coin[];
    const coin = coins.find((candidate) => candidate.denom === denom);
    return { denom, amount: coin ? String(coin.amount) : '0' };
  }

  /** Marks `nonce` used by `sender`; false when it was used before. */
  useNonce(sender: string, nonce: string): boolean {
    let used = this.nonces.get(sender);
    if (!used) {
      used = new Set();
      this.nonces.set(sender, used);
    }
    if (used.has(nonce)) return false;
    used.add(nonce);
    return true;
  }

  advanceClock(seconds: number, blocks: number): void {
    this.clockOffsetMs += seconds * 1000;
    this.syncClock();
    if (blocks > 0) this.client.app.height = this.client.app.height + blocks;
  }

  recordTx(result: TxResult): void {
    this.txs.set(result.txHash, result);
    this.unsavedTxLines.push(`${JSON.stringify(result)}\n`);
  }

  findTx(txHash: string): TxResult | undefined {
    return this.txs.get(txHash.toUpperCase());
  }

  save(): void {
    if (!this.dataDir) return;
    const extra: PersistedExtra = {
      clockOffsetMs: this.clockOffsetMs,
      nonces: Object.fromEntries([...this.nonces].map(([sender, used]) => [sender, [...used]])),
      deployment: this.deployment,
    };
    saveDevnetState(this.dataDir, this.chainId, this.client.app.store.db.data, extra);
    if (this.unsavedTxLines.length > 0) {
      appendFileSync(join(this.dataDir, 'txs.jsonl'), this.unsavedTxLines.join(''));
      this.unsavedTxLines = [];
    }
  }

  /**
   * cw-simulate keeps a copy of each contract's storage inside its VM and writes it back to the
   * chain store after every call. When a transaction fails, the store rolls back but that copy
   * does not, so the next transaction would commit the failed one's writes (checked: a refused
   * cw20 send took the tokens at the next transfer). The store is the truth: every contract's
   * copy is reset from it after each transaction.
   */
  private resyncContractMemory(): void {
    const wasm = this.client.app.wasm;
    for (const contract of wasm.getContracts()) {
      const vm = (contract as unknown as { _vm?: { backend: { storage: { dict: unknown } } } })._vm;
      const stored = wasm.getContractStorage(contract.address);
      if (vm && stored) vm.backend.storage.dict = stored;
    }
  }

  /**
   * Block time follows the wall clock plus the offset tests added. Setting it before each block
   * also stops cw-simulate from resetting it to Date.now(), which it does only when time lags.
   */
  private syncClock(): void {
    const wanted = (Date.now() + this.clockOffsetMs) * 1e6;
    if (this.client.app.time < wanted) this.client.app.time = wanted;
  }

  private loadTxIndex(): void {
    if (!this.dataDir) return;
    const file = join(this.dataDir, 'txs.jsonl');
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const tx = JSON.parse(line) as TxResult;
        this.txs.set(tx.txHash, tx);
      } catch {
        // a torn last line after a crash: that tx's lookup is lost, the chain state is not
      }
    }
  }
}

export function toTxEvents(
  events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[],
): TxEvent[] {
  return events.map((event) => ({
    type: event.type,
    attributes: event.attributes.map(({ key, value }) => ({ key, value })),
  }));
}
