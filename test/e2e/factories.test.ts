/** Every factory's values, random streams across rank counts, and --counts, on real ranks. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { dndJson, mpiEnv, ROOT } from '../helpers/run.js';
import type { ArrayReport } from '../../src/runtime/report.js';

function ranks(n: number): { size: number; cases: number; failures: string[]; draws: number[][] } {
  const r = spawnSync('mpiexec', ['-n', String(n), process.execPath, `${ROOT}test/mpi/factories-ranks.mjs`], { encoding: 'utf8', env: mpiEnv(), timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

describe('factories on real ranks', () => {
  const results = new Map<number, ReturnType<typeof ranks>>();
  for (const n of [1, 2, 3, 4]) {
    it(`${n} rank(s): values from the global index, moments, --counts`, () => {
      const out = ranks(n);
      results.set(n, out);
      assert.equal(out.size, n);
      assert.deepEqual(out.failures, []);
      assert.ok(out.cases >= 40);
    });
  }
  it('first, second and third draw of a stream are bit-identical for 1-4 ranks, and differ from each other', () => {
    const one = results.get(1)?.draws;
    assert.ok(one, 'the 1-rank run happened');
    for (const n of [2, 3, 4]) assert.deepEqual(results.get(n)?.draws, one, `${n} ranks`);
    assert.notDeepEqual(one[0], one[1], 'the second draw is a new draw');
    assert.equal(one[0].length, 15);
    assert.equal(one[2].length, 7);
  });
});

describe('dnd create --counts and every kind/dtype', () => {
  it('--counts gives exactly the requested lshape_map', () => {
    const r = dndJson<ArrayReport>(['create', 'arange', '7,2', '--counts', '4,0,2,1', '-n', '4', '--checksum']);
    assert.deepEqual(r.lshape_map, [
      [4, 2],
      [0, 2],
      [2, 2],
      [1, 2],
    ]);
    assert.equal(r.balanced, false);
    assert.deepEqual(r.ranks.map((k) => k.lsum), [0 + 1 + 2 + 3 + 4 + 5 + 6 + 7, 0, 8 + 9 + 10 + 11, 12 + 13]);
    const balanced = dndJson<ArrayReport>(['create', 'arange', '7,2', '-n', '1', '--checksum']);
    assert.equal(r.checksum, balanced.checksum);
  });

  it('every kind with a dtype it supports runs on 2 ranks', () => {
    const cases: string[][] = [
      ['zeros', '3,2', '--dtype', 'uint16'],
      ['ones', '3,2', '--dtype', 'bool'],
      ['full', '3,2', '--value', '-3', '--dtype', 'int8'],
      ['empty', '3,2', '--dtype', 'uint32'],
      ['arange', '6', '--start', '10', '--step', '2', '--dtype', 'int64'],
      ['linspace', '5', '--start', '0', '--stop', '1', '--dtype', 'float64'],
      ['eye', '3,3', '--dtype', 'int32'],
      ['rand', '3,2', '--dtype', 'float64'],
      ['randn', '3,2'],
      ['randint', '3,2', '--low', '5', '--high', '9', '--dtype', 'uint8'],
    ];
    const sums = [0, 6, -18, 0, 6 * 10 + 2 * 15, 2.5, 3];
    cases.forEach((c, i) => {
      const r = dndJson<ArrayReport>(['create', ...c, '-n', '2', '--checksum']);
      assert.equal(r.dtype, c.includes('--dtype') ? c[c.indexOf('--dtype') + 1] : 'float32');
      if (i < sums.length) assert.equal(r.sum, sums[i], c.join(' '));
    });
  });
});
