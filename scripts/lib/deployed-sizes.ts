/**
 * The deployed sizes the cost model bills: each function's vCPU and memory read from
 * cloudbuild.yaml's deploy steps, and the reconcile schedule from deploy/env.sh.
 */

export interface FunctionSize {
  vcpu: number;
  memoryGib: number;
}

/** Cloud Run functions' default vCPU for a memory size when `--cpu` is not given (gen2). */
const DEFAULT_VCPU: Array<[number, number]> = [
  [0.125, 0.083],
  [0.25, 0.167],
  [0.5, 0.333],
  [1, 0.583],
  [2, 1],
  [4, 2],
  [8, 2],
  [16, 4],
  [32, 8],
];

function gib(memory: string): number {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)$/.exec(memory);
  if (!m) throw new Error(`cannot read the memory size "${memory}"`);
  const n = Number(m[1]);
  return m[2]?.startsWith('G') ? n : n / 1024;
}

/** `--cpu` and `--memory` of every `gcloud functions deploy NAME` step, by function name. */
export function deployedSizes(cloudbuild: string): Record<string, FunctionSize> {
  const sizes: Record<string, FunctionSize> = {};
  for (const step of cloudbuild.split(/\n\s*- id: /).slice(1)) {
    const items = [...step.matchAll(/^\s*- "?([^"\n]+)"?$/gm)].map((m) => m[1]?.trim() ?? '');
    const deploy = items.indexOf('deploy');
    if (items[deploy - 1] !== 'functions' || deploy < 0) continue;
    const name = items[deploy + 1];
    const flag = (f: string) => items.find((i) => i.startsWith(`--${f}=`))?.slice(f.length + 3);
    if (!name) continue;
    const memoryGib = gib(flag('memory') ?? '256Mi');
    const cpu = flag('cpu');
    const fallback = DEFAULT_VCPU.find(([m]) => memoryGib <= m)?.[1] ?? 8;
    sizes[name] = { vcpu: cpu ? Number(cpu) : fallback, memoryGib };
  }
  return sizes;
}

/**
 * Runs per day of the reconcile tick from deploy/env.sh (`RECONCILE_SCHEDULE`): `*\/N * * * *`
 * (every N minutes), `M * * * *` (hourly) or `M *\/H * * *` (every H hours).
 */
export function reconcileRunsPerDay(envSh: string): number {
  const schedule = /RECONCILE_SCHEDULE="\$\{RECONCILE_SCHEDULE:-([^}]+)\}"/.exec(envSh)?.[1]?.trim() ?? '';
  const minutes = /^\*\/(\d+) \* \* \* \*$/.exec(schedule)?.[1];
  if (minutes) return 1_440 / Number(minutes);
  if (/^\d{1,2} \* \* \* \*$/.test(schedule)) return 24;
  const hours = /^\d{1,2} \*\/(\d+) \* \* \*$/.exec(schedule)?.[1];
  if (hours) return 24 / Number(hours);
  throw new Error(
    `cannot read the reconcile schedule "${schedule}" (expected */N * * * *, M * * * * or M */H * * *)`,
  );
}
