// Run under mpiexec by test/e2e/memory.test.ts: a released block's pages go to the next
// block of its size that is written whole (src/dnd/memory.ts). Every case first releases
// a block of exactly the size the operation will allocate on this rank, filled with NaN,
// then checks that the operation took it (reusedBlockBytes) and that not one NaN, or any
// other stale byte, is left in the result: each value against the one it must have
// (arange's global index, or the same operation into fresh memory with DND_REUSE=off).
// Blocks that must stay zeros (zeros, full with 0, a complex fill's imaginary parts) must
// not take it. Rank 0 prints {"size", "cases", "failures"}.
import * as dnd from '../../dist/index.js';
import { reusedBlockBytes } from '../../dist/dnd/memory.js';
import { collectiveChecks } from './checks.mjs';

const file = process.argv[2];
// a chunked dataset of R x C float32 of which only the first rows' chunk was written, fill time NEVER
const [partial, writtenRows] = [process.argv[3], Number(process.argv[4])];
const comm = dnd.Comm.world();
const { rank, size } = comm;
const checks = collectiveChecks(comm);
const { check, failures } = checks;

// float32 blocks of 4 MiB and more on every rank (2 MiB is where paged blocks start)
const R = 1536;
const C = 2048;

/** Releases a NaN-filled block of `bytes` (this rank's own size): the pool now holds it. */
function poison(bytes) {
  const p = dnd.full([bytes / 4], NaN, { dtype: 'float32', split: null }); // split null: not collective
  const view = p.larray;
  p.dispose();
  return view;
}

/** Every element of x is its global flat index (arange's values), bit for bit. */
function isIndex(x) {
  const rows = x.split === null ? 0 : x.lshape[x.split];
  for (const run of dnd.globalRuns(x.gshape, x.split, x.offset, rows)) {
    for (let i = 0; i < run.length; i++) if (!Object.is(x.larray[run.local + i], run.global + i)) return false;
  }
  return true;
}

function sameBytes(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const v = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  return true;
}

function fresh(f) {
  process.env.DND_REUSE = 'off';
  try {
    return f();
  } finally {
    delete process.env.DND_REUSE;
  }
}

/**
 * `op` run after releasing a NaN block of the size its result has on this rank: took the
 * block (`reuses`), and `valid(result)`.
 */
function throughPool(what, op, valid, reuses = true) {
  const bytes = fresh(op).lnbytes; // this rank's size of the result, from a run into fresh memory
  const old = poison(bytes);
  const before = reusedBlockBytes();
  const y = op();
  const took = reusedBlockBytes() - before;
  check(old.length === 0, `${what}: the released block's views are empty`);
  check(took === (reuses ? bytes : 0), `${what}: ${reuses ? 'took' : 'must not take'} the released block of ${bytes} bytes (took ${took})`);
  check(valid(y), `${what}: values`);
  return y;
}

const x = dnd.arangeOver([R, C], 0, 1, { dtype: 'float32', split: 0 });
check(isIndex(x), 'arangeOver');

// moves: every receive tiles the new block
throughPool('resplit 0 -> 1 (Alltoallw)', () => x.resplit(1), isIndex);
const target = Array.from({ length: size }, (_, p) => (p === 0 ? R - (size - 1) * 300 : 300));
throughPool('redistribute (Alltoallv)', () => x.redistribute(target), isIndex);
const whole = throughPool('resplit to none', () => x.resplit(null), isIndex);
throughPool('resplit none -> 1 (own box, no MPI)', () => whole.resplit(1), isIndex);
whole.dispose();

// an in-place loop: each move's receive takes the block the previous move released
// (block sizes alternate where the columns do not divide evenly)
const y = x.copy();
let loopOk = true;
let loopTook = 0;
for (let i = 0; i < 4; i++) {
  const [before, buffer] = [reusedBlockBytes(), y.larray.buffer];
  y.resplitInPlace(i % 2 === 0 ? 1 : 0);
  const took = reusedBlockBytes() - before;
  loopTook += took;
  // one rank keeps its block as it is (nothing allocated); the first move finds nothing to reuse
  const want = y.larray.buffer === buffer || i === 0 ? 0 : y.lnbytes;
  loopOk &&= isIndex(y) && took === want;
}
check(loopOk, 'resplitInPlace 0 -> 1 -> 0 -> 1 -> 0: values, and moves 2-4 received into the block the move before released');
check(size === 1 || loopTook > 0, `resplitInPlace loop on ${size} ranks reused blocks`);
y.dispose();

// blocks written whole by the library
throughPool('copy()', () => x.copy(), isIndex);
throughPool('arangeOver', () => dnd.arangeOver([R, C], 0, 1, { dtype: 'float32', split: 1 }), isIndex);
const data = fresh(() => dnd.arangeOver([R, C], 0, 1, { dtype: 'float32', split: null })).larray;
throughPool('array(data, split 0)', () => dnd.array(data, { shape: [R, C], split: 0 }), isIndex);
const state = () => new dnd.RandomState(7);
const ref = fresh(() => dnd.randn([R, C], { split: 0, dtype: 'float32', state: state() }));
throughPool('randn', () => dnd.randn([R, C], { split: 0, dtype: 'float32', state: state() }), (r) => sameBytes(r.larray, ref.larray));
dnd.save(x, file, '/x', { mode: 'create' });
throughPool('load (HDF5 read)', () => dnd.load(file, '/x', { split: 0 }), isIndex);
// HDF5 leaves the buffer untouched where chunks are missing (fill time NEVER): those
// elements must read 0, as in a fresh block, never the released block's NaN
throughPool(
  'load of a dataset with missing chunks: zeros there',
  () => dnd.load(partial, '/x', { split: 0 }),
  (r) => {
    for (const run of dnd.globalRuns(r.gshape, r.split, r.offset, r.lshape[0])) {
      for (let i = 0; i < run.length; i++) {
        const g = run.global + i;
        if (!Object.is(r.larray[run.local + i], g < writtenRows * C ? g : 0)) return false;
      }
    }
    return true;
  },
  false,
);

// blocks that are (partly) left as zeros never take released memory
const zerosOnly = (r) => r.larray.every((v) => Object.is(v, 0));
throughPool('zeros', () => dnd.zeros([R, C], { dtype: 'float32', split: 0 }), zerosOnly, false);
throughPool('full with 0', () => dnd.full([R, C], 0, { dtype: 'float32', split: 0 }), zerosOnly, false);
throughPool(
  'complex eye: imaginary parts stay 0',
  () => dnd.eye([R, C / 2], { dtype: 'complex64', split: 0 }),
  (r) => r.larray.every((v, i) => (i % 2 === 1 ? Object.is(v, 0) : v === 0 || v === 1)),
  false,
);

// the pool is given back to the system after a second without releases
{
  const bytes = x.lnbytes;
  poison(bytes);
  await new Promise((r) => setTimeout(r, 1300));
  const before = reusedBlockBytes();
  const c = x.copy();
  check(reusedBlockBytes() === before && isIndex(c), 'a block released 1.3 s ago is not reused (the pool was emptied)');
}

// DND_REUSE=off: never reused
{
  poison(x.lnbytes);
  const before = reusedBlockBytes();
  const c = fresh(() => x.copy());
  check(reusedBlockBytes() === before && isIndex(c), 'DND_REUSE=off: a fresh block');
}

// at most two released blocks are kept: the oldest of three is given back
{
  const a = x.lnbytes;
  poison(a);
  poison(a + 4096);
  poison(a + 8192);
  const before = reusedBlockBytes();
  const c = x.copy();
  check(reusedBlockBytes() === before && isIndex(c), 'the oldest of three released blocks was given back, not reused');
}

// a caller's own memory (array with isSplit keeps it as the block) is never pooled
{
  const own = new Float32Array(x.lnumel);
  own.set(x.larray);
  const mine = dnd.array(own, { shape: x.lshape, isSplit: 0 });
  mine.dispose();
  const before = reusedBlockBytes();
  const c = x.copy();
  check(reusedBlockBytes() === before && isIndex(c), "a caller's own buffer, disposed, is not reused");
}

if (rank === 0) console.log(JSON.stringify({ size, cases: checks.cases, failures }));
dnd.finalize();
