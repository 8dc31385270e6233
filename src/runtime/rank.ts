#!/usr/bin/env node
/**
 * The program each rank runs when dnd's launcher starts the job:
 *   mpiexec -n N node dist/runtime/rank.js <envelope>
 * It never loads oclif. Its life is lifecycle.ts's; what is particular to ranks of our
 * own launcher: failures and results go back as records (job.ts), the link to the
 * launcher is watched (link.ts), and user scripts get the deadlock watchdog.
 */
import { hostname } from 'node:os';
import { outerRank } from './detect.js';
import { JobError } from './failure.js';
import { decodeEnvelope, recordPrefix, type JobEnvelope } from './job.js';
import { rankFailed, runRank, type RankReporting } from './lifecycle.js';
import { watchParent, watchStdin } from './link.js';
import { setProgressSink } from './progress.js';
import { installWatchdog } from './watchdog.js';

/** process.exit as it was before a user script could replace it (session-globals.ts) */
const exit = process.exit.bind(process);

let envelope: JobEnvelope | null = null;

const reporting: RankReporting = {
  report(f, e) {
    if (envelope) process.stderr.write(`${recordPrefix(envelope.token, 'error')}${JSON.stringify(f)}\n`);
    else process.stderr.write(`dnd rank ${f.rank}: ${f.message}\n`);
    if (process.env.DND_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  },
};

function failed(e: unknown): never {
  if (!(e instanceof JobError && e.reported)) rankFailed(e, reporting);
  return exit(3);
}

async function main(): Promise<void> {
  process.on('uncaughtException', failed);
  try {
    envelope = decodeEnvelope(process.argv[2] ?? '');
    const rank = outerRank()?.rank ?? 0;
    const userScript = envelope.job.op === 'run' || envelope.job.op === 'px';
    if (envelope.deadlockS && userScript) installWatchdog(envelope.token, rank, hostname(), envelope.deadlockS);
    else if (envelope.link) watchParent(rank);
    if (envelope.link && rank === 0) watchStdin(rank);
    if (envelope.progress && rank === 0) {
      const prefix = recordPrefix(envelope.token, 'progress');
      setProgressSink((e) => process.stdout.write(`${prefix}${JSON.stringify(e)}\n`));
    }
    const result = await runRank(envelope, reporting);
    if (result !== null && result !== undefined) {
      process.stdout.write(`${recordPrefix(envelope.token, 'result')}${JSON.stringify(result)}\n`);
    }
  } catch (e) {
    failed(e);
  }
}

void main();
