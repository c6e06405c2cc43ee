/** Vitest's per-test and per-hook timeout (vitest.config.ts reads it from here). */
export const TEST_TIMEOUT_MS = 120_000;

/** Time an inner wait keeps to fail with its own message before Vitest's timeout would. */
const MARGIN_MS = 5_000;

/**
 * A clock started with the test: an inner wait given `remainingMs()` gives up, with a message that
 * says what it waited for, before Vitest ends the test with a bare "timed out".
 */
export function testBudget(totalMs = TEST_TIMEOUT_MS): { remainingMs(): number } {
  const endsAt = Date.now() + totalMs - MARGIN_MS;
  return { remainingMs: () => Math.max(0, endsAt - Date.now()) };
}
