/**
 * The browser-light parts of @privexbot/schema's chain package: the devnet client (fetch only)
 * and the DEV-ONLY accounts, each on its own subpath. The package's main chain entry
 * (`@privexbot/schema/chain`) re-exports the secretjs and cosmjs adapters too, which would put
 * megabytes into every chain call of a devnet build.
 */

export { devOnlyAccount } from '@privexbot/schema/chain/dev-accounts';
export { connectDevnet } from '@privexbot/schema/chain/devnet-client';
