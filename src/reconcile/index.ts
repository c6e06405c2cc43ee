/** Reconcile: one engine (apply or dry run) behind the CLI and the scheduled CloudEvent function. */
export { type ReconcileOptions, reconcile } from './engine.js';
export { acquireLease, isLeaseLostError, type Lease, LeaseLostError } from './lease.js';
export type { PlannedAction, PlannedChange } from './plan.js';
export { isReconcileError, ReconcileError } from './prepare.js';
export {
  type ReconcileCounts,
  type ReconcileFailure,
  type ReconcileReport,
  type ReconcileStatus,
  reportText,
} from './report.js';
export { handleReconcileTick, ReconcileRetryError } from './scheduled.js';
