import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Time-honest tests: the process runs in UTC, calendars say Asia/Shanghai explicitly.
    env: { TZ: 'UTC' },
    pool: 'forks',
    maxWorkers: 2,
  },
});
