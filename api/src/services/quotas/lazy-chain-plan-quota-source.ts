import {
  contractAddresses,
  openOnFirstUse,
  sharedReadOnlyChain,
} from '../../chain/connect-read-only-chain.js';
import type { Config } from '../../config.js';
import { ChainPlanQuotaSource } from './chain-plan-quota-source.js';
import {
  type OrgPlan,
  type PlanQuotaSource,
  PlanQuotaUnavailableError,
  PlanReaderNotConfiguredError,
} from './org-plan.js';

/**
 * The plan source for the configured chain (devnet, Secret Network, any CosmWasm chain),
 * connected on first use and again after a failure, over the chain connection it shares with
 * the api's org directory (sharedReadOnlyChain).
 */
export class LazyChainPlanQuotaSource implements PlanQuotaSource {
  constructor(
    private readonly config: Pick<Config, 'chain' | 'chainId' | 'billingContract'>,
    private readonly options: {
      usageContract: string | undefined;
      reader: { address: string; key: string } | undefined;
    },
  ) {}

  async planOf(orgId: string, now: Date): Promise<OrgPlan> {
    return (await this.connect()).planOf(orgId, now);
  }

  async chainMessagesUsed(orgId: string, fromDay: number, toDay: number): Promise<number | undefined> {
    return (await this.connect()).chainMessagesUsed(orgId, fromDay, toDay);
  }

  private connect(): Promise<ChainPlanQuotaSource> {
    if (!this.options.reader) {
      throw new PlanReaderNotConfiguredError('CHAIN_READER_ADDRESS and CHAIN_READER_VIEWING_KEY are not set');
    }
    return this.opened();
  }

  private readonly opened = openOnFirstUse(() =>
    this.open().catch((error: unknown) => {
      throw new PlanQuotaUnavailableError(
        `${this.config.chain.kind} at ${this.config.chain.url}: ${(error as Error).message}`,
        { cause: error },
      );
    }),
  );

  private async open(): Promise<ChainPlanQuotaSource> {
    const { reader } = this.options;
    if (!reader) throw new Error('unreachable: connect() checks the reader first');
    const chain = await sharedReadOnlyChain(this.config)();
    const { billing, usage } = await contractAddresses(chain, {
      billing: this.config.billingContract,
      usage: this.options.usageContract,
    });
    if (!billing) throw new Error('the billing contract address is unknown: set BILLING_CONTRACT');
    return new ChainPlanQuotaSource(chain.client, { billing, usage }, reader);
  }
}
