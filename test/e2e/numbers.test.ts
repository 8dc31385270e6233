/**
 * Every number that crosses launcher → ranks → launcher survives exactly, at every -n:
 * NaN, ±inf and -0 as fill values (h5py reads the bit patterns back), int64 values
 * beyond 2^53, seeds up to 2^64-1. Bad scalars are refused before launch (exit 2).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ArrayReport } from '../../src/runtime/report.js';
import { py, tempDir } from '../helpers/files.js';
import { dnd, dndJson } from '../helpers/run.js';

interface Values {
  dtype: string;
  shape: number[];
  values: ({ bits: string; text: string } | string)[];
}

const F32 = { nan: '7fc00000', inf: '7f800000', '-inf': 'ff800000', '-0': '80000000' } as const;
const F64 = { nan: '7ff8000000000000', inf: '7ff0000000000000', '-inf': 'fff0000000000000', '-0': '8000000000000000' } as const;

describe('numbers cross every process boundary exactly', () => {
  const dir = tempDir();

  it('full --value nan/inf/-inf/-0, float32 and float64, -n 1..4: the file holds those bits', () => {
    // each value at two rank counts, every rank count twice per dtype (16 jobs, not 32)
    for (const [d, [dtype, bits]] of ([['float32', F32], ['float64', F64]] as const).entries()) {
      for (const [k, v] of (['nan', 'inf', '-inf', '-0'] as const).entries()) {
        for (const n of [((k + d) % 4) + 1, ((k + d + 2) % 4) + 1]) {
          const out = join(dir, `full-${dtype}-${v}-${n}.h5`);
          const r = dnd(['create', 'full', '5', '--value', v, '--dtype', dtype, '-n', String(n), '--out', out]);
          assert.equal(r.code, 0, r.stderr);
          const got = py<Values>('values.py', [out, '/data']);
          assert.deepEqual(got.values.map((x) => (x as { bits: string }).bits), Array(5).fill(bits[v]), `${dtype} ${v} at -n ${n}`);
        }
      }
    }
  });

  it('int64 values beyond 2^53 are exact (full, arange), -n 1..4', () => {
    const big = '9007199254740993'; // 2^53 + 1: a double would round it to 2^53
    for (const n of [1, 2, 3, 4]) {
      const out = join(dir, `int64-${n}.h5`);
      assert.equal(dnd(['create', 'full', '3', '--value', big, '--dtype', 'int64', '-n', String(n), '--out', out]).code, 0);
      assert.deepEqual(py<Values>('values.py', [out, '/data']).values, [big, big, big]);
      const ar = join(dir, `arange-${n}.h5`);
      const r = dnd(['create', 'arange', '4', '--start', '-9223372036854775808', '--step', '3074457345618258602', '--dtype', 'int64', '-n', String(n), '--out', ar]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(py<Values>('values.py', [ar, '/data']).values, ['-9223372036854775808', '-6148914691236517206', '-3074457345618258604', '-2']);
    }
  });

  it('a seed beyond 2^53 is not rounded: same fingerprint for every -n, another than its neighbour', () => {
    const fp = (seed: string, n: number) => dndJson<ArrayReport>(['create', 'randn', '6,3', '--seed', seed, '--checksum', '-n', String(n)]).checksum;
    const top = '18446744073709551615';
    const sums = [1, 2, 3, 4].map((n) => fp(top, n));
    assert.ok(sums.every((s) => s === sums[0]), `same for every -n: ${sums}`);
    assert.notEqual(fp('18446744073709551614', 2), sums[0], 'the next seed down gives another array');
  });

  it('refused before launch with one line: bad scalars for their kind and dtype', () => {
    const cases: [string[], RegExp][] = [
      [['create', 'arange', '4', '--start', 'nan'], /arange needs a finite --start/],
      [['create', 'linspace', '4', '--stop', 'inf'], /linspace needs a finite --stop/],
      [['create', 'full', '4', '--value', 'nan', '--dtype', 'int32'], /only float32 and float64 hold nan/],
      [['create', 'full', '4', '--value', '9223372036854775808', '--dtype', 'int64'], /does not fit int64/],
      [['create', 'full', '4', '--value', '1e39'], /does not fit float32/],
      [['create', 'randn', '4', '--seed', '18446744073709551616'], /--seed as an integer from 0 to 2\^64-1/],
      [['create', 'zeros', '4', '--value', '1'], /--value does not apply to zeros/],
    ];
    for (const [args, re] of cases) {
      const r = dnd([...args, '-n', '2']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
  });
});
