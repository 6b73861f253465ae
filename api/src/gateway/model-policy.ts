import { encodeModel } from '@privexbot/schema/attestation';
import { OFFLINE_MODEL } from './answer-offline.js';
import { GatewayError } from './gateway-error.js';

/** What `GET /models` tells the api: the bot models this gateway serves. */
export interface OfferedModels {
  /** Bot model names the gateway maps to an upstream model. */
  models: string[];
  /** true: any model name is accepted (the offline answerer, or an unmapped upstream in dev mode). */
  open: boolean;
  /**
   * true: no language model is configured and the offline answerer composes every answer from
   * the passages. The platform tells the org (its dapp shows a notice); visitors are not told.
   */
  offline: boolean;
}

/**
 * Which bot models the gateway answers, and with which upstream model. The platform's price
 * does not depend on the model, so outside insecure dev mode only mapped models reach the
 * upstream: a member cannot point a bot at the most expensive model by naming it.
 * - offline answerer: every name is answered by `offline-extractive` (nothing is paid upstream);
 * - an upstream with `GATEWAY_MODEL_MAP`: mapped names only (`*` maps every other name to one model);
 * - an upstream without a map: names pass through unchanged, in insecure dev mode only
 *   (`startGateway` refuses it otherwise).
 */
export class ModelPolicy {
  constructor(private readonly map: Record<string, string> | undefined) {}

  offered(): OfferedModels {
    if (this.map === undefined) return { models: [], open: true, offline: true };
    const keys = Object.keys(this.map);
    return {
      models: keys.filter((m) => m !== '*').sort(),
      open: keys.length === 0 || '*' in this.map,
      offline: false,
    };
  }

  resolve(model: string): string {
    if (this.map === undefined) return OFFLINE_MODEL;
    const upstream = Object.keys(this.map).length === 0 ? model : (this.map[model] ?? this.map['*']);
    if (upstream === undefined) {
      throw new GatewayError('UNKNOWN_MODEL', `model "${model}" is not served by this gateway`, {
        models: this.offered().models,
      });
    }
    try {
      encodeModel(upstream);
    } catch {
      throw new GatewayError('INVALID_REQUEST', 'the model name must be 1..64 UTF-8 bytes');
    }
    return upstream;
  }
}
