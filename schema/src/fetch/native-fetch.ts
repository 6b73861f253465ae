/**
 * The one fetch for outgoing HTTP in our Node processes (api, gateway, relayer, scripts, tests).
 * secretjs replaces `globalThis.fetch` with cross-fetch (node-fetch 2) when it is loaded in
 * Node; that replacement's Node-stream bodies and `Connection: close` requests break streaming
 * and kept-alive connections (every second request to the same server failed with HTTP 400)
 * and it weighs tens of MB. This module is the first import of `@privexbot/schema/chain`, so it
 * captures the runtime's own fetch before secretjs loads; `restoreNativeFetch()` puts it back
 * once secretjs has been imported. secretjs itself works with the native fetch, as in browsers.
 */
const ownFetch = globalThis.fetch;

/** The runtime's own fetch (Node's undici, or the browser's), whatever later replaced the global. */
export const nativeFetch: typeof fetch = ownFetch.bind(globalThis);

export function restoreNativeFetch(): void {
  if (ownFetch && globalThis.fetch !== ownFetch) globalThis.fetch = ownFetch;
}
