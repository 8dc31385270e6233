/**
 * Property: fingerprints and statistics are functions of the global array alone — the
 * same for -n 1..4 and every split (each axis and none) — for random arrays holding NaN,
 * ±inf, -0, extents of one and zero, in every dtype, through the CLI end to end
 * (`dnd info`, `dnd resplit`, `dnd create` with --json --checksum --stats). Files with
 * exact contents come from h5py; numpy's statistics are the reference.
 * And: a move that changes a bit fails the job (exit 3) and writes nothing.
 *
 * The sample is random (about 30 jobs); its seed is in every assertion message and can be
 * fixed with DND_PROPERTY_SEED=N.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { InfoReport } from '../../src/runtime/jobs/info.js';
import type { MoveReport } from '../../src/runtime/jobs/move.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import { py, tempDir } from '../helpers/files.js';
import { dnd, dndJson, faultEnv } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';
import { rng } from '../helpers/rng.js';

interface Made {
  file: string;
  shape: number[];
  dtype: string;
  ref: { count: number; nan_count: number; min: unknown; max: unknown; mean: unknown; std: unknown; sum: unknown };
}

const SEED = Number(process.env.DND_PROPERTY_SEED ?? Math.floor(Math.random() * 1e6));

/** numbers within a few ulps; strings, null and integers exactly; signed zeros equal */
function close(got: unknown, want: unknown, ulps: number): boolean {
  if (typeof got === 'number' && typeof want === 'number') {
    if (got === want) return true;
    return Math.abs(got - want) <= ulps * Number.EPSILON * Math.abs(want);
  }
  return got === want;
}

describe(`stats and fingerprints do not depend on -n or split (seed ${SEED})`, () => {
  const dir = tempDir('dnd-prop-');
  let made: Made[] = [];
  const r = rng(SEED);
  before(() => {
    made = py<Made[]>('make_property_files.py', [dir, String(SEED), '4']);
  });

  it('info --stats --checksum: -n 1..4, every split, equal to -n 1 and to numpy', () => {
    for (const m of made) {
      const what = `${m.dtype} ${JSON.stringify(m.shape)} (seed ${SEED})`;
      const splits = ['none', ...m.shape.map((_, i) => String(i))];
      const runs: [number, string][] = [[1, '0']];
      // every split at least once, and every rank count, in random pairs
      splits.forEach((s) => runs.push([2 + Math.floor(r() * 3), s]));
      runs.push([4, splits[Math.floor(r() * splits.length)]]);
      let first: InfoReport | null = null;
      for (const [n, split] of runs) {
        const rep = dndJson<InfoReport>(['info', `${m.file}:/x`, '-n', String(n), '--split', split, '--stats', '--checksum']);
        assertSchema('array-report', rep);
        if (!first) {
          first = rep;
          const s = rep.stats;
          assert.ok(s, what);
          assert.equal(s.count, m.ref.count, `${what} count`);
          assert.equal(s.nan_count, m.ref.nan_count, `${what} nan_count`);
          assert.ok(close(s.min, m.ref.min, 0) && close(s.max, m.ref.max, 0), `${what} min/max ${s.min},${s.max} vs numpy ${String(m.ref.min)},${String(m.ref.max)}`);
          assert.ok(close(s.mean, m.ref.mean, 2), `${what} mean ${s.mean} vs ${String(m.ref.mean)}`);
          assert.ok(close(s.std, m.ref.std, 4), `${what} std ${s.std} vs ${String(m.ref.std)}`);
          assert.ok(close(s.sum, m.ref.sum, 2), `${what} sum ${s.sum} vs ${String(m.ref.sum)}`);
          continue;
        }
        assert.deepEqual(rep.stats, first.stats, `${what}: -n ${n} --split ${split} stats`);
        assert.equal(rep.checksum, first.checksum, `${what}: -n ${n} --split ${split} checksum`);
        assert.deepEqual(rep.sum, first.sum, `${what}: -n ${n} --split ${split} sum`);
        if (split === 'none') for (const k of rep.ranks) assert.equal(k.checksum, first.checksum, `${what}: each rank's copy`);
      }
    }
  });

  it('resplit --checksum: before = after = info, to every axis and none', () => {
    for (const m of made.slice(0, 3)) {
      const what = `${m.dtype} ${JSON.stringify(m.shape)} (seed ${SEED})`;
      const want = dndJson<InfoReport>(['info', `${m.file}:/x`, '--checksum', '--stats']);
      const axes = ['none', ...m.shape.map((_, i) => String(i))];
      const axis = axes[Math.floor(r() * axes.length)];
      const from = axes[Math.floor(r() * axes.length)];
      const n = 2 + Math.floor(r() * 3);
      const rep = dndJson<MoveReport>(['resplit', `${m.file}:/x`, '--split', from, '--axis', axis, '-n', String(n), '--checksum']);
      assert.equal(rep.before.checksum, want.checksum, `${what}: before (split ${from}, -n ${n})`);
      assert.equal(rep.checksum, want.checksum, `${what}: after (axis ${axis})`);
      assert.deepEqual(rep.sum, want.stats?.sum, `${what}: sum`);
    }
  });

  it('create: empty and one-extent shapes, split none counted once', () => {
    for (const [kind, shape, extra] of [
      ['randn', '7,4,3', []],
      ['zeros', '0,3', []],
      ['arange', '3,0,2', ['--dtype', 'int64']],
    ] as [string, string, string[]][]) {
      let first: ArrayReport | null = null;
      for (const [n, split] of [[1, '0'], [3, 'none'], [2, '1']] as [number, string][]) {
        const rep = dndJson<ArrayReport>(['create', kind, shape, '--seed', '3', '--checksum', '-n', String(n), '--split', split, ...extra]);
        assertSchema('array-report', rep);
        first ??= rep;
        assert.equal(rep.checksum, first.checksum, `${kind} ${shape} -n ${n} --split ${split}`);
        assert.deepEqual(rep.sum, first.sum, `${kind} ${shape} -n ${n} --split ${split}: sum`);
      }
      if (shape.split(',').includes('0')) {
        const info = dndJson<InfoReport>(['info', `${kind}:${shape}`, '--stats', '-n', '2', ...extra]);
        assert.deepEqual(info.stats, { count: 0, min: null, max: null, mean: null, std: null, sum: 0, nan_count: 0 });
      }
    }
  });

  it('the fingerprint sees the shape, the dtype and the sign of zero', () => {
    const fp = (src: string, args: string[] = []) => dndJson<ArrayReport>(['info', src, '--checksum', ...args]).checksum;
    const zeros = fp('zeros:2,6');
    assert.notEqual(fp('zeros:3,4'), zeros);
    assert.notEqual(fp('zeros:2,6', ['--dtype', 'int32']), zeros);
    const signs = py<Made[]>('make_property_files.py', [dir, 'zeros', '0']);
    assert.equal(signs.length, 2);
    assert.notEqual(fp(`${signs[0].file}:/x`), fp(`${signs[1].file}:/x`), '-0 and +0 differ');
    assert.equal(fp(`${signs[1].file}:/x`), fp('zeros:2,6', ['--dtype', 'float64']), 'h5py zeros = dnd zeros');
  });
});

describe('a move that changes the data fails the job', () => {
  const dir = tempDir('dnd-corrupt-');
  it('resplit --checksum with a flipped bit on one rank: exit 3, internal data error, nothing written', () => {
    const out = `${dir}/o.h5`;
    const r = dnd(['resplit', 'randn:7,4,3', '--axis', 'none', '--checksum', '-n', '2', '--out', out], { env: faultEnv('rank=1,at=moved,do=corrupt') });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /internal data error: the resplit changed the array \(fingerprint [0-9a-f]{16} before, [0-9a-f]{16} after \(the copies on rank 1 differ\)\)/);
    assert.ok(!existsSync(out), 'no output');
    const ok = dnd(['redistribute', 'randn:7,4,3', '--target', '7,0', '--checksum', '-n', '2']);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = dnd(['redistribute', 'randn:7,4,3', '--target', '7,0', '--checksum', '-n', '2'], { env: faultEnv('rank=0,at=moved,do=corrupt') });
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /internal data error: the redistribute changed the array/);
  });
});
