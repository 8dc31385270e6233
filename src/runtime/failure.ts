/**
 * Turning an exception on a rank into a failure record, and records into the one
 * message the user reads. Used by the rank program and by outer-launched ranks.
 */
import type { RankFailure } from './job.js';

export function failureOf(e: unknown, rank: number, host?: string): RankFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { rank, host, message: err.message.split('\n')[0], code: typeof code === 'string' ? code : undefined };
}

/** `rank 2 (n01): cannot open …` */
export function describeFailure(f: RankFailure): string {
  return `rank ${f.rank}${f.host ? ` (${f.host})` : ''}: ${f.message}`;
}

/** The job failed on a rank: exit 3. */
export class JobError extends Error {
  readonly failures: RankFailure[];
  constructor(message: string, failures: RankFailure[] = []) {
    super(message);
    this.name = 'JobError';
    this.failures = failures;
  }
}

/** The job was interrupted (SIGINT / SIGTERM): exit 130. */
export class InterruptedError extends Error {
  readonly signal: string;
  constructor(signal: string) {
    super(`interrupted by ${signal}: every rank was stopped`);
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}
