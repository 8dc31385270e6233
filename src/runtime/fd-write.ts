/**
 * A rank's records (job.ts) go straight to its stdout and stderr descriptors, not through
 * process.stdout / process.stderr: under mpiexec both are pipes, and Node builds a socket
 * (with the net module behind it) the first time either is touched, a few milliseconds of
 * every rank's start for a line or two. A write here returns when all of it is written, as
 * Node's own writes to a pipe do on Linux, so the order with a script's console output holds.
 */
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of text to fd before returning; a full pipe left non-blocking by someone else is waited out. */
export function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1); // the reader drains the pipe meanwhile
    }
  }
}
