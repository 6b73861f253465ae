import type { DappConfig } from '../config.js';
import { apiRequest } from './api-request.js';

/** What the api says about itself (`GET /v1/platform`, public). */
export interface PlatformInfo {
  /**
   * The address the api reads each org's plan and usage as; an org names it as an auditor so
   * quotas can be enforced. null: this api reads no chain.
   */
  chainReaderAddress: string | null;
  chainId: string;
  billingContract: string | null;
}

export function getPlatform(config: DappConfig): Promise<PlatformInfo> {
  return apiRequest<PlatformInfo>(config, { path: '/v1/platform' });
}
