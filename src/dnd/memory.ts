/**
 * Allocation of local blocks. Large blocks come from the native binding, which advises
 * transparent huge pages before first touch: on our machines that made first touch ~30x
 * faster and MPI transfers ~1.9x faster (FACTS.md). Small ones are plain JS memory.
 */
import { loadNative } from '../native/index.js';
import { itemsize, typedView, type Dtype, type TypedArray } from './dtypes.js';

const NATIVE_THRESHOLD = 1 << 21;

/**
 * Gives a block from allocate() back to the system now instead of at garbage
 * collection. The block's buffer is detached: every view of it becomes empty.
 */
export function release(a: TypedArray): void {
  if (a.byteLength >= NATIVE_THRESHOLD && a.byteOffset === 0 && a.buffer instanceof ArrayBuffer) loadNative().release(a.buffer);
}

/** A zero-filled typed array of `length` elements. */
export function allocate(dtype: Dtype, length: number): TypedArray {
  const bytes = length * itemsize(dtype);
  const buffer = bytes >= NATIVE_THRESHOLD ? loadNative().allocate(bytes) : new ArrayBuffer(bytes);
  return typedView(dtype, buffer, 0, length);
}
