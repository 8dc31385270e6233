/**
 * Errors of the dnd library. Each carries a tag so that callers (the CLI) can map it to
 * an exit code with one guard, without string matching.
 *
 * - `usage`: the request itself is wrong (bad shape, axis, dtype, target, ...). Found
 *   before any data moves; the CLI exits 2.
 * - `job`: something failed while ranks were working (MPI, HDF5, a rank died); exit 3.
 */
import { brand } from './brand.js';

export type DndErrorTag = 'usage' | 'job';

export class DndError extends Error {
  readonly tag: DndErrorTag;
  constructor(tag: DndErrorTag, message: string) {
    super(message);
    this.name = 'DndError';
    this.tag = tag;
  }
}
brand(DndError, 'dnd.DndError');

/** Bad input: says what was wrong and what is allowed. */
export function usageError(message: string): DndError {
  return new DndError('usage', message);
}

export function isDndError(e: unknown): e is DndError {
  return e instanceof DndError;
}
