/**
 * redistribute(target): move rows along the split axis only, so that rank p holds
 * target[p] rows, with one collective exchange computed from the overlap of the old and
 * new row intervals (not Heat's chain of sends). balance() is redistribute to chunk().
 * Targets are validated before anything moves.
 */
import type { DNDarray } from '../dndarray.js';
import { usageError } from '../errors.js';
import { validateCounts } from '../layout.js';
import { applyMove, balancedLayout, moveTo, type MoveStats } from './move.js';

/** Rows per rank, or Heat's target map: one lshape per rank (size × ndim). */
export type Target = readonly number[] | readonly (readonly number[])[];

/**
 * The rows per rank a target asks for, checked: counts as they are, or the split column
 * of a Heat-style target map whose other columns must equal the global shape.
 */
export function targetCounts(x: DNDarray, target: Target, what = 'target'): number[] {
  if (x.split === null) throw usageError('redistribute needs a split array: with split none every rank holds everything');
  const s = x.split;
  if (!Array.isArray(target)) throw usageError(`${what} must be an array: rows per rank, or one lshape per rank (Heat's target_map)`);
  let counts: number[];
  if (target.length > 0 && target.every((row) => Array.isArray(row))) {
    const map = target as readonly (readonly number[])[];
    map.forEach((row, p) => {
      if (row.length !== x.ndim) throw usageError(`${what}[${p}] has ${row.length} entries but the array is ${x.ndim}-D: give one lshape per rank`);
      row.forEach((d, i) => {
        if (i !== s && d !== x.gshape[i]) throw usageError(`${what}[${p}][${i}] = ${d}: redistribute moves rows along the split axis ${s} only, so axis ${i} must stay ${x.gshape[i]}`);
      });
    });
    counts = map.map((row) => row[s]);
  } else {
    counts = [...(target as readonly number[])];
  }
  validateCounts(counts, x.gshape[s], x.comm.size, what);
  return counts;
}

/** Collective, in place. */
export function redistributeInPlace(x: DNDarray, target: Target): MoveStats {
  const counts = targetCounts(x, target);
  return applyMove(x, moveTo(x, { split: x.split as number, counts }, true));
}

/** Collective, in place: redistribute to chunk()'s layout. */
export function balanceInPlace(x: DNDarray): MoveStats {
  if (x.split === null) return { method: 'none', sentBytes: 0, recvBytes: 0 };
  if (x.isBalanced()) return { method: 'none', sentBytes: 0, recvBytes: 0 };
  return applyMove(x, moveTo(x, balancedLayout(x.gshape, x.split, x.comm.size), true));
}
