/**
 * Where are we? Decides, from the environment only (cheap, no MPI), whether this
 * process is already one rank of a job started by someone else (`mpiexec -n 4 dnd …`,
 * `srun dnd …`), whether we are inside a Slurm allocation, and how many ranks to use.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { srunMpiPlugin } from './slurm.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface OuterRank {
  /** what started us */
  via: 'openmpi' | 'pmix' | 'pmi' | 'srun';
  rank: number;
  size: number;
}

function int(v: string | undefined): number | null {
  if (v === undefined || !/^\d+$/.test(v)) return null;
  return Number(v);
}

/**
 * Non-null when this process was started as a rank by an outside launcher. Rank and size
 * come from the MPI launcher's own variables, never from SLURM_PROCID alone: mpirun
 * ranks inside sbatch all inherit SLURM_PROCID=0 (seen under our Slurm test cluster,
 * scripts/slurm-up.sh).
 */
export function outerRank(env: Env = process.env): OuterRank | null {
  const ompiRank = int(env.OMPI_COMM_WORLD_RANK);
  const ompiSize = int(env.OMPI_COMM_WORLD_SIZE);
  if (ompiRank !== null && ompiSize !== null) return { via: 'openmpi', rank: ompiRank, size: ompiSize };
  const pmixRank = int(env.PMIX_RANK);
  if (pmixRank !== null) {
    const size = int(env.SLURM_STEP_NUM_TASKS) ?? int(env.PMIX_SIZE) ?? int(env.SLURM_NTASKS) ?? 1;
    return { via: 'pmix', rank: pmixRank, size };
  }
  const pmiRank = int(env.PMI_RANK);
  const pmiSize = int(env.PMI_SIZE);
  if (pmiRank !== null && pmiSize !== null) return { via: 'pmi', rank: pmiRank, size: pmiSize };
  // A Slurm job step (srun), possibly without any MPI support.
  const stepTasks = int(env.SLURM_STEP_NUM_TASKS);
  const procid = int(env.SLURM_PROCID);
  if (env.SLURM_STEP_ID !== undefined && stepTasks !== null && procid !== null && !isBatchStep(env)) {
    return { via: 'srun', rank: procid, size: stepTasks };
  }
  return null;
}

/** The batch script itself runs as a step named "batch"; it is not an srun rank. */
function isBatchStep(env: Env): boolean {
  return env.SLURM_STEP_ID === 'batch' || env.SLURM_STEPID === 'batch' || env.SLURM_STEP_ID === '4294967294';
}

/** Inside a Slurm allocation (sbatch, salloc), but not one of its srun ranks. */
export function inSlurmAllocation(env: Env = process.env): boolean {
  return env.SLURM_JOB_ID !== undefined && outerRank(env) === null;
}

/** Default rank count: the allocation's task count inside Slurm, else 1. */
export function defaultNprocs(env: Env = process.env): number {
  if (inSlurmAllocation(env)) {
    const n = int(env.SLURM_NTASKS) ?? int(env.SLURM_NPROCS);
    if (n !== null && n > 0) return n;
  }
  return 1;
}

/** First executable named `name` on PATH, or null. */
export function which(name: string, env: Env = process.env): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type LauncherChoice = 'mpiexec' | 'srun' | 'none';

export interface LauncherDecision {
  launcher: LauncherChoice;
  why: string;
}

/**
 * Which launcher `auto` means here. Inside a Slurm allocation srun starts the ranks
 * (srun is how Slurm users expect steps to appear), otherwise mpiexec; one rank
 * runs in-process, which skips launcher start-up altogether.
 */
export function chooseLauncher(requested: 'auto' | LauncherChoice, nprocs: number, env: Env = process.env): LauncherDecision {
  if (requested !== 'auto') return { launcher: requested, why: `--launcher ${requested}` };
  if (nprocs === 1) return { launcher: 'none', why: 'one rank runs in-process (no launcher start-up)' };
  if (inSlurmAllocation(env) && which('srun', env)) {
    const plugin = srunMpiPlugin(env);
    if (plugin) return { launcher: 'srun', why: `inside Slurm allocation ${env.SLURM_JOB_ID}: srun --mpi=${plugin} starts the ranks` };
    return { launcher: 'mpiexec', why: `inside Slurm allocation ${env.SLURM_JOB_ID}, but srun offers no PMIx/PMI-2 plugin (srun --mpi=list): mpiexec starts the ranks within the allocation` };
  }
  return { launcher: 'mpiexec', why: 'not inside a Slurm allocation: mpiexec starts the ranks locally' };
}

/**
 * A token naming this job's temporary files. Ranks started from outside each plan on
 * their own, so it must be the same on all of them: it comes from the launcher's job id.
 * Our own launcher uses a random token.
 *
 * MPICH's Hydra (also Intel MPI's) exports no job id at all: a rank sees only PMI_RANK,
 * PMI_SIZE, PMI_FD, MPI_LOCALRANKID and MPI_LOCALNRANKS. Its proxy, our parent, is
 * started with `--control-port HOST:PORT` (where that mpiexec listens: the same for every
 * proxy of a job, on every host, and distinct between running jobs) and `--pgid N`.
 */
export function outerJobToken(env: Env = process.env, parentArgs: () => string[] = parentCommandLine): string {
  const id = env.PMIX_NAMESPACE ?? env.OMPI_MCA_ess_base_jobid ?? (env.SLURM_JOB_ID ? `${env.SLURM_JOB_ID}.${env.SLURM_STEP_ID ?? ''}` : null) ?? env.PMI_ID ?? (env.PMI_RANK !== undefined ? hydraJobId(parentArgs()) : null) ?? 'outer';
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `hydra-HOST-PORT-PGID` from a Hydra proxy's arguments, or null. */
export function hydraJobId(args: readonly string[]): string | null {
  const at = args.indexOf('--control-port');
  if (at < 0 || !args[at + 1]) return null;
  const pg = args.indexOf('--pgid');
  return `hydra-${args[at + 1]}-${pg >= 0 ? (args[pg + 1] ?? '0') : '0'}`;
}

/** The arguments of the nearest of our ancestors that is a Hydra proxy (a shell may sit between). */
function parentCommandLine(): string[] {
  let pid = process.ppid;
  try {
    for (let i = 0; i < 4 && pid > 1; i++) {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args.includes('--control-port')) return args;
      pid = Number(/^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    }
  } catch {
    // not Linux, or not ours to read
  }
  return [];
}
