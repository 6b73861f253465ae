import { type BackoffPolicy, backoffDelays } from '../retry/backoff-policy.js';
import { classifyFailure, type FailureClass } from './relayer-error.js';

/** What a step asks the loop to do next. */
export type StepOutcome = { next: 'continue' } | { next: 'sleep'; ms: number } | { next: 'stop' };

export interface StepLoopOptions {
  name: string;
  step: () => Promise<StepOutcome>;
  /** The retry policy for a failure (e.g. the gateway's for feed errors, the chain's for submissions). */
  policyFor: (error: unknown) => BackoffPolicy;
  /** Called once per failure with its class, before any back-off. */
  onFailure?: (error: unknown, failureClass: FailureClass) => void;
  /** True once the loop must end at once, without doing anything more (stop or crash). */
  isStopped: () => boolean;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
}

export type LoopEnd = { reason: 'stopped' } | { reason: 'fatal' | 'exhausted'; error: unknown };

/**
 * A supervised step loop (modelled on hermes' task.rs): runs `step` until it says stop, the
 * loop is stopped, or a failure is fatal or outlasts its bounded retry policy. A success
 * resets the back-off. Each failure is classified exactly once (classifyFailure).
 */
export async function runStepLoop(options: StepLoopOptions): Promise<LoopEnd> {
  let retries: { policy: BackoffPolicy; delays: Iterator<number> } | undefined;
  while (!options.isStopped()) {
    let outcome: StepOutcome;
    try {
      outcome = await options.step();
    } catch (error) {
      if (options.isStopped()) break;
      const failureClass = classifyFailure(error);
      options.onFailure?.(error, failureClass);
      if (failureClass === 'fatal') return { reason: 'fatal', error };
      const policy = options.policyFor(error);
      if (retries?.policy !== policy) retries = { policy, delays: backoffDelays(policy, options.random) };
      const delay = retries.delays.next();
      if (delay.done) return { reason: 'exhausted', error };
      await options.sleep(delay.value);
      continue;
    }
    retries = undefined;
    if (outcome.next === 'stop') break;
    if (outcome.next === 'sleep') await options.sleep(outcome.ms);
  }
  return { reason: 'stopped' };
}
