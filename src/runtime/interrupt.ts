/**
 * An in-process job that writes --out (the launcher is the only rank, -n 1) cleans up on
 * SIGINT/SIGTERM/SIGHUP even in the middle of a long native call: the native handler
 * (src/native/interrupt.cc) removes the temporary file and the lock, prints one line and
 * exits 128 + the signal. An in-process job that reads a file, which it maps, ends on a
 * SIGBUS (the file truncated under it) with one line and exit 3, as a job's failure does,
 * not with the CLI killed by the signal. Jobs under mpiexec need none of this: the
 * launcher's own listener stops the ranks and removes the temporary file (cli/base.ts),
 * and names a rank's death by SIGBUS (launcher.ts).
 */
import { hostname } from 'node:os';
import { loadH5 } from '../native/index.js';
import { busErrorCause } from './bus-error.js';
import type { JobSpec } from './job.js';
import type { OutputPlan } from './output.js';

function outputOf(job: JobSpec): OutputPlan | null {
  return 'out' in job ? (job.out ?? null) : null;
}

/** Arms the cleanup for the job's output and the SIGBUS line for its file source, as it has them; returns the disarm. */
export function guardInProcessOutput(job: JobSpec): () => void {
  const out = outputOf(job);
  const cause = busErrorCause(job);
  if (!out && cause === null) return () => undefined;
  const native = loadH5();
  const nothing = out ? `; nothing was written to ${out.named}` : '';
  // the same words as the launcher's InterruptedError (runtime/failure.ts, cli/base.ts)
  const line = (sig: string) => (out ? `dnd: interrupted by ${sig}${sig === 'SIGHUP' ? ' (the terminal or session closed)' : ''}: ${job.op} stopped${nothing}\n` : '');
  // and as the launcher names a rank's death by SIGBUS
  const bus = cause === null ? '' : `dnd: rank 0 (${hostname()}) was stopped by signal 7 (Bus error) (SIGBUS: ${cause})${nothing}\n`;
  native.armInterruptCleanup(out ? [out.tmp, out.lock] : [], line('SIGINT'), line('SIGTERM'), line('SIGHUP'), bus);
  return () => native.disarmInterruptCleanup();
}

/** Called right before the commit: from there on an interruption is no longer "nothing written". */
export function disarmInterruptCleanup(): void {
  loadH5().disarmInterruptCleanup();
}
