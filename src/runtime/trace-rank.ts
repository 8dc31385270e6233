/**
 * A rank's side of `--trace FILE.json`: turn the recorder on before MPI starts, take
 * clock samples right after it started, and at the end gather every rank's events to
 * rank 0, which hands them to the launcher inside its result (see TracedResult). The
 * launcher builds and writes the file (trace-file.ts). Nothing here runs without --trace.
 */
import { hostname } from 'node:os';
import { Comm } from '../dnd/comm.js';
import { recorder, sampleRss, type LocalEvent } from '../dnd/trace.js';

/** Rounds of the barrier-synchronised clock samples (the median is kept). */
const SYNC_ROUNDS = 7;

/** One rank's recording, in its own clock. */
export interface RankTrace {
  rank: number;
  host: string;
  pid: number;
  /** performance.timeOrigin of the process: epoch ms at which its clock reads 0 */
  origin: number;
  /** local clock (ms) right after each of SYNC_ROUNDS barriers; the same rounds on every rank */
  sync: number[];
  events: LocalEvent[];
  dropped: number;
}

/** What rank 0 hands back instead of its bare result when the job was traced. */
export interface TracedResult<T = unknown> {
  '@@dnd-trace': 1;
  result: T;
  job: string;
  ranks: RankTrace[];
}

export function isTraced(v: unknown): v is TracedResult {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)['@@dnd-trace'] === 1;
}

let sync: number[] = [];

/** Before MPI_Init: recording starts; the time since the process began is its first span. */
export function startRankTrace(): void {
  recorder.reset();
  recorder.on = true;
  sync = [];
  recorder.push({ ph: 'X', name: 'process start', cat: 'phase', ts: 0, dur: recorder.now(), args: { what: 'Node start and loading dnd' } });
  sampleRss();
}

/**
 * Right after MPI_Init: SYNC_ROUNDS barriers, each rank reading its clock as it leaves
 * each one. Rank 0's readings are the reference; a rank's offset is the median over the
 * rounds of its reading minus rank 0's (trace-file.ts), so one late wake-up of an
 * oversubscribed rank does not move it.
 */
export function syncClocks(comm: Comm): void {
  if (comm.size === 1) return;
  recorder.begin('clock sync', 'phase', { rounds: SYNC_ROUNDS });
  for (let r = 0; r < SYNC_ROUNDS; r++) {
    comm.barrier();
    sync.push(recorder.now());
  }
  recorder.end();
}

/**
 * Collective, at the end of a successful job: every rank's events go to rank 0, MPI ends,
 * and rank 0 returns the result wrapped with the trace (null elsewhere). Each rank's
 * "finalize" span runs from the end of the job until its events were taken; rank 0's
 * also holds gathering the others' and MPI_Finalize, which only it can still record.
 */
export function finishRankTrace<T>(comm: Comm, job: string, result: T): TracedResult<T> | T | null {
  recorder.begin('finalize', 'phase');
  const host = safeHost(comm);
  const mine = (): RankTrace => {
    const { events, dropped } = recorder.take();
    return { rank: comm.rank, host, pid: process.pid, origin: performance.timeOrigin, sync, events, dropped };
  };
  if (comm.rank !== 0) {
    recorder.end();
    const own = mine();
    recorder.on = false;
    comm.gatherJSON(own, 0);
    Comm.finalizeNow();
    return result;
  }
  const t0 = recorder.now();
  recorder.on = false; // the gather itself is not recorded: its events would miss the file
  const others = comm.gatherJSON<RankTrace | null>(null, 0) ?? [];
  const t1 = recorder.now();
  Comm.finalizeNow();
  const t2 = recorder.now();
  recorder.on = true;
  recorder.push({ ph: 'X', name: 'gather trace', cat: 'phase', ts: t0, dur: t1 - t0 });
  recorder.push({ ph: 'X', name: 'MPI_Finalize', cat: 'phase', ts: t1, dur: t2 - t1 });
  recorder.end();
  const own = mine();
  recorder.on = false;
  const ranks = others.map((r, p) => (p === 0 ? own : (r as RankTrace)));
  return { '@@dnd-trace': 1, result, job, ranks };
}

function safeHost(comm: Comm): string {
  try {
    return comm.host();
  } catch {
    return hostname();
  }
}
