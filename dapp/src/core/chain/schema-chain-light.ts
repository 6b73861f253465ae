/**
 * The browser-light parts of @privexbot/schema's chain package: the devnet client (fetch only)
 * and the DEV-ONLY accounts. The package's one entry (`@privexbot/schema/chain`) re-exports the
 * secretjs and cosmjs adapters too, which would put megabytes into every chain call of a devnet
 * build. Until the package exports these modules on their own subpath, this file reaches them
 * by path; it is the only place in the dapp that does.
 */

export { devOnlyAccount } from '../../../../schema/src/chain/dev-accounts.js';
export { connectDevnet } from '../../../../schema/src/chain/devnet-client.js';
