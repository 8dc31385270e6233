/**
 * An in-process job that writes --out (the launcher is the only rank, -n 1) cleans up on
 * SIGINT/SIGTERM/SIGHUP even in the middle of a long native call: the native handler
 * (src/native/interrupt.cc) removes the temporary file and the lock, prints one line and
 * exits 128 + the signal. Jobs under mpiexec need none of this: the launcher's own
 * listener stops the ranks and removes the temporary file (cli/base.ts).
 */
import { loadH5 } from '../native/index.js';
import type { JobSpec } from './job.js';
import type { OutputPlan } from './output.js';

function outputOf(job: JobSpec): OutputPlan | null {
  return 'out' in job ? (job.out ?? null) : null;
}

/** Arms the cleanup for the job's output, if it has one; returns the disarm. */
export function guardInProcessOutput(job: JobSpec): () => void {
  const out = outputOf(job);
  if (!out) return () => undefined;
  const native = loadH5();
  // the same words as the launcher's InterruptedError (runtime/failure.ts, cli/base.ts)
  const line = (sig: string) => `dnd: interrupted by ${sig}${sig === 'SIGHUP' ? ' (the terminal or session closed)' : ''}: ${job.op} stopped; nothing was written to ${out.named}\n`;
  native.armInterruptCleanup([out.tmp, out.lock], line('SIGINT'), line('SIGTERM'), line('SIGHUP'));
  return () => native.disarmInterruptCleanup();
}

/** Called right before the commit: from there on an interruption is no longer "nothing written". */
export function disarmInterruptCleanup(): void {
  loadH5().disarmInterruptCleanup();
}
