/**
 * `dnd run script.(js|mjs|ts) -n N [-- args]`: every rank imports the user's script with
 * the dnd library as the global `dnd` (and `comm`, `rank`, `size`), as in a px session.
 * Its output goes straight through; a throw on any rank ends the job (exit 3), and so
 * does process.exit() (session-globals.ts).
 */
import { pathToFileURL } from 'node:url';
import type { Comm } from '../../dnd/comm.js';
import type { RunJob } from '../job.js';
import { setSitePhase } from '../call-site.js';
import { installSessionGlobals } from './session-globals.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';

export interface RunReport {
  command: 'run';
  script: string;
  nprocs: number;
  seconds: number;
}

export async function runScript(job: RunJob, comm: Comm): Promise<RunReport | null> {
  await installSessionGlobals(globalThis as Record<string, unknown>, comm);
  process.argv = [process.argv[0], job.script, ...job.args];
  const t0 = comm.wtime();
  phaseBegin('script', { script: job.script });
  await import(pathToFileURL(job.script).href);
  phaseEnd();
  setSitePhase('after the script ended'); // for the deadlock watchdog: this rank is done
  const seconds = comm.allreduceNumber(comm.wtime() - t0, 'max');
  return comm.rank === 0 ? { command: 'run', script: job.script, nprocs: comm.size, seconds } : null;
}
