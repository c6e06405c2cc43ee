/**
 * Runs a Pub/Sub event's work outside the `domain` functions-framework opens for every request.
 *
 * Why: while a domain is active, every promise, timer, socket and tick made is paired with it, and
 * the domain is entered and left around each of their callbacks. A sync event makes about 600
 * promises and 250 other async resources (20 requests on a new task's first event), and paid for
 * that: measured on the sync (25 alternating fresh processes each, medians), a warm event (a new
 * task in a new Area of a known project) took 13.1 ms inside the domain and 9.2 ms outside, the
 * first event of a cold process 100 and 91 ms.
 *
 * What changes, for the sync, reconcile and Notion-sync functions (the webhooks keep their domain:
 * their work is small and up to 20 run at once on an instance):
 * - A rejected handler promise is answered as before: functions-framework catches it and answers
 *   that request 500, and Pub/Sub delivers the event again.
 * - An exception thrown in a callback no promise wraps, an `'error'` event no listener takes, or a
 *   promise rejected with no handler is no longer caught by the request's domain (which answered
 *   that request 500 and kept the instance). functions-framework's process handlers now take it:
 *   they answer 500 to the request that arrived last and end the instance (exit code 16), as Node's
 *   documentation advises after an uncaught exception. The events in flight on the instance (up to
 *   the function's concurrency) are cut with it; Pub/Sub delivers each again, and the exactly-once
 *   core treats them as events of a killed instance: their claims are taken over once their leases
 *   run out. No code path of ours is known to throw so; a rejection is how our errors travel.
 */

/** Leaves the domain active in the current callback, if any (functions-framework's request domain). */
export type LeaveDomain = () => void;

interface ActiveDomain {
  exit(): void;
}

/** The running process's: `process.domain` is set only while a domain is active (node:domain). */
export function leaveRequestDomain(): void {
  (process as { domain?: ActiveDomain | null }).domain?.exit();
}
