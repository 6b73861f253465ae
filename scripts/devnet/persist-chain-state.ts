/**
 * Saves and restores the simulated chain's whole store (cw-simulate keeps it in one immutable
 * tree: height, time, bank balances, codes, contract infos and contract storage).
 *
 * Why not cw-simulate's own `toBytes()/from()`: its serializer turns the binary keys of contract
 * storage (a SortedMap keyed by Uint8Array) into strings, so a restored contract loses its state
 * (checked with cw20-base: balances read back as 0). Why not replaying a journal of signed txs:
 * cw-simulate stamps each block with the wall clock, so a replay would run at other block times
 * and could diverge; and start-up would grow with history. A snapshot of the store is exact and
 * restores in milliseconds. Large binaries (the wasm codes) go to content-addressed blob files,
 * written once, so the snapshot written after every transaction stays small.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare } from '@oraichain/cosmwasm-vm-js';
import { Map as ImmutableMap, isList, isMap, List, SortedMap } from '@oraichain/immutable';

/** binaries at least this large are stored as blob files instead of inline base64 */
const BLOB_THRESHOLD_BYTES = 4096;

type Encoded =
  | null
  | boolean
  | number
  | string
  | Encoded[]
  | { $undefined: true }
  | { $bytes: string }
  | { $buffer: string }
  | { $blob: string; buffer: boolean }
  | { $map: [Encoded, Encoded][] }
  | { $sorted: [Encoded, Encoded][] }
  | { $list: Encoded[] }
  | { $object: Record<string, Encoded> };

export function encodeStore(value: unknown, blobDir: string): Encoded {
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot persist the number ${value}`);
    return value;
  }
  if (value instanceof Uint8Array) {
    const buffer = Buffer.isBuffer(value);
    if (value.byteLength >= BLOB_THRESHOLD_BYTES) {
      const digest = blobDigest(value);
      const file = join(blobDir, `${digest}.bin`);
      if (!existsSync(file)) writeFileAtomic(file, value);
      return { $blob: digest, buffer };
    }
    const base64 = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    return buffer ? { $buffer: base64 } : { $bytes: base64 };
  }
  if (SortedMap.isSortedMap(value)) {
    return {
      $sorted: [...(value as Iterable<[unknown, unknown]>)].map(([k, v]) => [
        encodeStore(k, blobDir),
        encodeStore(v, blobDir),
      ]),
    };
  }
  if (isMap(value)) {
    return {
      $map: [...(value as Iterable<[unknown, unknown]>)].map(([k, v]) => [
        encodeStore(k, blobDir),
        encodeStore(v, blobDir),
      ]),
    };
  }
  if (isList(value))
    return { $list: [...(value as Iterable<unknown>)].map((item) => encodeStore(item, blobDir)) };
  if (Array.isArray(value)) return value.map((item) => encodeStore(item, blobDir));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return {
      $object: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeStore(v, blobDir)])),
    };
  }
  // Failing loudly beats silently dropping state that a newer cw-simulate might keep.
  throw new Error(`cannot persist a ${Object.prototype.toString.call(value)} found in the chain store`);
}

/** Codes never change once stored: hash each one once, not at every save. */
const blobDigests = new WeakMap<Uint8Array, string>();
function blobDigest(bytes: Uint8Array): string {
  let digest = blobDigests.get(bytes);
  if (!digest) {
    digest = createHash('sha256').update(bytes).digest('hex');
    blobDigests.set(bytes, digest);
  }
  return digest;
}

export function decodeStore(value: Encoded, blobDir: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => decodeStore(item, blobDir));
  if ('$undefined' in value) return undefined;
  if ('$bytes' in value) return new Uint8Array(Buffer.from(value.$bytes, 'base64'));
  if ('$buffer' in value) return Buffer.from(value.$buffer, 'base64');
  if ('$blob' in value) {
    const bytes = readFileSync(join(blobDir, `${value.$blob}.bin`));
    return value.buffer ? bytes : new Uint8Array(bytes);
  }
  if ('$sorted' in value) {
    return SortedMap(
      value.$sorted.map(([k, v]) => [decodeStore(k, blobDir), decodeStore(v, blobDir)] as [unknown, unknown]),
      compare as (a: unknown, b: unknown) => number,
    );
  }
  if ('$map' in value) {
    return ImmutableMap(
      value.$map.map(([k, v]) => [decodeStore(k, blobDir), decodeStore(v, blobDir)] as [unknown, unknown]),
    );
  }
  if ('$list' in value) return List(value.$list.map((item) => decodeStore(item, blobDir)));
  if ('$object' in value) {
    return Object.fromEntries(Object.entries(value.$object).map(([k, v]) => [k, decodeStore(v, blobDir)]));
  }
  throw new Error(`unknown entry in the saved chain state: ${JSON.stringify(value).slice(0, 80)}`);
}

/** Write-then-rename, so a crash mid-write leaves the previous file intact. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

export interface SavedDevnet<Extra> {
  format: 1;
  chainId: string;
  store: Encoded;
  extra: Extra;
}

export function saveDevnetState<Extra>(dataDir: string, chainId: string, store: unknown, extra: Extra): void {
  const blobDir = join(dataDir, 'blobs');
  mkdirSync(blobDir, { recursive: true });
  const saved: SavedDevnet<Extra> = { format: 1, chainId, store: encodeStore(store, blobDir), extra };
  writeFileAtomic(join(dataDir, 'state.json'), JSON.stringify(saved));
}

export function loadDevnetState<Extra>(
  dataDir: string,
): { chainId: string; store: unknown; extra: Extra } | undefined {
  const file = join(dataDir, 'state.json');
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedDevnet<Extra>;
  if (saved.format !== 1)
    throw new Error(`${file} has format ${String(saved.format)}; this devnet reads format 1`);
  return {
    chainId: saved.chainId,
    store: decodeStore(saved.store, join(dataDir, 'blobs')),
    extra: saved.extra,
  };
}
