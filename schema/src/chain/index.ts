// Must stay the first import: it captures the native fetch before secretjs replaces it.
import { restoreNativeFetch } from '../fetch/native-fetch.js';

export * from './arbitrary-signer.js';
export * from './canonical-json.js';
export * from './chain-client.js';
export * from './connect-signing-client.js';
export * from './cosmwasm-client.js';
export * from './dev-accounts.js';
export * from './devnet-client.js';
export * from './devnet-envelope.js';
export * from './errors.js';
export * from './query-permit.js';
export * from './secret-client.js';
export * from './token-messages.js';

restoreNativeFetch();
