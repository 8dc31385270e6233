// Run under mpiexec by test/e2e/ops.test.ts: many resplit/redistribute cases in one job.
// For each case the global fingerprint (hash of every element with its global index)
// must be the same before and after, and the layout what was asked. Every rank checks
// its own part; the verdict is agreed with an Allreduce so all ranks fail together.
import * as dnd from '../../dist/index.js';

const comm = dnd.Comm.world();
const { rank, size } = comm;
const failures = [];
let cases = 0;

function fingerprint(x) {
  const global = dnd.globalFingerprint(x);
  if (x.split !== null) return global;
  // every rank holds the whole array: each rank's own copy must give the whole fingerprint
  const each = comm.allgatherJSON(dnd.finishFingerprint(dnd.localLanes(x, 0), x.gshape, x.dtype));
  return each.every((h) => h === global) ? global : `ranks disagree: ${each.join(',')}`;
}

function expect(ok, what) {
  cases++;
  const all = comm.allreduceNumber(ok ? 1 : 0, 'min');
  if (all !== 1 && rank === 0) failures.push(what);
}

function sameMap(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

const shapes = [[7], [5, 3], [1, 4], [3, 0, 2], [2, 3, 2, 3], [6, 5, 4]];
const dtypes = ['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'bool'];

shapes.forEach((shape, si) => {
  const ndim = shape.length;
  const dtype = dtypes[si % dtypes.length];
  const make = (split) =>
    dtype === 'bool' || dtype.startsWith('int') || dtype.startsWith('uint')
      ? dnd.randint(0, dtype === 'bool' ? 2 : 100, shape, { split, dtype, state: new dnd.RandomState(si) })
      : dnd.randn(shape, { split, dtype, state: new dnd.RandomState(si) });
  const reference = fingerprint(make(0));
  // every (from, to) pair of axes including none and negative spellings
  const axes = [null, ...shape.map((_, i) => i), -1];
  for (const from of axes) {
    const x = make(from);
    expect(fingerprint(x) === reference, `${shape} ${dtype}: built with split ${from} differs from split 0`);
    for (const to of axes) {
      const y = x.resplit(to);
      const norm = to === null ? null : to < 0 ? to + ndim : to;
      expect(y.split === norm && sameMap(y.lshapeMap, dnd.balancedLshapeMap(shape, norm, size)), `${shape} resplit ${from}->${to}: layout`);
      expect(fingerprint(y) === reference, `${shape} ${dtype} resplit ${from}->${to}: contents`);
      expect(x.split === (from === null ? null : from < 0 ? from + ndim : from), `${shape} resplit ${from}->${to} changed its source`);
    }
  }
  // resplit to none and back, in place
  const z = make(ndim - 1);
  z.resplitInPlace(null);
  expect(z.split === null && sameMap(z.lshapeMap, dnd.balancedLshapeMap(shape, null, size)), `${shape} in place to none`);
  z.resplitInPlace(0);
  expect(z.split === 0 && fingerprint(z) === reference, `${shape} in place none -> 0`);

  // redistribute along every axis: all on one rank, all on the last, reversed, then balance
  for (let axis = 0; axis < ndim; axis++) {
    const n = shape[axis];
    const balanced = dnd.countsDispls(dnd.balancedLshapeMap(shape, axis, size), axis).counts;
    const targets = {
      'all on rank 0': Array.from({ length: size }, (_, p) => (p === 0 ? n : 0)),
      'all on the last rank': Array.from({ length: size }, (_, p) => (p === size - 1 ? n : 0)),
      reversed: [...balanced].reverse(),
      'uneven, middle ranks empty': Array.from({ length: size }, (_, p) => (p === 0 ? n - Math.floor(n / 2) : 0) + (p === size - 1 ? Math.floor(n / 2) : 0)),
    };
    for (const [name, target] of Object.entries(targets)) {
      const x = make(axis);
      x.redistributeInPlace(target);
      expect(sameMap(x.counts, target) && x.balanced === dnd.isBalancedMap(x.lshapeMap, shape, axis), `${shape} axis ${axis} redistribute ${name}: counts`);
      expect(fingerprint(x) === reference, `${shape} ${dtype} axis ${axis} redistribute ${name}: contents`);
      x.balanceInPlace();
      expect(x.isBalanced(true) && sameMap(x.counts, balanced), `${shape} axis ${axis} ${name} then balance: layout`);
      expect(fingerprint(x) === reference, `${shape} axis ${axis} ${name} then balance: contents`);
    }
  }
});

// bad targets are usage errors before anything moves
const x = dnd.zeros([5, 2], { split: 0 });
for (const bad of [[5], Array(size).fill(-1), Array(size).fill(0.5), Array(size).fill(0)]) {
  let tag = null;
  try {
    x.redistributeInPlace(bad);
  } catch (e) {
    tag = e.tag;
  }
  expect(size === 1 && bad.length === 1 && bad[0] === 5 ? tag === null : tag === 'usage', `bad target ${JSON.stringify(bad)} gives a usage error`);
}

if (rank === 0) process.stdout.write(JSON.stringify({ size, cases, failures }) + '\n');
dnd.finalize();
