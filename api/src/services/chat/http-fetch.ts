import { fetch as undiciFetch } from 'undici';

/**
 * The fetch the api uses for outgoing HTTP (LLM, gateway, embeddings). Not `globalThis.fetch`:
 * secretjs, loaded with the chain clients, replaces the global with cross-fetch (node-fetch
 * 2), whose Node-stream bodies and `Connection: close` requests break streaming and
 * keep-alive (the api's second call on a socket then fails with HTTP 400). undici is the
 * library behind Node's own fetch.
 */
export const httpFetch = undiciFetch as unknown as typeof globalThis.fetch;
