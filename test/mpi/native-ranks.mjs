// Run under mpiexec by test/e2e/native.test.ts. Exercises the binding directly on real
// ranks; prints one JSON line of findings from rank 0.
import { loadNative, DndNativeError } from '../../dist/native/index.js';

const m = loadNative();
m.init();
const rank = m.rank();
const size = m.size();
const out = { size };

// MPI errors come back as exceptions carrying MPI's own error string (MPI_ERRORS_RETURN)
try {
  m.bcast(new Uint8Array(4), size + 5);
  out.badRoot = 'no error';
} catch (e) {
  out.badRoot = { isNative: e instanceof DndNativeError, code: e.code, message: e.message, mpiErrorClass: e.mpiErrorClass, rank: e.rank };
}

// allreduce on several element types
const f = new Float64Array([rank + 0.5, -rank]);
m.allreduce(f, f, 0);
const i32 = new Int32Array([rank]);
m.allreduce(i32, i32, 2);
out.allreduce = { sum: Array.from(f), max: i32[0] };

// alltoallv with uneven counts, including zero
const sendCounts = Float64Array.from({ length: size }, (_, p) => (p + rank) % 3);
const sdispls = new Float64Array(size);
for (let p = 1; p < size; p++) sdispls[p] = sdispls[p - 1] + sendCounts[p - 1];
const send = new Uint8Array(sendCounts.reduce((a, b) => a + b, 0));
for (let p = 0; p < size; p++) send.fill(rank * 16 + p, sdispls[p], sdispls[p] + sendCounts[p]);
const recvCounts = Float64Array.from({ length: size }, (_, q) => (rank + q) % 3);
const rdispls = new Float64Array(size);
for (let q = 1; q < size; q++) rdispls[q] = rdispls[q - 1] + recvCounts[q - 1];
const recv = new Uint8Array(recvCounts.reduce((a, b) => a + b, 0));
m.alltoallv(send, sendCounts, sdispls, recv, recvCounts, rdispls);
let okA2A = true;
for (let q = 0; q < size; q++) for (let k = 0; k < recvCounts[q]; k++) if (recv[rdispls[q] + k] !== q * 16 + rank) okA2A = false;
const all = new Float64Array([okA2A ? 1 : 0]);
m.allreduce(all, all, 1);
out.alltoallvOk = all[0] === 1;

// release(): unmaps at once and detaches, so kept views become empty (no use after free)
{
  const ab = m.allocate(4 << 20);
  const view = new Float32Array(ab, 4096, 10);
  view[0] = 1.5;
  const first = m.release(ab);
  const second = m.release(ab);
  const small = m.release(new ArrayBuffer(16));
  out.release = { first, second, small, viewLength: view.length, read: view[0] === undefined };
}

// counts beyond 2^31 - 1 (one-byte type): only when asked, it needs ~4.5 GiB per rank
if (process.env.DND_TEST_LARGE === '1' && size === 2) {
  const big = 2 ** 31 + 3; // odd and above INT_MAX: no common unit, takes the Alltoallw path
  const buf = new Uint8Array(m.allocate(big));
  if (rank === 0) {
    buf[0] = 11;
    buf[2 ** 31 - 1] = 22;
    buf[2 ** 31] = 33;
    buf[big - 1] = 44;
  }
  m.bcast(buf, 0);
  const bcastOk = buf[0] === 11 && buf[2 ** 31 - 1] === 22 && buf[2 ** 31] === 33 && buf[big - 1] === 44;
  // alltoallv: rank 0 sends `big` bytes to rank 1 (counts beyond INT_MAX)
  const sc = new Float64Array(2);
  const rc = new Float64Array(2);
  if (rank === 0) sc[1] = big;
  else rc[0] = big;
  const recvBig = rank === 1 ? new Uint8Array(m.allocate(big)) : new Uint8Array(1);
  m.alltoallv(rank === 0 ? buf : new Uint8Array(1), sc, new Float64Array(2), recvBig, rc, new Float64Array(2));
  const a2aOk = rank === 0 || (recvBig[0] === 11 && recvBig[2 ** 31] === 33 && recvBig[big - 1] === 44);
  // allgatherv: rank 0 contributes `big` bytes, rank 1 one byte, at displacement > INT_MAX
  const counts = new Float64Array([big, 1]);
  const displs = new Float64Array([0, big]);
  const gathered = new Uint8Array(m.allocate(big + 1));
  const mine = rank === 0 ? buf : new Uint8Array([99]);
  m.allgatherv(mine, gathered, counts, displs);
  const agOk = gathered[2 ** 31] === 33 && gathered[big - 1] === 44 && gathered[big] === 99;
  const flags = new Float64Array([bcastOk ? 1 : 0, a2aOk ? 1 : 0, agOk ? 1 : 0]);
  m.allreduce(flags, flags, 1);
  out.large = { bytes: big, bcast: flags[0] === 1, alltoallv: flags[1] === 1, allgatherv: flags[2] === 1 };
}

if (rank === 0) process.stdout.write(JSON.stringify(out) + '\n');
m.finalize();
