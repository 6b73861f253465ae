import type { Config } from '../config.js';
import { ChainOrgDirectory } from './chain-org-directory.js';
import { contractAddresses, openOnFirstUse, sharedReadOnlyChain } from './connect-read-only-chain.js';
import { type OrgDirectory, OrgDirectoryUnavailableError, type OrgLookup } from './org-directory.js';

/**
 * The api's OrgDirectory for the configured chain (devnet, Secret Network, any CosmWasm
 * chain), read-only. It connects on first use and again after a failure, so the api starts
 * (and /readyz reports "chain" not ready) while the chain is still coming up. The connection
 * is the process's shared one (sharedReadOnlyChain), which the plan reader uses too.
 */
export class LazyChainOrgDirectory implements OrgDirectory {
  constructor(private readonly config: Pick<Config, 'chain' | 'chainId' | 'billingContract'>) {}

  /** The configured address without a chain call; else the one the devnet registry names. */
  async contract(): Promise<string> {
    if (this.config.billingContract) return this.config.billingContract;
    const { directory } = await this.connect();
    return directory.contract();
  }

  findOrg(id: string): Promise<OrgLookup> {
    return this.connect().then(({ directory }) => directory.findOrg(id));
  }

  orgsOf(address: string): Promise<string[]> {
    return this.connect().then(({ directory }) => directory.orgsOf(address));
  }

  /**
   * Readiness: the configured address answers the billing contract's `find_org` with its
   * typed answer. A wrong address, a proxy's error page or a node that does not know the
   * contract fails here, so /readyz says not ready instead of green.
   */
  async check(): Promise<void> {
    const { directory } = await this.connect();
    await directory.findOrg('0');
  }

  private readonly connect = openOnFirstUse(() =>
    this.open().catch((error: unknown) => {
      throw new OrgDirectoryUnavailableError(
        `${this.config.chain.kind} at ${this.config.chain.url}: ${(error as Error).message}`,
        { cause: error },
      );
    }),
  );

  private async open() {
    const chain = await sharedReadOnlyChain(this.config)();
    const { billing } = await contractAddresses(chain, {
      billing: this.config.billingContract,
      usage: undefined,
    });
    if (!billing) throw new Error('the billing contract address is unknown: set BILLING_CONTRACT');
    return { directory: new ChainOrgDirectory(chain.client, billing) };
  }
}
