import { defineConfig } from 'vitest/config';
import { TEST_TIMEOUT_MS } from './test/support/test-budget.js';

/**
 * Two tiers. `unit` needs neither Java, the emulators nor dist/ (`npm run test:unit`, the Cloud
 * Build unit step); `integration` gets the global setup that starts the Firestore and Pub/Sub
 * emulators and builds dist/. `npm test` runs both; Vitest runs a project's global setup only when
 * one of its files is selected.
 */
export default defineConfig({
  test: {
    // Inner waits in the tests end before this (test/support/test-budget.ts), with their own message.
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: TEST_TIMEOUT_MS,
    // Two cores: the emulator-backed suites spawn several processes each.
    maxWorkers: 2,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // A unit test that reached for an emulator fails at once instead of using one `npm test` started.
          env: {
            FIRESTORE_EMULATOR_HOST: '127.0.0.1:1',
            PUBSUB_EMULATOR_HOST: '127.0.0.1:1',
            GOOGLE_CLOUD_PROJECT: 'demo-nts',
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
