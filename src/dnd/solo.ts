/**
 * A world of one without MPI: the binding's collectives done as the local copies they are
 * when the only peer is oneself, every other function (random fill, statistics, memory)
 * the binding's own. A one-rank job of dnd's own commands (its files read and written
 * through HDF5's POSIX driver then, io.ts) skips MPI_Init and MPI_Finalize, which as a
 * singleton start and stop Open MPI's helper daemon: about 140 ms of a 330 ms `-n 1`
 * launch here (bench/RESULTS.md), and ~400 ms of one that writes. Results are the same bytes:
 * every collective of one rank copies its send buffer to its receive buffer at the given
 * displacements, which is what MPI does for it.
 */
import { hostname } from 'node:os';
import type { NativeBinding } from '../native/index.js';

type Bytes = ArrayBufferView;

function bytesOf(v: Bytes): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function copy(send: Bytes, from: number, recv: Bytes, to: number, length: number): void {
  if (length === 0) return;
  const s = bytesOf(send);
  const r = bytesOf(recv);
  if (from + length > s.byteLength || to + length > r.byteLength) throw new RangeError('a count or displacement is outside its buffer');
  r.set(s.subarray(from, from + length), to);
}

/** Copies an N-D box (starts, extents, in items of `item` bytes) between two C-ordered blocks. */
function copyBox(send: Bytes, sendShape: number[], recv: Bytes, recvShape: number[], item: number, boxes: [Float64Array, Float64Array]): void {
  const nd = sendShape.length;
  const [sb, rb] = boxes;
  const extent = Array.from(rb.subarray(nd, 2 * nd));
  if (extent.some((e) => e === 0)) return;
  const strides = (shape: number[]) => {
    const st = new Array<number>(nd).fill(item);
    for (let i = nd - 2; i >= 0; i--) st[i] = st[i + 1] * shape[i + 1];
    return st;
  };
  const ss = strides(sendShape);
  const rs = strides(recvShape);
  const row = extent[nd - 1] * item;
  const idx = new Array<number>(nd - 1).fill(0);
  for (;;) {
    let from = sb[nd - 1] * item;
    let to = rb[nd - 1] * item;
    for (let i = 0; i < nd - 1; i++) {
      from += (sb[i] + idx[i]) * ss[i];
      to += (rb[i] + idx[i]) * rs[i];
    }
    copy(send, from, recv, to, row);
    let i = nd - 2;
    while (i >= 0 && ++idx[i] === extent[i]) idx[i--] = 0;
    if (i < 0) return;
  }
}

/** The binding, with MPI's part replaced by a world of one (rank 0, size 1). */
export function soloBinding(real: NativeBinding): NativeBinding {
  const t0 = performance.now();
  return {
    ...real,
    init: () => 3, // MPI_THREAD_MULTIPLE: nothing runs concurrently with nobody
    finalize: () => undefined,
    quickSockets: () => 0,
    abort: (code: number) => process.exit(code),
    rank: () => 0,
    size: () => 1,
    wtime: () => (performance.now() - t0) / 1000,
    // Open MPI's MPI_Get_processor_name is the host name (gethostname)
    processorName: () => hostname(),
    barrier: () => undefined,
    bcast: () => undefined,
    allgather: (send, recv) => copy(send, 0, recv, 0, send.byteLength),
    allgatherv: (send, recv, _counts, displs) => copy(send, 0, recv, displs[0], send.byteLength),
    gatherv: (send, recv, _counts, displs) => {
      if (recv && displs) copy(send, 0, recv, displs[0], send.byteLength);
    },
    alltoallv: (send, scounts, sdispls, recv, rcounts, rdispls) => {
      if (scounts[0] !== rcounts[0]) throw new RangeError('alltoallv: what rank 0 sends itself differs from what it receives');
      copy(send, sdispls[0], recv, rdispls[0], scounts[0]);
    },
    alltoallwBoxes: (send, sendShape, recv, recvShape, itemsize, sendBoxes, recvBoxes) => copyBox(send, sendShape, recv, recvShape, itemsize, [sendBoxes, recvBoxes]),
    allreduce: (send, recv) => {
      if (send !== recv) copy(send, 0, recv, 0, send.byteLength);
    },
  };
}
