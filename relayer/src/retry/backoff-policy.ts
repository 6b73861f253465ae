/**
 * Named, bounded retry policies (modelled on hermes' retry.rs): each policy is a finite
 * sequence of delays, exponential with a cap, with jitter so that several relayers that failed
 * together do not retry together. A unit test pins every delay with a fixed random source.
 */
export interface BackoffPolicy {
  readonly name: string;
  /** Delay before the first retry. */
  readonly initialMs: number;
  /** Each delay is the previous one times this, up to `maxDelayMs`. */
  readonly factor: number;
  readonly maxDelayMs: number;
  /** How many retries the policy allows before the failure is escalated. */
  readonly maxRetries: number;
  /** Fraction of each delay that is random: 0 = none, 0.5 = the delay varies in [50%, 100%]. */
  readonly jitter: number;
}

/** Talking to a gateway's feed: quick at first, a gateway restart takes seconds. */
export const GATEWAY_FETCH_POLICY: BackoffPolicy = {
  name: 'gateway-fetch',
  initialMs: 200,
  factor: 2,
  maxDelayMs: 10_000,
  maxRetries: 12,
  jitter: 0.5,
};

/** Submitting to or reading from the chain: a node may be syncing or a block may be slow. */
export const CHAIN_SUBMIT_POLICY: BackoffPolicy = {
  name: 'chain-submit',
  initialMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  maxRetries: 10,
  jitter: 0.5,
};

/** Writing to PostgreSQL: connection blips and failovers. */
export const DATABASE_POLICY: BackoffPolicy = {
  name: 'database',
  initialMs: 100,
  factor: 2,
  maxDelayMs: 5_000,
  maxRetries: 10,
  jitter: 0.5,
};

/** Restarting a worker whose retries ran out: slow, and without an end (the service must keep trying). */
export const WORKER_RESTART_POLICY: BackoffPolicy = {
  name: 'worker-restart',
  initialMs: 5_000,
  factor: 2,
  maxDelayMs: 60_000,
  maxRetries: Number.POSITIVE_INFINITY,
  jitter: 0.2,
};

/** The delays of a policy, in order; finite unless `maxRetries` is infinite. */
export function* backoffDelays(policy: BackoffPolicy, random: () => number = Math.random): Generator<number> {
  let base = policy.initialMs;
  for (let attempt = 0; attempt < policy.maxRetries; attempt++) {
    const capped = Math.min(base, policy.maxDelayMs);
    yield Math.round(capped * (1 - policy.jitter + policy.jitter * random()));
    base = Math.min(base * policy.factor, policy.maxDelayMs);
  }
}
