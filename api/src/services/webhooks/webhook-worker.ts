import type { Database } from '../../db/prisma.js';
import type { Logger } from '../../logger.js';
import type { FieldEncryption } from '../leads/field-encryption.js';
import { deliverDueWebhooks, type WebhookDeliverySettings } from './deliver-webhooks.js';

/** Delivers webhooks in the background: kicked when an event is queued, swept periodically for retries. */
export class WebhookWorker {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly options: {
      db: Database;
      log: Logger;
      encryption: () => FieldEncryption;
      settings: WebhookDeliverySettings;
      clock?: () => Date;
    },
  ) {}

  start(intervalMs = 5000): void {
    this.timer ??= setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sweep()
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'webhook sweep failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async sweep(): Promise<void> {
    const clock = this.options.clock ?? (() => new Date());
    while (!this.stopped) {
      const sent = await deliverDueWebhooks({
        db: this.options.db,
        encryption: this.options.encryption(),
        settings: this.options.settings,
        now: clock(),
        log: this.options.log,
      });
      if (sent === 0) return;
    }
  }
}
