import { ContractError, NetworkError, UnauthorizedError } from '@privexbot/schema/chain';
import { describe, expect, it } from 'vitest';
import type { BackoffPolicy } from '../retry/backoff-policy.js';
import { classifyBatchRejection, classifyFailure, RelayerError } from './relayer-error.js';
import { runStepLoop, type StepOutcome } from './run-step-loop.js';

const policy: BackoffPolicy = {
  name: 'test',
  initialMs: 10,
  factor: 3,
  maxDelayMs: 50,
  maxRetries: 3,
  jitter: 0,
};

function harness(steps: (() => StepOutcome | Promise<StepOutcome>)[]) {
  const slept: number[] = [];
  const failures: string[] = [];
  let i = 0;
  const run = runStepLoop({
    name: 'test',
    step: async () => {
      const next = steps[i++];
      if (!next) return { next: 'stop' };
      return next();
    },
    policyFor: () => policy,
    onFailure: (_error, failureClass) => failures.push(failureClass),
    isStopped: () => false,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  return { run, slept, failures };
}

const fail = (error: unknown) => () => {
  throw error;
};

describe('runStepLoop', () => {
  it('backs off with the policy on retryable failures and resets after a success', async () => {
    const network = new NetworkError('down');
    const h = harness([
      fail(network),
      fail(network),
      () => ({ next: 'sleep', ms: 7 }),
      fail(network),
      () => ({ next: 'continue' }),
    ]);
    expect(await h.run).toEqual({ reason: 'stopped' });
    expect(h.slept).toEqual([10, 30, 7, 10]);
    expect(h.failures).toEqual(['retry', 'retry', 'retry']);
  });

  it('gives up when the bounded policy is exhausted', async () => {
    const network = new NetworkError('down');
    const h = harness([
      fail(network),
      fail(network),
      fail(network),
      fail(network),
      () => ({ next: 'continue' }),
    ]);
    const end = await h.run;
    expect(end.reason).toBe('exhausted');
    expect(h.slept).toEqual([10, 30, 50]);
  });

  it('stops at once on a fatal failure', async () => {
    const h = harness([
      fail(new RelayerError('GATEWAY_UNAUTHORIZED', 'bad token', 'fatal')),
      () => ({ next: 'continue' }),
    ]);
    expect((await h.run).reason).toBe('fatal');
    expect(h.slept).toEqual([]);
  });

  it('ends without handling the failure when stopped meanwhile (a simulated crash)', async () => {
    let stopped = false;
    const failures: unknown[] = [];
    const end = await runStepLoop({
      name: 'crash',
      step: async () => {
        stopped = true;
        throw new Error('crash');
      },
      policyFor: () => policy,
      onFailure: (e) => failures.push(e),
      isStopped: () => stopped,
      sleep: async () => {},
    });
    expect(end).toEqual({ reason: 'stopped' });
    expect(failures).toEqual([]);
  });
});

describe('classification', () => {
  it('classifies each failure once', () => {
    expect(classifyFailure(new NetworkError('x'))).toBe('retry');
    expect(classifyFailure(new UnauthorizedError('x', 'BAD_SIGNATURE'))).toBe('fatal');
    expect(classifyFailure(new RelayerError('SUBMIT_OUTCOME_UNKNOWN', 'x', 'reconcile'))).toBe('reconcile');
    expect(classifyFailure(new Error('anything else'))).toBe('retry');
  });

  it("reads the usage contract's refusals", () => {
    const kind = (message: string) => classifyBatchRejection(new ContractError(message));
    expect(kind('sequence gap: first_seq 5 but the next expected sequence is 3')).toMatchObject({
      kind: 'sequence',
    });
    expect(kind("sequence replay: first_seq 1 but the signer's last sequence is already 4")).toMatchObject({
      kind: 'sequence',
    });
    expect(kind('signer AkU= is revoked')).toMatchObject({ kind: 'revoked_signer' });
    expect(kind('unknown signer AkU=')).toMatchObject({ kind: 'unknown_signer' });
    expect(kind('attestation 3 has a bad signature')).toEqual({
      kind: 'bad_record',
      index: 3,
      reason: 'bad_signature',
      message: 'attestation 3 has a bad signature',
    });
    expect(kind('attestation 0 is malformed: too short')).toMatchObject({
      kind: 'bad_record',
      index: 0,
      reason: 'malformed',
    });
    expect(kind('attestation 1 has timestamp 9, later than the allowed 5')).toMatchObject({
      kind: 'timestamp_in_future',
    });
    expect(kind('secret1abc is not an allowed relayer')).toMatchObject({ kind: 'unauthorized_relayer' });
    expect(kind('counter overflow')).toMatchObject({ kind: 'other' });
  });

  it("reads the usage contract's refusals of a receipt (settlement v2), word for word from error.rs", () => {
    const kind = (message: string) => classifyBatchRejection(new ContractError(message)).kind;
    expect(kind('sequence overlap: 3..=9 but the signer is settled up to 5')).toBe('sequence');
    expect(kind("sequence replay: first_seq 1 but the signer's last sequence is already 9")).toBe('sequence');
    expect(kind('submit_batch is retired: settle with submit_receipt')).toBe('v1_retired');
    expect(kind('receipt of 1200 lines exceeds the maximum of 1000')).toBe('receipt_too_large');
    for (const refused of [
      'invalid receipt range 0..=4: first_seq must be at least 1 and at most last_seq',
      'invalid receipt root: must not be all zeros',
      'receipt lines are 51 bytes, not a whole number of 52-byte lines',
      'a receipt needs at least one line',
      'receipt line 2 is not strictly after the line before it (org, bot, day)',
      'receipt line 0 counts no message',
      'receipt lines count 4 messages but the range holds 5 answers',
      'the receipt signature does not match the receipt and its signer',
    ])
      expect(kind(refused)).toBe('receipt_refused');
    expect(kind('receipt line 1 is for day 30000, later than the allowed 20800')).toBe('timestamp_in_future');
  });
});
