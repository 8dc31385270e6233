/**
 * A failing rank writes its error record to stderr and then calls MPI_Abort; the abort
 * first waits, for a bounded time, until the reader on the other end (the launcher's
 * proxy) has taken the record (src/native/output-drain.h). Without that wait MPICH's Hydra
 * lost the record about one run in five. Here the reader is the test itself, through a
 * FIFO it reads late or never; the same class under Hydra itself: test/mpich/failures.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/files.js';
import { mpiEnv, ROOT } from '../helpers/run.js';

/** Everything in the FIFO now (its read end is non-blocking). */
function drain(fd: number): string {
  const buf = Buffer.alloc(1 << 16);
  let text = '';
  for (;;) {
    try {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return text;
      text += buf.toString('utf8', 0, n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return text;
      throw e;
    }
  }
}

/**
 * Starts the aborting program with stderr on a FIFO; `readAfterMs` after it says it wrote
 * its line, reads the FIFO (never when null). Returns when the program ended.
 */
async function abortWithReader(readAfterMs: number | null) {
  const fifo = `${tempDir()}/stderr`;
  execFileSync('mkfifo', [fifo]);
  const r = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const w = openSync(fifo, constants.O_WRONLY);
  const marker = `record-${process.pid}-${Date.now()}`;
  const child = spawn(process.execPath, [`${ROOT}test/mpi/abort-after-write.mjs`, marker], { env: mpiEnv(), stdio: ['ignore', 'pipe', w] });
  closeSync(w);
  let exitedAt = 0;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => ((exitedAt = performance.now()), resolve(code))));
  const written = new Promise<number>((resolve) => child.stdout?.on('data', () => resolve(performance.now())));
  const writtenAt = await Promise.race([written, exited.then(() => 0)]);
  assert.ok(writtenAt > 0, 'the program wrote its line before it ended');
  let readAt = 0;
  let text = '';
  if (readAfterMs !== null) {
    await sleep(readAfterMs);
    readAt = performance.now();
    text = drain(r);
  }
  const code = await exited;
  text += drain(r);
  closeSync(r);
  return { code, text, marker, writtenAt, readAt, exitedAt };
}

describe('MPI_Abort leaves what the rank wrote to be read', () => {
  it('a late reader still gets the line: the abort waits until it was read', async () => {
    const o = await abortWithReader(700);
    assert.notEqual(o.code, 0);
    assert.ok(o.text.includes(o.marker), o.text);
    assert.ok(o.exitedAt > o.readAt, `ended ${(o.readAt - o.exitedAt).toFixed(0)} ms before its line was read`);
  });

  it('a reader that never reads does not keep the job alive: the wait is bounded (2 s)', async () => {
    const o = await abortWithReader(null);
    assert.notEqual(o.code, 0);
    const waited = o.exitedAt - o.writtenAt;
    assert.ok(waited >= 1900, `ended ${waited.toFixed(0)} ms after writing: it did not wait for the reader`);
    assert.ok(waited < 10000, `${waited.toFixed(0)} ms`);
  });
});
