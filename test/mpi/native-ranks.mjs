// Run under mpiexec by test/e2e/native.test.ts. Exercises the binding directly on real
// ranks; prints one JSON line of findings from rank 0. Counts above 2^31: big-ranks.mjs.
import { readFileSync } from 'node:fs';
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

// release(): detaches at once (V8 frees the memory now), so kept views become empty (no
// use after free); a second release of the same buffer says false
{
  const ab = new ArrayBuffer(4 << 20);
  const view = new Float32Array(ab, 4096, 10);
  view[0] = 1.5;
  const first = m.release(ab);
  const second = m.release(ab);
  out.release = { first, second, viewLength: view.length, read: view[0] === undefined };
}

/** AnonHugePages of this process, in bytes (the kernel's own account, /proc/self/smaps_rollup). */
function hugeBytes() {
  const kb = /^AnonHugePages:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
  return kb ? Number(kb[1]) * 1024 : 0;
}

function readThp() {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

// prefault(): touches a range of a fresh buffer (with or without huge-page advice) and
// keeps its zeros; ranges outside the buffer are refused
{
  const ab = new ArrayBuffer(8 << 20);
  const covered = m.prefault(ab, 0, 4 << 20, true) + m.prefault(ab, 4 << 20, 4 << 20, false);
  let refused = false;
  try {
    m.prefault(ab, 4 << 20, 8 << 20, false);
  } catch (e) {
    refused = e instanceof RangeError;
  }
  out.prefault = { coveredAll: covered >= (8 << 20) - 8192 && covered <= 8 << 20, zeros: new Uint8Array(ab).every((v) => v === 0), refused };
}

// collapse(): a range touched with small pages moves onto huge pages with its values (the
// small-page probes of a block on which huge pages won, src/dnd/memory.ts). The kernel's
// own account, AnonHugePages, says whether it did.
{
  const ab = new ArrayBuffer(16 << 20);
  m.prefault(ab, 0, ab.byteLength, false);
  const v = new Uint32Array(ab);
  for (let i = 0; i < v.length; i++) v[i] = (i * 2654435761) >>> 0;
  const before = hugeBytes();
  const done = m.collapse(ab, 4 << 20, 8 << 20);
  const after = hugeBytes();
  let same = true;
  for (let i = 0; i < v.length; i++) if (v[i] !== (i * 2654435761) >>> 0) same = false;
  let refused = false;
  try {
    m.collapse(ab, 12 << 20, 8 << 20);
  } catch (e) {
    refused = e instanceof RangeError;
  }
  out.collapse = { done, before, gained: after - before, same, refused, thp: readThp() };
}

if (rank === 0) process.stdout.write(JSON.stringify(out) + '\n');
m.finalize();
