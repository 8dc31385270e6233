/**
 * `dnd create` end to end: the built CLI, a real mpiexec, 1-4 ranks. The ranks build
 * their own blocks; the fingerprint of the global contents (hashed per rank from its
 * own block, combined on rank 0) must equal the 1-rank array's, which shows that the
 * data lives on the ranks, distributed as chunk() says, and that random arrays do not
 * depend on -n or --split.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balancedLshapeMap, countsDispls, numel } from '../../src/dnd/layout.js';
import { dnd, dndJson } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';
import type { ArrayReport } from '../../src/runtime/report.js';

const cases: { shape: number[]; split: number | null; dtype: 'float32' | 'float64'; kind: string }[] = [
  { shape: [7, 4, 3], split: 0, dtype: 'float32', kind: 'randn' },
  { shape: [5], split: 0, dtype: 'float64', kind: 'randn' },
  { shape: [2, 9], split: 0, dtype: 'float32', kind: 'rand' }, // split axis shorter than the rank count
  { shape: [3, 0, 2], split: 1, dtype: 'float64', kind: 'randn' }, // zero-length axis
  { shape: [2, 3, 4, 5], split: -1, dtype: 'float32', kind: 'randn' }, // 4-D, negative split
  { shape: [6, 5], split: null, dtype: 'float64', kind: 'ones' }, // not split
];

function check(r: ArrayReport, shape: number[], split: number | null, n: number, itemsize: number): void {
  assertSchema('array-report', r);
  const axis = split === null ? null : split < 0 ? split + shape.length : split;
  assert.equal(r.command, 'create');
  assert.deepEqual(r.gshape, shape);
  assert.equal(r.split, axis);
  assert.equal(r.nprocs, n);
  assert.equal(r.ranks.length, n);
  assert.deepEqual(r.lshape_map, balancedLshapeMap(shape, axis, n));
  assert.equal(r.balanced, true);
  assert.equal(r.is_distributed, axis !== null && n > 1);
  if (axis === null) {
    assert.equal(r.counts, null);
    assert.equal(r.displs, null);
  } else {
    assert.deepEqual({ counts: r.counts, displs: r.displs }, countsDispls(r.lshape_map, axis));
  }
  r.ranks.forEach((k, p) => {
    assert.equal(k.rank, p);
    assert.deepEqual(k.lshape, r.lshape_map[p]);
    assert.equal(k.lnbytes, numel(k.lshape) * itemsize);
    assert.equal(k.offset, axis === null ? 0 : r.displs![p]);
  });
}

describe('dnd create on 1-4 ranks', () => {
  for (const c of cases) {
    const shape = c.shape.join(',');
    const split = c.split === null ? 'none' : String(c.split);
    it(`${c.kind} ${shape} --split ${split} --dtype ${c.dtype}: same global array for n = 1..4`, () => {
      const base = ['create', c.kind, shape, '--split', split, '--dtype', c.dtype, '--seed', '7', '--checksum'];
      const one = dndJson<ArrayReport>([...base, '-n', '1']);
      check(one, c.shape, c.split, 1, c.dtype === 'float32' ? 4 : 8);
      for (const n of [2, 3, 4]) {
        const r = dndJson<ArrayReport>([...base, '-n', String(n)]);
        check(r, c.shape, c.split, n, c.dtype === 'float32' ? 4 : 8);
        if (c.split !== null) {
          assert.equal(r.checksum, one.checksum, `n=${n}: same global contents as n=1`);
          const lsums = r.ranks.reduce((a, k) => a + Number(k.lsum ?? 0), 0);
          assert.ok(Math.abs(lsums - Number(one.sum ?? 0)) <= 1e-4 * Math.max(1, Math.abs(Number(one.sum ?? 0))), `n=${n}: local sums add up to the whole (${lsums} vs ${one.sum})`);
        } else {
          // every rank holds the whole array: each rank's fingerprint is the whole one
          for (const k of r.ranks) assert.equal(k.checksum, one.checksum);
        }
      }
    });
  }

  it('the same seed gives the same array whatever the split; another seed does not', () => {
    const a = dndJson<ArrayReport>(['create', 'randn', '6,5,4', '--split', '0', '-n', '3', '--seed', '42', '--checksum']);
    const b = dndJson<ArrayReport>(['create', 'randn', '6,5,4', '--split', '2', '-n', '2', '--seed', '42', '--checksum']);
    const c = dndJson<ArrayReport>(['create', 'randn', '6,5,4', '--split', '2', '-n', '2', '--seed', '43', '--checksum']);
    assert.equal(a.checksum, b.checksum);
    assert.notEqual(a.checksum, c.checksum);
  });

  it('zeros and ones hold what they say (local sums)', () => {
    const z = dndJson<ArrayReport>(['create', 'zeros', '10,3', '-n', '3', '--checksum']);
    const o = dndJson<ArrayReport>(['create', 'ones', '10,3', '-n', '3', '--checksum', '--dtype', 'float64']);
    assert.deepEqual(z.ranks.map((k) => k.lsum), [0, 0, 0]);
    assert.deepEqual(o.ranks.map((k) => k.lsum), [12, 9, 9]);
  });

  it('prints a table with one row per rank and the lshape_map; no colour when stdout is not a terminal', () => {
    const r = dnd(['create', 'randn', '7,4,3', '--split', '0', '-n', '4']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /DNDarray \(7, 4, 3\)\s+dtype float32\s+split 0\s+ranks 4\s+balanced yes/);
    assert.match(r.stdout, /│ 3\s+│ \S+\s+│ \(1, 4, 3\) │ 6\s+│ 1\s+│ \[6:7, 0:4, 0:3\]/);
    assert.match(r.stdout, /lshape_map \[\[2,4,3\],\[2,4,3\],\[2,4,3\],\[1,4,3\]\]/);
    assert.match(r.stdout, /counts \[2,2,2,1\]\s+displs \[0,2,4,6\]/);
    assert.equal(r.stdout.includes('\u001b['), false, 'no escape codes');
    const colored = dnd(['create', 'zeros', '4', '-n', '2'], { env: { FORCE_COLOR: '1' } });
    assert.equal(colored.stdout.includes('\u001b['), true, 'FORCE_COLOR gives escape codes');
  });

  it('--json prints exactly one JSON object and nothing else', () => {
    const r = dnd(['create', 'randn', '7,4,3', '-n', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotThrow(() => JSON.parse(r.stdout));
    assert.equal(r.stdout.trim().startsWith('{'), true);
    assert.equal(r.stderr, '');
  });
});
