import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BasicBackendApi, BasicKVIterStorage, BasicQuerier, VMInstance } from '@oraichain/cosmwasm-vm-js';
import { describe, expect, it } from 'vitest';
import { artifactPath } from './deploy-contracts.js';

/**
 * The contracts' own wasm entry points (contracts/shared/src/entry.rs), called in the real wasm
 * as a host calls them, with what no honest host sends: each must answer an error result naming
 * what did not parse, never trap, as cosmwasm-std's own entry points did (the suite passes on
 * their wasm too, which named the std's type paths). The Rust unit tests check the parsers;
 * this checks the exports, their regions and the written result in the built artifact.
 */
const artifactsDir =
  process.env.PRIVEXBOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../../contracts/artifacts', import.meta.url));

const env = {
  block: { height: 12, time: '1733580000000000000', chain_id: 'privexbot-devnet' },
  contract: { address: 'wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d' },
};
const info = { sender: 'wasm1qyfud4pp0qhnzm6hlz9lu0q4c5xjskt5j5d6v5', funds: [] };

async function load(contract: 'billing' | 'usage'): Promise<VMInstance> {
  const vm = new VMInstance({
    backend_api: new BasicBackendApi('wasm'),
    storage: new BasicKVIterStorage(),
    querier: new BasicQuerier(),
  });
  await vm.build(new Uint8Array(readFileSync(artifactPath(artifactsDir, contract))));
  return vm;
}

type Arg = string | object | Uint8Array;

/** Calls an export with raw bytes in each region, as the host passes them. */
function call(vm: VMInstance, name: 'instantiate' | 'execute' | 'query', args: Arg[]): object {
  const regions = args.map((arg) =>
    vm.allocate_bytes(
      arg instanceof Uint8Array
        ? arg
        : new TextEncoder().encode(typeof arg === 'string' ? arg : JSON.stringify(arg)),
    ),
  );
  return vm.json(vm.exports[name](...regions.map((r) => r.ptr)));
}

describe.runIf(
  existsSync(artifactPath(artifactsDir, 'billing')) && existsSync(artifactPath(artifactsDir, 'usage')),
)('contract entry points in the wasm', () => {
  for (const contract of ['billing', 'usage'] as const) {
    it(`${contract}: a malformed env, info or message is an error result, not a trap`, async () => {
      const vm = await load(contract);
      const cases: [name: 'instantiate' | 'execute' | 'query', args: Arg[], error: RegExp][] = [
        ['execute', ['', info, {}], /^Error parsing into type (cosmwasm_std::types::)?Env/],
        ['execute', ['{"block":', info, {}], /^Error parsing into type (cosmwasm_std::types::)?Env/],
        [
          'execute',
          [{ ...env, block: { ...env.block, height: '12' } }, info, {}],
          /^Error parsing into type (cosmwasm_std::types::)?Env/,
        ],
        [
          'execute',
          [{ ...env, block: { ...env.block, time: '-1' } }, info, {}],
          /^Error parsing into type (cosmwasm_std::types::)?Env/,
        ],
        [
          'execute',
          [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, info, {}],
          /^Error parsing into type (cosmwasm_std::types::)?Env/,
        ],
        [
          'execute',
          [env, { sender: 7, funds: [] }, {}],
          /^Error parsing into type (cosmwasm_std::types::)?MessageInfo/,
        ],
        [
          'execute',
          [env, { ...info, funds: [{ denom: 'stake', amount: '1e3' }] }, {}],
          /^Error parsing into type (cosmwasm_std::types::)?MessageInfo/,
        ],
        [
          'instantiate',
          [env, new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), {}],
          /^Error parsing into type (cosmwasm_std::types::)?MessageInfo/,
        ],
        ['execute', [env, info, { no_such_message: {} }], /^Error parsing into type/],
        ['query', [[], {}], /^Error parsing into type (cosmwasm_std::types::)?Env/],
        ['query', [env, 'not json'], /^Error parsing into type/],
      ];
      for (const [name, args, error] of cases) {
        const result = call(vm, name, args);
        expect(Object.keys(result)).toEqual(['error']);
        expect((result as { error: string }).error).toMatch(error);
      }
      // The instance still answers after every refusal: nothing was left half-done in it.
      const answer = call(vm, 'query', [env, { no_such_query: {} }]) as { error: string };
      expect(answer.error).toMatch(/^Error parsing into type/);
    });
  }
});
