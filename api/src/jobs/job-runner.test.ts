import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { JobRunner, scheduledJob } from './job-runner.js';

const log = pino({ level: 'silent' });

/** Jobs held in memory; each run waits until the test releases its key. */
function gatedQueue(jobs: { id: number; key: string }[], options: { concurrency: number; perKey: number }) {
  const waiting = [...jobs];
  const started: number[] = [];
  const inFlight = new Map<string, number>();
  let most = { total: 0, perKey: 0 };
  const gates = new Map<string, () => void>();
  const released = new Map<string, Promise<void>>();
  for (const key of new Set(jobs.map((job) => job.key)))
    released.set(key, new Promise((resolve) => gates.set(key, resolve)));
  const runner = new JobRunner<{ id: number; key: string }>(
    {
      name: 'test',
      ...options,
      keyOf: (job) => job.key,
      async claim({ limit, inFlight: busy }) {
        const taken = [];
        for (const job of [...waiting]) {
          if (taken.length === limit) break;
          const alreadyOfKey = (busy.get(job.key) ?? 0) + taken.filter((t) => t.key === job.key).length;
          if (alreadyOfKey >= options.perKey) continue;
          waiting.splice(waiting.indexOf(job), 1);
          taken.push(job);
        }
        return taken;
      },
      async run(job) {
        started.push(job.id);
        inFlight.set(job.key, (inFlight.get(job.key) ?? 0) + 1);
        const total = [...inFlight.values()].reduce((a, b) => a + b, 0);
        most = {
          total: Math.max(most.total, total),
          perKey: Math.max(most.perKey, inFlight.get(job.key) ?? 0),
        };
        await released.get(job.key);
        inFlight.set(job.key, (inFlight.get(job.key) ?? 1) - 1);
      },
    },
    log,
  );
  return { runner, started, most: () => most, release: (key: string) => gates.get(key)?.() };
}

describe('the job runner', () => {
  it('runs every job of a free key while another key holds all of its slots, within both limits', async () => {
    const jobs = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: i, key: 'slow-org' })),
      ...Array.from({ length: 6 }, (_, i) => ({ id: 100 + i, key: 'fast-org' })),
    ];
    const queue = gatedQueue(jobs, { concurrency: 4, perKey: 2 });
    queue.release('fast-org');
    queue.runner.kick();
    await expect.poll(() => queue.started.filter((id) => id >= 100).length).toBe(6);
    // The slow org never held more than its two slots; the fast one went through beside it.
    expect(queue.started.filter((id) => id < 100)).toEqual([0, 1]);
    expect(queue.most()).toEqual({ total: 4, perKey: 2 });
    queue.release('slow-org');
    await queue.runner.idle();
    expect(queue.started).toHaveLength(12);
    expect(queue.most().perKey).toBe(2);
  });

  it('a schedule runs once per kick, never twice at once, and not after stop', async () => {
    let runs = 0;
    let concurrent = 0;
    let mostConcurrent = 0;
    const job = scheduledJob('tick', log, async () => {
      runs += 1;
      concurrent += 1;
      mostConcurrent = Math.max(mostConcurrent, concurrent);
      await new Promise((resolve) => setTimeout(resolve, 20));
      concurrent -= 1;
    });
    job.kick();
    job.kick();
    job.kick();
    await job.idle();
    // The kicks that came while it ran fold into one more run, not one each, and none overlap.
    expect(runs).toBeLessThanOrEqual(2);
    expect(mostConcurrent).toBe(1);
    await job.stop();
    const before = runs;
    job.kick();
    await job.idle();
    expect(runs).toBe(before);
  });
});
