/**
 * Makes the devnet's VM hand UTF-8 strings to contracts whole.
 *
 * `@oraichain/cosmwasm-vm-js` 0.2.91 `VMInstance.allocate_str(str)` reserves `str.length`
 * bytes in the contract's memory, but `str.length` counts UTF-16 units while `Region.write_str`
 * writes UTF-8 bytes: "Café" is 4 units and 5 bytes. Every message (instantiate, execute,
 * query: they go through `allocate_json`) with a non-ASCII character so overflowed its region
 * and failed with `offset is out of bounds`, although a real node accepts it.
 *
 * Upstream: the fix belongs in cosmwasm-vm-js `src/instance.ts`, `allocate_str`, as
 * `this.allocate_bytes(new TextEncoder().encode(str))` (to be reported to oraichain/cosmwasm-vm-js).
 * Until it is released, the devnet replaces the method on the class's prototype, which
 * cw-simulate shares (one copy of the package in node_modules), once per process.
 */
import { VMInstance } from '@oraichain/cosmwasm-vm-js';

const utf8 = new TextEncoder();
let installed = false;

export function installUtf8Strings(): void {
  if (installed) return;
  installed = true;
  VMInstance.prototype.allocate_str = function allocateUtf8(this: VMInstance, text: string) {
    return this.allocate_bytes(utf8.encode(text));
  };
}
