/**
 * Turning an exception on a rank into a failure record, and records into the one
 * message the user reads. Used by the rank program and by outer-launched ranks.
 */
import type { RankFailure } from './job.js';
import { brand } from '../dnd/brand.js';
import { scriptFrameOf } from './call-site.js';

export function failureOf(e: unknown, rank: number, host?: string): RankFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  // a throw in a user's script says where (its stack is not shown)
  const site = e instanceof Error ? scriptFrameOf(err.stack) : null;
  const message = err.message.split('\n')[0];
  return { rank, host, message: site && !message.includes(site) ? `${message} (at ${site})` : message, code: typeof code === 'string' ? code : undefined };
}

/** `rank 2 (n01): cannot open …` */
export function describeFailure(f: RankFailure): string {
  return `rank ${f.rank}${f.host ? ` (${f.host})` : ''}: ${f.message}`;
}

/** The job failed on a rank: exit 3. */
export class JobError extends Error {
  readonly failures: RankFailure[];
  /** the failing rank already told the user (a rank of an outside launcher): print nothing more */
  readonly reported: boolean;
  constructor(message: string, failures: RankFailure[] = [], reported = false) {
    super(message);
    this.name = 'JobError';
    this.failures = failures;
    this.reported = reported;
  }
}
brand(JobError, 'dnd.JobError');

/** The job was interrupted by a signal: exit 128 + its number (130 for SIGINT, 143 SIGTERM, 129 SIGHUP). */
export class InterruptedError extends Error {
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals, what = 'every rank was stopped') {
    super(`interrupted by ${signal}${signal === 'SIGHUP' ? ' (the terminal or session closed)' : ''}: ${what}`);
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}
brand(InterruptedError, 'dnd.InterruptedError');
