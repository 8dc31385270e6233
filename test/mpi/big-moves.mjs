/* global dnd, comm, rank */
// A `dnd run` script for test/big/moves.test.ts, at 2 ranks: the library's moves above
// 2^31 bytes (and elements) between one pair of ranks, values checked (pattern.mjs).
// Rank 0 prints one JSON line. Sections (after --):
//   redistribute - float32 1073750 x 1000 (issue 19's shape: 2,147,500,000 bytes from rank
//                  0 to rank 1, one contiguous Alltoallv with a power-of-two unit), then
//                  back to balanced, where rank 1 keeps its block as a view (no new memory)
//   resplit      - uint8 65536 x 32772 split along axis 1 as 32770 + 2 columns, resplit to
//                  none: rank 0 sends 2^31 + 131072 elements (= bytes) to rank 1 as one
//                  subarray box through MPI_Alltoallw
import { check, fill } from './pattern.mjs';

const out = {};
const flat = (x, i) => {
  // global flat index of local element i of x (2-D, split 0, 1 or none)
  const [, lc] = x.lshape;
  const [, gc] = x.gshape;
  const off = x.split === null ? 0 : x.displs[rank];
  const r = Math.floor(i / lc);
  const c = i % lc;
  return x.split === 1 ? r * gc + off + c : (x.split === 0 ? off * gc : 0) + r * gc + c;
};
const verdict = (x, hot) => {
  const r = check(x.larray, (i) => flat(x, i), hot);
  const all = comm.allreduceNumbers([r.bad, r.checked], 'sum');
  return { bad: all[0], checked: all[1], first: r.first };
};

if (process.argv.includes('redistribute')) {
  const [R, C] = [1073750, 1000];
  const x = dnd.zeros([R, C], { split: 0 });
  fill(x.larray, x.displs[rank] * C);
  const hot = [2 ** 29, 536875 * C]; // the element at byte 2^31, the old block boundary
  let t = performance.now();
  const s1 = x.redistributeInPlace([0, R]);
  out.to_one = { seconds: (performance.now() - t) / 1000, method: s1.method, lshape_map: x.lshapeMap, ...verdict(x, hot) };
  const before = x.larray.buffer;
  t = performance.now();
  const s2 = x.balanceInPlace();
  const kept = comm.allgatherNumbers([x.larray.buffer === before ? 1 : 0]).map((v) => v[0] === 1);
  out.back = { seconds: (performance.now() - t) / 1000, method: s2.method, lshape_map: x.lshapeMap, kept, ...verdict(x, [0]) };
}

if (process.argv.includes('resplit')) {
  const [R, C] = [65536, 32772];
  const x = dnd.zeros([R, C], { split: 1, dtype: 'uint8', counts: [32770, 2] });
  // fill row by row: local rows are strided in the global array
  const [lr, lc] = x.lshape;
  const rowBuf = new Uint8Array(lc);
  for (let r = 0; r < lr; r++) {
    fill(rowBuf, r * C + x.displs[rank]);
    x.larray.set(rowBuf, r * lc);
  }
  const t = performance.now();
  const s = x.resplitInPlace(null);
  out.resplit = { seconds: (performance.now() - t) / 1000, method: s.method, sent: s.sentBytes, lshape: x.lshape, ...verdict(x, [2 ** 31]) };
}

if (rank === 0) console.log(JSON.stringify(out));
