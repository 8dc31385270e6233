// Run under mpiexec -n 2 by test/big/*.test.ts: the binding's large-count paths with real
// data, values checked (pattern.mjs). Needs ~4.3 GB per rank. Prints one JSON line from
// rank 0. Sections (argv[2]):
//   collectives - bcast (struct type of 1 GiB pieces), alltoallv and allgatherv of
//                 2^31 + 8 bytes (a power-of-two unit fits: the plain call with a
//                 contiguous type), alltoallv and gatherv of odd counts near it (no unit:
//                 Alltoallw of per-peer struct types at MPI_BOTTOM)
//   hdf5 FILE   - rank 0 writes and reads 2^31 + 4096 bytes of float32, collectively and
//                 independently; the test reads the file back with h5py
import { loadNative, loadH5 } from '../../dist/native/index.js';
import { check, fill } from './pattern.mjs';

const m = loadNative();
m.init();
const rank = m.rank();
const out = {};
const B = 2 ** 31 + 8;
const HOT = [2 ** 31 - 8, 2 ** 31];
const f64 = (...v) => Float64Array.from(v);
const ok = (r) => r.bad === 0 && r.checked > 0;

/** every rank's verdict on one check, as rank 0 reports it */
function agree(name, local) {
  const flag = f64(local ? (ok(local) ? 1 : 0) : 1);
  m.allreduce(flag, flag, 1);
  out[name] = { ok: flag[0] === 1, ...(local ? { checked: local.checked, bad: local.bad, first: local.first } : {}) };
}

if (process.argv[2] === 'collectives') {
  const A = new Uint8Array(new ArrayBuffer(B));
  const R = new Uint8Array(new ArrayBuffer(B));
  // 1. bcast of B bytes from rank 1 (more than INT_MAX bytes: one struct type of 1 GiB pieces)
  if (rank === 1) fill(A, 0);
  m.bcast(A, 1);
  agree('bcast', rank === 0 ? check(A, (i) => i, HOT) : null);
  // 2. alltoallv of B bytes as float32, 0 -> 1: the unit path
  const a32 = new Float32Array(A.buffer);
  m.alltoallv(rank === 0 ? a32 : new Float32Array(0), f64(0, rank === 0 ? B : 0), f64(0, 0), new Float32Array(R.buffer), f64(rank === 1 ? B : 0, 0), f64(0, 0));
  agree('alltoallv_unit', rank === 1 ? check(R, (i) => i, HOT) : null);
  // 3. alltoallv of B - 3 bytes from offset 1 to offset 2: no unit, Alltoallw at MPI_BOTTOM
  m.alltoallv(A, f64(0, rank === 0 ? B - 3 : 0), f64(0, 1), R, f64(rank === 1 ? B - 3 : 0, 0), f64(2, 0));
  agree('alltoallv_odd', rank === 1 ? check(R.subarray(2, B - 1), (i) => i + 1, HOT) : null);
  // 4. allgatherv: rank 0 gives B - 8 bytes, rank 1 eight at a displacement above INT_MAX
  const tail = (k) => Uint8Array.from({ length: k }, (_, j) => 200 + j);
  m.allgatherv(rank === 0 ? A.subarray(0, B - 8) : tail(8), R, f64(B - 8, 8), f64(0, B - 8));
  const tailOk = (at, k) => R.subarray(at, at + k).every((v, j) => v === 200 + j);
  const ag = check(R.subarray(0, B - 8), (i) => i, HOT);
  agree('allgatherv_unit', { ...ag, bad: ag.bad + (tailOk(B - 8, 8) ? 0 : 1) });
  // 5. gatherv to rank 1, odd counts (no unit): rank 0's B - 7 bytes from offset 4 after rank 1's seven
  m.gatherv(rank === 0 ? A.subarray(4, B - 3) : tail(7), rank === 1 ? R : null, rank === 1 ? f64(B - 7, 7) : null, rank === 1 ? f64(7, 0) : null, 1);
  const gv = rank === 1 ? check(R.subarray(7, B), (i) => i + 4, HOT) : null;
  agree('gatherv_odd', gv ? { ...gv, bad: gv.bad + (tailOk(0, 7) ? 0 : 1) } : null);
}

if (process.argv[2] === 'hdf5') {
  const h5 = loadH5();
  const file = process.argv[3];
  const cols = 1024;
  const rows = [2 ** 19 + 1, 3]; // rank 0: 2^31 + 4096 bytes; rank 1: 12 KiB
  const gshape = [rows[0] + rows[1], cols];
  const start = [rank === 0 ? 0 : rows[0], 0];
  const count = [rows[rank], cols];
  const g0 = start[0] * cols;
  const block = new Float32Array(new ArrayBuffer(rows[rank] * cols * 4));
  fill(block, g0);
  const fid = h5.h5Open(file, 'create', true);
  h5.h5Create(fid, '/collective', 'float32', gshape);
  h5.h5Create(fid, '/independent', 'float32', gshape);
  let t = performance.now();
  h5.h5Write(fid, '/collective', block, 'float32', start, count, true);
  out.write_collective_s = (performance.now() - t) / 1000;
  t = performance.now();
  h5.h5Write(fid, '/independent', block, 'float32', start, count, false);
  out.write_independent_s = (performance.now() - t) / 1000;
  // read each back the other way, into a zeroed block
  const hot = [2 ** 29 - 2, 2 ** 29]; // elements at byte 2^31
  block.fill(0);
  t = performance.now();
  h5.h5Read(fid, '/independent', block, 'float32', start, count, true);
  out.read_collective_s = (performance.now() - t) / 1000;
  agree('read_collective', check(block, (i) => g0 + i, hot));
  block.fill(0);
  t = performance.now();
  h5.h5Read(fid, '/collective', block, 'float32', start, count, false);
  out.read_independent_s = (performance.now() - t) / 1000;
  agree('read_independent', check(block, (i) => g0 + i, hot));
  h5.h5Close(fid);
}

if (rank === 0) process.stdout.write(JSON.stringify(out) + '\n');
m.finalize();
