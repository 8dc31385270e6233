/**
 * The launcher's side of `--trace FILE.json`: check the path before any rank starts
 * (exit 2), and after the job take the trace out of rank 0's result, add the launcher's
 * own track, and write the file atomically (runtime/trace-file.ts).
 */
import { Flags } from './oclif.js';
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { usageError } from '../dnd/errors.js';
import type { LocalEvent } from '../dnd/trace.js';
import { buildTraceFile, writeTraceFile } from '../runtime/trace-file.js';
import { isTraced } from '../runtime/trace-rank.js';
import { fileKind, followLink, parseOutput } from '../runtime/out-path.js';

export const traceFlag = Flags.string({
  summary: 'Record a per-rank trace (phases, every MPI collective with its bytes, memory) to FILE.json: Chrome trace-event format, opens in ui.perfetto.dev or chrome://tracing; `dnd trace summary FILE.json` reads it. An existing trace is replaced; any other existing file is refused.',
  helpValue: 'FILE.json',
});

export interface TracePlan {
  path: string;
  command: string;
}

/**
 * Checks --trace before launch: a file in an existing, writable directory, which is
 * either new or a trace written before (replacing anything else, a data file named by
 * mistake or the job's own --out, would lose it), or a regular file at all (a device
 * node would be replaced by the trace).
 */
export function planTrace(spec: string | undefined, command: string, opts: { out?: string } = {}): TracePlan | null {
  if (spec === undefined) return null;
  if (spec === '') throw usageError('--trace needs a file name, e.g. --trace job.json');
  const path = followLink(resolve(spec), `--trace ${spec}`);
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usageError(`--trace ${spec}: directory ${dir} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw usageError(`--trace ${spec}: directory ${dir} is not writable`);
  }
  if (existsSync(path)) {
    const st = statSync(path);
    if (st.isDirectory()) throw usageError(`--trace ${spec} is a directory: give a file name, e.g. ${spec.replace(/\/$/, '')}/trace.json`);
    if (!st.isFile()) throw usageError(`--trace ${spec}: ${path} is ${fileKind(st)}: --trace writes regular files only (give a file name)`);
    if (st.size > 0 && !looksLikeTrace(path)) throw usageError(`--trace ${spec}: ${path} exists and is not a trace, so it is not replaced: name a new file (or remove it)`);
  }
  if (opts.out !== undefined && sameTarget(path, opts.out)) throw usageError(`--trace ${spec} and --out ${opts.out} name the same file: give the trace a file of its own`);
  return { path, command };
}

/** Whether a file begins as a trace-event file (what --trace writes: its keys come first). */
function looksLikeTrace(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4096);
    const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8');
    return /^\s*\{/.test(text) && /"(traceEvents|displayTimeUnit)"/.test(text);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Whether --out (FILE[:/dataset], links followed) is the file at `path`. */
function sameTarget(path: string, out: string): boolean {
  try {
    return followLink(parseOutput(out).file, `--out ${out}`) === path;
  } catch {
    return false; // --out's own check says what is wrong with it
  }
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
