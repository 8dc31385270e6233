/**
 * A communicator: MPI_COMM_WORLD through the native binding, with typed helpers for the
 * few collectives the library needs. All methods are collective unless said otherwise:
 * every rank must call them in the same order.
 */
import { loadNative, type NativeBinding } from '../native/index.js';
import { fromWire, toWire } from './wire.js';
import { chunk, type Shape, type Split } from './layout.js';
import { usageError } from './errors.js';
import { recorder } from './trace.js';
import { soloBinding } from './solo.js';
import { Scratch } from './scratch.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type ReduceOp = 'sum' | 'min' | 'max';
const OPS: Record<ReduceOp, 0 | 1 | 2> = { sum: 0, min: 1, max: 2 };

function f64(values: readonly number[]): Float64Array {
  return Float64Array.from(values);
}

export class Comm {
  readonly rank: number;
  readonly size: number;
  /** the native binding; exposed for the library's own data movers (resplit, io) */
  readonly native: NativeBinding;
  /** a world of one without MPI (solo.ts): files are then opened without MPI-IO (io.ts) */
  readonly solo: boolean;

  private constructor(native: NativeBinding, solo = false) {
    this.native = native;
    this.solo = solo;
    this.rank = native.rank();
    this.size = native.size();
  }

  private static worldComm: Comm | null = null;
  private static finalized = false;
  /** a runtime (dnd run, px, a dnd job) owns MPI's end: a script's finalize() waits for it */
  private static managed = false;

  /**
   * Set before MPI starts by a program that wants to watch its collectives (dnd's rank
   * program, for the deadlock watchdog of user scripts): the world communicator then
   * calls MPI through the binding this returns. Null: the binding itself, at no cost.
   */
  static instrument: ((native: NativeBinding) => NativeBinding) | null = null;

  /**
   * MPI_COMM_WORLD, initialising MPI on first use. As mpi4py does, MPI then ends by
   * itself when the process exits cleanly (MPI_Finalize). After a failing exit it does
   * not finalize: MPI_Finalize waits for every rank, and the others may be waiting in a
   * collective for this one; the launcher sees a rank end without finalizing and ends
   * the rest (mpiexec and srun both do), with this rank's own error message intact.
   */
  static world(): Comm {
    if (!Comm.worldComm) {
      if (Comm.finalized) throw usageError('MPI was already finalized in this process: no MPI call can follow finalize()');
      const tl = recorder.on ? recorder.now() : -1;
      const native = loadNative();
      const t0 = tl >= 0 ? recorder.now() : -1;
      native.init();
      if (t0 >= 0) {
        recorder.push({ ph: 'X', name: 'load binding', cat: 'phase', ts: tl, dur: t0 - tl });
        recorder.push({ ph: 'X', name: 'MPI_Init', cat: 'phase', ts: t0, dur: recorder.now() - t0, args: { tcp_nodelay_sockets: native.quickSockets() } });
      }
      Comm.worldComm = new Comm(Comm.instrument ? Comm.instrument(native) : native);
      process.once('exit', (code) => Comm.endAtExit(code));
    }
    return Comm.worldComm;
  }

  /**
   * A world of one without MPI (solo.ts), for a one-rank job that needs nothing of MPI
   * but its collectives: no MPI_Init, no MPI_Finalize. It is the world from then on;
   * the runtime decides when (runtime/launcher.ts). @internal
   */
  static solo(): Comm {
    if (Comm.worldComm) throw usageError('MPI was already started in this process: a world of one without MPI cannot follow it');
    Comm.worldComm = new Comm(soloBinding(loadNative()), true);
    return Comm.worldComm;
  }

  private static endAtExit(code: number): void {
    const c = Comm.worldComm;
    if (!c || Comm.finalized || code !== 0) return;
    Comm.finalizeNow();
  }

  /** Not collective: MPI_COMM_WORLD if MPI was started (and not finalized), else null; never starts MPI. */
  static started(): Comm | null {
    return Comm.worldComm;
  }

  /**
   * Ends MPI for this process; safe to call anywhere and more than once. In a script
   * under `dnd run` (or a px session) the runtime still needs MPI after the script, so
   * the call only says the script is done with it and MPI ends with the job.
   */
  static finalize(): void {
    if (Comm.managed) return;
    Comm.finalizeNow();
  }

  /** The runtime's own end of MPI (idempotent). @internal */
  static finalizeNow(): void {
    if (Comm.worldComm && !Comm.finalized) Comm.worldComm.native.finalize();
    if (Comm.worldComm) Comm.finalized = true;
    Comm.worldComm = null;
  }

  /** A runtime takes charge of MPI's end (user finalize() calls defer to it). @internal */
  static manage(): void {
    Comm.managed = true;
  }

  /** Not collective: `Comm(rank 1 of 4)` rather than the binding's function table. */
  toString(): string {
    return `Comm(rank ${this.rank} of ${this.size})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * Not collective. Heat's `comm.chunk(shape, split)`: this rank's share of an array of
   * `gshape` split along `split` — [offset, lshape, slices] — or another rank's.
   */
  chunk(gshape: Shape, split: Split, rank = this.rank, size = this.size): [number, number[], [number, number][]] {
    const c = chunk(gshape, split, rank, size);
    return [c.offset, c.lshape, c.slices];
  }

  /** Not collective: the name of the node this rank runs on. */
  host(): string {
    return this.native.processorName();
  }

  /** Not collective: seconds since an arbitrary point, MPI_Wtime. */
  wtime(): number {
    return this.native.wtime();
  }

  /** Not collective: ends every rank of the job with `code`. */
  abort(code: number): never {
    return this.native.abort(code);
  }

  barrier(): void {
    const t0 = recorder.on ? recorder.now() : -1;
    this.native.barrier();
    if (t0 >= 0) recorder.collective('MPI_Barrier', t0, { bytes: 0 });
  }

  /** the allgather's buffers, kept (scratch.ts); what it returns is copied out of them */
  private readonly gatherSendBuf = new Scratch();
  private readonly gatherRecvBuf = new Scratch();

  /** Every rank's vector of numbers (same length on all ranks), in rank order. */
  allgatherNumbers(values: readonly number[]): number[][] {
    const n = values.length;
    const recv = this.gatherRecvBuf.of(n * this.size);
    const t0 = recorder.on ? recorder.now() : -1;
    this.native.allgather(this.gatherSendBuf.from(values), recv);
    if (t0 >= 0) recorder.collective('MPI_Allgather', t0, { bytes: n * 8, recv_bytes: recv.byteLength, pattern: 'all' });
    return Array.from({ length: this.size }, (_, p) => Array.from(recv.subarray(p * n, (p + 1) * n)));
  }

  /** the reduction buffer, kept: a loop of exchanges allocates nothing here (scratch.ts) */
  private readonly reduceBuf = new Scratch();

  /** Element-wise reduction of a vector of numbers (float64). */
  allreduceNumbers(values: readonly number[], op: ReduceOp): number[] {
    const buf = this.reduceBuf.from(values);
    const t0 = recorder.on ? recorder.now() : -1;
    this.native.allreduce(buf, buf, OPS[op]);
    if (t0 >= 0) recorder.collective('MPI_Allreduce', t0, { bytes: buf.byteLength, recv_bytes: buf.byteLength, op });
    return Array.from(buf);
  }

  allreduceNumber(value: number, op: ReduceOp): number {
    return this.allreduceNumbers([value], op)[0];
  }

  /** Every rank's byte string, in rank order. */
  allgatherBytes(mine: Uint8Array): Uint8Array[] {
    const lengths = this.allgatherNumbers([mine.byteLength]).map((v) => v[0]);
    const displs = new Float64Array(this.size);
    for (let p = 1; p < this.size; p++) displs[p] = displs[p - 1] + lengths[p - 1];
    const total = displs[this.size - 1] + lengths[this.size - 1];
    const recv = new Uint8Array(total);
    const t0 = recorder.on ? recorder.now() : -1;
    this.native.allgatherv(mine, recv, f64(lengths), displs);
    if (t0 >= 0) recorder.collective('MPI_Allgatherv', t0, { bytes: mine.byteLength, recv_bytes: total, pattern: 'all' });
    return lengths.map((len, p) => recv.subarray(displs[p], displs[p] + len));
  }

  /** Every rank's value (see wire.ts: NaN, ±inf, -0, BigInt survive), in rank order, on every rank. */
  allgatherJSON<T>(value: T): T[] {
    return this.allgatherBytes(encoder.encode(toWire(value))).map((b) => fromWire<T>(decoder.decode(b)));
  }

  /** Every rank's value (see wire.ts: NaN, ±inf, -0, BigInt survive) on `root` (null elsewhere). */
  gatherJSON<T>(value: T, root = 0): T[] | null {
    const mine = encoder.encode(toWire(value));
    const lengths = this.allgatherNumbers([mine.byteLength]).map((v) => v[0]);
    if (this.rank !== root) {
      const t0 = recorder.on ? recorder.now() : -1;
      this.native.gatherv(mine, null, null, null, root);
      if (t0 >= 0) recorder.collective('MPI_Gatherv', t0, { bytes: mine.byteLength, recv_bytes: 0, root, pattern: 'to_root' });
      return null;
    }
    const displs = new Float64Array(this.size);
    for (let p = 1; p < this.size; p++) displs[p] = displs[p - 1] + lengths[p - 1];
    const recv = new Uint8Array(displs[this.size - 1] + lengths[this.size - 1]);
    const t0 = recorder.on ? recorder.now() : -1;
    this.native.gatherv(mine, recv, f64(lengths), displs, root);
    if (t0 >= 0) recorder.collective('MPI_Gatherv', t0, { bytes: mine.byteLength, recv_bytes: recv.byteLength, root, pattern: 'to_root' });
    return lengths.map((len, p) => fromWire<T>(decoder.decode(recv.subarray(displs[p], displs[p] + len))));
  }

  /** `root`'s JSON-able value on every rank. */
  bcastJSON<T>(value: T | undefined, root = 0): T {
    const mine = this.rank === root ? encoder.encode(toWire(value)) : new Uint8Array(0);
    const len = new Float64Array([mine.byteLength]);
    let t0 = recorder.on ? recorder.now() : -1;
    this.native.bcast(len, root);
    if (t0 >= 0) recorder.collective('MPI_Bcast', t0, { bytes: 8, root, pattern: 'from_root' });
    const buf = this.rank === root ? mine : new Uint8Array(len[0]);
    if (t0 >= 0) t0 = recorder.now();
    this.native.bcast(buf, root);
    if (t0 >= 0) recorder.collective('MPI_Bcast', t0, { bytes: buf.byteLength, root, pattern: 'from_root' });
    return fromWire<T>(decoder.decode(buf));
  }
}
