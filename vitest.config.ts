import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests run in parallel; tests that start real
// servers (Temporal, PostgreSQL databases, SMTP, HTTP) run one file at a
// time so their timings and ports do not fight on a 2-core machine.
// Logs stay quiet (LOG_LEVEL=silent, infra/logger.ts) unless LOG_LEVEL is set
// for the run, e.g. `LOG_LEVEL=debug npx vitest run test/api/slice-http.test.ts`;
// processes the tests spawn inherit it.
const env = { LOG_LEVEL: process.env.LOG_LEVEL || 'silent' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['test/domain/**/*.test.ts', 'test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/**/*.test.ts'],
          exclude: ['test/domain/**', 'test/unit/**'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
