import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare } from '@oraichain/cosmwasm-vm-js';
import { Map as ImmutableMap, List, SortedMap } from '@oraichain/immutable';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeStore, encodeStore, loadDevnetState, saveDevnetState } from './persist-chain-state.js';
import { decodeRecord } from './vm-iterator-imports.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'privexbot-persist-'));
  dirs.push(dir);
  return dir;
}

/** The shapes cw-simulate keeps in its store. */
function sampleStore() {
  const storage = SortedMap<Uint8Array, Uint8Array>(
    [
      [Uint8Array.from([0, 7, 98]), Uint8Array.from([34, 49, 34])],
      [Uint8Array.from([1]), new Uint8Array(0)],
    ],
    compare,
  );
  return ImmutableMap<string, unknown>({
    height: 12,
    time: 1_795_313_494_423_000_000,
    wasm: ImmutableMap({
      codes: ImmutableMap({ '1': ImmutableMap({ creator: 'secret1x', wasmCode: Buffer.alloc(5000, 1) }) }),
      contracts: ImmutableMap({ secret1c: ImmutableMap({ codeId: 1, admin: undefined, label: 'token' }) }),
      contractStorage: ImmutableMap({ secret1c: storage }),
    }),
    bank: ImmutableMap({
      balances: ImmutableMap({ secret1a: List([ImmutableMap({ denom: 'uscrt', amount: '5' })]) }),
    }),
  });
}

describe('chain state snapshot', () => {
  it('round-trips the store with its types: sorted binary keys, buffers, undefined, lists', () => {
    const dir = tempDir();
    const store = sampleStore();
    const encoded = JSON.parse(JSON.stringify(encodeStore(store, dir)));
    const restored = decodeStore(encoded, dir) as typeof store;
    // Immutable's equals() compares Uint8Arrays by reference: compare the encodings instead
    expect(encodeStore(restored, dir)).toEqual(encoded);
    expect(restored.getIn(['bank', 'balances', 'secret1a', 0, 'amount'])).toBe('5');
    expect(restored.get('time')).toBe(1_795_313_494_423_000_000);
    const storage = restored.getIn(['wasm', 'contractStorage', 'secret1c']) as SortedMap<
      Uint8Array,
      Uint8Array
    >;
    expect(SortedMap.isSortedMap(storage)).toBe(true);
    expect(storage.get(Uint8Array.from([0, 7, 98]))).toEqual(Uint8Array.from([34, 49, 34]));
    expect(Buffer.isBuffer(restored.getIn(['wasm', 'codes', '1', 'wasmCode']))).toBe(true);
    expect(restored.getIn(['wasm', 'contracts', 'secret1c']) as ImmutableMap<string, unknown>).toSatisfy(
      (info: ImmutableMap<string, unknown>) => info.has('admin') && info.get('admin') === undefined,
    );
  });

  it('stores large binaries once as content-addressed blobs', () => {
    const dir = tempDir();
    saveDevnetState(dir, 'privexbot-devnet-1', sampleStore(), { note: 1 });
    saveDevnetState(dir, 'privexbot-devnet-1', sampleStore(), { note: 2 });
    expect(readdirSync(join(dir, 'blobs'))).toHaveLength(1);
    const loaded = loadDevnetState<{ note: number }>(dir);
    expect(loaded?.extra).toEqual({ note: 2 });
    expect(encodeStore(loaded?.store, dir)).toEqual(encodeStore(sampleStore(), dir));
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
  });

  it('refuses what it cannot restore faithfully', () => {
    expect(() => encodeStore(ImmutableMap({ when: new Date() }), tempDir())).toThrow(/cannot persist/);
    expect(() => encodeStore(Number.NaN, tempDir())).toThrow(/cannot persist/);
    expect(loadDevnetState(tempDir())).toBeUndefined();
  });
});

describe('db_next record decoding', () => {
  it('splits key ‖ len ‖ value ‖ len (big-endian lengths)', () => {
    const record = Uint8Array.from([1, 2, 0, 0, 0, 2, 9, 9, 9, 0, 0, 0, 3]);
    const { key, value } = decodeRecord(record);
    expect([...key]).toEqual([1, 2]);
    expect([...value]).toEqual([9, 9, 9]);
    expect(decodeRecord(new Uint8Array(8)).key.length).toBe(0); // the end of iteration
  });
});
