/**
 * The program each rank runs when dnd's launcher starts the job (entered through
 * rank.ts). It never loads oclif. Its life is lifecycle.ts's; what is particular to ranks of our
 * own launcher: failures and results go back as records (job.ts), the link to the
 * launcher is watched (link.ts), and user scripts get the deadlock watchdog.
 */
import { hostname } from 'node:os';
import { outerRank } from './detect.js';
import { JobError } from './failure.js';
import { writeFully } from './fd-write.js';
import { decodeEnvelope, formatRecord, type JobEnvelope } from './job.js';
import { rankFailed, runRank, type RankReporting } from './lifecycle.js';
import { watchParent, watchStdin } from './link.js';
import { setProgressSink, watchJobWork } from './progress.js';
import { applyColorChoice } from './rank-color.js';
import { stamp } from './timing.js';

/** process.exit as it was before a user script could replace it (session-globals.ts) */
const exit = process.exit.bind(process);

let envelope: JobEnvelope | null = null;
/** set once this rank has reported a failure (an exit after that is not news) */
let reported = false;

const reporting: RankReporting = {
  report(f, e) {
    reported = true;
    try {
      if (envelope) writeFully(2, formatRecord(envelope.token, 'error', f));
      else writeFully(2, `dnd rank ${f.rank}: ${f.message}\n`);
      if (process.env.DND_DEBUG && e instanceof Error && e.stack) writeFully(2, `${e.stack}\n`);
    } catch {
      // nobody is listening any more: the job ends all the same
    }
  },
};

function failed(e: unknown): never {
  if (!(e instanceof JobError && e.reported)) rankFailed(e, reporting);
  return exit(3);
}

async function main(): Promise<void> {
  stamp('rank', 'program loaded');
  process.on('uncaughtException', failed);
  try {
    envelope = decodeEnvelope(process.argv[2] ?? '');
    applyColorChoice(envelope.color);
    const rank = outerRank()?.rank ?? 0;
    const token = envelope.token;
    // who we are, for a launcher that names a dead rank only by its PID (MPICH's Hydra)
    writeFully(2, formatRecord(token, 'rank', { rank, pid: process.pid, host: hostname() }));
    // a rank that exits early by itself: Hydra says nothing at all, so say it here
    process.on('exit', (code) => {
      if (code === 0 || reported) return;
      try {
        writeFully(2, formatRecord(token, 'error', { rank, host: hostname(), message: `exited with code ${code} before the job finished`, code: 'EEXIT' }));
      } catch {
        // nobody is listening any more
      }
    });
    const userScript = envelope.job.op === 'run' || envelope.job.op === 'px';
    // the watchdog (a worker thread, stack captures) is loaded only for user scripts
    if (envelope.deadlockS && userScript) (await import('./watchdog.js')).installWatchdog(envelope.token, rank, hostname(), envelope.deadlockS);
    else if (envelope.link) watchParent(rank);
    if (envelope.link && rank === 0) watchStdin(rank);
    if (envelope.progress && rank === 0) {
      setProgressSink((e) => writeFully(1, formatRecord(token, 'progress', e)));
    }
    watchJobWork(envelope.pieceBytes ?? 0, Boolean(envelope.progress), rank);
    const result = await runRank(envelope, reporting);
    if (result !== null && result !== undefined) {
      writeFully(1, formatRecord(token, 'result', result));
    }
    stamp('rank', 'result sent');
  } catch (e) {
    failed(e);
  }
}

void main();
