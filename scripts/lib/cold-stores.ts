/**
 * The state stores of the cold-start trials. The headline uses the Firestore stand-in: like the
 * Notion sandbox and the Todoist fake it answers at once, so the figure is the function's own
 * start-up and first event, not the store's speed. The Firestore emulator (Java, 10–40 ms per
 * operation on a busy machine, slower than Firestore itself) is measured beside it, started only
 * for its own trials: a JVM left running compiles and collects in the background, on the cores the
 * headline's processes need.
 */
import type { Env } from '../../src/config/index.js';
import { startFirestoreEmulator } from '../../test/support/emulators.js';
import { type FirestoreStandin, startFirestoreStandin } from '../../test/support/firestore-standin/index.js';
import { firestoreStore, onPath } from './sync-env.js';

/** Which store a trial uses. */
export type ColdStoreKind = 'standin' | 'emulator';

export interface ColdStores {
  standin: FirestoreStandin;
  /** Starts the emulator for the trials that use it: its `host:port`, or why there is none. */
  startEmulator(): Promise<{ host: string } | { skipped: string }>;
  /** Stops the emulator (the stand-in stays until `stop`). */
  stopEmulator(): Promise<void>;
  /**
   * The store variables of one trial: empty collections of its own, as the sandbox is emptied for
   * it. `trial` names the function and the round: two functions of one round never share state
   * (a claim left by the other would point at a page the emptied sandbox no longer has).
   */
  env(kind: ColdStoreKind, trial: string): Env;
  stop(): Promise<void>;
}

/** Labels for the report: how each store was reached. */
export const STORE_LABELS: Record<ColdStoreKind, string> = {
  standin: 'Firestore REST stand-in (local, answers at once)',
  emulator: 'Firestore emulator (REST)',
};

async function emulator(): Promise<{ host: string; stop(): Promise<void> } | string> {
  if (!onPath('gcloud')) return 'gcloud is not on PATH, so no Firestore emulator';
  try {
    return await startFirestoreEmulator();
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    return `the Firestore emulator did not start (${first})`;
  }
}

/** Starts the stand-in; the emulator waits for `startEmulator`. */
export async function startColdStores(): Promise<ColdStores> {
  const standin = await startFirestoreStandin();
  const run = Date.now().toString(36);
  let emu: Awaited<ReturnType<typeof emulator>> | undefined;
  const stopEmulator = async () => {
    const running = emu;
    emu = undefined;
    if (running && typeof running !== 'string') await running.stop();
  };
  return {
    standin,
    async startEmulator() {
      emu ??= await emulator();
      return typeof emu === 'string' ? { skipped: emu } : { host: emu.host };
    },
    stopEmulator,
    env(kind, trial) {
      if (kind === 'standin') return firestoreStore(standin.host, `cold${run}s${trial}`).env;
      if (emu === undefined || typeof emu === 'string')
        throw new Error(`no emulator trial: ${emu ?? 'not started'}`);
      return firestoreStore(emu.host, `cold${run}e${trial}`).env;
    },
    async stop() {
      await Promise.all([standin.close(), stopEmulator()]);
    },
  };
}
