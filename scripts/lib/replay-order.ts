/**
 * The delivery order of a replay: every event one to three times, shuffled; a subtask's first
 * event usually moved ahead of its parent's; a deletion delivered right beside the update before it,
 * so the two race on different instances.
 */
import { deliveries, rng, type Workload, type WorkloadEvent } from '../../test/support/workload.js';

export function replayOrder(workload: Workload, seed: number): WorkloadEvent[] {
  const random = rng(seed * 7 + 3);
  const sends = deliveries(workload.events, seed, 3);
  const firstIndex = (taskId: string) => sends.findIndex((e) => e.taskId === taskId);
  for (const want of workload.expected.values()) {
    if (!want.parentId || random() < 0.3) continue;
    const child = firstIndex(want.taskId);
    const parent = firstIndex(want.parentId);
    if (child > parent && parent >= 0) {
      const [moved] = sends.splice(child, 1);
      if (moved) sends.splice(parent, 0, moved);
    }
  }
  for (const want of workload.expected.values()) {
    if (!want.deleted) continue;
    const before = workload.events
      .filter((e) => e.taskId === want.taskId && e.eventName !== 'item:deleted')
      .pop();
    if (!before) continue;
    const update = sends.findIndex((e) => e.deliveryId === before.deliveryId);
    if (update >= 0) sends.splice(update, 1);
    const del = sends.findIndex((e) => e.taskId === want.taskId && e.eventName === 'item:deleted');
    sends.splice(Math.max(0, del), 0, before);
  }
  return sends;
}
