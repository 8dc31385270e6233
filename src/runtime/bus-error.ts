/**
 * What a SIGBUS most likely means in a dnd job: ranks read a file source through a
 * mapping (dnd/io-map.ts), and touching a mapped page the file no longer has (another
 * program truncated or rewrote it meanwhile) raises SIGBUS. The other common cause,
 * shared memory that ran out (/dev/shm full), is named too. Said the same way whether a
 * rank under mpiexec died of it (launcher.ts) or the in-process job ended on it
 * (interrupt.ts).
 */
import type { JobSpec } from './job.js';

/** The likely cause of a SIGBUS in this job, or null when it reads no file. */
export function busErrorCause(job: JobSpec): string | null {
  const file = 'source' in job && job.source.type === 'file' ? job.source.file : null;
  if (file === null) return null;
  return `${file} was read through a mapping, so most likely it was truncated or rewritten by another program while the job read it; otherwise shared memory, /dev/shm, may be full`;
}

/**
 * The words after a rank's death by SIGBUS (signal 7), or '' for any other death.
 * `sourceChanged`: the launcher saw the file change (source-change.ts), which it then
 * says itself, so only the mapping is named here.
 */
export function busErrorHint(death: string, job: JobSpec, sourceChanged = false): string {
  if (!/killed by signal 7\b/.test(death)) return '';
  const cause = busErrorCause(job);
  if (cause === null) return '';
  return sourceChanged && 'source' in job && job.source.type === 'file' ? ` (SIGBUS: reading ${job.source.file} through a mapping)` : ` (SIGBUS: ${cause})`;
}
