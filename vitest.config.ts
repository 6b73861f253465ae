import { defineConfig } from 'vitest/config';

// One vitest run covers every TypeScript workspace; each may refine its own project config.
export default defineConfig({
  test: {
    projects: ['schema', 'api', 'relayer', 'scripts', 'dapp', 'tests'].map((dir) => ({
      extends: true,
      test: {
        name: dir,
        root: dir,
        include: ['**/*.test.ts', '**/*.test.tsx'],
        // tests/wasmd needs a wasmd node: its own config and `npm test` step (tests/wasmd/README.md).
        exclude: ['**/node_modules/**', '**/dist/**', ...(dir === 'tests' ? ['wasmd/**'] : [])],
      },
    })),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
