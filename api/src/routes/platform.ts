import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { botPlatformOf } from '../services/bots/bot-platform.js';

/**
 * What a client must know about this platform before acting on chain: the address the api
 * reads plans and usage as (each org names it as an auditor of the billing contract, which
 * the dapp offers right after creating an org) and the chain it expects.
 */
export function platformRoutes(deps: AppDeps): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/platform',
      tag: 'platform',
      summary:
        "The platform's chain reader (name it as an auditor of your org so the api can read its plan and usage; null when this api reads no chain) and the chain id",
      auth: 'none',
      response: z.object({
        chainReaderAddress: z.string().nullable(),
        chainId: z.string(),
        billingContract: z.string().nullable(),
      }),
      handler: async () => ({
        chainReaderAddress: botPlatformOf(deps).settings.chainReader?.address ?? null,
        chainId: deps.config.chainId,
        billingContract: deps.config.billingContract ?? null,
      }),
    }),
  ];
}
