/**
 * resplit and redistribute under real MPI with 1-4 ranks: the library on many cases per
 * job (every dtype, 1-D to 4-D, negative axes, empty blocks, extents smaller than the
 * rank count, to none and back, all-on-one, all-on-last, reversed, then balance), and
 * the commands end to end (before/after, checksums, --dry-run, bad targets).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { balancedLshapeMap } from '../../src/dnd/layout.js';
import type { DryRunReport } from '../../src/runtime/dry-run.js';
import type { MoveReport } from '../../src/runtime/jobs/move.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import { py, tempDir } from '../helpers/files.js';
import { dnd, dndJson, mpiEnv, ROOT } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';

describe('the library: resplit and redistribute keep the global array', () => {
  for (const n of [1, 2, 3, 4]) {
    it(`${n} rank(s): every case`, () => {
      const r = spawnSync('mpiexec', ['-n', String(n), process.execPath, `${ROOT}test/mpi/ops-ranks.mjs`], { encoding: 'utf8', env: mpiEnv(), timeout: 300000 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { size: number; cases: number; failures: string[] };
      assert.equal(out.size, n);
      assert.deepEqual(out.failures, []);
      assert.ok(out.cases > 300, `${out.cases} cases`);
    });
  }
});

describe('dnd resplit / redistribute', () => {
  it('resplit 0 -> 1 on 3 ranks: balanced after, same contents, before shown', () => {
    const r = dndJson<MoveReport>(['resplit', 'randn:7,5,3', '--axis', '1', '-n', '3', '--checksum', '--seed', '3']);
    assertSchema('array-report', r);
    assert.equal(r.command, 'resplit');
    assert.equal(r.split, 1);
    assert.deepEqual(r.lshape_map, balancedLshapeMap([7, 5, 3], 1, 3));
    assert.deepEqual(r.before.lshape_map, balancedLshapeMap([7, 5, 3], 0, 3));
    assert.equal(r.before.split, 0);
    assert.equal(r.checksum, r.before.checksum);
    const fresh = dndJson<ArrayReport>(['create', 'randn', '7,5,3', '-n', '1', '--checksum', '--seed', '3']);
    assert.equal(r.checksum, fresh.checksum, 'the same array a single rank builds');
    assert.equal(r.moved.method, 'alltoallw');
    assert.ok(r.moved.bytes > 0);
  });

  it('redistribute to a target, then --balance from an unbalanced start', () => {
    const t = dndJson<MoveReport>(['redistribute', 'arange:10,2', '--target', '0,7,0,3', '-n', '4', '--checksum']);
    assert.deepEqual(t.counts, [0, 7, 0, 3]);
    assert.deepEqual(t.displs, [0, 0, 7, 7]);
    assert.equal(t.balanced, false);
    assert.equal(t.checksum, t.before.checksum);
    assert.equal(t.moved.method, 'alltoallv', 'rows along axis 0 are contiguous: plain Alltoallv');
    const b = dndJson<MoveReport>(['redistribute', 'arange:10,2', '--counts', '10,0,0,0', '--balance', '-n', '4', '--checksum']);
    assert.deepEqual(b.before.counts, [10, 0, 0, 0]);
    assert.deepEqual(b.counts, [3, 3, 2, 2]);
    assert.equal(b.balanced, true);
    assert.equal(b.checksum, b.before.checksum);
    assert.deepEqual(
      b.ranks.map((k) => k.lsum),
      [0 + 1 + 2 + 3 + 4 + 5, 6 + 7 + 8 + 9 + 10 + 11, 12 + 13 + 14 + 15, 16 + 17 + 18 + 19],
      'rows kept their global order',
    );
  });

  it('--dry-run prints the plan without starting ranks (no mpiexec on PATH)', () => {
    const p = dndJson<DryRunReport>(['resplit', 'randn:8,6', '--axis', '1', '-n', '2', '--dry-run', '--launcher', 'mpiexec'], { env: { PATH: '/nonexistent' } });
    assertSchema('dry-run', p);
    assert.equal(p.dry_run, true);
    assert.deepEqual(p.traffic, [
      [48, 48],
      [48, 48],
    ]);
    assert.deepEqual(
      p.ranks.map((k) => [k.send_bytes, k.recv_bytes, k.peak_estimate_bytes]),
      [
        [48, 48, 192],
        [48, 48, 192],
      ],
    );
    const r = dndJson<DryRunReport>(['redistribute', 'zeros:9,4', '--target', '9,0,0', '-n', '3', '--dry-run', '--dtype', 'float64']);
    assert.deepEqual(r.traffic.map((row) => row[0]), [96, 96, 96]);
    assert.equal(r.total_bytes_between_ranks, 192);
  });

  it('bad targets and axes: exit 2 with the reason, before anything starts', () => {
    const cases: [string[], RegExp][] = [
      [['redistribute', 'randn:7,2', '--target', '7,0', '-n', '3'], /2 entries but there are 3 ranks/],
      [['redistribute', 'randn:7,2', '--target', '8,-1,0', '-n', '3'], /Expected --target as comma-separated non-negative integers/],
      [['redistribute', 'randn:7,2', '--target', '3,3,3', '-n', '3'], /sums to 9 but the split axis has 7 rows/],
      [['redistribute', 'randn:7,2', '--target', '3.5,3.5', '-n', '2'], /Expected --target/],
      [['redistribute', 'randn:7,2', '-n', '2'], /--target .* or --balance/],
      [['redistribute', 'randn:7,2', '--split', 'none', '--balance', '-n', '2'], /--split is none/],
      [['resplit', 'randn:7,2', '--axis', '2', '-n', '2'], /axis 2 is out of range for 2-D shape/],
      [['resplit', 'randn:7,2', '-n', '2'], /Missing required flag axis|--axis/],
      // the target must fit too, not only the source: 4 ranks each holding 9 GiB whole
      [['resplit', 'randn:49152,49152', '--axis', 'none', '-n', '4'], /resplit to --axis none of 49152,49152 float32 does not fit: 11\.3 GiB on the largest rank .* 4 rank\(s\) need 45 GiB/],
      [['redistribute', 'zeros:400000,10000', '--target', '400000,0,0', '-n', '3'], /redistribute of 400000,10000 float32 does not fit: 19\.9 GiB on the largest rank/],
    ];
    for (const [args, re] of cases) {
      const r = dnd(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('a move that cannot fit is refused before launch, but its --dry-run still shows the plan', () => {
    const args = ['resplit', 'randn:49152,49152', '--axis', 'none', '-n', '4'];
    const r = dnd([...args, '--dry-run', '--json'], { env: { PATH: '/usr/bin:/bin' } });
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as DryRunReport;
    assert.equal(plan.ranks[0].peak_estimate_bytes, (49152 * 49152 * 4) / 4 + 49152 * 49152 * 4);
    // and it says, in one line, that the real run would be refused, with the real run's words
    // (less its advice to use --dry-run)
    const real = dnd(args);
    assert.equal(real.code, 2, real.stderr);
    assert.match(real.stderr, /Use more nodes, fewer ranks per node, or --dry-run to see the plan\n$/);
    // memory available moves between the two runs: compare the rest
    const free = (t: string) => t.replace(/has [\d.]+ \w+ available/, 'has … available');
    assert.equal(free(r.stderr), free(`dnd: without --dry-run this would be refused here: ${real.stderr.replace(/^dnd: /, '').replace(', fewer ranks per node, or --dry-run to see the plan', ' or fewer ranks per node')}`));
    assert.match(r.stderr, /has [\d.]+ \w+ available/);
  });

  it('--dry-run plans even an array this machine could not hold at all (the source alone does not fit)', () => {
    for (const args of [
      ['resplit', 'randn:1000000,1000000', '--axis', '1', '-n', '4'],
      ['redistribute', 'zeros:1000000,1000000', '--target', '1000000,0,0,0', '-n', '4'],
    ]) {
      const r = dnd([...args, '--dry-run', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as DryRunReport;
      assert.equal(plan.ranks[0].old_bytes, 250000 * 1000000 * 4);
      assert.equal(plan.ranks[0].new_bytes, args[0] === 'resplit' ? 250000 * 1000000 * 4 : 1000000 * 1000000 * 4);
      assert.match(r.stderr, /^dnd: without --dry-run this would be refused here: array of 1000000,1000000 float32 does not fit: .*\n$/);
      const real = dnd(args);
      assert.equal(real.code, 2, real.stderr);
      assert.match(real.stderr, /does not fit/);
    }
  });

  it('--dry-run of a move that fits says nothing more than the plan', () => {
    const r = dnd(['redistribute', 'randn:400,400', '--target', '400,0', '-n', '2', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('writes the result with --out: h5py reads the resplit array exactly', () => {
    const dir = tempDir();
    const r = dndJson<MoveReport>(['resplit', 'arange:6,4', '--axis', '1', '-n', '3', '--out', `${dir}/t.h5`, '--dtype', 'int32']);
    assert.deepEqual(r.out, { file: `${dir}/t.h5`, dataset: '/data' });
    const back = py<{ shape: number[]; equals_arange: boolean }>('read_back.py', [`${dir}/t.h5`, '/data', 'arange']);
    assert.deepEqual(back.shape, [6, 4]);
    assert.equal(back.equals_arange, true);
  });
});
