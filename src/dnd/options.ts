/**
 * Options objects of the library's functions: a key a function does not know is an
 * error, never silently ignored (a Heat user's `{seed: 1}` must not fall on the floor).
 */
import { Comm } from './comm.js';
import { parseDtype, type Dtype } from './dtypes.js';
import { usageError } from './errors.js';
import type { Split } from './layout.js';

/** What to say instead, for keys people bring from elsewhere. */
const HINTS: Record<string, string> = {
  seed: 'seed the generator with dnd.random.seed(n), or pass {state: new dnd.random.RandomState(n)}',
  is_split: 'use dnd.array(local, {isSplit: axis})',
  device: 'dnd has no devices: blocks live in host memory',
};

export function checkOptions(opts: object | undefined, allowed: readonly string[], fn: string): void {
  if (opts === undefined || opts === null) return;
  if (typeof opts !== 'object') throw usageError(`${fn}: options must be an object, got ${typeof opts}`);
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) {
      const hint = HINTS[k] ? `: ${HINTS[k]}` : '';
      throw usageError(`${fn}: unknown option '${k}' (known: ${allowed.join(', ')})${hint}`);
    }
  }
}

/** The communicator of an options object: the given one, else MPI_COMM_WORLD. */
export function commOf(opts: { comm?: Comm } | undefined): Comm {
  return opts?.comm ?? Comm.world();
}

/** A dtype option: a dtype name, checked. */
export function dtypeOf(d: Dtype | string | undefined, fallback: Dtype): Dtype {
  return d === undefined ? fallback : parseDtype(d);
}

/** The library's default split is Heat's: none (every rank holds the whole array). */
export function splitOf(s: Split | undefined): Split {
  return s === undefined ? null : s;
}
