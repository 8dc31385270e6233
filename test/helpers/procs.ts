/**
 * Finding a job's own processes, so that "nothing was left running" can be asserted while
 * other jobs (other people's mpiexec and ranks) run on the same machine. Each job under
 * test gets a unique tag in its environment; mpiexec passes the environment on to the
 * ranks, so the tag names dnd, mpiexec and every rank of that job, even after they were
 * re-parented to PID 1. Reading another process's environ needs the same user or root.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN } from './run.js';

export const TAG_VAR = 'DND_TEST_JOB';

/** A fresh tag to add to a job's environment. */
export function jobTag(): { tag: string; env: Record<string, string> } {
  const tag = randomUUID();
  return { tag, env: { [TAG_VAR]: tag } };
}

/** Live processes carrying the tag: `pid command`. Zombies have no environ and are not counted. */
export function processesOf(tag: string): string[] {
  const needle = `\0${TAG_VAR}=${tag}\0`;
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`;
      if (!environ.includes(needle)) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push(`${name} ${cmd.slice(0, 120)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Waits until no process of the job is left (or the time is up); returns what is left. */
export async function leftAfter(tag: string, timeoutMs = 10000): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const left = processesOf(tag);
    if (left.length === 0 || Date.now() - t0 > timeoutMs) return left;
    await sleep(100);
  }
}

export interface Finished {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * Runs dnd in the background with a tag of its own; resolves with its exit status, output
 * and duration. `stdin: 'pipe'` keeps its input open for px sessions.
 */
export function background(args: string[], env: Record<string, string | undefined> = {}, opts: { stdin?: 'pipe' | 'ignore'; cwd?: string } = {}) {
  const t0 = performance.now();
  // the caller's tag, if it gave one, so that its own leftover checks find these processes
  const given = env[TAG_VAR];
  const { tag, env: tagEnv } = given ? { tag: given, env: {} } : jobTag();
  // a variable given as undefined is taken away from the inherited environment
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env, ...tagEnv };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  const child = spawn(process.execPath, [BIN, ...args], { env: merged as NodeJS.ProcessEnv, stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'], cwd: opts.cwd });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, seconds: (performance.now() - t0) / 1000 })),
  );
  return { child, done, tag, output: () => ({ stdout, stderr }) };
}

export async function waitFor(path: string, timeoutS = 30): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (Date.now() - t0 > timeoutS * 1000) throw new Error(`${path} did not appear`);
    await sleep(50);
  }
}

/** Waits until `test()` holds (e.g. some output appeared). */
export async function until(test: () => boolean, what: string, timeoutS = 30): Promise<void> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > timeoutS * 1000) throw new Error(`${what} did not happen`);
    await sleep(50);
  }
}
