/**
 * secretjs replaces `globalThis.fetch` with cross-fetch when it is loaded in Node. That
 * replacement misbehaves on reused keep-alive connections (every second request to the same
 * server failed in the relayer's tests) and weighs tens of MB. This module is imported first
 * by the chain entry point, so it captures Node's own fetch before secretjs loads;
 * `restoreNativeFetch()` puts it back once every import has run. secretjs itself works with
 * the native fetch, as it does in browsers.
 */
const nativeFetch = globalThis.fetch;

export function restoreNativeFetch(): void {
  if (nativeFetch && globalThis.fetch !== nativeFetch) globalThis.fetch = nativeFetch;
}
