/**
 * Starts the ranks of a job and brings rank 0's result back.
 *
 * mpiexec (or srun) is spawned with an argument array, never through a shell. Each rank
 * runs dist/runtime/rank.js (no oclif). Records come back as lines with a per-job token
 * (see job.ts); everything else the ranks print passes through. Any rank's failure ends
 * the whole job (the rank calls MPI_Abort) and becomes a JobError naming the rank.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chooseLauncher, inSlurmAllocation, which, type Env, type LauncherChoice } from './detect.js';
import { describeFailure, InterruptedError, JobError } from './failure.js';
import { encodeEnvelope, recordPrefix, type JobEnvelope, type JobSpec, type RankFailure } from './job.js';
import { executeJob } from './execute.js';
import { Comm } from '../dnd/comm.js';
import { failureOf } from './failure.js';
import { srunMpiPlugin } from './slurm.js';
import { deathFromMpiexec, firstMeaningfulLine, StdoutSplitter, type RankPid } from './mpiexec-output.js';
import { nativeBuildInfo } from '../native/index.js';
import { ProgressLine, type PhaseEvent } from './progress.js';

export const RANK_SCRIPT = fileURLToPath(new URL('./rank.js', import.meta.url));

export interface LaunchOptions {
  nprocs: number;
  launcher: 'auto' | LauncherChoice;
  color: boolean;
  /** end the job after this many seconds (0: never) */
  timeoutS?: number;
  env?: Env;
  /** interactive sessions: start mpiexec in its own process group (a terminal's Ctrl-C
   * then reaches only dnd), leave SIGINT to the caller, and hand it the child */
  interactive?: { onSpawn: (child: import('node:child_process').ChildProcess) => void };
  /** extra node arguments for the rank program (e.g. a loader for .ts scripts) */
  nodeArgs?: string[];
}

export interface Launched<T> {
  result: T;
  /** seconds from just before the launcher started to the end of the job */
  totalSeconds: number;
  launcher: LauncherChoice;
}

export function makeEnvelope(job: JobSpec, nprocs: number, color: boolean): JobEnvelope {
  return { v: 1, token: randomBytes(6).toString('hex'), nprocs, color, job };
}

/**
 * The environment for the ranks: the user's own, plus defaults measured to help on a
 * single node (FACTS.md). A user's own OMPI_MCA_* settings always win.
 */
export function rankEnvironment(base: Env, nprocs: number, singleNode: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  // a shell inside an srun step carries that step's PMIx/PMI identity: not ours to pass on
  for (const k of Object.keys(env)) if (/^(PMIX_|PMI_|OMPI_COMM_WORLD_|OMPI_MCA_ess_base_jobid)/.test(k)) delete env[k];
  const setDefault = (k: string, v: string) => {
    if (env[k] === undefined) env[k] = v;
  };
  if (process.getuid?.() === 0) {
    setDefault('OMPI_ALLOW_RUN_AS_ROOT', '1');
    setDefault('OMPI_ALLOW_RUN_AS_ROOT_CONFIRM', '1');
  }
  if (singleNode) {
    // ob1 + shared memory: MPI_Init ~290 -> 75 ms here (no PSM/UCX probing); only on one
    // node, where no network transport is needed.
    setDefault('OMPI_MCA_pml', 'ob1');
    if (nprocs > availableParallelism()) setDefault('OMPI_MCA_rmaps_base_oversubscribe', '1');
  }
  // ROMIO: collective HDF5 reads ~6x faster than OMPIO here.
  setDefault('OMPI_MCA_io', 'romio321');
  return env;
}

/**
 * The mpiexec that starts our ranks: DND_MPIEXEC; else the one of the MPI the binding was
 * built with when the build chose it explicitly (MPICC=mpicc.mpich records
 * mpiexec.mpich, scripts/native-flags.mjs), since another MPI's mpiexec would start N
 * singletons; else `mpiexec` on PATH, whose MPI is the `mpicc` a default build used.
 */
export function mpiexecCommand(env: Env): string {
  return env.DND_MPIEXEC ?? nativeBuildInfo()?.mpi.mpiexec ?? 'mpiexec';
}

/**
 * An mpiexec that is plainly Open MPI's by its resolved path (mpiexec.openmpi, orterun,
 * prterun, an openmpi prefix): it rejects Hydra's options, and with an MPICH binding the
 * job must fail with the hint about mismatched MPIs (execute.ts), not on an option.
 */
function isOpenMpiLauncher(cmd: string, env: Env): boolean {
  const path = which(cmd, env);
  if (!path) return false;
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    // keep the name found on PATH
  }
  return /openmpi|orterun|prterun|ompi/i.test(`${path} ${real}`);
}

/** The argument vector that starts the ranks. */
export function launchCommand(launcher: 'mpiexec' | 'srun', nprocs: number, encoded: string, env: Env, nodeArgs: string[] = []): { cmd: string; args: string[] } {
  const rankArgs = [process.execPath, ...nodeArgs, RANK_SCRIPT, encoded];
  if (launcher === 'srun') {
    const plugin = srunMpiPlugin(env);
    return { cmd: env.DND_SRUN ?? 'srun', args: ['-n', String(nprocs), ...(plugin ? [`--mpi=${plugin}`] : []), ...rankArgs] };
  }
  // Hydra (the MPICH family's mpiexec) lists every rank's exit code only when asked: the
  // one way to tell the rank that failed from those it killed afterwards (mpiexec-output.ts)
  const cmd = mpiexecCommand(env);
  const hydra = nativeBuildInfo()?.mpi.family === 'mpich' && !isOpenMpiLauncher(cmd, env) ? ['-print-all-exitcodes'] : [];
  return { cmd, args: [...hydra, '-n', String(nprocs), ...rankArgs] };
}

/** Runs the job in this process as a world of one (or as a rank of an outer job). */
export async function runInProcess<T>(envelope: JobEnvelope): Promise<T> {
  try {
    const result = (await executeJob(envelope)) as T;
    Comm.finalize();
    return result;
  } catch (e) {
    const f = failureOf(e, 0);
    throw new JobError(describeFailure(f), [f]);
  }
}

export async function launch<T>(job: JobSpec, opts: LaunchOptions): Promise<Launched<T>> {
  const env = opts.env ?? process.env;
  const decision = chooseLauncher(opts.launcher, opts.nprocs, env);
  const envelope = makeEnvelope(job, opts.nprocs, opts.color);
  // a progress line only for a person watching: stderr is a terminal, not an interactive session
  envelope.progress = Boolean(process.stderr.isTTY) && !opts.interactive;
  const t0 = performance.now();
  if (decision.launcher === 'none') {
    if (opts.nprocs !== 1) throw new JobError(`--launcher none runs one rank in-process, but -n ${opts.nprocs} was asked for`);
    const result = await runInProcess<T>(envelope);
    return { result, totalSeconds: (performance.now() - t0) / 1000, launcher: 'none' };
  }
  const { cmd, args } = launchCommand(decision.launcher, opts.nprocs, encodeEnvelope(envelope), env, opts.nodeArgs);
  if (!which(cmd, env)) {
    throw new JobError(`${cmd} not found on PATH: install MPI (Debian: apt-get install openmpi-bin) or \`module load openmpi\`; \`dnd doctor\` shows what is missing`);
  }
  // one node: outside Slurm, or an allocation of a single node
  const singleNode = !inSlurmAllocation(env) || env.SLURM_JOB_NUM_NODES === '1' || env.SLURM_NNODES === '1';
  const childEnv = rankEnvironment(env, opts.nprocs, singleNode);
  const result = await new Promise<T>((resolve, reject) => {
    const child = spawn(cmd, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: Boolean(opts.interactive) });
    opts.interactive?.onSpawn(child);
    const resultPrefix = recordPrefix(envelope.token, 'result');
    const errorPrefix = recordPrefix(envelope.token, 'error');
    const progressPrefix = recordPrefix(envelope.token, 'progress');
    const rankPrefix = recordPrefix(envelope.token, 'rank');
    const pids: RankPid[] = [];
    const stdoutSplit = new StdoutSplitter();
    const progress = envelope.progress ? new ProgressLine(process.stderr) : null;
    let got: { value: T } | null = null;
    const failures: RankFailure[] = [];
    const stderrLines: string[] = [];
    let interrupted: string | null = null;
    let timedOut = false;

    const onLines = (stream: NodeJS.ReadableStream, each: (line: string) => void, atEnd?: () => void) => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pending += chunk;
        let i: number;
        while ((i = pending.indexOf('\n')) >= 0) {
          each(pending.slice(0, i).replace(/\r$/, '')); // ranks' stdout is a pty: \r\n
          pending = pending.slice(i + 1);
        }
      });
      stream.on('end', () => {
        if (pending) each(pending.replace(/\r$/, ''));
        atEnd?.();
      });
    };
    onLines(child.stdout, (line) => {
      const at = line.indexOf(resultPrefix);
      const pr = progress ? line.indexOf(progressPrefix) : -1;
      if (at >= 0) got = { value: JSON.parse(line.slice(at + resultPrefix.length)) as T };
      else if (pr >= 0) progress?.update(JSON.parse(line.slice(pr + progressPrefix.length)) as PhaseEvent);
      else for (const l of stdoutSplit.push(line)) process.stdout.write(`${l}\n`);
    }, () => {
      for (const l of stdoutSplit.end()) process.stdout.write(`${l}\n`);
    });
    onLines(child.stderr, (line) => {
      const at = line.indexOf(errorPrefix);
      const rk = line.indexOf(rankPrefix);
      if (at >= 0) failures.push(JSON.parse(line.slice(at + errorPrefix.length)) as RankFailure);
      else if (rk >= 0) pids.push(JSON.parse(line.slice(rk + rankPrefix.length)) as RankPid);
      else stderrLines.push(line);
    });

    const forward = (sig: NodeJS.Signals) => {
      interrupted = sig;
      child.kill('SIGTERM'); // mpiexec: SIGTERM to every rank, SIGKILL ~1 s later
    };
    const onInt = () => forward('SIGINT');
    const onTerm = () => forward('SIGTERM');
    if (!opts.interactive) process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const timer =
      opts.timeoutS && opts.timeoutS > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
          }, opts.timeoutS * 1000)
        : null;

    child.on('error', (e) => reject(new JobError(`could not start ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      if (timer) clearTimeout(timer);
      progress?.stop();
      const raw = stderrLines.join('\n');
      const debug = Boolean(env.DND_DEBUG);
      if (interrupted) return reject(new InterruptedError(interrupted));
      if (timedOut) return reject(new JobError(`the job ran longer than --timeout ${opts.timeoutS} s and was ended; every rank was stopped`));
      if (code === 0 && got && failures.length === 0) {
        if (raw.trim()) process.stderr.write(`${raw}\n`);
        return resolve(got.value);
      }
      if (debug && raw.trim()) process.stderr.write(`${raw}\n`);
      if (debug && stdoutSplit.banner.length) process.stderr.write(`${stdoutSplit.banner.join('\n')}\n`);
      // The cause, in this order: a rank that ended early by itself (its exit record: only
      // a rank's own process.exit writes one, never a reaction to another rank's failure;
      // Open MPI's words when it has them; Hydra has none, and its banner then names a rank
      // it killed while cleaning up, and MPICH may report the peer's loss as an MPI error
      // on the others); a rank's own error; a rank killed from outside (Hydra's banner,
      // Open MPI's box); mpiexec's first meaningful line.
      failures.sort((a, b) => a.rank - b.rank);
      const death = deathFromMpiexec(raw, stdoutSplit.banner, pids);
      const exited = failures.filter((f) => f.code === 'EEXIT');
      if (exited.length > 0) {
        const f = exited[0];
        const own = death && !/ killed by signal /.test(death) ? death : `rank ${f.rank}${f.host ? ` (${f.host})` : ''} ${f.message}`;
        return reject(new JobError(own, failures));
      }
      if (failures.length > 0) return reject(new JobError(describeFailure(failures[0]), failures));
      if (death) return reject(new JobError(death));
      const first = firstMeaningfulLine(stderrLines);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new JobError(`${cmd} ${how}${got ? '' : ' before rank 0 sent a result'}${first ? `: ${first}` : ''}`));
    });
  });
  return { result, totalSeconds: (performance.now() - t0) / 1000, launcher: decision.launcher };
}
