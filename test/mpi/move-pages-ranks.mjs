// Run under mpiexec by test/e2e/memory.test.ts: an in-place move hands the part of the old
// block a rank keeps to its new block as pages when that block is fresh (src/dnd/memory.ts,
// allocateKeeping). Every case checks each value against the one it must have (arangeOver's
// global index, bit for bit), that pages moved where they should (movedBlockBytes, summed
// over the ranks) and not where they must not, and that the old block's views are empty.
// Rank 0 prints {"size", "cases", "failures"}.
import * as dnd from '../../dist/index.js';
import { movedBlockBytes, reusedBlockBytes } from '../../dist/dnd/memory.js';
import { collectiveChecks } from './checks.mjs';

const comm = dnd.Comm.world();
const { rank, size } = comm;
const checks = collectiveChecks(comm);
const { check, failures } = checks;

const sum = (v) => comm.allreduceNumber(v, 'sum');

// int32 rows of 16 KiB: every rank keeps well over the 16 MiB from which pages move
const R = 2048 * size;
const C = 4096;
const MiB = 1 << 20;

/** Every element of x is its global flat index, bit for bit. */
function isIndex(x) {
  const rows = x.split === null ? 0 : x.lshape[x.split];
  for (const run of dnd.globalRuns(x.gshape, x.split, x.offset, rows)) {
    for (let i = 0; i < run.length; i++) if (x.larray[run.local + i] !== run.global + i) return false;
  }
  return true;
}

/** Rows per rank with `shift` rows more on rank 0, taken from the last rank: the ranks in between receive and keep. */
function shifted(x, shift) {
  const counts = x.lshapeMap.map((l) => l[0]);
  if (size > 1) {
    counts[0] += shift;
    counts[size - 1] -= shift;
  }
  return counts;
}

/** Runs an in-place move of x; returns [pages moved, bytes reused] summed over the ranks, after checking the old views are empty. */
function inPlace(what, x, op) {
  const old = x.larray;
  const [m0, r0] = [movedBlockBytes(), reusedBlockBytes()];
  op(x);
  const moved = sum(movedBlockBytes() - m0);
  const reused = sum(reusedBlockBytes() - r0);
  check(old.length === 0 || x.larray.buffer === old.buffer, `${what}: the old block's views are empty (it was released)`);
  check(isIndex(x), `${what}: values`);
  return [moved, reused];
}

// 1. a redistribute that keeps most rows where they are: the kept rows move as pages
{
  const x = dnd.arangeOver([R, C], 0, 1, { dtype: 'int32', split: 0 });
  const [moved] = inPlace('redistribute in place', x, (a) => a.redistributeInPlace(shifted(a, 256)));
  // rank 0 keeps its 2048 rows (32 MiB) and receives 256: all of them but two pages move
  check(size === 1 || moved >= 32 * MiB - 8192, `redistribute in place: ${moved} bytes moved as pages, want >= 32 MiB`);

  // 2. a loop: the first moves pages into a fresh block, the next ones receive into released blocks
  let reusedAll = 0;
  for (let i = 0; i < 4; i++) {
    const [, reused] = inPlace(`loop ${i}`, x, (a) => (i % 2 === 0 ? a.balanceInPlace() : a.redistributeInPlace(shifted(a, 512))));
    reusedAll += reused;
  }
  check(size === 1 || reusedAll > 0, `a loop of in-place moves still reuses released blocks (${reusedAll} bytes)`);
  x.dispose();
}

// 3. complex items (two elements each): the same rows move, as pages, and arrive whole
{
  const ref = dnd.zeros([R, C / 2], { dtype: 'complex64', split: 0 });
  for (const run of dnd.globalRuns(ref.gshape, 0, ref.offset, ref.lshape[0])) {
    for (let i = 0; i < run.length; i++) {
      ref.larray[2 * (run.local + i)] = run.global + i; // below 2^24: exact in float32
      ref.larray[2 * (run.local + i) + 1] = -(run.global + i);
    }
  }
  const target = shifted(ref, 128);
  const want = ref.redistribute(target); // a copy, into fresh memory
  const m0 = movedBlockBytes();
  ref.redistributeInPlace(target);
  const moved = sum(movedBlockBytes() - m0);
  let same = ref.larray.length === want.larray.length;
  for (let i = 0; same && i < want.larray.length; i++) same = Object.is(ref.larray[i], want.larray[i]);
  check(same, 'complex64 redistribute in place: the same values as the copy');
  check(size === 1 || moved > 0, `complex64 redistribute in place: pages moved (${moved} bytes)`);
  ref.dispose();
  want.dispose();
}

// 4. a gather to every rank: each rank's own rows move into the whole array
{
  const x = dnd.arangeOver([R, C], 0, 1, { dtype: 'int32', split: 0 });
  const [moved] = inPlace('resplit to none in place', x, (a) => a.resplitInPlace(null));
  check(size === 1 || moved >= size * (32 * MiB - 8192), `resplit to none in place: ${moved} bytes moved as pages`);
  x.dispose();
}

// 5. DND_REUSE=off: every block gets fresh pages of its own, nothing moves
{
  const x = dnd.arangeOver([R, C], 0, 1, { dtype: 'int32', split: 0 });
  process.env.DND_REUSE = 'off';
  const [moved] = inPlace('DND_REUSE=off', x, (a) => a.redistributeInPlace(shifted(a, 256)));
  delete process.env.DND_REUSE;
  check(moved === 0, `DND_REUSE=off: nothing moved as pages (${moved} bytes)`);
  x.dispose();
}

// 6. a caller's own memory (array with isSplit keeps it as the block) is copied, never moved from
{
  const x = dnd.arangeOver([R, C], 0, 1, { dtype: 'int32', split: 0 });
  const own = new Int32Array(x.lnumel);
  own.set(x.larray);
  const mine = dnd.array(own, { shape: x.lshape, isSplit: 0 });
  const m0 = movedBlockBytes();
  mine.redistributeInPlace(shifted(mine, 256));
  check(sum(movedBlockBytes() - m0) === 0 && isIndex(mine), "a caller's own buffer: values, and nothing moved out of it");
  x.dispose();
  mine.dispose();
}

if (rank === 0) console.log(JSON.stringify({ size, cases: checks.cases, failures }));
dnd.finalize();
