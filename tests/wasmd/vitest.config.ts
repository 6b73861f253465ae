import { defineConfig } from 'vitest/config';

/**
 * The suites that run on a real wasmd node (`npm test` step `wasmd`, or
 * `npx vitest run --config tests/wasmd/vitest.config.ts`): this folder, and the relayer's
 * end-to-end and exactly-once suites of tests/relayer again, on the node
 * (PRIVEXBOT_TEST_CHAIN=wasmd), with fewer injected crashes than on the devnet since every
 * submit waits for a real block. One file at a time: each starts its own node, and the
 * machine's cores are shared.
 */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: [
      'tests/wasmd/**/*.test.ts',
      'tests/relayer/relay-to-devnet.test.ts',
      'tests/relayer/relay-receipts.test.ts',
      'tests/relayer/exactly-once.test.ts',
      'tests/relayer/receipt-settlement.test.ts',
    ],
    env: {
      PRIVEXBOT_TEST_CHAIN: 'wasmd',
      RELAYER_HARNESS_CRASHES: process.env.RELAYER_HARNESS_CRASHES ?? '30',
      RELAYER_HARNESS_KILL9: process.env.RELAYER_HARNESS_KILL9 ?? '3',
    },
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
