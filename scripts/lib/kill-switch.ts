/**
 * A process crash, simulated in-process: after `kill()`, every call through a wrapped object fails
 * at once, and a call that was in flight loses its answer (a Notion create that landed is not seen,
 * exactly as when the instance dies mid-request). What the wrapped store already holds survives, as
 * Firestore's would; the next "process" is a fresh context over the same store and workspace.
 */

export interface KillSwitch {
  /** Wraps an object's methods (a StateStore, a NotionApi) so they die with the switch. */
  wrap<T extends object>(target: T): T;
  kill(): void;
  killed(): boolean;
}

class ProcessKilled extends Error {
  readonly code = 'process_killed';
}

/** Creates a switch; nothing is killed until `kill()`. */
export function createKillSwitch(): KillSwitch {
  let dead = false;
  const fail = () => new ProcessKilled('the process was killed (benchmark interruption)');
  return {
    wrap<T extends object>(target: T): T {
      return new Proxy(target, {
        get(obj, prop, receiver) {
          const value: unknown = Reflect.get(obj, prop, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (dead) throw fail();
            const out: unknown = value.apply(obj, args);
            if (!(out instanceof Promise)) return out;
            return out.then((answer: unknown) => {
              if (dead) throw fail();
              return answer;
            });
          };
        },
      });
    },
    kill() {
      dead = true;
    },
    killed: () => dead,
  };
}
