/**
 * The element types of a DNDarray and their typed-array storage. Local blocks are
 * typed arrays so they go zero-copy into MPI and HDF5. `bool` is stored as one byte.
 *
 * Complex: `complex64` and `complex128` are stored as numpy lays them out in memory, a
 * Float32Array / Float64Array of 2 × lnumel interleaved parts (re, im, re, im, …), so a
 * block still goes zero-copy into MPI and HDF5. Their `larray` therefore has twice as many
 * elements as the block has items (`lanes()` = 2); `itemsize` is 8 and 16 bytes. In HDF5
 * they are h5py's compound {r, i} of two floats (src/native/hdf5.cc).
 */
import { usageError } from './errors.js';

export const DTYPES = ['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'bool', 'complex64', 'complex128'] as const;
export type Dtype = (typeof DTYPES)[number];

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

type TypedArrayCtor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CTORS: Record<Dtype, TypedArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  bool: Uint8Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

/** Typed-array elements per item: 2 for complex (re, im), else 1. */
export function lanes(dtype: Dtype): number {
  return isComplex(dtype) ? 2 : 1;
}

export function isComplex(dtype: Dtype): dtype is 'complex64' | 'complex128' {
  return dtype === 'complex64' || dtype === 'complex128';
}

/** The real dtype of one part of a complex dtype (float32 / float64); others unchanged. */
export function partDtype(dtype: Dtype): Dtype {
  return dtype === 'complex64' ? 'float32' : dtype === 'complex128' ? 'float64' : dtype;
}

export function isDtype(s: string): s is Dtype {
  return (DTYPES as readonly string[]).includes(s);
}

export function parseDtype(s: string): Dtype {
  if (!isDtype(s)) throw usageError(`unknown dtype '${s}': expected one of ${DTYPES.join(', ')}`);
  return s;
}

/** Bytes per item (a complex item is both parts: 8 or 16). */
export function itemsize(dtype: Dtype): number {
  return CTORS[dtype].BYTES_PER_ELEMENT * lanes(dtype);
}

export function isFloat(dtype: Dtype): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** A typed array of `dtype` over `buffer` (no copy); `length` counts items (complex: 2 elements each). */
export function typedView(dtype: Dtype, buffer: ArrayBufferLike, byteOffset = 0, length?: number): TypedArray {
  const C = CTORS[dtype];
  const n = length === undefined ? (buffer.byteLength - byteOffset) / C.BYTES_PER_ELEMENT : length * lanes(dtype);
  return new C(buffer, byteOffset, n);
}

/** The inclusive range of values a dtype can hold (floats: ±max finite). */
export function dtypeRange(dtype: Dtype): [number, number] {
  switch (dtype) {
    case 'float32':
      return [-3.4028234663852886e38, 3.4028234663852886e38];
    case 'float64':
      return [-Number.MAX_VALUE, Number.MAX_VALUE];
    case 'int8':
      return [-128, 127];
    case 'int16':
      return [-32768, 32767];
    case 'int32':
      return [-2147483648, 2147483647];
    case 'int64':
      return [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    case 'uint8':
      return [0, 255];
    case 'uint16':
      return [0, 65535];
    case 'uint32':
      return [0, 4294967295];
    case 'bool':
      return [0, 1];
    case 'complex64':
    case 'complex128':
      return dtypeRange(partDtype(dtype)); // of each part
  }
}

/** Writes a number into element i, as the dtype stores it. */
export function setNumber(a: TypedArray, i: number, v: number): void {
  if (a instanceof BigInt64Array) a[i] = BigInt(Math.trunc(v));
  else a[i] = v;
}

/**
 * The dtype a typed array holds (a Uint8Array is uint8; say {dtype: 'bool'} for booleans,
 * and {dtype: 'complex64'} for a Float32Array of interleaved (re, im) parts).
 */
export function dtypeOfArray(a: ArrayBufferView): Dtype {
  const byName: Record<string, Dtype> = {
    Float32Array: 'float32',
    Float64Array: 'float64',
    Int8Array: 'int8',
    Int16Array: 'int16',
    Int32Array: 'int32',
    BigInt64Array: 'int64',
    Uint8Array: 'uint8',
    Uint16Array: 'uint16',
    Uint32Array: 'uint32',
  };
  const d = byName[a.constructor.name];
  if (!d) throw usageError(`a ${a.constructor.name} cannot be a block: use one of ${Object.keys(byName).join(', ')}`);
  return d;
}
