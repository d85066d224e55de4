// Test runner settings: real PostgreSQL per test file (see test/support), two workers for a 2-core machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // a deadline for work, not a measure of speed: wide enough for a machine whose cores are busy elsewhere
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
