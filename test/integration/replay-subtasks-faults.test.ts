import { describe, expect, it } from 'vitest';
import { runReplay } from '../../scripts/lib/replay-run.js';

/**
 * One end-to-end replay through the built functions (the many-seed version is `npm run replay`):
 * three instances on the Firestore emulator, half the tasks subtasks of the one before (children
 * usually delivered first), deletions racing the update before them, Notion errors and lost create
 * responses, one instance cut off from Firestore for longer than the claim lease, one SIGKILLed.
 */
describe('an end-to-end replay with subtasks, a Firestore stall and deletes racing updates', () => {
  it('leaves no extra page (live or trashed), no unlinked subtask and every task in its final state', async () => {
    const result = await runReplay({
      workload: 'subtasks',
      faults: true,
      seed: 11,
      tasks: 24,
      firestoreHost: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
    });
    console.log(JSON.stringify({ ...result, extraPages: result.extraPages.length }));
    expect(result.extraPages).toEqual([]);
    expect(result.unlinked).toEqual([]);
    expect(result.wrong).toEqual([]);
  }, 200_000);
});
