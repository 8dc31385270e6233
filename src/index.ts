/**
 * dnd as a library: Heat's DNDarray model on MPI for Node.js.
 *
 *   import * as dnd from '@dnd-hpc/dnd';
 *   const a = dnd.random.randn(7, 4, 3, { split: 0 });
 *   console.log(`[${a.comm.rank}/${a.comm.size}]`, a.lshape, a.lshapeMap);
 *
 * Run such a script with `dnd run script.js -n 4`, or `mpiexec -n 4 node script.js`.
 */
export { Comm, type ReduceOp } from './dnd/comm.js';
export { DNDarray, type DNDarrayInit } from './dnd/dndarray.js';
export { DTYPES, isComplex, isDtype, itemsize, lanes, parseDtype, type Dtype, type TypedArray } from './dnd/dtypes.js';
export { DndError, isDndError, usageError, type DndErrorTag } from './dnd/errors.js';
export {
  balancedLshapeMap,
  chunk,
  chunkRows,
  countsDispls,
  globalRuns,
  isBalancedMap,
  lshapeMapFromCounts,
  normalizeAxis,
  normalizeSplit,
  numel,
  strides,
  validateCounts,
  type Chunk,
  type Run,
  type Shape,
  type Split,
} from './dnd/layout.js';
export { arange, arangeOver, array, empty, eye, fromTensor, full, linspace, linspaceOver, ones, zeros, type ArrayOptions, type FactoryOptions } from './dnd/factories.js';
/** Heat's `ht.random`: randn, rand, randint, normal, seed, getState, setState, RandomState. */
export * as random from './dnd/random-api.js';
// the draws also at the top level, as aliases of dnd.random's
export { normal, rand, randint, randn, RandomState, seed, type RandomOptions } from './dnd/random.js';
export { FACTORY_KINDS, type FactoryKind } from './dnd/spec.js';
export { parseComplex, parseScalar, type ComplexPair, type FillValue, type Scalar } from './dnd/scalar.js';
export { finishFingerprint, globalFingerprint, localLanes, type Lanes } from './dnd/checksum.js';
export { globalMoments, globalStats, localMoments, type Moments, type Stats } from './dnd/stats.js';
export { load, save, type LoadOptions, type SaveOptions } from './dnd/io.js';
export { tfjs, toTensor, type Tensor } from './dnd/tensor.js';
/** Your own spans and counters in the trace of `--trace FILE.json`: span(name, fn), counter(name, value), enabled(). */
export * as trace from './dnd/trace-api.js';
export { DndNativeError } from './native/errors.js';

import { Comm } from './dnd/comm.js';
/**
 * Ends MPI for this process. Optional, as in mpi4py: MPI ends by itself at exit. Safe to
 * call anywhere and more than once; under `dnd run` it waits for the job's own end.
 */
export function finalize(): void {
  Comm.finalize();
}
