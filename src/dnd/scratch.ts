/**
 * Small float64 vectors handed to the native binding (counts, displacements, boxes,
 * reduction buffers), on memory that lives as long as the process.
 *
 * Why not a new Float64Array per call: V8 keeps a small typed array inside its own heap
 * and gives it memory outside the heap (a backing store) the moment native code reads
 * it. Allocating a backing store while a large ArrayBuffer is young (a block just made
 * or taken from the pool, memory.ts) makes V8 run a young-generation collection first
 * ("external memory pressure"), and again at the next one, until the block is promoted:
 * two collections in every exchange of a loop, 0.2-0.5 ms each, and incremental marking
 * on top (measured on 64 MiB exchanges: bench/RESULTS.md). A view of a buffer that already
 * exists allocates nothing, so the hot paths take their vectors from here.
 */
export class Scratch {
  /**
   * Longer vectors are made fresh each time instead of kept for the life of the process
   * (one collection at most, against work of their size): 512 KiB, a checksum's runs of a
   * column split of up to 21,845 rows (three numbers a row), an allgather of two numbers
   * at 32,768 ranks.
   */
  static readonly KEEP_MAX = 1 << 16;

  private buf = new Float64Array(0);

  /**
   * A view of `length` elements of this scratch's buffer (grown when too short; contents
   * unspecified), or a fresh array above KEEP_MAX. Valid until the next call on the same
   * Scratch: use one Scratch per argument of a native call, and copy out what must
   * outlive the call.
   */
  of(length: number): Float64Array {
    if (length > Scratch.KEEP_MAX) return new Float64Array(length);
    if (this.buf.length < length) this.buf = new Float64Array(Math.min(Scratch.KEEP_MAX, Math.max(length, 2 * this.buf.length, 8)));
    return this.buf.length === length ? this.buf : this.buf.subarray(0, length);
  }

  /** `values` written into `of(values.length)`. */
  from(values: readonly number[]): Float64Array {
    const out = this.of(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i];
    return out;
  }
}
