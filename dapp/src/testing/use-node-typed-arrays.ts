/**
 * Vitest's jsdom environment replaces `Uint8Array` and `ArrayBuffer` with jsdom's, so Node's
 * Buffers and TextEncoder output fail `instanceof Uint8Array`, and the secp256k1 libraries
 * (noble; bitcoinjs through @keplr-wallet/crypto) reject real keys. A browser has one realm:
 * putting Node's constructors back makes the test environment behave like one. Call it inside
 * `vi.hoisted` so it runs before any crypto module is imported.
 */
export function useNodeTypedArrays(): void {
  const NodeUint8Array = Object.getPrototypeOf(Buffer.prototype).constructor as Uint8ArrayConstructor;
  Object.assign(globalThis, {
    Uint8Array: NodeUint8Array,
    ArrayBuffer: new NodeUint8Array(0).buffer.constructor,
  });
}
