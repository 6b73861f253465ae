import type { Database } from '../../db/prisma.js';
import { JobRunner } from '../../jobs/job-runner.js';
import type { Logger } from '../../logger.js';
import type { FieldEncryption } from '../leads/field-encryption.js';
import {
  type ClaimedDelivery,
  claimDueWebhookDeliveries,
  deliverWebhook,
  type WebhookDeliverySettings,
} from './deliver-webhooks.js';

/**
 * Delivers webhooks in the background: kicked when an event is queued, swept periodically for
 * retries. Up to `concurrency` deliveries at once, at most `perOrg` of one org, so one org's
 * slow receiver holds only its own slots, each for at most one attempt's timeout.
 */
export function createWebhookWorker(options: {
  db: Database;
  log: Logger;
  encryption: () => FieldEncryption;
  settings: WebhookDeliverySettings;
  concurrency: number;
  perOrg: number;
  clock?: () => Date;
}): JobRunner<ClaimedDelivery> {
  const clock = options.clock ?? (() => new Date());
  const { db, settings, log } = options;
  return new JobRunner<ClaimedDelivery>(
    {
      name: 'webhooks',
      concurrency: options.concurrency,
      perKey: options.perOrg,
      keyOf: (delivery) => delivery.orgId,
      claim: ({ limit, inFlight }) =>
        claimDueWebhookDeliveries({
          db,
          now: clock(),
          // Past the attempt's timeout and the time to record it: a lease ends only when its
          // process died, and then another process retries the attempt.
          leaseMs: settings.timeoutMs + 30_000,
          limit,
          perOrg: options.perOrg,
          inFlight,
        }),
      run: (delivery, signal) =>
        deliverWebhook({
          db,
          encryption: options.encryption(),
          settings,
          deliveryId: delivery.id,
          clock,
          log,
          signal,
        }),
    },
    log,
  );
}

export type WebhookWorker = JobRunner<ClaimedDelivery>;
