import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  /** Clears the line so the next output starts clean. */
  finish(): void;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * A one-line counter with an ETA on stderr, redrawn at most every 100 ms; silent when stderr is
 * not a terminal (logs and pipes get the final summary only).
 */
export function createProgress(io: CliIo, label: string): Progress {
  const now = io.now ?? Date.now;
  const started = now();
  let drawn = 0;
  let visible = false;
  if (!io.isTTY) return { update: () => {}, finish: () => {} };
  return {
    update(done, total) {
      const t = now();
      if (done < total && t - drawn < 100) return;
      drawn = t;
      const elapsed = t - started;
      const eta = done > 0 ? duration((elapsed / done) * (total - done)) : '?';
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      io.stderr(`\r\x1b[2K${label} ${done}/${total} (${pct}%) ETA ${eta}`);
      visible = true;
    },
    finish() {
      if (visible) io.stderr('\r\x1b[2K');
      visible = false;
    },
  };
}
