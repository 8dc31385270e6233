/**
 * Builds the array a checked factory spec describes (spec.ts): the command line's
 * `dnd create` and generator sources, and the library's factories, all end here.
 */
import type { Comm } from './comm.js';
import type { DNDarray } from './dndarray.js';
import { fillDeterministic } from './factories.js';
import { drawSpec, RandomState } from './random.js';
import type { FactorySpec } from './spec.js';

/** Collective only where `counts` asks for an assembled layout. Random kinds draw from a fresh stream of `spec.seed`. */
export function buildFromSpec(spec: FactorySpec, comm: Comm): DNDarray {
  if (spec.kind === 'rand' || spec.kind === 'randn' || spec.kind === 'randint') return drawSpec(spec, comm, new RandomState(spec.seed));
  return fillDeterministic(spec, comm);
}
