// Run under mpiexec by test/e2e/factories.test.ts. Every factory's values against a
// direct computation from the global index, on every rank's own block; random draws
// (first and second of a stream) gathered to rank 0 in global order for comparison.
import * as dnd from '../../dist/index.js';
import { collectiveChecks } from './checks.mjs';

const comm = dnd.Comm.world();
const { rank, size } = comm;
const checks = collectiveChecks(comm);
const { check, failures } = checks;

/** Calls f(localIndex, globalIndex) for every element of x's block. */
function eachGlobal(x, f) {
  const rows = x.split === null ? 0 : x.lshape[x.split];
  for (const run of dnd.globalRuns(x.gshape, x.split, x.offset, rows)) for (let i = 0; i < run.length; i++) f(run.local + i, run.global + i);
}

function valuesAre(x, expect, what) {
  let ok = true;
  eachGlobal(x, (l, g) => {
    const v = Number(x.larray[l]);
    const e = expect(g);
    if (!(v === e || (Number.isNaN(v) && Number.isNaN(e)) || Math.abs(v - e) <= 1e-6 * Math.max(1, Math.abs(e)))) ok = false;
  });
  check(ok, what);
}

for (const split of [0, 1, -1, null]) {
  const shape = [5, 4];
  valuesAre(dnd.zeros(shape, { split }), () => 0, `zeros split ${split}`);
  valuesAre(dnd.ones(shape, { split, dtype: 'int16' }), () => 1, `ones int16 split ${split}`);
  valuesAre(dnd.full(shape, -7.25, { split, dtype: 'float64' }), () => -7.25, `full split ${split}`);
  valuesAre(dnd.full(shape, 200, { split, dtype: 'uint8' }), () => 200, `full uint8 split ${split}`);
  valuesAre(dnd.empty(shape, { split }), () => 0, `empty split ${split}`);
  valuesAre(dnd.arangeOver(shape, 3, 0.5, { split, dtype: 'float64' }), (g) => 3 + g * 0.5, `arange split ${split}`);
  valuesAre(dnd.arangeOver([20], 0, 1, { split: split === null ? null : 0, dtype: 'int64' }), (g) => g, `arange int64 split ${split}`);
  valuesAre(dnd.linspace(0, 1, 11, { split: split === null ? null : 0, dtype: 'float64' }), (g) => g / 10, `linspace split ${split}`);
  valuesAre(dnd.eye(shape, { split }), (g) => (Math.floor(g / 4) === g % 4 ? 1 : 0), `eye split ${split}`);
  // Heat's signatures: arange(start, stop, step) with Heat's dtype rule, linspace without the end point
  const ar = dnd.arange(2, 9, 3, { split: split === null ? null : 0 });
  check(ar.dtype === 'int32' && ar.gshape.join() === '3', `arange(2, 9, 3) is int32 of 3 elements split ${split}`);
  valuesAre(ar, (g) => 2 + 3 * g, `arange(2, 9, 3) values split ${split}`);
  valuesAre(dnd.arange(1, 2, 0.25, { split: split === null ? null : 0 }), (g) => 1 + 0.25 * g, `arange float split ${split}`);
  valuesAre(dnd.linspace(0, 1, 4, { split: split === null ? null : 0, endpoint: false, dtype: 'float64' }), (g) => g / 4, `linspace endpoint false split ${split}`);
  valuesAre(dnd.full(shape, 2n ** 62n + 1n, { split, dtype: 'int64' }), () => Number(2n ** 62n + 1n), `full int64 beyond 2^53 split ${split}`);
  const big = dnd.full([3], 2n ** 62n + 1n, { split: split === null ? null : 0, dtype: 'int64' });
  check(big.larray.every((v) => v === 2n ** 62n + 1n), `full int64 keeps every bit split ${split}`);
  const b = dnd.randint(0, 2, shape, { split, dtype: 'bool', state: new dnd.RandomState(1) });
  let inRange = true;
  eachGlobal(b, (l) => (inRange &&= b.larray[l] === 0 || b.larray[l] === 1));
  check(inRange, `randint bool in {0,1} split ${split}`);
  const r = dnd.randint(-5, 5, [1000], { split: split === null ? null : 0, dtype: 'int32', state: new dnd.RandomState(2) });
  let rOk = true;
  eachGlobal(r, (l) => (rOk &&= r.larray[l] >= -5 && r.larray[l] < 5));
  check(rOk, `randint in [-5, 5) split ${split}`);
}

// uniform and normal moments on a large draw (each rank its part, merged)
const u = dnd.rand([200000], { split: 0, dtype: 'float64', state: new dnd.RandomState(3) });
let us = 0, umin = 1, umax = 0;
for (const v of u.larray) { us += v; umin = Math.min(umin, v); umax = Math.max(umax, v); }
const [sum, mn, mx] = [comm.allreduceNumber(us, 'sum'), comm.allreduceNumber(umin, 'min'), comm.allreduceNumber(umax, 'max')];
check(Math.abs(sum / 200000 - 0.5) < 0.005 && mn >= 0 && mx < 1, `rand mean ${sum / 200000} in [0,1)`);
const z = dnd.randn([200000], { split: 0, dtype: 'float64', state: new dnd.RandomState(4) });
let zs = 0, zs2 = 0;
for (const v of z.larray) { zs += v; zs2 += v * v; }
const [m1, m2] = [comm.allreduceNumber(zs, 'sum') / 200000, comm.allreduceNumber(zs2, 'sum') / 200000];
check(Math.abs(m1) < 0.01 && Math.abs(m2 - 1) < 0.02, `randn mean ${m1} var ${m2}`);

// first and second draw of one stream, gathered in global order (split 1 on purpose)
const state = new dnd.RandomState(42);
const draws = [dnd.randn([3, 5], { split: 1, state }), dnd.randn([3, 5], { split: 1, state }), dnd.rand([7], { split: 0, state, dtype: 'float64' })];
const gathered = draws.map((x) => {
  const mine = [];
  eachGlobal(x, (l, g) => mine.push([g, Number(x.larray[l])]));
  return comm.allgatherJSON(mine).flat().sort((a, b) => a[0] - b[0]).map((p) => p[1]);
});

// --counts: exactly the requested layout
const counts = Array.from({ length: size }, (_, p) => (p === 0 ? 3 : p === size - 1 ? 2 : 0));
if (size === 1) counts[0] = 5;
const c = dnd.arangeOver([5, 2], 0, 1, { split: 0, counts, dtype: 'int32' });
check(JSON.stringify(c.counts) === JSON.stringify(counts) && c.balanced === dnd.isBalancedMap(c.lshapeMap, [5, 2], 0), `counts ${counts}`);
valuesAre(c, (g) => g, 'arange with counts');

// options nobody understands are errors, never ignored
for (const [what, f] of [
  ['randn seed', () => dnd.randn([4], { seed: 1 })],
  ['zeros typo', () => dnd.zeros([4], { spilt: 0 })],
  ['random.randn seed', () => dnd.random.randn(4, { seed: 1 })],
]) {
  let refused = false;
  try {
    f();
  } catch (e) {
    refused = dnd.isDndError(e) && /unknown option/.test(e.message);
  }
  check(refused, `${what} refused`);
}
// dnd.random as ht.random: varargs shapes, seed/getState/setState replay the same draw
dnd.random.seed(7);
const s0 = dnd.random.getState();
const d1 = dnd.random.randn(6, 2, { split: 0 });
dnd.random.setState(s0);
const d2 = dnd.random.randn([6, 2], { split: 0 });
check(d1.larray.every((v, i) => v === d2.larray[i]) && s0[0] === 'Philox' && s0[1] === 7n, 'setState(getState()) replays a draw');
const nrm = dnd.random.normal(10, 0.001, [1000], { split: 0, dtype: 'float64' });
check(nrm.larray.every((v) => Math.abs(v - 10) < 0.01), 'normal(10, 0.001)');
// Heat's default split is none
check(dnd.zeros([5, 2]).split === null && dnd.random.rand(3).split === null, 'library default split is none');
// Heat's names: size is the element count, nbytes global, lnbytes local
const h = dnd.zeros([7, 4, 3], { split: 0, dtype: 'float32' });
check(h.size === 84 && h.gnumel === 84 && h.nbytes === 336 && h.lnbytes === h.lnumel * 4 && h.ndim === 3, 'size/nbytes/lnbytes as Heat');
const [cc, dd] = h.countsDispls();
check(JSON.stringify(cc) === JSON.stringify(h.counts) && JSON.stringify(dd) === JSON.stringify(h.displs), 'countsDispls()');
const [off, lsh] = comm.chunk([7, 4, 3], 0);
check(off === h.offset && lsh.join() === h.lshape.join(), 'comm.chunk');
check(String(h).startsWith('DNDarray(gshape=(7, 4, 3), dtype=float32, split=0)'), `String(x): ${String(h)}`);
// dnd.array infers the dtype; isSplit assembles blocks
const mine = new Float64Array(2 * (rank + 1)).fill(rank);
const arr = dnd.array(mine, { isSplit: 0, shape: [rank + 1, 2] });
check(arr.dtype === 'float64' && arr.gshape[0] === (size * (size + 1)) / 2 && arr.gshape[1] === 2, 'array(isSplit)');
const wholeArr = dnd.array(Int16Array.from({ length: 10 }, (_, i) => i), { split: 0 });
valuesAre(wholeArr, (g) => g, 'array(split) keeps its chunk');
// Heat's 2-D target map for redistribute
const tmap = Array.from({ length: size }, (_, p) => [p === 0 ? 7 : 0, 4, 3]);
check(JSON.stringify(h.redistribute(tmap).counts) === JSON.stringify(tmap.map((r) => r[0])), 'redistribute(target map)');
// Heat's load(path, dataset, dtype, split): split none by default, conversion while reading
const h5 = comm.bcastJSON(rank === 0 ? `${(await import('node:os')).tmpdir()}/dnd-load-${process.pid}.h5` : undefined);
dnd.save(dnd.arangeOver([6, 2], 0.75, 1, { split: 0, dtype: 'float64' }), h5, '/d', { mode: 'create' });
const whole = dnd.load(h5, '/d');
check(whole.split === null && whole.dtype === 'float64' && whole.lshape.join() === '6,2', 'load: split none by default');
const asInt = dnd.load(h5, '/d', { dtype: 'int32', split: 0 });
valuesAre(asInt, (g) => Math.trunc(0.75 + g), 'load dtype int32 converts (truncates) while reading');
check(asInt.dtype === 'int32' && asInt.split === 0, 'load dtype and split');
let refusedComplex = false;
try {
  dnd.load(h5, '/d', { dtype: 'complex64' });
} catch (e) {
  refusedComplex = /complex and real types do not convert/.test(e.message);
}
check(refusedComplex, 'load refuses real -> complex');
// dataset names as HDF5 reads them (dnd/h5-path.ts): h5py's relative 'd', '/./g//e' is /g/e
valuesAre(dnd.load(h5, 'd', { split: 0 }), (g) => 0.75 + g, "load of 'd' reads /d");
dnd.save(dnd.arangeOver([3], 0, 1, { split: 0, dtype: 'int32' }), h5, '/./g//e/', { mode: 'append' });
valuesAre(dnd.load(h5, '/g/e', { split: 0 }), (g) => g, "save to '/./g//e/' writes /g/e");
let refusedParent = false;
try {
  dnd.save(dnd.zeros([2], { split: 0 }), h5, '/g/../f', { mode: 'append' });
} catch (e) {
  refusedParent = e.tag === 'usage' && /contains '\.\.'/.test(e.message);
}
check(refusedParent, "save refuses to create a link named '..'");
comm.barrier();
if (rank === 0) (await import('node:fs')).rmSync(h5, { force: true });
// a 0-d array is never split
check(dnd.zeros([], { split: 0 }).split === null, '0-d is unsplit');

if (rank === 0) process.stdout.write(JSON.stringify({ size, cases: checks.cases, failures, draws: gathered }) + '\n');
dnd.finalize();
