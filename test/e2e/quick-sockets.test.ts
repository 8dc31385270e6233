/**
 * Every rank sets TCP_NODELAY on the TCP sockets MPI_Init left it (src/native/quick-sockets.cc):
 * Open MPI's connection to its local daemon lacks it, and MPI_Finalize then waits 40 ms for
 * a delayed acknowledgement. The trace's MPI_Init span says on how many sockets; DND_NAGLE=1
 * leaves them alone, and sockets the process held before MPI_Init (a user script's own) are
 * not MPI's and are not touched. Whether it saves the 40 ms is a benchmark's question (bench/launch.mjs),
 * not a test's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/files.js';
import { dnd, mpiEnv, ROOT } from '../helpers/run.js';
import { checkTrace } from '../helpers/trace-events.js';

/** tcp_nodelay_sockets of each rank's MPI_Init span, by rank (the trace's pid). */
function quickSockets(trace: string): number[] {
  const events = checkTrace(JSON.parse(readFileSync(trace, 'utf8'))).events.filter((e) => e.name === 'MPI_Init');
  return events.sort((a, b) => a.pid - b.pid).map((e) => e.args?.tcp_nodelay_sockets as number);
}

describe('TCP_NODELAY on the sockets MPI_Init opened', () => {
  const dir = tempDir();

  for (const n of [2, 3]) {
    it(`is set on every rank's connection to its daemon at -n ${n}`, () => {
      const trace = join(dir, `on-${n}.json`);
      const r = dnd(['create', 'randn', '7,4,3', '-n', String(n), '--trace', trace]);
      assert.equal(r.code, 0, r.stderr);
      const counts = quickSockets(trace);
      assert.equal(counts.length, n);
      for (const c of counts) assert.ok(Number.isInteger(c) && c >= 1, `counts ${counts}`);
    });
  }

  it("leaves the process's own TCP sockets, opened before MPI_Init, alone", () => {
    const counts = (own: boolean) => {
      const r = spawnSync('mpiexec', ['-n', '2', process.execPath, `${ROOT}test/mpi/quick-sockets-ranks.mjs`, ...(own ? ['own'] : [])], { encoding: 'utf8', env: mpiEnv(), timeout: 120000 });
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rank: number; quickSockets: number });
      return lines.sort((a, b) => a.rank - b.rank).map((l) => l.quickSockets);
    };
    const plain = counts(false);
    assert.ok(plain.every((c) => c >= 1), `plain ${plain}`);
    // three more TCP sockets in each process (listener, client, accepted end) and 600 other
    // descriptors: not counted
    assert.deepEqual(counts(true), plain);
  });

  it('is left alone with DND_NAGLE=1, and the job is the same', () => {
    const trace = join(dir, 'off.json');
    const off = dnd(['create', 'arange', '10,3', '-n', '2', '--json', '--trace', trace], { env: { DND_NAGLE: '1' } });
    assert.equal(off.code, 0, off.stderr);
    assert.deepEqual(quickSockets(trace), [0, 0]);
    // empty or 0 does not opt out (as a variable set to nothing is read elsewhere)
    for (const v of ['', '0']) {
      const t = join(dir, `nagle-${v || 'empty'}.json`);
      assert.equal(dnd(['create', 'arange', '10,3', '-n', '2', '--trace', t], { env: { DND_NAGLE: v } }).code, 0);
      assert.ok(quickSockets(t).every((c) => c >= 1), `DND_NAGLE='${v}'`);
    }
    const on = dnd(['create', 'arange', '10,3', '-n', '2', '--json']);
    assert.equal(on.code, 0, on.stderr);
    const strip = (s: string) => JSON.stringify({ ...JSON.parse(s), timing: undefined, seconds: undefined });
    assert.equal(strip(on.stdout), strip(off.stdout));
  });
});
