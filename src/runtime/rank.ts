#!/usr/bin/env node
/**
 * The program each rank runs when dnd's launcher starts the job:
 *   mpiexec -n N node dist/runtime/rank.js <envelope>
 * It never loads oclif. On any failure it writes one error record on stderr, then ends
 * the whole job with MPI_Abort(3) so that no rank hangs in a collective.
 */
import { hostname } from 'node:os';
import { Comm } from '../dnd/comm.js';
import { executeJob } from './execute.js';
import { failureOf } from './failure.js';
import { decodeEnvelope, formatRecord, type JobEnvelope } from './job.js';
import { setProgressSink } from './progress.js';

function rankGuess(): number {
  return Number(process.env.OMPI_COMM_WORLD_RANK ?? process.env.PMIX_RANK ?? process.env.PMI_RANK ?? -1);
}

/** set once this rank has reported a failure (an exit after that is not news) */
let reported = false;

function fail(envelope: JobEnvelope | null, e: unknown): never {
  reported = true;
  let rank = rankGuess();
  let host = hostname();
  let comm: Comm | null = null;
  try {
    comm = Comm.world();
    rank = comm.rank;
    host = comm.host();
  } catch {
    // MPI itself is what failed; report what we know
  }
  if (envelope) process.stderr.write(formatRecord(envelope.token, 'error', failureOf(e, rank, host)));
  else process.stderr.write(`dnd rank ${rank}: ${(e as Error).message ?? e}\n`);
  if (process.env.DND_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  if (comm) comm.abort(3);
  process.exit(3);
}

async function main(): Promise<void> {
  let envelope: JobEnvelope | null = null;
  try {
    envelope = decodeEnvelope(process.argv[2] ?? '');
    const env = envelope;
    process.on('uncaughtException', (e) => fail(env, e));
    // who we are, for a launcher that names a dead rank only by its PID (MPICH's Hydra)
    process.stderr.write(formatRecord(env.token, 'rank', { rank: rankGuess(), pid: process.pid, host: hostname() }));
    // a rank that exits early by itself: Hydra says nothing at all, so say it here
    process.on('exit', (code) => {
      if (code === 0 || reported) return;
      const f = { rank: rankGuess(), host: hostname(), message: `exited with code ${code} before the job finished`, code: 'EEXIT' };
      process.stderr.write(formatRecord(env.token, 'error', f));
    });
    if (envelope.progress && rankGuess() <= 0) {
      const token = envelope.token;
      setProgressSink((e) => process.stdout.write(formatRecord(token, 'progress', e)));
    }
    const result = await executeJob(envelope);
    if (result !== null && result !== undefined) {
      process.stdout.write(formatRecord(envelope.token, 'result', result));
    }
    Comm.finalizeNow();
  } catch (e) {
    fail(envelope, e);
  }
}

void main();
