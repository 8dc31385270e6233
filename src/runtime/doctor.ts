/**
 * `dnd doctor`: what is installed, what dnd would do, and whether MPI really starts
 * parallel ranks here. Each probe reports instead of throwing.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { chooseLauncher, defaultNprocs, inSlurmAllocation, outerRank, which } from './detect.js';
import { launch } from './launcher.js';
import { rebuildAdvice, tryLoadNative } from '../native/index.js';
import { srunMpiPlugin } from './slurm.js';
import { availableTensorBackend } from './tensor.js';
import type { HelloReport } from './jobs/hello.js';

export interface DoctorReport {
  command: 'doctor';
  ok: boolean;
  node: string;
  platform: string;
  cores: number;
  cpu: string;
  memory_bytes: number;
  mpi: { library: string | null; standard: string | null; mpiexec: string | null; mpiexec_version: string | null };
  binding: { loaded: boolean; error: string | null };
  hdf5: { version: string | null; parallel: boolean };
  launcher: { nprocs: number; choice: string; why: string };
  slurm: { in_allocation: boolean; job_id: string | null; srun: string | null; srun_mpi: string | null };
  outer_rank: { via: string; rank: number; size: number } | null;
  mca: Record<string, string>;
  tensor: { backend: string | null; installed: string[] };
  check: { nprocs: number; launcher: string; ok: boolean; seconds: number; hosts: string[]; error: string | null } | null;
  problems: string[];
}

function firstLine(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 }).split('\n')[0].trim();
  } catch {
    return null;
  }
}

export async function runDoctor(opts: { nprocs?: number; launcher: 'auto' | 'mpiexec' | 'srun' | 'none'; check: boolean }): Promise<DoctorReport> {
  const problems: string[] = [];
  const { binding, h5: h5mod, error } = tryLoadNative();
  const versions = binding ? binding.versions() : null;
  const h5 = h5mod ? h5mod.h5Version() : null;
  if (!binding) problems.push(`the native binding does not load: ${rebuildAdvice().build}`);
  if (h5 && !h5.parallel) problems.push('HDF5 is not a parallel build: install libhdf5-openmpi-dev and rebuild');
  const mpiexec = which(process.env.DND_MPIEXEC ?? 'mpiexec');
  if (!mpiexec) problems.push('mpiexec is not on PATH: install openmpi-bin or module load openmpi');
  const nprocs = opts.nprocs ?? Math.max(2, defaultNprocs());
  const decision = chooseLauncher(opts.launcher, nprocs);
  const srun = which('srun');
  const mca: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('OMPI_MCA_') && v !== undefined) mca[k] = v;
  let check: DoctorReport['check'] = null;
  if (opts.check && binding && (mpiexec || decision.launcher !== 'mpiexec')) {
    const t0 = performance.now();
    try {
      const run = await launch<HelloReport>({ op: 'hello' }, { nprocs, launcher: opts.launcher, color: false, timeoutS: 60 });
      const r = run.result;
      const ok = r.size === nprocs && r.allreduceOk;
      if (!ok) problems.push(`the live check started ${r.size} rank(s) instead of ${nprocs}`);
      check = { nprocs, launcher: run.launcher, ok, seconds: run.totalSeconds, hosts: [...new Set(r.ranks.map((k) => k.host))], error: null };
    } catch (e) {
      problems.push(`the live check failed: ${(e as Error).message}`);
      check = { nprocs, launcher: decision.launcher, ok: false, seconds: (performance.now() - t0) / 1000, hosts: [], error: (e as Error).message };
    }
  }
  const tensor = availableTensorBackend();
  return {
    command: 'doctor',
    ok: problems.length === 0,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_bytes: totalmem(),
    mpi: {
      library: versions?.mpiLibrary ?? null,
      standard: versions?.mpiStandard ?? null,
      mpiexec,
      mpiexec_version: mpiexec ? firstLine(mpiexec, ['--version']) : null,
    },
    binding: { loaded: Boolean(binding), error },
    hdf5: { version: h5?.version ?? null, parallel: h5?.parallel ?? false },
    launcher: { nprocs, choice: decision.launcher, why: decision.why },
    slurm: { in_allocation: inSlurmAllocation(), job_id: process.env.SLURM_JOB_ID ?? null, srun, srun_mpi: srun ? srunMpiPlugin() : null },
    outer_rank: outerRank(),
    mca,
    tensor: { backend: tensor.backend, installed: [...tensor.installed] },
    check,
    problems,
  };
}
