import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';

/**
 * What a client must know about this platform before acting: the address the api reads plans
 * and usage as (each org names it as an auditor of the billing contract, which the dapp offers
 * right after creating an org), the chain it expects, and the models bots may use, read from
 * the inference gateway.
 */
export function platformRoutes(deps: AppDeps): AnyRouteSpec[] {
  const platform = deps.botPlatform;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/platform',
      tag: 'platform',
      summary:
        "The platform's chain reader (name it as an auditor of your org so the api can read its plan and usage; null when this api reads no chain), the chain id, and the models bots may use (from the inference gateway)",
      auth: 'none',
      response: z.object({
        chainReaderAddress: z.string().nullable(),
        chainId: z.string(),
        billingContract: z.string().nullable(),
        models: z.array(z.string()),
        /** true: the gateway maps no models (offline answerer or development) and accepts any name. */
        anyModel: z.boolean(),
        defaultModel: z.string(),
      }),
      handler: async () => {
        const offered = await platform.offeredModels();
        return {
          chainReaderAddress: platform.settings.chainReader?.address ?? null,
          chainId: deps.config.chainId,
          billingContract: deps.config.billingContract ?? null,
          models: offered.models,
          anyModel: offered.open,
          defaultModel: platform.settings.defaultBotModel,
        };
      },
    }),
  ];
}
