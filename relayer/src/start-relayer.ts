import type { ChainClient } from '@privexbot/schema/chain';
import { usageClient } from '@privexbot/schema/contracts';
import type pg from 'pg';
import { type Logger, pino } from 'pino';
import type { SettlementVersion } from './chain/usage-settlement.js';
import type { GatewaySource } from './config/load-relayer-config.js';
import { migrateRelayerSchema } from './db/migrate-relayer-schema.js';
import { RelayerStore } from './db/relayer-store.js';
import { LeaderLease } from './election/leader-lease.js';
import { GatewayFeed } from './gateway/gateway-feed.js';
import { RelayerError } from './loop/relayer-error.js';
import { runStepLoop } from './loop/run-step-loop.js';
import { createRelayerMetrics, type RelayerMetrics } from './metrics/relayer-metrics.js';
import { type FaultHook, type SignerHealth, SignerRelay } from './pipeline/relay-signer.js';
import {
  type BackoffPolicy,
  backoffDelays,
  CHAIN_SUBMIT_POLICY,
  DATABASE_POLICY,
  GATEWAY_FETCH_POLICY,
  WORKER_RESTART_POLICY,
} from './retry/backoff-policy.js';

export interface RelayerOptions {
  relayerId: string;
  gateways: GatewaySource[];
  chain: ChainClient;
  usageContract: string;
  /** `v2` by default: one signed receipt per range; `v1` for a contract without `submit_receipt`. */
  settlement?: SettlementVersion;
  pool: pg.Pool;
  batchSize: number;
  batchAgeMs: number;
  pollIntervalMs: number;
  reconcileIntervalMs: number;
  leaseTtlMs: number;
  logger?: Logger;
  /** Test-only crash injection (tests/relayer). */
  faults?: FaultHook;
  fetch?: typeof fetch;
  /** After a batch or a receipt is recorded (the static publication). */
  onSettled?: (kind: 'batch' | 'receipt', chainId: bigint) => void;
  random?: () => number;
  /**
   * The back-off after a chain failure, CHAIN_SUBMIT_POLICY unless given: a test that kills its
   * node every few seconds shortens it, so the relayer is at work again soon after each restart.
   */
  chainRetryPolicy?: BackoffPolicy;
}

export interface RelayerHealth {
  status: 'ok' | 'degraded' | 'standby';
  relayerId: string;
  leader: boolean;
  signers: SignerHealth[];
  openQuarantine: number;
}

export interface Relayer {
  readonly store: RelayerStore;
  readonly metrics: RelayerMetrics;
  health(): Promise<RelayerHealth>;
  /** Graceful stop: finish the current step, release the lease. */
  stop(): Promise<void>;
  /** Crash simulation: every loop ends at its next await, nothing is cleaned up, the lease is left to expire. */
  abandon(): void;
  /** Resolves when every worker loop has ended. */
  readonly done: Promise<void>;
}

export const SUBMITTER_ROLE = 'submitter';

/** Migrates the relayer's tables, joins the election and starts one worker per gateway. */
export async function startRelayer(options: RelayerOptions): Promise<Relayer> {
  const logger = options.logger ?? pino({ name: 'relayer' });
  await migrateRelayerSchema(options.pool);
  const store = new RelayerStore(options.pool);
  const metrics = createRelayerMetrics();
  const usage = usageClient(options.chain, options.usageContract);
  const lease = new LeaderLease(options.pool, SUBMITTER_ROLE, options.relayerId, options.leaseTtlMs);
  lease.onChange = (isLeader) => {
    metrics.leader.set(isLeader ? 1 : 0);
    logger.info(
      { relayerId: options.relayerId, isLeader },
      isLeader ? 'took the submit lease' : 'lost the submit lease',
    );
  };

  let stopped = false;
  const wakers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });
  const wakeAll = () => {
    for (const wake of [...wakers]) wake();
  };

  await lease.start();

  const workers = options.gateways.map(
    (source) =>
      new SignerRelay({
        feed: new GatewayFeed(source, options.fetch),
        usage,
        settlement: options.settlement ?? 'v2',
        store,
        metrics,
        logger,
        relayerId: options.relayerId,
        batchSize: options.batchSize,
        batchAgeMs: options.batchAgeMs,
        pollIntervalMs: options.pollIntervalMs,
        reconcileIntervalMs: options.reconcileIntervalMs,
        isLeader: () => lease.isLeader(),
        fence: () => lease.fence(),
        ...(source.signer ? { expectedSigner: source.signer } : {}),
        ...(options.faults ? { faults: options.faults } : {}),
        ...(options.onSettled ? { onSettled: options.onSettled } : {}),
      }),
  );

  async function supervise(worker: SignerRelay): Promise<void> {
    const restarts = backoffDelays(WORKER_RESTART_POLICY, options.random);
    while (!stopped) {
      const end = await runStepLoop({
        name: `relay ${worker.signer ?? 'gateway'}`,
        step: async () => {
          const outcome = await worker.step();
          worker.lastError = undefined;
          return outcome;
        },
        isStopped: () => stopped,
        sleep,
        ...(options.random ? { random: options.random } : {}),
        policyFor: (error) => policyFor(error, options.chainRetryPolicy ?? CHAIN_SUBMIT_POLICY),
        onFailure: (error, failureClass) => {
          const code =
            error instanceof RelayerError ? error.code : ((error as { code?: string })?.code ?? 'unexpected');
          metrics.failures.inc({ code: String(code), class: failureClass });
          worker.lastError = `${code}: ${error instanceof Error ? error.message : String(error)}`;
          worker.state = 'failing';
          // After any failure our view may be stale: the next step re-reads the chain first.
          worker.markStale();
          logger.warn({ signer: worker.signer, code, failureClass, err: error }, 'relay step failed');
        },
      });
      if (end.reason === 'stopped') break;
      worker.state = 'failed';
      logger.error(
        { signer: worker.signer, reason: end.reason, err: end.error },
        'relay worker stopped; restarting after a pause',
      );
      await sleep(restarts.next().value as number);
    }
    if (worker.state !== 'failed') worker.state = 'stopped';
  }

  const done = Promise.all(workers.map(supervise)).then(() => undefined);

  return {
    store,
    metrics,
    done,
    async health() {
      const leader = lease.isLeader();
      const signers = workers.map((w) => w.health());
      const openQuarantine = (await store.openQuarantine()).length;
      const degraded = signers.some((s) =>
        ['blocked', 'failing', 'failed', 'waiting_registration'].includes(s.state),
      );
      return {
        status: degraded ? 'degraded' : leader ? 'ok' : 'standby',
        relayerId: options.relayerId,
        leader,
        signers,
        openQuarantine,
      };
    },
    async stop() {
      stopped = true;
      wakeAll();
      await done;
      await lease.release().catch(() => undefined);
    },
    abandon() {
      stopped = true;
      lease.stopRenewing();
      wakeAll();
    },
  };
}

function policyFor(error: unknown, chainPolicy: BackoffPolicy) {
  const code = error instanceof RelayerError ? error.code : '';
  if (code.startsWith('GATEWAY_')) return GATEWAY_FETCH_POLICY;
  if ((error as { code?: unknown })?.code && typeof (error as { code?: unknown }).code === 'string') {
    const pgCode = (error as { code: string }).code;
    // PostgreSQL SQLSTATEs are five characters; connection errors are ECONNREFUSED-like.
    if (/^[0-9A-Z]{5}$/.test(pgCode) || pgCode.startsWith('E')) return DATABASE_POLICY;
  }
  return chainPolicy;
}
