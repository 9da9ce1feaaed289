import { defineConfig } from 'vitest/config';

// Three projects: `fuzz` (test/fuzz/) needs nothing built either; `unit` needs nothing built and gives feedback in seconds (`npm run test:unit`);
// `e2e` runs the built CLI (bin/sieve.js → dist/), so only it builds dist/ first.
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', 'test/fuzz/**'], testTimeout: 30_000 },
      },
      {
        extends: true,
        // The fuzz suite: 1,000 mutated inputs per parser (test/fuzz/); `npm run fuzz` runs 10,000.
        test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], testTimeout: 240_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          // End-to-end tests run the real CLI and real tools over real git repositories; on two cores they need room.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
