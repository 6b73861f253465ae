import { type ChainClient, connectCosmWasm, connectDevnet, connectSecret } from '@privexbot/schema/chain';
import type { Config } from '../config.js';
import { ChainOrgDirectory } from './chain-org-directory.js';
import { type OrgDirectory, OrgDirectoryUnavailableError, type OrgRecord } from './org-directory.js';

/**
 * The api's OrgDirectory for the configured chain (devnet, Secret Network, any CosmWasm
 * chain), read-only. It connects on first use and again after a failure, so the api starts
 * (and /readyz reports "chain" not ready) while the chain is still coming up.
 */
export class LazyChainOrgDirectory implements OrgDirectory {
  private connected: Promise<{ client: ChainClient; directory: ChainOrgDirectory }> | undefined;

  constructor(private readonly config: Pick<Config, 'chain' | 'chainId' | 'billingContract'>) {}

  getOrg(id: string): Promise<OrgRecord | null> {
    return this.connect().then(({ directory }) => directory.getOrg(id));
  }

  orgsOf(address: string): Promise<string[]> {
    return this.connect().then(({ directory }) => directory.orgsOf(address));
  }

  /** Readiness: the chain answers a query of the billing contract. */
  async check(): Promise<void> {
    const { directory } = await this.connect();
    await directory.getOrg('0');
  }

  private connect() {
    this.connected ??= this.open().catch((error: unknown) => {
      this.connected = undefined; // try again next time
      throw new OrgDirectoryUnavailableError(
        `${this.config.chain.kind} at ${this.config.chain.url}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    });
    return this.connected;
  }

  private async open() {
    const { chain, chainId, billingContract } = this.config;
    let client: ChainClient;
    let billing = billingContract;
    if (chain.kind === 'devnet') {
      const devnet = await connectDevnet({ url: chain.url });
      billing ??= (await devnet.status()).contracts.billing?.address;
      client = devnet;
    } else if (chain.kind === 'secret') {
      client = connectSecret({ url: chain.url, chainId });
    } else {
      client = await connectCosmWasm({ rpcUrl: chain.url });
    }
    if (!billing) throw new Error('the billing contract address is unknown: set BILLING_CONTRACT');
    return { client, directory: new ChainOrgDirectory(client, billing) };
  }
}
