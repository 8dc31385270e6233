/**
 * Memory inside a job (issue 12 item 11, issue 19 item 2): a block that cannot be
 * allocated is exit 3 naming the rank and the size asked for (it was a native
 * `double free` crash, exit 134); moves reuse blocks where they can and never alias a
 * copy; every array report says how long first touch took (timing.alloc_s); a released
 * block's pages go only to a block that is written whole, never to one that must read as
 * zeros, and never while a view of the released block could still see them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { py, tempDir } from '../helpers/files.js';
import { BIN, ROOT, dnd, dndJson, mpiEnv } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import { RANK_NODE_FLAGS } from '../../src/runtime/launcher.js';

function script(dir: string, name: string, body: string): string {
  const path = `${dir}/${name}`;
  writeFileSync(path, body);
  return path;
}

/** exit 3, one dnd line naming a rank, no native crash or stack trace */
function assertAllocFailure(r: { code: number | null; stderr: string }, size: RegExp): void {
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /^dnd: rank [01] \([^)]+\): cannot allocate a block of /m);
  assert.match(r.stderr, size);
  assert.doesNotMatch(r.stderr, /double free|free\(\)|Aborted|signal 6|\n\s+at /);
}

describe('a failed allocation inside a job', () => {
  const dir = tempDir();

  it('dnd.zeros([1e6, 1e6]) under dnd run: exit 3 with the rank and the size asked for', () => {
    const s = script(dir, 'huge.mjs', "dnd.zeros([1e6, 1e6]);\nconsole.log('allocated');\n");
    const r = dnd(['run', s, '-n', '2']);
    assertAllocFailure(r, /1000000000000 float32 elements \(4000000000000 bytes, 3725\.3 GiB\): .*2\^32 elements/);
    assert.doesNotMatch(r.stdout, /allocated/);
  });

  it('a block larger than the memory this host has available: exit 3, before touching it', () => {
    const s = script(dir, 'toobig.mjs', "dnd.zeros([2, 2e9], { dtype: 'float64' });\n");
    const r = dnd(['run', s, '-n', '2']);
    assertAllocFailure(r, /4000000000 float64 elements \(32000000000 bytes, 29\.8 GiB\): this host has [\d.]+ GiB available/);
  });

  it('an allocation the system refuses (address-space limit): exit 3 with the size and the reason', () => {
    const s = script(dir, 'limited.mjs', 'dnd.zeros([2, 5e8], { split: 0 });\n');
    // prlimit's limit is inherited by mpiexec and the ranks
    const r = spawnSync('prlimit', ['--as=3000000000', process.execPath, BIN, 'run', s, '-n', '2'], { encoding: 'utf8', timeout: 120000 });
    assertAllocFailure({ code: r.status, stderr: r.stderr }, /500000000 float32 elements \(2000000000 bytes, 1\.9 GiB\): Array buffer allocation failed/);
  });
});

describe('blocks reused by moves, first touch reported', () => {
  it('an in-place redistribute keeps a shrinking block as a view; the copying one shares nothing', () => {
    const r = dnd(['run', 'test/mpi/reuse-ranks.mjs', '-n', '2', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
    assert.deepEqual(out, { copyShares: [false, false], xIntact: [true, true], kept: [true, false], bad: [0, 0], lshapeMap: [[1047576], [1049576]] });
  });

  it('timing.alloc_s is in every array report and its schema', () => {
    const moved = dndJson<ArrayReport & { before: { checksum?: string } }>(['redistribute', 'arange:2048,1024', '--target', '1536,512', '-n', '2', '--checksum']);
    assert.equal(typeof moved.timing.alloc_s, 'number');
    assert.ok(moved.timing.alloc_s >= 0 && moved.timing.alloc_s <= moved.timing.total_s);
    assert.equal(moved.checksum, moved.before.checksum);
    assertSchema('array-report', moved);
    const created = dndJson<ArrayReport>(['create', 'ones', '1024,1024', '-n', '2']);
    assert.ok(created.timing.alloc_s > 0, 'a 4 MiB filled block is pre-faulted and timed');
    assertSchema('array-report', created);
  });
});

describe('released blocks reused by the next block of their size (test/mpi/pool-ranks.mjs)', () => {
  const dir = tempDir();
  const partial = `${dir}/partial.h5`;
  const { written_rows: written } = py<{ written_rows: number }>('make_partial_chunks.py', [partial, '1536', '2048', '256']);
  for (const n of [1, 2, 3, 4]) {
    it(`${n} rank(s): moves, loads, draws and copies take a NaN-filled released block and leave no stale value; zero blocks never take it`, () => {
      const r = spawnSync('mpiexec', ['-n', String(n), process.execPath, `${ROOT}test/mpi/pool-ranks.mjs`, `${dir}/pool${n}.h5`, partial, String(written)], { encoding: 'utf8', env: mpiEnv(), timeout: 120000 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { size: number; cases: number; failures: string[] };
      assert.equal(out.size, n);
      assert.deepEqual(out.failures, []);
      assert.ok(out.cases >= 43, `${out.cases} cases`);
    });
  }
});

describe('in-place moves hand kept rows to a fresh block as pages (test/mpi/move-pages-ranks.mjs)', () => {
  for (const n of [1, 2, 3]) {
    it(`${n} rank(s): redistribute, balance, complex items and a gather in place: values bit for bit, pages moved where the block is fresh, none from a caller's memory or with DND_REUSE=off`, () => {
      const r = spawnSync('mpiexec', ['-n', String(n), process.execPath, `${ROOT}test/mpi/move-pages-ranks.mjs`], { encoding: 'utf8', env: mpiEnv(), timeout: 120000 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { size: number; cases: number; failures: string[] };
      assert.equal(out.size, n);
      assert.deepEqual(out.failures, []);
      assert.ok(out.cases >= 21, `${out.cases} cases`);
    });
  }
});

/**
 * A loop of exchanges costs V8 no collections: allocating any backing store while a large
 * block is young makes V8 collect its young generation first, and the exchange path used
 * to allocate small ones for every collective (two collections a rep at 32 MiB a rank,
 * 0.2-0.5 ms each); it now passes kept vectors (src/dnd/scratch.ts), as do the moments
 * and the fingerprint of a block.
 */
describe('exchange loops without garbage collection (test/mpi/gc-ranks.mjs)', () => {
  for (const op of ['resplit', 'redistribute', 'resplit+stats']) {
    it(`${op} of 64 MiB at -n 2, 12 reps: no young-generation collection after the 4th rep on any rank`, () => {
      // a young generation of 16 MiB from the start: the JS objects of 8 reps (a column
      // split's 4,096 checksum runs among them) do not fill it, so any young collection in
      // them is one a backing store caused (V8's threshold for those does not move with it)
      const flags = ['--expose-gc', '--min-semi-space-size=16'];
      const r = spawnSync('mpiexec', ['-n', '2', process.execPath, ...RANK_NODE_FLAGS, ...flags, `${ROOT}test/mpi/gc-ranks.mjs`, op], { encoding: 'utf8', env: mpiEnv(), timeout: 120000 });
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rank: number; reps: number; minor_gcs_late: number });
      assert.deepEqual(out.map((o) => o.rank).sort(), [0, 1]);
      for (const o of out) assert.equal(o.minor_gcs_late, 0, `rank ${o.rank}: ${o.minor_gcs_late} young collections in reps 5-${o.reps}`);
    });
  }
});

/**
 * A block's first touch in slices, each with or without huge-page advice, timed, the faster
 * advice then given to the rest (src/dnd/memory.ts): the process's first block carries the
 * probes of both. Where most of it went onto huge pages, the small-page probes are moved
 * onto huge pages too, so that the block is on one page size (a reused block pays the TLB
 * misses of every small page again on every pass). The kernel's own account
 * (AnonHugePages) says so.
 */
describe('page advice of a pre-faulted block', () => {
  const thp = /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
  const MiB = 1 << 20;
  function firstBlock(env: Record<string, string>): { advice: string | null; huge: number; bytes: number } {
    const code = [
      `import { allocate, pageAdvice } from '${ROOT}dist/dnd/memory.js';`,
      "import { readFileSync } from 'node:fs';",
      "const a = allocate('float32', 16 << 20);",
      "const huge = Number(/^AnonHugePages:\\s+(\\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))[1]) * 1024;",
      'console.log(JSON.stringify({ advice: pageAdvice(), huge, bytes: a.byteLength }));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { advice: string | null; huge: number; bytes: number };
  }
  // the block's first and last 2 MiB may straddle a huge page's bounds: up to 4 MiB stay small
  it('measured: the 64 MiB block ends all on huge pages, or on small pages but for the two huge probes', () => {
    for (let i = 0; i < 3; i++) {
      const b = firstBlock({ DND_HUGEPAGES: 'auto' });
      assert.ok(b.advice === 'huge' || b.advice === 'small', `advice ${b.advice}`);
      if (thp === 'never') assert.equal(b.huge, 0);
      else assert.ok(b.huge >= b.bytes - 4 * MiB || b.huge <= 8 * MiB + 2 * MiB, `${b.huge / MiB} MiB of ${b.bytes / MiB} on huge pages: mixed`);
    }
  });
  it('pinned: DND_HUGEPAGES=on puts the block on huge pages, off on none', () => {
    const on = firstBlock({ DND_HUGEPAGES: 'on' });
    const off = firstBlock({ DND_HUGEPAGES: 'off' });
    assert.equal(on.advice, 'huge');
    assert.equal(off.advice, 'small');
    if (thp !== 'never') assert.ok(on.huge >= on.bytes - 4 * MiB, `${on.huge / MiB} MiB on huge pages`);
    assert.ok(off.huge <= 2 * MiB, `${off.huge / MiB} MiB on huge pages with DND_HUGEPAGES=off`);
  });
});
