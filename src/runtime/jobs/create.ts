/** The `create` job: every rank builds its own block of a factory array. */
import type { Comm } from '../../dnd/comm.js';
import type { DNDarray } from '../../dnd/dndarray.js';
import { dtypeRange, isFloat, itemsize } from '../../dnd/dtypes.js';
import { phase } from '../progress.js';
import { usageError } from '../../dnd/errors.js';
import { arange, checkShape, checkValue, empty, eye, full, linspace, ones, zeros } from '../../dnd/factories.js';
import { normalizeSplit, numel, validateCounts } from '../../dnd/layout.js';
import { checkFitsInMemory } from '../memory-check.js';
import { writeOutput } from '../output.js';
import { testFault } from '../test-fault.js';
import { rand, randint, randn, RandomState } from '../../dnd/random.js';
import { describeArray, type ArrayReport } from '../report.js';
import type { CreateJob } from '../job.js';

export function buildArray(job: CreateJob, comm: Comm): DNDarray {
  const opts = { split: job.split, dtype: job.dtype, comm, counts: job.counts ?? null };
  const state = new RandomState(job.seed);
  switch (job.kind) {
    case 'zeros':
      return zeros(job.gshape, opts);
    case 'ones':
      return ones(job.gshape, opts);
    case 'empty':
      return empty(job.gshape, opts);
    case 'full':
      return full(job.gshape, job.a ?? 0, opts);
    case 'arange':
      return arange(job.gshape, job.a ?? 0, job.b ?? 1, opts);
    case 'linspace':
      return linspace(job.gshape, job.a ?? 0, job.b ?? 1, opts);
    case 'eye':
      return eye(job.gshape, opts);
    case 'rand':
      return rand(job.gshape, { ...opts, state });
    case 'randn':
      return randn(job.gshape, { ...opts, state });
    case 'randint':
      return randint(job.a ?? 0, job.b ?? 10, job.gshape, { ...opts, state });
  }
}

export function runCreate(job: CreateJob, comm: Comm): ArrayReport | null {
  testFault('op', comm.rank);
  phase(`building ${job.kind} blocks`, numel(job.gshape) * itemsize(job.dtype));
  const t0 = comm.wtime();
  const x = buildArray(job, comm);
  const opSeconds = comm.wtime() - t0;
  let writeSeconds = 0;
  if (job.out) {
    const t1 = comm.wtime();
    phase('writing HDF5', x.gnbytes);
    writeOutput(x, job.out, comm);
    writeSeconds = comm.wtime() - t1;
  }
  const report = describeArray(x, { command: 'create', checksum: job.checksum, opSeconds });
  if (report && job.out) {
    report.out = { file: job.out.file, dataset: job.out.dataset };
    report.timing.write_s = writeSeconds;
  }
  return report;
}

/**
 * Checks a create job before any rank starts (exit 2 on failure) and fills in
 * defaults. Pure: the same checks the factories make, done on the launcher.
 */
export function validateCreate(job: CreateJob, nprocs: number): CreateJob {
  const gshape = checkShape(job.gshape);
  const split = normalizeSplit(job.split, gshape.length);
  const out: CreateJob = { ...job, gshape, split };
  if (job.kind === 'rand' || job.kind === 'randn') {
    if (!isFloat(job.dtype)) throw usageError(`${job.kind} makes floating-point values: --dtype must be float32 or float64, got ${job.dtype}`);
  }
  if (job.kind === 'full') {
    if (job.a === undefined) throw usageError('full needs --value (the fill value)');
    checkValue(job.a, job.dtype, '--value');
  }
  if (job.kind === 'randint') {
    const low = job.a ?? 0;
    const high = job.b ?? 10;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) throw usageError(`randint needs integer --low and --high, got ${low} and ${high}`);
    if (high <= low) throw usageError(`randint needs --low < --high, got ${low} and ${high}`);
    const [min, max] = dtypeRange(job.dtype);
    if (isFloat(job.dtype) || low < min || high - 1 > max) throw usageError(`randint range [${low}, ${high}) does not fit --dtype ${job.dtype}: use an integer dtype whose range holds it`);
  }
  if (job.kind === 'arange') {
    const n = numel(gshape);
    if (n > 0) {
      checkValue(job.a ?? 0, job.dtype, 'arange --start');
      checkValue((job.a ?? 0) + (n - 1) * (job.b ?? 1), job.dtype, 'arange end value');
    }
  }
  if (job.kind === 'eye' && gshape.length !== 2) throw usageError(`eye needs a 2-D shape (rows,cols), got ${gshape.length}-D ${gshape.join(',')}`);
  if (job.counts) {
    if (split === null) throw usageError('--counts needs a split axis, but --split is none');
    validateCounts(job.counts, gshape[split], nprocs, '--counts');
  }
  checkFitsInMemory(gshape, split, job.dtype, nprocs);
  return out;
}
