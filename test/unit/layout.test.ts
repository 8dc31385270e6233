/** Exhaustive checks of the pure distribution math against DESIGN.md §2's rule. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  balancedLshapeMap,
  chunk,
  countsDispls,
  globalRuns,
  isBalancedMap,
  lshapeMapFromCounts,
  normalizeAxis,
  normalizeSplit,
  numel,
  validateCounts,
} from '../../src/dnd/layout.js';
import { isDndError } from '../../src/dnd/errors.js';

/** every shape with up to 4 axes and extents 0..3 (and a few larger 1-D ones) */
function* shapes(): Generator<number[]> {
  const ext = [0, 1, 2, 3];
  yield [];
  for (const a of ext) yield [a];
  for (const n of [5, 7, 10, 17]) yield [n];
  for (const a of ext) for (const b of ext) yield [a, b];
  for (const a of ext) for (const b of ext) for (const c of ext) yield [a, b, c];
  for (const a of ext) for (const b of ext) for (const c of ext) for (const d of ext) yield [a, b, c, d];
}

/** The rule, written independently: hand out rows one rank at a time. */
function reference(n: number, size: number): { offset: number; count: number }[] {
  const out: { offset: number; count: number }[] = [];
  let next = 0;
  for (let p = 0; p < size; p++) {
    const count = Math.floor(n / size) + (p < n % size ? 1 : 0);
    out.push({ offset: next, count });
    next += count;
  }
  return out;
}

describe('chunk()', () => {
  it('matches the rule for every shape up to 4-D, every split, 1-9 ranks, every rank', () => {
    let cases = 0;
    for (const shape of shapes()) {
      const ndim = shape.length;
      const splits: (number | null)[] = [null];
      for (let s = -ndim; s < ndim; s++) splits.push(s);
      for (const split of splits) {
        for (let size = 1; size <= 9; size++) {
          const axis = split === null ? null : split < 0 ? split + ndim : split;
          const ref = axis === null ? null : reference(shape[axis], size);
          let expectOffset = 0;
          for (let rank = 0; rank < size; rank++) {
            const c = chunk(shape, split, rank, size);
            cases++;
            if (axis === null || ref === null) {
              assert.deepEqual(c.lshape, shape);
              assert.equal(c.offset, 0);
              assert.deepEqual(c.slices, shape.map((d) => [0, d]));
              continue;
            }
            assert.equal(c.offset, ref[rank].offset, `offset ${shape} split ${split} rank ${rank}/${size}`);
            assert.equal(c.offset, expectOffset, 'offsets are contiguous');
            assert.equal(c.lshape[axis], ref[rank].count);
            shape.forEach((d, i) => {
              if (i !== axis) assert.equal(c.lshape[i], d, 'non-split axes are whole');
            });
            assert.deepEqual(c.slices[axis], [c.offset, c.offset + c.lshape[axis]]);
            expectOffset += c.lshape[axis];
          }
          if (axis !== null) {
            assert.equal(expectOffset, shape[axis], 'counts sum to the extent');
            const map = balancedLshapeMap(shape, axis, size);
            const { counts, displs } = countsDispls(map, axis);
            assert.equal(counts.reduce((a, b) => a + b, 0), shape[axis]);
            counts.forEach((cnt, p) => {
              assert.equal(cnt, ref![p].count);
              assert.equal(displs[p], ref![p].offset);
            });
            assert.ok(isBalancedMap(map, shape, axis));
            // counts differ by at most one, larger ones first
            assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
            for (let p = 1; p < size; p++) assert.ok(counts[p] <= counts[p - 1]);
          }
        }
      }
    }
    assert.ok(cases > 50000, `ran ${cases} cases`);
  });

  it('gives the documented example: 7 rows over 4 ranks -> 2,2,2,1', () => {
    assert.deepEqual(balancedLshapeMap([7, 4, 3], 0, 4), [[2, 4, 3], [2, 4, 3], [2, 4, 3], [1, 4, 3]]);
    assert.deepEqual(countsDispls(balancedLshapeMap([7, 4, 3], 0, 4), 0), { counts: [2, 2, 2, 1], displs: [0, 2, 4, 6] });
  });

  it('rejects axes outside [-ndim, ndim) and bad ranks/sizes with usage errors', () => {
    for (const [shape, split] of [[[3, 4], 2], [[3, 4], -3], [[5], 1]] as [number[], number][]) {
      assert.throws(() => chunk(shape, split, 0, 1), (e) => isDndError(e) && e.tag === 'usage' && /out of range/.test(e.message));
    }
    assert.throws(() => chunk([4], 0, 4, 4), /rank must be in 0..3/);
    assert.throws(() => chunk([4], 0, 0, 0), /size must be a positive integer/);
    assert.throws(() => normalizeAxis(1.5, 3), /integer/);
  });
});

describe('0-d arrays (scalars) are never split, as Heat\'s sanitize_axis', () => {
  it('any split of a 0-d shape is none: every rank holds the one element', () => {
    for (const split of [0, -1, 3, null]) {
      for (let size = 1; size <= 4; size++) {
        for (let rank = 0; rank < size; rank++) assert.deepEqual(chunk([], split, rank, size), { offset: 0, lshape: [], slices: [] });
      }
      assert.equal(normalizeSplit(split, 0), null);
    }
  });
});

describe('countsDispls / isBalancedMap / validateCounts', () => {
  it('counts and displs are undefined for split none', () => {
    assert.throws(() => countsDispls([[3, 4]], null), /undefined for a non-distributed array/);
  });
  it('an unbalanced map is recognised as such', () => {
    const map = lshapeMapFromCounts([7, 2], 0, [4, 0, 2, 1]);
    assert.deepEqual(map, [[4, 2], [0, 2], [2, 2], [1, 2]]);
    assert.equal(isBalancedMap(map, [7, 2], 0), false);
    assert.deepEqual(countsDispls(map, 0), { counts: [4, 0, 2, 1], displs: [0, 4, 4, 6] });
  });
  it('validates targets: length, sign, integrality, sum', () => {
    assert.doesNotThrow(() => validateCounts([7, 0, 0], 7, 3));
    assert.throws(() => validateCounts([7, 0], 7, 3), /2 entries but there are 3 ranks/);
    assert.throws(() => validateCounts([8, -1, 0], 7, 3), /non-negative integers/);
    assert.throws(() => validateCounts([6.5, 0.5, 0], 7, 3), /non-negative integers/);
    assert.throws(() => validateCounts([1, 2, 3], 7, 3), /sums to 6 but the split axis has 7 rows/);
  });
});

describe('globalRuns()', () => {
  it('maps every local element to its global flat index exactly once (all shapes, splits, 1-5 ranks)', () => {
    for (const shape of shapes()) {
      if (shape.length === 0) continue;
      const total = numel(shape);
      for (let axis = 0; axis < shape.length; axis++) {
        for (let size = 1; size <= 5; size++) {
          const seen = new Uint8Array(total);
          for (let rank = 0; rank < size; rank++) {
            const c = chunk(shape, axis, rank, size);
            const runs = globalRuns(shape, axis, c.offset, c.lshape[axis]);
            let local = 0;
            for (const r of runs) {
              assert.equal(r.local, local, 'runs cover the local block in order');
              local += r.length;
              for (let i = 0; i < r.length; i++) seen[r.global + i]++;
            }
            assert.equal(local, numel(c.lshape));
          }
          assert.ok(seen.every((v) => v === 1), `every element once: ${shape} split ${axis} size ${size}`);
        }
      }
      assert.deepEqual(globalRuns(shape, null, 0, 0), total ? [{ local: 0, global: 0, length: total }] : []);
    }
  });
});
