/**
 * The random name of one job: it tags the job's records on the ranks' output (job.ts), its
 * temporary files (output.ts) and its trace. It must differ between jobs, not stay
 * secret (a rank's own code can read it from its arguments), so it comes from the
 * kernel's random bytes read as a file, not from node:crypto: loading that module took
 * 4-6 ms of every `dnd create` here, before any rank started (bench/RESULTS.md).
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** `bytes` random bytes as lower-case hex (2 digits a byte). */
export function randomHex(bytes: number): string {
  const buf = Buffer.alloc(bytes);
  let got = 0;
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      while (got < bytes) {
        const n = readSync(fd, buf, got, bytes - got, null);
        if (n <= 0) break;
        got += n;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    got = 0; // no /dev/urandom (a sandbox without /dev): V8's generator, seeded from the OS at start
  }
  for (let i = got; i < bytes; i++) buf[i] = Math.floor(Math.random() * 256);
  return buf.toString('hex');
}

/** A job's token: 12 hex digits. */
export function newJobToken(): string {
  return randomHex(6);
}
