/** Stores a secret value as a new Secret Manager version through `gcloud`, the value on stdin only. */
import { spawn } from 'node:child_process';

/** Runs a command with `input` on its stdin; injected so tests see the command line without running it. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  input: string,
) => Promise<{ code: number; stderr: string }>;

/** The real runner: no shell, so nothing in the arguments is interpreted. */
export const spawnRunner: CommandRunner = (command, args, input) =>
  new Promise((resolve) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', (error) => resolve({ code: 127, stderr: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
    child.stdin.end(input);
  });

/** `gcloud secrets versions add NAME --data-file=-` (and `--project`), the value piped in. */
export function secretCommand(name: string, projectId: string | undefined): string[] {
  return [
    'secrets',
    'versions',
    'add',
    name,
    '--data-file=-',
    ...(projectId ? [`--project=${projectId}`] : []),
  ];
}

/** Adds the value as the secret's newest version; resolves with gcloud's complaint on failure. */
export async function storeSecret(
  run: CommandRunner,
  name: string,
  value: string,
  projectId: string | undefined,
): Promise<{ ok: true } | { ok: false; detail: string }> {
  const result = await run('gcloud', secretCommand(name, projectId), value);
  if (result.code === 0) return { ok: true };
  const detail = result.stderr.trim().split('\n').slice(-3).join(' ');
  const missing = /NOT_FOUND|not found/i.test(result.stderr)
    ? ` (create it first: gcloud secrets create ${name} --replication-policy=automatic)`
    : '';
  return { ok: false, detail: `${detail || `gcloud exited with ${result.code}`}${missing}` };
}
