/**
 * The job protocol between the launcher and its ranks.
 *
 * The launcher encodes a JobEnvelope as one base64url argument of the rank program (an
 * argument array, never a shell string). Rank 0 sends its result back on stdout as one
 * line `@@dnd:<token>:result <json>`; a failing rank writes `@@dnd:<token>:error <json>`
 * on stderr before MPI_Abort, and a rank stuck in a collective `@@dnd:<token>:wait <json>`
 * (deadlock.ts). The per-job random token keeps user output that happens to
 * look similar from being taken for a record. Every other line passes through.
 */
import type { FactorySpec } from '../dnd/spec.js';
import { fromWire, toWire } from '../dnd/wire.js';
import type { Split } from '../dnd/layout.js';
import type { Dtype } from '../dnd/dtypes.js';
import type { OutputPlan } from './output.js';

/** `create`: every rank builds its block of a checked factory array (see dnd/spec.ts). */
export interface CreateJob extends FactorySpec {
  op: 'create';
  checksum?: boolean;
  out?: OutputPlan | null;
}

/** Where a job's starting array comes from. */
export type SourceSpec = { type: 'file'; file: string; dataset: string } | { type: 'generator'; create: CreateJob };

/** `info`: load a file's dataset (or build a generator's array) and describe it. */
export interface InfoJob {
  op: 'info';
  source: SourceSpec;
  split: Split;
  stats: boolean;
  checksum?: boolean;
  /** a file without --stats/--checksum: the shape and dtype the launcher read; nothing is loaded */
  layoutOnly?: { gshape: number[]; dtype: Dtype } | null;
}

/** `resplit` / `redistribute`: open the source, move the data, describe before and after. */
export interface MoveJob {
  op: 'resplit' | 'redistribute';
  source: SourceSpec;
  /** the starting layout: split axis and, optionally, rows per rank */
  split: Split;
  counts: number[] | null;
  /** resplit: the new axis */
  axis?: Split;
  /** redistribute: rows per rank, or 'balance' */
  target?: number[] | 'balance';
  checksum?: boolean;
  out?: OutputPlan | null;
}

export interface ChunkJob {
  op: 'chunk';
  gshape: number[];
  split: Split;
  /** what the launcher computed, for each rank to compare with its own */
  expected: { offset: number; lshape: number[] }[];
}

export interface HelloJob {
  op: 'hello';
}

/** `dnd run`: import a user's script on every rank, with `dnd` as a global. */
export interface RunJob {
  op: 'run';
  script: string;
  args: string[];
}

/** `dnd px`: evaluate cells from the launcher's terminal on every rank (rank 0 relays). */
export interface PxJob {
  op: 'px';
  /** where the launcher listens for rank 0 (TCP; the secret comes in the environment: px-link.ts) */
  endpoints: { host: string; port: number }[];
}

export type JobSpec = CreateJob | ChunkJob | HelloJob | InfoJob | MoveJob | RunJob | PxJob;

export interface JobEnvelope {
  v: 1;
  token: string;
  /** the world size the command asked for; ranks check it right after MPI init */
  nprocs: number;
  /** whether the launcher asked for colour (ranks never decide this themselves) */
  color: boolean;
  /** rank 0 announces phases for the launcher's progress line */
  progress?: boolean;
  /** HDF5 transfers and the random fill in pieces of this many bytes per rank (progress.ts) */
  pieceBytes?: number;
  /** started by dnd's launcher: watch the link to it and end the job when it is gone (link.ts) */
  link?: boolean;
  /** user scripts: report waits in MPI longer than this many seconds (watchdog.ts) */
  deadlockS?: number;
  /** record a trace on every rank; rank 0 returns it with the result (trace-rank.ts) */
  trace?: boolean;
  /** in-process, one rank, no MPI: the world of one of dnd/solo.ts (launcher.ts decides) */
  solo?: boolean;
  job: JobSpec;
}

/** One failure, as a rank reports it. */
export interface RankFailure {
  rank: number;
  host?: string;
  message: string;
  code?: string;
}

export function encodeEnvelope(e: JobEnvelope): string {
  return Buffer.from(toWire(e), 'utf8').toString('base64url');
}

export function decodeEnvelope(s: string): JobEnvelope {
  const e = fromWire<JobEnvelope>(Buffer.from(s, 'base64url').toString('utf8'));
  if (e.v !== 1 || typeof e.token !== 'string' || !e.job) throw new Error('not a dnd job envelope (was it made by another dnd version?)');
  return e;
}

/**
 * A line of ours among the ranks' output. Kinds: result (rank 0's answer), error (a
 * rank's failure), progress (rank 0's phases), rank (each rank's PID and host, so that
 * a launcher that names only a PID, as MPICH's Hydra does, can name the rank), wait
 * (a rank's report to the deadlock watchdog).
 */
export type RecordKind = 'result' | 'error' | 'progress' | 'rank' | 'wait';

/** One record line: the prefix, then the value in the wire format (NaN, ±inf, BigInt survive). */
export function formatRecord(token: string, kind: RecordKind, value: unknown): string {
  return `${recordPrefix(token, kind)}${toWire(value)}\n`;
}

/** The value of a record line that starts at `at` with `prefix`. */
export function parseRecord<T>(line: string, at: number, prefix: string): T {
  return fromWire<T>(line.slice(at + prefix.length));
}

export function recordPrefix(token: string, kind: RecordKind): string {
  return `@@dnd:${token}:${kind} `;
}
