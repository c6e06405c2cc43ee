import { describe, expect, it } from 'vitest';
import { isUsageError, parseFlags } from '../../src/cli/args.js';
import { countFailures, renderChecklist } from '../../src/cli/checklist.js';
import type { CliIo } from '../../src/cli/io.js';
import { createProgress } from '../../src/cli/progress.js';

const FLAGS = {
  apply: { type: 'boolean' },
  kind: { type: 'string', choices: ['areas', 'projects'] },
} as const;

describe('command-line flags', () => {
  it('reads booleans and choices', () => {
    expect(parseFlags(['--apply', '--kind', 'projects'], FLAGS)).toEqual({ apply: true, kind: 'projects' });
    expect(parseFlags([], FLAGS)).toEqual({ apply: false, kind: undefined });
  });
  it.each([[['--aply']], [['extra']], [['--kind', 'people']], [['--kind']]])(
    '%j is a usage error',
    (argv) => {
      let caught: unknown;
      try {
        parseFlags(argv, FLAGS);
      } catch (error) {
        caught = error;
      }
      expect(isUsageError(caught)).toBe(true);
    },
  );
});

function fakeIo(isTTY: boolean) {
  let t = 0;
  const err: string[] = [];
  const io: CliIo = { stdout: () => {}, stderr: (s) => err.push(s), isTTY, now: () => t };
  return { io, err, advance: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('draws a counter with an ETA on a terminal', () => {
    const { io, err, advance } = fakeIo(true);
    const progress = createProgress(io, 'writes');
    advance(1_000);
    progress.update(10, 40);
    expect(err.join('')).toContain('writes 10/40 (25%) ETA 3s');
    advance(30_000);
    progress.update(40, 40);
    expect(err.at(-1)).toContain('40/40 (100%) ETA 0s');
    progress.finish();
  });
  it('stays silent when stderr is not a terminal', () => {
    const { io, err } = fakeIo(false);
    const progress = createProgress(io, 'writes');
    progress.update(1, 2);
    progress.finish();
    expect(err).toEqual([]);
  });
});

describe('checklist', () => {
  it('prints a fix under each failed line and counts failures', () => {
    const sections = [
      {
        title: 'Environment',
        lines: [
          { status: 'ok' as const, label: 'A' },
          { status: 'fail' as const, label: 'B', detail: 'missing', fix: 'set B' },
        ],
      },
    ];
    const text = renderChecklist(sections);
    expect(text).toContain('✘ B  missing\n      fix: set B');
    expect(text).toContain('1 problem found.');
    expect(countFailures(sections)).toBe(1);
  });
});
