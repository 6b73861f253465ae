import { defineConfig } from 'vitest/config';

// One vitest run covers every TypeScript workspace; each may refine its own project config.
// tests/wasmd needs a wasmd node: its own config and `npm test` step (tests/wasmd/README.md).
// tests/postgres runs in the postgres step, on the server that step starts; the ts step sets
// PRIVEXBOT_TEST_SKIP_SERVER_SUITES so those files do not each start a private server there
// (vitest's CLI --exclude does not reach into a project that sets its own exclude).
const testsExcludes = ['wasmd/**', ...(process.env.PRIVEXBOT_TEST_SKIP_SERVER_SUITES ? ['postgres/**'] : [])];

export default defineConfig({
  test: {
    projects: ['schema', 'api', 'relayer', 'scripts', 'dapp', 'tests'].map((dir) => ({
      extends: true,
      test: {
        name: dir,
        root: dir,
        include: ['**/*.test.ts', '**/*.test.tsx'],
        exclude: ['**/node_modules/**', '**/dist/**', ...(dir === 'tests' ? testsExcludes : [])],
      },
    })),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
