/**
 * Whether a job's source file changed while the job ran. A job that fails because another
 * program truncated, rewrote or replaced its source (a mapped page gone: SIGBUS; a write
 * from such a page: EFAULT, "Bad address"; HDF5 finding garbage) says so for certain
 * instead of leaving the user to guess from a low-level error: the launcher notes the
 * file's identity, size and modification time before the job and compares them when it
 * fails. Two stat calls, nothing on the path of a job that succeeds.
 */
import { statSync, type BigIntStats } from 'node:fs';
import type { JobSpec } from './job.js';
import { formatBytes } from './units.js';

export interface SourceStamp {
  file: string;
  stats: BigIntStats | undefined;
}

/**
 * The source file's state now, or null for a job that reads no file, or that puts its
 * output in place of it (its own commit changes the file, at the very end).
 */
export function stampSource(job: JobSpec): SourceStamp | null {
  if (!('source' in job) || job.source.type !== 'file') return null;
  const file = job.source.file;
  if ('out' in job && job.out && (job.out.file === file || job.out.named === file)) return null;
  return { file, stats: statOf(file) };
}

function statOf(file: string): BigIntStats | undefined {
  try {
    return statSync(file, { bigint: true });
  } catch {
    return undefined;
  }
}

/** '' when the file is as it was; else a clause to append to the job's failure line. */
export function sourceChange(stamp: SourceStamp): string {
  const was = stamp.stats;
  if (!was) return '';
  const now = statOf(stamp.file);
  if (!now) return `; ${stamp.file} was removed or renamed while the job ran`;
  if (now.ino !== was.ino || now.dev !== was.dev) return `; ${stamp.file} was replaced by another file while the job ran`;
  if (now.size !== was.size) return `; ${stamp.file} changed size while the job ran (${formatBytes(Number(was.size))} -> ${formatBytes(Number(now.size))}): another program truncated or rewrote it`;
  if (now.mtimeNs !== was.mtimeNs) return `; ${stamp.file} was written by another program while the job ran`;
  return '';
}
