/**
 * Parsers for the command line's own value syntax, each with an error that says what
 * was wrong and what is allowed ("Expected X but received Y").
 */
import { usageError } from '../dnd/errors.js';

/** Up to this many axes, as numpy. */
export const MAX_NDIM = 32;

/** "7,4,3" -> [7, 4, 3]: comma-separated non-negative integers. */
export function parseShape(input: string, what = 'shape'): number[] {
  const s = input.trim();
  if (!/^\d+(,\d+)*$/.test(s)) {
    throw usageError(`Expected ${what} as comma-separated non-negative integers like 7,4,3 but received '${input}'`);
  }
  const words = s.split(',');
  if (words.length > MAX_NDIM) throw usageError(`${what} has ${words.length} axes: at most ${MAX_NDIM} are allowed`);
  // the user's digits in the message: 2^53 + 1 as a number would read back as 2^53
  for (const w of words) if (!Number.isSafeInteger(Number(w))) throw usageError(`${what} extent ${w} is too large: at most ${Number.MAX_SAFE_INTEGER}`);
  return words.map(Number);
}

/** "4,0,2,1" -> counts (same syntax as a shape, any length). */
export function parseCounts(input: string, what = 'counts'): number[] {
  const s = input.trim();
  if (!/^\d+(,\d+)*$/.test(s)) {
    throw usageError(`Expected ${what} as comma-separated non-negative integers like 4,0,2,1 but received '${input}'`);
  }
  const words = s.split(',');
  for (const w of words) if (!Number.isSafeInteger(Number(w))) throw usageError(`${what} entry ${w} is too large: at most ${Number.MAX_SAFE_INTEGER}`);
  return words.map(Number);
}

/** "none" -> null, "-1" -> -1. Range is checked against the shape later. */
export function parseAxis(input: string, what = 'split'): number | null {
  const s = input.trim().toLowerCase();
  if (s === 'none' || s === 'null') return null;
  if (!/^-?\d+$/.test(s)) throw usageError(`Expected ${what} as an axis (integer, negative counts from the end) or none but received '${input}'`);
  return Number(s);
}

/** A non-negative integer seed, 0..2^64-1 (a BigInt beyond 2^53, so none is rounded). */
export function parseSeed(input: string): number | bigint {
  const s = input.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n)) return n;
    if (BigInt(s) < 1n << 64n) return BigInt(s);
  }
  throw usageError(`Expected --seed as an integer from 0 to 2^64-1 (18446744073709551615) but received '${input}'`);
}
