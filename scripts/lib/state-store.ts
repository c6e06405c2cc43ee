/** Chooses the state store of a demo or benchmark run: the Firestore emulator when gcloud is there, else memory. */
import { randomUUID } from 'node:crypto';
import { startFirestoreEmulator } from '../../test/support/emulators.js';
import { firestoreStore, MEMORY_STORE, onPath, type StoreChoice } from './sync-env.js';

export interface RunStore extends StoreChoice {
  /** Why the run uses this store, for the report. */
  reason: string;
  stop(): Promise<void>;
}

/**
 * `wanted` forces one store; `auto` starts the Firestore emulator when `gcloud` is on PATH and
 * falls back to memory (saying why) when it is not or the emulator does not start.
 */
export async function chooseStore(
  wanted: 'auto' | 'memory' | 'firestore',
  say: (line: string) => void,
): Promise<RunStore> {
  const memory = (reason: string): RunStore => ({ ...MEMORY_STORE, reason, stop: async () => {} });
  if (wanted === 'memory') return memory('asked for with --store memory');
  if (!onPath('gcloud')) {
    if (wanted === 'firestore')
      throw new Error('--store firestore needs gcloud (the Google Cloud SDK) on PATH');
    return memory('gcloud is not on PATH, so no Firestore emulator');
  }
  say('starting the Firestore emulator (gcloud is on PATH; --store memory skips it)…');
  try {
    const emulator = await startFirestoreEmulator();
    const prefix = `demo${randomUUID().slice(0, 8)}`;
    return {
      ...firestoreStore(emulator.host, prefix),
      reason: 'gcloud is on PATH',
      stop: () => emulator.stop(),
    };
  } catch (error) {
    if (wanted === 'firestore') throw error;
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    return memory(`the Firestore emulator did not start (${first})`);
  }
}
