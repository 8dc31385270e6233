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

/** Collective, in place. */
export function redistributeInPlace(x: DNDarray, target: readonly number[]): MoveStats {
  if (x.split === null) throw usageError('redistribute needs a split array: with split none every rank holds everything');
  validateCounts(target, x.gshape[x.split], x.size, 'target');
  return applyMove(x, moveTo(x, { split: x.split, counts: target }));
}

/** Collective, in place: redistribute to chunk()'s layout. */
export function balanceInPlace(x: DNDarray): MoveStats {
  if (x.split === null) return { method: 'none', sentBytes: 0, recvBytes: 0 };
  if (x.isBalanced()) return { method: 'none', sentBytes: 0, recvBytes: 0 };
  return applyMove(x, moveTo(x, balancedLayout(x.gshape, x.split, x.size)));
}
