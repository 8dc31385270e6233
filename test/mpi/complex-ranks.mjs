// Run under mpiexec by test/e2e/complex.test.ts: the library's complex arrays on real
// ranks — factories with [re, im] values, array() of interleaved parts, copy(), resplit
// and redistribute (values checked element by element from the global index), save and
// load, sizes, and the refusals (stats, tfjs, ranges).
import * as dnd from '../../dist/index.js';
import { collectiveChecks } from './checks.mjs';

const comm = dnd.Comm.world();
const { rank, size } = comm;
const checks = collectiveChecks(comm);
const { check, failures } = checks;
const file = process.argv[2];

/** Every item of x's block against want(g) = [re, im], bit for bit (Object.is: -0 and NaN). */
function partsAre(x, want, what) {
  let ok = x.larray.length === 2 * x.lnumel;
  const rows = x.split === null ? 0 : x.lshape[x.split];
  for (const run of dnd.globalRuns(x.gshape, x.split, x.offset, rows)) {
    for (let i = 0; i < run.length; i++) {
      const [re, im] = want(run.global + i);
      const l = 2 * (run.local + i);
      if (!Object.is(x.larray[l], re) || !Object.is(x.larray[l + 1], im)) ok = false;
    }
  }
  check(ok, what);
}

function throwsUsage(f, re, what) {
  let msg = '';
  try {
    f();
  } catch (e) {
    msg = e.tag === 'usage' ? e.message : `not a usage error: ${e}`;
  }
  check(re.test(msg), `${what}: ${msg}`);
}

// a value per global index with every kind of part: NaN, ±inf, -0, fractions
const special = [NaN, Infinity, -Infinity, -0, 0.5, -3];
const val = (g) => [g % 7 === 3 ? special[g % 6] : g * 0.5 - 2, g % 5 === 1 ? special[(g + 1) % 6] : 100 - g];

for (const dtype of ['complex64', 'complex128']) {
  const F = dtype === 'complex64' ? Float32Array : Float64Array;
  const round = (v) => (dtype === 'complex64' ? Math.fround(v) : v);
  const valAs = (g) => val(g).map(round);

  const f = dnd.full([5, 3], [1.5, -2], { dtype, split: 0 });
  partsAre(f, () => [1.5, -2], `${dtype} full [re, im]`);
  check(f.itemsize === (dtype === 'complex64' ? 8 : 16), `${dtype} itemsize`);
  check(f.nbytes === 15 * f.itemsize && f.lnbytes === f.lnumel * f.itemsize && f.larray.byteLength === f.lnbytes, `${dtype} nbytes, lnbytes`);
  partsAre(dnd.full([4], 2, { dtype, split: 0 }), () => [2, 0], `${dtype} full real value: imaginary 0`);
  partsAre(dnd.ones([3, 4], { dtype, split: 1 }), () => [1, 0], `${dtype} ones`);
  partsAre(dnd.zeros([0, 4], { dtype, split: 0 }), () => [0, 0], `${dtype} zeros empty`);
  partsAre(dnd.eye([4, 6], { dtype, split: 1 }), (g) => [Math.floor(g / 6) === g % 6 ? 1 : 0, 0], `${dtype} eye`);

  // array(): every rank passes the whole array as interleaved parts
  const shape = [7, 4, 3];
  const n = 84;
  const whole = new F(2 * n);
  for (let g = 0; g < n; g++) whole.set(val(g), 2 * g);
  for (const split of [0, 1, 2, null]) {
    const x = dnd.array(whole, { dtype, shape, split });
    partsAre(x, valAs, `${dtype} array split ${split}`);
    const c = x.copy();
    check(c.larray !== x.larray && c.larray.length === x.larray.length, `${dtype} copy is a new block of the same length`);
    partsAre(c, valAs, `${dtype} copy split ${split}`);
    const fp = dnd.globalFingerprint(x);
    for (const to of [0, 1, 2, null]) {
      const y = x.resplit(to);
      partsAre(y, valAs, `${dtype} resplit ${split} -> ${to}`);
      check(dnd.globalFingerprint(y) === fp, `${dtype} resplit ${split} -> ${to}: fingerprint`);
    }
    if (split !== null) {
      const target = Array.from({ length: size }, (_, p) => (p === size - 1 ? shape[split] - (size - 1) * Math.floor(shape[split] / size / 2) : Math.floor(shape[split] / size / 2)));
      const z = x.redistribute(target);
      partsAre(z, valAs, `${dtype} redistribute split ${split} to ${target}`);
      check(dnd.globalFingerprint(z) === fp, `${dtype} redistribute: fingerprint`);
    }
  }

  // is_split: each rank's own rows, interleaved
  const mine = new F(2 * 2 * (rank + 1)).fill(rank);
  const s = dnd.array(mine, { dtype, shape: [rank + 1, 2], isSplit: 0 });
  check(s.gshape[0] === (size * (size + 1)) / 2 && s.lnumel === 2 * (rank + 1), `${dtype} array isSplit`);
  throwsUsage(() => dnd.array(new F(3), { dtype }), /odd number of elements/, `${dtype} array of an odd length`);
  throwsUsage(() => dnd.array(new F(4), { dtype, shape: [3] }), /needs 6 elements/, `${dtype} array shape mismatch`);

  // save and load
  const x = dnd.array(whole, { dtype, shape, split: 1 });
  dnd.save(x, file, `/${dtype}`, { mode: dtype === 'complex64' ? 'create' : 'append' });
  for (const split of [0, 2, null]) {
    const y = dnd.load(file, `/${dtype}`, { split });
    check(y.dtype === dtype, `${dtype} load dtype`);
    partsAre(y, valAs, `${dtype} save then load split ${split}`);
  }

  throwsUsage(() => dnd.globalStats(x), /statistics are for real dtypes, not complex/, `${dtype} stats refused`);
  throwsUsage(() => dnd.arange(4, { dtype }), /arange cannot make complex/, `${dtype} arange refused`);
  throwsUsage(() => dnd.randn([4], { dtype }), /randn cannot make complex/, `${dtype} randn refused`);
  throwsUsage(() => dnd.full([2], [1, 2], { dtype: 'float64' }), /needs dtype complex64 or complex128/, 'a pair for a real dtype');
  let tf = '';
  await x.toTensor().catch((e) => (tf = e.message));
  check(/tfjs has no complex/.test(tf), `${dtype} toTensor refused: ${tf}`);
  check(String(x).includes(`dtype=${dtype}`), `${dtype} String(x)`);
}

if (rank === 0) process.stdout.write(JSON.stringify({ size, cases: checks.cases, failures }) + '\n');
dnd.finalize();
