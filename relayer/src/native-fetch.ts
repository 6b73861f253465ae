/**
 * Node's own fetch, captured before anything can replace it. secretjs (loaded by
 * `@privexbot/schema/chain`) assigns cross-fetch to `global.fetch` when it is imported in
 * Node, and that replacement mishandles kept-alive connections to our gateways (alternate
 * requests fail with HTTP 400). Import this module first in every entry point.
 */
export const nativeFetch: typeof fetch = globalThis.fetch.bind(globalThis);
