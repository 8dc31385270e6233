/** The `create` job: every rank builds its own block of a factory array. */
import type { Comm } from '../../dnd/comm.js';
import type { DNDarray } from '../../dnd/dndarray.js';
import { itemsize } from '../../dnd/dtypes.js';
import { phase, planSteps } from '../progress.js';
import { buildFromSpec } from '../../dnd/build.js';
import { numel } from '../../dnd/layout.js';
import { checkFactorySpec, CLI_NAMES } from '../../dnd/spec.js';
import { checkFitsInMemory } from '../memory-check.js';
import { writeOutput } from '../output.js';
import { testFault } from '../test-fault.js';
import { describeArray, type ArrayReport } from '../report.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';
import type { CreateJob } from '../job.js';

export function buildArray(job: CreateJob, comm: Comm): DNDarray {
  return buildFromSpec(job, comm);
}

export function runCreate(job: CreateJob, comm: Comm): ArrayReport | null {
  testFault('op', comm.rank);
  planSteps(job.out ? 2 : 1);
  phase(`building ${job.kind} blocks`, numel(job.gshape) * itemsize(job.dtype));
  const t0 = comm.wtime();
  phaseBegin('build');
  const x = buildArray(job, comm);
  phaseEnd();
  const opSeconds = comm.wtime() - t0;
  let writeSeconds = 0;
  if (job.out) {
    const t1 = comm.wtime();
    phase('writing HDF5', x.gnbytes);
    phaseBegin('write');
    writeOutput(x, job.out, comm);
    phaseEnd();
    writeSeconds = comm.wtime() - t1;
  }
  phaseBegin('report');
  const report = describeArray(x, { command: 'create', checksum: job.checksum, opSeconds });
  phaseEnd();
  if (report && job.out) {
    report.out = { file: job.out.named, dataset: job.out.dataset };
    report.timing.write_s = writeSeconds;
  }
  return report;
}

/**
 * Checks a create job before any rank starts (exit 2 on failure) and fills in the
 * defaults: dnd/spec.ts's validator with the command line's flag names, then memory
 * (unless `checkMemory` is false: nothing will be allocated, as for a --dry-run's plan).
 */
export function validateCreate(input: Omit<CreateJob, 'dtype' | 'split' | 'counts' | 'seed'> & Partial<CreateJob>, nprocs: number, checkMemory = true): CreateJob {
  const spec = checkFactorySpec(input, nprocs, CLI_NAMES);
  if (checkMemory) checkFitsInMemory(spec.gshape, spec.split, spec.dtype, nprocs);
  return { ...input, ...spec, op: 'create' };
}
