/**
 * Where a launch spends its time: with DND_TIMING set, every process of a job (the
 * launcher and each rank) writes one line per step on stderr,
 *   dnd-timing PID ROLE EPOCH_MS STEP
 * EPOCH_MS is the wall clock (performance.timeOrigin + now), so lines of different
 * processes on one host line up; the first line of each process also gives its own
 * start (`process start PROGRAM`, Node's timeOrigin, and the program it runs: bin/run.js,
 * dist/rank/rank.cjs (the bundle) or dist/runtime/rank.js). bench/launch.mjs turns them into the
 * breakdown in bench/RESULTS.md. Off (the default) it costs one check of a constant.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFully } from './fd-write.js';

const on = Boolean(process.env.DND_TIMING);
const root = fileURLToPath(new URL('../../', import.meta.url));
/** set once this process wrote its first line: a registered symbol, shared by every copy of
 * this module (a bundled command holds its own, bin/run.js imports dist's) */
const STARTED = Symbol.for('dnd.timing.started');

/** One step of this process, e.g. stamp('rank', 'MPI up'). */
export function stamp(role: 'cli' | 'rank', step: string): void {
  if (!on) return;
  const line = (ms: number, what: string) => `dnd-timing ${process.pid} ${role} ${ms.toFixed(3)} ${what}\n`;
  let text = '';
  const g = globalThis as Record<symbol, boolean | undefined>;
  if (!g[STARTED]) {
    g[STARTED] = true;
    text += line(performance.timeOrigin, `process start ${relative(root, process.argv[1] ?? '')}`);
  }
  text += line(performance.timeOrigin + performance.now(), step);
  writeFully(2, text); // not process.stderr: building that stream would be part of what is measured
}
