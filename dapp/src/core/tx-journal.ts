/**
 * The billing contract's payment history records heights, not transaction hashes (a contract
 * cannot see its own hash). The dapp remembers the hash of each transaction it sent, by height,
 * so that history rows it caused link to their transaction; other rows show their block height.
 */
import type { KeyValueStorage } from './config.js';

const KEY = 'privexbot.txJournal';
const MAX_ENTRIES = 500;

export interface JournalEntry {
  chainId: string;
  height: number;
  txHash: string;
}

export function recordTx(storage: KeyValueStorage, entry: JournalEntry): void {
  const entries = readJournal(storage).filter((e) => e.txHash !== entry.txHash);
  entries.push(entry);
  storage.setItem(KEY, JSON.stringify(entries.slice(-MAX_ENTRIES)));
}

export function txHashesAt(storage: KeyValueStorage, chainId: string, height: number): string[] {
  return readJournal(storage)
    .filter((e) => e.chainId === chainId && e.height === height)
    .map((e) => e.txHash);
}

function readJournal(storage: KeyValueStorage): JournalEntry[] {
  try {
    const parsed = JSON.parse(storage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as JournalEntry[]) : [];
  } catch {
    return [];
  }
}
