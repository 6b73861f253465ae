/**
 * Adds the `db_next_key` / `db_next_value` host functions (CosmWasm 1.5) to the VM of
 * cw-simulate 2.8, which has only `db_scan` / `db_next`. A wasm built against cosmwasm-std 1.5
 * with its `iterator` feature imports them (the cw20 crate turns that feature on), and without
 * them WebAssembly refuses to instantiate the module at all.
 *
 * cw-simulate builds the import object inside `VMInstance.build` with no hook, so this wraps
 * `WebAssembly.instantiate` for this process: when a CosmWasm import object (it has
 * `env.db_next`) lacks the two functions, they are added, implemented with that same
 * instance's `db_next` (the chain's real iterator) and the contract's `allocate`/`deallocate`.
 */

interface ContractExports {
  memory: { buffer: ArrayBuffer };
  allocate(size: number): number;
  deallocate(pointer: number): void;
}

type ImportObject = Record<string, Record<string, unknown>> & { env?: Record<string, unknown> };
type WasmInstance = { exports: unknown };
/** instantiate(module) gives an Instance, instantiate(bytes) gives { module, instance } */
type Instantiate = (
  source: unknown,
  imports?: ImportObject,
) => Promise<WasmInstance | { instance: WasmInstance }>;

// The project compiles without the DOM library, whose WebAssembly types this file would need.
const wasmGlobal = (globalThis as unknown as { WebAssembly: { instantiate: Instantiate } }).WebAssembly;

let installed = false;

export function installIteratorImports(): void {
  if (installed) return;
  installed = true;
  const instantiate = wasmGlobal.instantiate.bind(wasmGlobal);

  const wrapped: Instantiate = async (source, imports) => {
    const env = imports?.env;
    if (!env || typeof env.db_next !== 'function' || 'db_next_key' in env)
      return instantiate(source, imports);
    const dbNext = env.db_next as (iteratorId: number) => number;
    let contract: ContractExports | undefined;
    const nextSection = (iteratorId: number, section: 'key' | 'value'): number => {
      if (!contract) throw new Error('iterator called before the contract was instantiated');
      const record = readRegion(contract, dbNext(iteratorId));
      const { key, value } = decodeRecord(record.bytes);
      contract.deallocate(record.pointer);
      if (key.length === 0) return 0; // the iterator is exhausted: a null pointer
      return writeRegion(contract, section === 'key' ? key : value);
    };
    env.db_next_key = (iteratorId: number) => nextSection(iteratorId, 'key');
    env.db_next_value = (iteratorId: number) => nextSection(iteratorId, 'value');
    const result = await instantiate(source, imports);
    const instance = 'instance' in result ? result.instance : result;
    contract = instance.exports as ContractExports;
    return result;
  };
  wasmGlobal.instantiate = wrapped;
}

/** A CosmWasm Region is { offset: u32, capacity: u32, length: u32 }, little-endian. */
function readRegion(contract: ContractExports, pointer: number): { pointer: number; bytes: Uint8Array } {
  const view = new DataView(contract.memory.buffer);
  const offset = view.getUint32(pointer, true);
  const length = view.getUint32(pointer + 8, true);
  return { pointer, bytes: new Uint8Array(contract.memory.buffer, offset, length).slice() };
}

function writeRegion(contract: ContractExports, bytes: Uint8Array): number {
  const pointer = contract.allocate(bytes.length);
  const view = new DataView(contract.memory.buffer);
  const offset = view.getUint32(pointer, true);
  new Uint8Array(contract.memory.buffer, offset, bytes.length).set(bytes);
  view.setUint32(pointer + 8, bytes.length, true);
  return pointer;
}

/** `db_next` answers key ‖ len(key) ‖ value ‖ len(value), lengths as big-endian u32. */
export function decodeRecord(bytes: Uint8Array): { key: Uint8Array; value: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const valueLength = view.getUint32(bytes.length - 4);
  const valueStart = bytes.length - 4 - valueLength;
  const keyLength = view.getUint32(valueStart - 4);
  const keyStart = valueStart - 4 - keyLength;
  return {
    key: bytes.slice(keyStart, keyStart + keyLength),
    value: bytes.slice(valueStart, valueStart + valueLength),
  };
}
