/**
 * functions-framework prints a thrown error's `stack` to stderr as is; the handler has already
 * logged the failure, so the stack becomes one JSON line too and Cloud Logging stays structured.
 */
export function retrySignal(error: unknown): Error {
  const signal = new Error(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown } | null)?.code;
  signal.stack = JSON.stringify({
    // Another instance still working on the same delivery, or a Notion edit waiting for a Todoist
    // webhook already on its way, is an expected race, not a problem.
    severity: code === 'delivery_in_progress' || code === 'todoist_change_pending' ? 'INFO' : 'WARNING',
    message: `message not acknowledged; Pub/Sub will redeliver it: ${signal.message}`,
    code,
  });
  return signal;
}
