/**
 * The launcher's side of `--trace FILE.json`: check the path before any rank starts
 * (exit 2), and after the job take the trace out of rank 0's result, add the launcher's
 * own track, and write the file atomically (runtime/trace-file.ts).
 */
import { Flags } from './oclif.js';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { usageError } from '../dnd/errors.js';
import type { LocalEvent } from '../dnd/trace.js';
import { buildTraceFile, writeTraceFile } from '../runtime/trace-file.js';
import { isTraced } from '../runtime/trace-rank.js';

export const traceFlag = Flags.string({
  summary: 'Record a per-rank trace (phases, every MPI collective with its bytes, memory) to FILE.json: Chrome trace-event format, opens in ui.perfetto.dev or chrome://tracing; `dnd trace summary FILE.json` reads it. An existing file is replaced.',
  helpValue: 'FILE.json',
});

export interface TracePlan {
  path: string;
  command: string;
}

/** Checks --trace before launch: a file in an existing, writable directory. */
export function planTrace(spec: string | undefined, command: string): TracePlan | null {
  if (spec === undefined) return null;
  if (spec === '') throw usageError('--trace needs a file name, e.g. --trace job.json');
  const path = resolve(spec);
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usageError(`--trace ${spec}: directory ${dir} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw usageError(`--trace ${spec}: directory ${dir} is not writable`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw usageError(`--trace ${spec} is a directory: give a file name, e.g. ${spec.replace(/\/$/, '')}/trace.json`);
  return { path, command };
}

/**
 * Rank 0's result without its trace, which is written to the plan's file first. `launched`:
 * when (launcher clock, ms) this process started the ranks, or null when it was a rank
 * itself (in-process, or started by an outside launcher): then it has no track of its own.
 */
export function saveTrace<T>(value: unknown, plan: TracePlan | null, launched: { at: number; launcher: string } | null, token: string): T {
  if (!isTraced(value)) return value as T;
  if (plan) {
    let launcherTrace = null;
    if (launched) {
      const now = performance.now();
      const events: LocalEvent[] = [
        { ph: 'X', name: `dnd ${plan.command}`, cat: 'launcher', ts: 0, dur: now },
        { ph: 'X', name: 'start and check', cat: 'launcher', ts: 0, dur: launched.at, args: { what: 'Node start, oclif, parsing and validating before any rank starts' } },
        { ph: 'X', name: `job (${launched.launcher})`, cat: 'launcher', ts: launched.at, dur: now - launched.at },
      ];
      launcherTrace = { host: hostname(), origin: performance.timeOrigin, events };
    }
    writeTraceFile(plan.path, buildTraceFile(value, plan.command, launcherTrace), token);
  }
  return value.result as T;
}
