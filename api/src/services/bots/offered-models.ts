import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Answerer, OfferedModels } from '../chat/answerer.js';

export type { OfferedModels };

/**
 * The models the inference gateway offers, asked again after `ttlMs`. Without any answerer
 * nothing is enforced (chat answers 503 anyway). A gateway that cannot be asked is a 503,
 * never a reason to accept any model.
 */
export class OfferedModelsCache {
  private cached: { value: OfferedModels; at: number } | undefined;

  constructor(
    private readonly answerer: Answerer | undefined,
    private readonly ttlMs: number,
  ) {}

  async get(): Promise<OfferedModels> {
    if (!this.answerer) return { models: [], open: true, offline: false };
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    let value: OfferedModels;
    try {
      value = await this.answerer.offeredModels();
    } catch (error) {
      throw new AppError(AppErrorCode.NOT_READY, 'the inference gateway cannot say which models it offers', {
        cause: error,
      });
    }
    this.cached = { value, at: Date.now() };
    return value;
  }
}

/** Refuses a bot model the platform does not offer, naming those it does. */
export async function checkBotModel(
  platform: { offeredModels(): Promise<OfferedModels> },
  model: string,
): Promise<void> {
  const offered = await platform.offeredModels();
  if (offered.open || offered.models.includes(model)) return;
  throw new AppError(
    AppErrorCode.MODEL_NOT_OFFERED,
    `the model "${model}" is not offered on this platform: choose one of ${offered.models.join(', ') || '(none)'}`,
    { details: { models: offered.models } },
  );
}
