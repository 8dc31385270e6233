/**
 * Scalars given by a user (fill values, ranges, bounds): a number, or a BigInt where an
 * integer is beyond 2^53 and a number would lose its low bits (int64). Checked against a
 * dtype here, once, for the library and the command line alike.
 */
import { isComplex, isFloat, partDtype, type Dtype, type TypedArray } from './dtypes.js';
import { usageError } from './errors.js';

export type Scalar = number | bigint;

/**
 * A complex fill value as a [re, im] pair (library), or `1+2j` text (`--value`, see
 * parseComplex). A real value given for a complex dtype has imaginary part 0.
 */
export type ComplexPair = readonly [number, number];

/** What `full` takes: a scalar, or a [re, im] pair for complex64/complex128. */
export type FillValue = Scalar | ComplexPair;

/** Exact integer ranges of the integer dtypes (int64's ends are not numbers). */
export const INT_RANGE: Partial<Record<Dtype, [bigint, bigint]>> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 4294967295n],
  bool: [0n, 1n],
};

const FLOAT_MAX: Partial<Record<Dtype, number>> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/**
 * Text as a scalar: decimal or exponent notation, nan, inf, -inf. An integer literal
 * beyond 2^53 becomes a BigInt, so `--value 9007199254740993 --dtype int64` is exact.
 */
export function parseScalar(input: string, what: string): Scalar {
  const s = input.trim();
  if (/^[-+]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(s)) return Number.NaN;
  if (/^[-+]?\d+$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : BigInt(s.replace(/^\+/, ''));
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) {
    throw usageError(`Expected ${what} as a number (e.g. 1.5, -2, 1e-3, nan, inf) but received '${input}'`);
  }
  return Number(s);
}

/**
 * Text as a complex value, numpy's spelling: `1+2j`, `-1.5e-3-2j`, `2j`, `-j`, `nan+infj`,
 * optionally in parentheses; text without a `j` is a real value with imaginary part 0.
 */
export function parseComplex(input: string, what: string): ComplexPair {
  const bad = () => usageError(`Expected ${what} as a complex number (e.g. 1+2j, -0.5j, 3, nan+infj) but received '${input}'`);
  let s = input.trim();
  if (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).trim();
  const part = (t: string): number => {
    const v = parseScalar(t === '' || t === '+' ? '1' : t === '-' ? '-1' : t, what);
    return toNum(v);
  };
  if (!/j$/i.test(s)) {
    try {
      return [part(s === '' ? 'x' : s), 0];
    } catch {
      throw bad();
    }
  }
  const body = s.slice(0, -1);
  // the sign that starts the imaginary part: the last + or - not at the start and not an exponent's
  let at = -1;
  for (let i = body.length - 1; i > 0; i--) {
    if ((body[i] === '+' || body[i] === '-') && !/e/i.test(body[i - 1])) {
      at = i;
      break;
    }
  }
  try {
    return at < 0 ? [0, part(body)] : [part(body.slice(0, at)), part(body.slice(at))];
  } catch {
    throw bad();
  }
}

export function isIntegral(v: Scalar): boolean {
  return typeof v === 'bigint' || Number.isInteger(v);
}

/** `v` as a BigInt; only for integral values. */
export function toBig(v: Scalar): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** `v` as a number (a BigInt rounds to the nearest double). */
export function toNum(v: Scalar): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

/**
 * Checks that `value` can be stored in `dtype`: exactly for integer dtypes, within the
 * finite range (or non-finite on purpose) for floats. `what` names the option in the
 * caller's words ("--value", "fill value").
 */
export function checkScalar(value: Scalar, dtype: Dtype, what: string): void {
  if (isFloat(dtype)) {
    const v = toNum(value);
    const max = FLOAT_MAX[dtype] as number;
    if (Number.isFinite(v) && Math.abs(v) > max) throw usageError(`${what} ${value} does not fit ${dtype} (largest finite value ${max.toExponential(7)})`);
    return;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw usageError(`${what} ${value} cannot be stored in ${dtype}: only float32 and float64 hold nan and inf`);
  if (!isIntegral(value)) throw usageError(`${what} ${value} is not an integer, as ${dtype} needs`);
  const [lo, hi] = INT_RANGE[dtype] as [bigint, bigint];
  const b = toBig(value);
  if (b < lo || b > hi) throw usageError(`${what} ${value} does not fit ${dtype} (${lo}..${hi})`);
}

/**
 * Checks a fill value for `dtype`: a [re, im] pair only for complex dtypes, each part
 * within the part's float type; a real value for a complex dtype is its real part.
 */
export function checkFillValue(value: FillValue, dtype: Dtype, what: string): void {
  if (Array.isArray(value)) {
    if (!isComplex(dtype)) throw usageError(`${what} [${value.join(', ')}] is a complex value: it needs dtype complex64 or complex128, got ${dtype}`);
    if (value.length !== 2 || value.some((v) => typeof v !== 'number')) throw usageError(`${what} must be a number or a [re, im] pair of numbers`);
    checkScalar(value[0], partDtype(dtype), `${what} real part`);
    checkScalar(value[1], partDtype(dtype), `${what} imaginary part`);
    return;
  }
  checkScalar(value as Scalar, partDtype(dtype), what);
}

/** A fill value as the [re, im] parts a complex block stores. */
export function complexParts(v: FillValue): ComplexPair {
  return Array.isArray(v) ? (v as ComplexPair) : [toNum(v as Scalar), 0];
}

/** Writes `v` into element i exactly as the dtype stores it. */
export function setScalar(a: TypedArray, i: number, v: Scalar): void {
  if (a instanceof BigInt64Array) a[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  else a[i] = toNum(v);
}

/** Fills a whole block with `v`, exactly. */
export function fillScalar(a: TypedArray, v: Scalar): void {
  if (a instanceof BigInt64Array) a.fill(typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
  else a.fill(toNum(v));
}
