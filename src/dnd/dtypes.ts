/**
 * The element types of a DNDarray and their typed-array storage. Local blocks are
 * typed arrays so they go zero-copy into MPI and HDF5. `bool` is stored as one byte.
 */
import { usageError } from './errors.js';

export const DTYPES = ['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'bool'] as const;
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
};

export function isDtype(s: string): s is Dtype {
  return (DTYPES as readonly string[]).includes(s);
}

export function parseDtype(s: string): Dtype {
  if (!isDtype(s)) throw usageError(`unknown dtype '${s}': expected one of ${DTYPES.join(', ')}`);
  return s;
}

export function itemsize(dtype: Dtype): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

export function isFloat(dtype: Dtype): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** A typed array of `dtype` over `buffer` (no copy). */
export function typedView(dtype: Dtype, buffer: ArrayBufferLike, byteOffset = 0, length?: number): TypedArray {
  const C = CTORS[dtype];
  const n = length ?? (buffer.byteLength - byteOffset) / C.BYTES_PER_ELEMENT;
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
  }
}

/** Writes a number into element i, as the dtype stores it. */
export function setNumber(a: TypedArray, i: number, v: number): void {
  if (a instanceof BigInt64Array) a[i] = BigInt(Math.trunc(v));
  else a[i] = v;
}

/** The dtype a typed array holds (a Uint8Array is uint8; say {dtype: 'bool'} for booleans). */
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
