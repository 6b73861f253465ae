import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWasm, SIZE_LIMITS, sizeLimit, sizeReport } from './check-wasm.ts';

const dir = mkdtempSync(join(tmpdir(), 'check-wasm-'));

/** A module with the CosmWasm exports; `extra` is spliced into the module body. */
function contractWasm(
  name: string,
  extra: string,
  imports = '(import "env" "db_read" (func (param i32) (result i32)))',
) {
  const wat = `(module ${imports}
    (memory (export "memory") 16)
    (func (export "interface_version_8"))
    (func (export "allocate") (param i32) (result i32) (i32.const 0))
    (func (export "deallocate") (param i32))
    (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const 0))
    (func (export "execute") (param i32 i32 i32) (result i32) (i32.const 0))
    (func (export "query") (param i32 i32) (result i32) (i32.const 0))
    ${extra})`;
  const watFile = join(dir, `${name}.wat`);
  const wasmFile = join(dir, `${name}.wasm`);
  writeFileSync(watFile, wat);
  execFileSync('wat2wasm', ['--enable-all', watFile, '-o', wasmFile]);
  return wasmFile;
}

describe('checkWasm', () => {
  it('accepts a minimal MVP contract', () => {
    expect(() => checkWasm(contractWasm('ok', ''), 'vanilla')).not.toThrow();
  });

  it('refuses floating point', () => {
    const file = contractWasm(
      'float',
      '(func (param f64) (result f64) (f64.add (local.get 0) (local.get 0)))',
    );
    expect(() => checkWasm(file, 'vanilla')).toThrow(/floating point/);
  });

  it('refuses post-MVP instructions', () => {
    const file = contractWasm('signext', '(func (param i32) (result i32) (i32.extend8_s (local.get 0)))');
    expect(() => checkWasm(file, 'secret')).toThrow(/MVP validation/);
  });

  it('refuses imports the target VM lacks', () => {
    const secretOnly = contractWasm('gas', '', '(import "env" "check_gas" (func (result i64)))');
    expect(() => checkWasm(secretOnly, 'secret')).not.toThrow();
    expect(() => checkWasm(secretOnly, 'vanilla')).toThrow(/does not provide/);
  });

  it('refuses a missing entry point', () => {
    const watFile = join(dir, 'noquery.wat');
    writeFileSync(watFile, '(module (memory (export "memory") 1) (func (export "interface_version_8")))');
    const wasmFile = join(dir, 'noquery.wasm');
    execFileSync('wat2wasm', [watFile, '-o', wasmFile]);
    expect(() => checkWasm(wasmFile, 'vanilla')).toThrow(/missing export `instantiate`/);
  });

  it('refuses an artifact over its target’s size limit (the C libsecp256k1 coming back would be)', () => {
    const limit = sizeLimit('secret');
    // A data segment fills the module up; the memory is big enough to hold it.
    const pad = (bytes: number) => `(data (i32.const 0) "${'a'.repeat(bytes)}")`;
    const small = contractWasm('small', pad(1000));
    expect(() => checkWasm(small, 'secret')).not.toThrow();
    const big = contractWasm('big', pad(limit + 1000));
    expect(() => checkWasm(big, 'secret')).toThrow(/over the secret size limit/);
  });

  it('reports the gap to a goal not yet met without failing, and enforces the goal once met', () => {
    const { goal, ceiling } = SIZE_LIMITS.secret;
    expect(sizeReport(goal - 1, 'secret')).toBe(`within the ${goal} B goal`);
    expect(sizeReport(goal + 5, 'secret')).toMatch(new RegExp(`^5 B over the ${goal} B goal`));
    if (SIZE_LIMITS.secret.goalMet) {
      expect(sizeLimit('secret')).toBe(goal);
    } else {
      expect(sizeLimit('secret')).toBe(ceiling);
      expect(sizeReport(goal + 5, 'secret')).toMatch(/not yet enforced/);
      expect(ceiling).toBeGreaterThan(goal);
    }
  });
});
