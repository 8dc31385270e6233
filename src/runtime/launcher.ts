/**
 * Starts the ranks of a job and brings rank 0's result back.
 *
 * mpiexec (or srun) is spawned with an argument array, never through a shell. Each rank
 * runs dist/rank/rank.cjs, the bundled dist/runtime/rank.js (no oclif). Records come back as lines with a per-job token
 * (see job.ts); everything else the ranks print passes through. Any rank's failure ends
 * the whole job (the rank calls MPI_Abort) and becomes a JobError naming the rank.
 *
 * The job never outlives this process (see link.ts for the ranks' side):
 * - mpiexec is started through `setpriv --pdeathsig SIGTERM` where setpriv exists, so
 *   the kernel sends it SIGTERM when dnd dies for any reason, SIGKILL included; mpiexec
 *   then stops every rank on every host.
 * - mpiexec's stdin is a pipe only this process holds. mpiexec forwards it to rank 0
 *   (on whatever host), which ends the job when it reads end-of-file: the launcher is gone.
 * - SIGINT, SIGTERM and SIGHUP are forwarded as SIGTERM to mpiexec (it stops the ranks,
 *   SIGKILL about a second later); the job then ends with 128 + the signal's number.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chooseLauncher, inSlurmAllocation, which, type Env, type LauncherChoice } from './detect.js';
import { describeFailure, InterruptedError, JobError } from './failure.js';
import { encodeEnvelope, recordPrefix, type JobEnvelope, type JobSpec, type RankFailure } from './job.js';
import { fromWire } from '../dnd/wire.js';
import { deathFromMpiexec, firstMeaningfulLine, StdoutSplitter, type RankPid } from './mpiexec-output.js';
import { nativeBuildInfo } from '../native/index.js';
import { everyRankHere, mpiexecHostArgs, type HostPlacement } from './hosts.js';
import { srunMpiPlugin } from './slurm.js';
import { checkSlots } from './slots.js';
import { busErrorHint } from './bus-error.js';
import { sourceChange, stampSource, type SourceStamp } from './source-change.js';
import { guardInProcessOutput } from './interrupt.js';
import { pieceSizeFor, ProgressLine, setProgressSink, watchJobWork, type ProgressEvent } from './progress.js';
import { describeDeadlock, type WaitRecord } from './deadlock.js';
import { explainMpiexecFailure } from './mpi-errors.js';
import { usageError } from '../dnd/errors.js';
import { stamp } from './timing.js';
import { newJobToken } from './job-token.js';

// from the package root: this module also runs bundled into a command (dist/commands/,
// scripts/bundle-commands.mjs), always two levels below the root
export const RANK_SCRIPT = fileURLToPath(new URL('../../dist/runtime/rank.js', import.meta.url));
/** The same program bundled into one file by the build (scripts/bundle-rank.mjs). */
export const RANK_BUNDLE = fileURLToPath(new URL('../../dist/rank/rank.cjs', import.meta.url));

/**
 * The program the ranks run: the bundle, which starts faster (one file instead of ~60
 * modules), for dnd's own jobs; the modules themselves for user scripts (run, px), which
 * import dnd's library from dist/ and must share its one MPI world; and the modules when
 * the bundle was not built (tsc alone).
 */
export function rankProgram(op: JobSpec['op']): string {
  return ownRankProgram(op) && existsSync(RANK_BUNDLE) ? RANK_BUNDLE : RANK_SCRIPT;
}

/** Whether the ranks run only dnd's own code: not a user's script (run, px). */
export function ownRankProgram(op: JobSpec['op']): boolean {
  return op !== 'run' && op !== 'px';
}

export interface LaunchOptions {
  nprocs: number;
  launcher: 'auto' | LauncherChoice;
  color: boolean;
  /** end the job after this many seconds (0: never) */
  timeoutS?: number;
  /** more ranks than slots: asked for explicitly (--oversubscribe) */
  oversubscribe?: boolean;
  /** user scripts: report a deadlock after this many seconds of every rank waiting in MPI (0: off) */
  deadlockS?: number;
  env?: Env;
  /** interactive sessions: start mpiexec in its own process group (a terminal's Ctrl-C
   * then reaches only dnd), leave SIGINT to the caller, and hand it the child */
  interactive?: { onSpawn: (child: ChildProcess) => void };
  /** ends the job early; the reason (a signal name) becomes the InterruptedError */
  stop?: AbortSignal;
  /** extra node arguments for the rank program (e.g. a loader for .ts scripts) */
  nodeArgs?: string[];
  /** where mpiexec puts the ranks (--hostfile / --host); null: mpiexec's own default */
  hosts?: HostPlacement | null;
  /** variables of the launcher's environment that ranks on other hosts need too (Open MPI's -x) */
  forward?: string[];
  /** one rank per host in turn (doctor's cross-host check) instead of filling hosts first */
  spread?: boolean;
  /** record a trace on every rank (rank 0's result then carries it: trace-rank.ts) */
  trace?: boolean;
  /** where what the ranks print goes: stderr when stdout carries the one --json object */
  rankOutput?: 'stdout' | 'stderr';
}

export interface Launched<T> {
  result: T;
  /** seconds from just before the launcher started to the end of the job */
  totalSeconds: number;
  launcher: LauncherChoice;
}

/** Open MPI's note on each signal it forwards to the ranks (px's interrupts): not news */
const FORWARDED = /^\S+: Forwarding signal \d+ to job$/;

/** setTimeout's delay is a signed 32-bit count of milliseconds; longer ones fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** A timer for any duration (re-armed in steps below setTimeout's limit); returns its cancel. */
export function longTimeout(ms: number, fire: () => void): () => void {
  let t: NodeJS.Timeout;
  const due = Date.now() + ms;
  const arm = () => {
    const left = due - Date.now();
    t = setTimeout(left > MAX_DELAY_MS ? arm : fire, Math.min(Math.max(left, 0), MAX_DELAY_MS));
  };
  arm();
  return () => clearTimeout(t);
}

export function makeEnvelope(job: JobSpec, nprocs: number, color: boolean): JobEnvelope {
  return { v: 1, token: newJobToken(), nprocs, color, job };
}

/**
 * The environment for the ranks: the user's own, plus defaults measured to help on a
 * single node (README, "How it works"). A user's own OMPI_MCA_* settings always win.
 * `ownProgram`: the ranks run only dnd's code (ownRankProgram), not a user's script.
 */
export function rankEnvironment(base: Env, nprocs: number, singleNode: boolean, oversubscribed = false, ownProgram = false): Record<string, string> {
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
  }
  // checkSlots allowed more ranks than slots (within its default allowance or --oversubscribe)
  if (oversubscribed) setDefault('OMPI_MCA_rmaps_base_oversubscribe', '1');
  // ROMIO: collective HDF5 reads ~6x faster than OMPIO here.
  setDefault('OMPI_MCA_io', 'romio321');
  // Node 20 reads and parses this certificate file at every start, before any JS runs
  // (~80 ms of CPU per rank here for Debian's 220 KB bundle: -n 4 on 2 cores waited 160 ms
  // for it). dnd's rank program opens no TLS connection; a user's script may, and keeps
  // it. Emptied rather than removed, so that Open MPI's `-x` (hosts.ts) carries the empty
  // value to ranks on other hosts too; Node skips an empty one.
  if (ownProgram && env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = '';
  return env;
}

/**
 * The mpiexec that starts our ranks: DND_MPIEXEC; else the one of the MPI the binding was
 * built with when the build chose it explicitly (MPICC=mpicc.mpich records
 * mpiexec.mpich, scripts/native-flags.mjs), since another MPI's mpiexec would start N
 * singletons; else `mpiexec` on PATH, whose MPI is the `mpicc` a default build used.
 */
export function mpiexecCommand(env: Env): string {
  return env.DND_MPIEXEC || (nativeBuildInfo()?.mpi.mpiexec ?? 'mpiexec');
}

/** The program that starts the ranks, from DND_MPIEXEC / DND_SRUN or PATH; exit 2 when there is none. */
export function launcherProgram(launcher: 'mpiexec' | 'srun', env: Env): string {
  const variable = launcher === 'srun' ? 'DND_SRUN' : 'DND_MPIEXEC';
  const given = env[variable];
  if (given === '') throw usageError(`${variable} is set but empty: set it to the ${launcher} program to use, or unset it`);
  const cmd = given ?? (launcher === 'srun' ? 'srun' : mpiexecCommand(env));
  if (which(cmd, env)) return cmd;
  if (given !== undefined) throw usageError(`${variable}=${given}: no such executable`);
  if (launcher === 'srun') throw usageError('srun not found on PATH: run inside a Slurm allocation with Slurm on PATH, or use --launcher mpiexec');
  throw usageError('mpiexec not found on PATH: install MPI (Debian: apt-get install openmpi-bin) or `module load openmpi`; `dnd doctor` shows what is missing');
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

/**
 * Node's flags for every rank dnd starts. `--single-threaded-gc`: a rank's heap is small
 * (the data is in ArrayBuffers), and V8's parallel and concurrent collector threads only
 * compete with the ranks on cores that MPI already fills, one rank each: in a loop of moves
 * each rep's released block makes V8 collect (external memory), and its helper threads
 * took 2-8% of a 256 MiB-1 GiB exchange here (bench/README.md, "Page advice and GC
 * threads"). No cost at start (node -e 0: same time with it).
 */
export const RANK_NODE_FLAGS = ['--single-threaded-gc'];

/** The argument vector that starts the ranks. */
export function launchCommand(launcher: 'mpiexec' | 'srun', nprocs: number, encoded: string, env: Env, nodeArgs: string[] = [], oversubscribed = false, hostArgs: string[] = [], forward: string[] = [], program = RANK_SCRIPT): { cmd: string; args: string[] } {
  const rankArgs = [process.execPath, ...RANK_NODE_FLAGS, ...nodeArgs, program, encoded];
  const cmd = launcherProgram(launcher, env);
  if (launcher === 'srun') {
    const plugin = srunMpiPlugin(env);
    // --overcommit: more tasks than CPUs, asked for with --oversubscribe (else srun waits forever)
    return { cmd, args: ['-n', String(nprocs), ...(oversubscribed ? ['--overcommit'] : []), ...(plugin ? [`--mpi=${plugin}`] : []), ...rankArgs] };
  }
  // Hydra (the MPICH family's mpiexec) lists every rank's exit code only when asked: the
  // one way to tell the rank that failed from those it killed afterwards (mpiexec-output.ts)
  const hydra = nativeBuildInfo()?.mpi.family === 'mpich' && !isOpenMpiLauncher(cmd, env);
  // Hydra (and srun) pass the whole environment on by themselves; Open MPI only what -x names
  const fwd = hydra ? [] : forward.filter((k) => !hostArgs.includes(k)).flatMap((k) => ['-x', k]);
  return { cmd, args: [...(hydra ? ['-print-all-exitcodes'] : []), '-n', String(nprocs), ...hostArgs, ...fwd, ...rankArgs] };
}

/**
 * Whether a one-rank job can run without MPI (a world of one in JS, dnd/solo.ts): it is
 * one of dnd's own data commands (its files are read and written through HDF5's POSIX
 * driver then, with an fsync for durability, dnd/io.ts), not doctor's MPI check (hello),
 * runs no user script (a script may call anything of MPI) and records no trace (whose
 * phases include MPI_Init). Its output is the same (test/e2e/solo.test.ts); what it saves
 * is MPI's start and end as a singleton: ~140 ms of a job that reads, ~400 ms of one that
 * writes (MPI-IO's start too) here. DND_SOLO=0 runs such jobs under MPI as before.
 */
export function soloEligible(job: JobSpec, trace: boolean, env: Env = process.env): boolean {
  if (trace || env.DND_SOLO === '0') return false;
  switch (job.op) {
    case 'chunk':
    case 'info':
    case 'create':
    case 'resplit':
    case 'redistribute':
      return true;
    default:
      return false;
  }
}

/** Runs the job in this process as a world of one. */
export async function runInProcess<T>(envelope: JobEnvelope): Promise<T> {
  const unguard = guardInProcessOutput(envelope.job); // no temporary file left on a signal
  const line = envelope.progress ? new ProgressLine(process.stderr) : null;
  if (line) setProgressSink((e) => line.update(e));
  watchJobWork(envelope.pieceBytes ?? 0, Boolean(envelope.progress), 0);
  try {
    // loaded here, not at the top: a launcher that starts ranks needs none of the job code
    const { runRank } = await import('./lifecycle.js');
    // no report: the error propagates to the command, which prints it once
    return (await runRank<T>(envelope, {})) as T;
  } finally {
    line?.stop();
    setProgressSink(null);
    watchJobWork(0, false, 0);
    unguard();
  }
}

/**
 * Runs an in-process job with its writes to stdout sent to stderr instead (`run --json`:
 * stdout is for the one JSON object).
 */
async function withStdoutTo<T>(where: 'stdout' | 'stderr' | undefined, job: () => Promise<T>): Promise<T> {
  // not restored: what the script left running (a timer, a stream) may print after it
  // returned; dnd's report goes out through stdout.ts's writeStdout
  if (where === 'stderr') process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return job();
}

/** Splits a stream into lines; a last line without its newline is delivered too. */
function onLines(stream: NodeJS.ReadableStream, each: (line: string) => void, atEnd?: () => void): void {
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
}

/**
 * A record in a line. Text before the prefix is the rank's own output that did not end
 * with a newline (a script's last `process.stdout.write('…')`): it is kept, not dropped.
 */
function splitRecord(line: string, prefix: string): { before: string; body: string } | null {
  const at = line.indexOf(prefix);
  return at < 0 ? null : { before: line.slice(0, at), body: line.slice(at + prefix.length) };
}

/** Starts the job and waits for its result; a failure says whether the source file changed meanwhile. */
export async function launch<T>(job: JobSpec, opts: LaunchOptions): Promise<Launched<T>> {
  const before = stampSource(job);
  try {
    return await launchJob<T>(job, opts, before);
  } catch (e) {
    const changed = e instanceof JobError && !e.reported && before ? sourceChange(before) : '';
    if (changed) throw new JobError(`${(e as JobError).message}${changed}`, (e as JobError).failures);
    throw e;
  }
}

async function launchJob<T>(job: JobSpec, opts: LaunchOptions, source: SourceStamp | null): Promise<Launched<T>> {
  const env = opts.env ?? process.env;
  const decision = chooseLauncher(opts.launcher, opts.nprocs, env);
  const envelope = makeEnvelope(job, opts.nprocs, opts.color);
  // a progress line only for a person watching: stderr is a terminal, not an interactive session
  envelope.progress = Boolean(process.stderr.isTTY) && !opts.interactive;
  const piece = pieceSizeFor(envelope.progress, env);
  if (piece) envelope.pieceBytes = piece;
  if (opts.trace) envelope.trace = true;
  const t0 = performance.now();
  if (decision.launcher === 'none') {
    if (opts.nprocs !== 1) throw usageError(`--launcher none runs one rank in-process, but -n ${opts.nprocs} was asked for: use -n 1 or another launcher`);
    // MPI starts even one rank with its own tools (Open MPI's helper daemon, MPICH's
    // mpiexec), found on PATH: without them MPI_Init fails with pages of errors
    if (!which('mpiexec', env)) throw usageError('mpiexec not found on PATH, and MPI needs its tools even for one rank: install MPI (Debian: apt-get install openmpi-bin) or `module load openmpi`');
    if (soloEligible(job, Boolean(opts.trace), env)) envelope.solo = true;
    const result = await withStdoutTo(opts.rankOutput, () => runInProcess<T>(envelope));
    return { result, totalSeconds: (performance.now() - t0) / 1000, launcher: 'none' };
  }
  const slots = checkSlots(opts.nprocs, Boolean(opts.oversubscribe), env);
  envelope.link = true;
  if (opts.deadlockS && opts.deadlockS > 0) envelope.deadlockS = opts.deadlockS;
  const hostArgs = decision.launcher === 'mpiexec' ? mpiexecHostArgs(opts.hosts ?? null, opts.spread, env) : [];
  const { cmd, args } = launchCommand(decision.launcher, opts.nprocs, encodeEnvelope(envelope), env, opts.nodeArgs, slots.oversubscribed, hostArgs, opts.forward, rankProgram(job.op));
  // one node: outside Slurm, or an allocation of a single node, and no host named but this one
  const singleNode = (!inSlurmAllocation(env) || env.SLURM_JOB_NUM_NODES === '1' || env.SLURM_NNODES === '1') && everyRankHere(opts.hosts ?? null, env);
  const childEnv = rankEnvironment(env, opts.nprocs, singleNode, slots.oversubscribed, ownRankProgram(job.op));
  // the kernel's parent-death signal, through util-linux's setpriv (an exec wrapper: the pid is mpiexec's)
  const setpriv = which('setpriv', env);
  const [file, argv] = setpriv ? [setpriv, ['--pdeathsig', 'SIGTERM', cmd, ...args]] : [cmd, args];
  stamp('cli', 'mpiexec spawned');
  const result = await new Promise<T>((resolve, reject) => {
    const child = spawn(file, argv, { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'], detached: Boolean(opts.interactive) });
    opts.interactive?.onSpawn(child);
    child.stdin.on('error', () => undefined); // mpiexec gone: nothing to write anyway
    const resultPrefix = recordPrefix(envelope.token, 'result');
    const errorPrefix = recordPrefix(envelope.token, 'error');
    const progressPrefix = recordPrefix(envelope.token, 'progress');
    const waitPrefix = recordPrefix(envelope.token, 'wait');
    const rankPrefix = recordPrefix(envelope.token, 'rank');
    const pids: RankPid[] = [];
    const stdoutSplit = new StdoutSplitter();
    const progress = envelope.progress ? new ProgressLine(process.stderr) : null;
    let got: { value: T } | null = null;
    const failures: RankFailure[] = [];
    const stderrLines: string[] = [];
    const waiting = new Map<number, WaitRecord>();
    let deadlock: string | null = null;
    let interrupted: NodeJS.Signals | null = null;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | null = null;

    /** Ends the job: SIGTERM to mpiexec, which stops every rank; SIGKILL if it has not ended in 5 s. */
    const end = () => {
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), 5000);
    };

    const rankOut = opts.rankOutput === 'stderr' ? process.stderr : process.stdout;
    onLines(child.stdout, (line) => {
      const r = splitRecord(line, resultPrefix);
      const p = progress ? splitRecord(line, progressPrefix) : null;
      const rec = r ?? p;
      if (rec?.before) rankOut.write(`${rec.before}\n`);
      if (r) {
        stamp('cli', 'result received');
        got = { value: fromWire<T>(r.body) };
      } else if (p) progress?.update(fromWire<ProgressEvent>(p.body));
      else for (const l of stdoutSplit.push(line)) rankOut.write(`${l}\n`);
    }, () => {
      for (const l of stdoutSplit.end()) rankOut.write(`${l}\n`);
    });
    onLines(child.stderr, (line) => {
      const e = splitRecord(line, errorPrefix);
      const w = e ? null : splitRecord(line, waitPrefix);
      const k = e || w ? null : splitRecord(line, rankPrefix);
      const rec = e ?? w ?? k;
      if (rec?.before) stderrLines.push(rec.before);
      if (e) failures.push(fromWire<RankFailure>(e.body));
      else if (k) pids.push(fromWire<RankPid>(k.body));
      else if (w) {
        const record = fromWire<WaitRecord>(w.body);
        if (record.done) waiting.delete(record.rank);
        else waiting.set(record.rank, record);
        if (!deadlock && waiting.size === opts.nprocs) {
          deadlock = describeDeadlock([...waiting.values()]);
          if (deadlock) end();
        }
      } else if (!FORWARDED.test(line)) stderrLines.push(line);
    });

    const forward = (sig: NodeJS.Signals) => {
      interrupted ??= sig;
      end();
    };
    const onInt = () => forward('SIGINT');
    const onTerm = () => forward('SIGTERM');
    const onHup = () => forward('SIGHUP');
    const onStop = () => forward((opts.stop?.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
    if (!opts.interactive) process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    opts.stop?.addEventListener('abort', onStop);
    const cancelTimer =
      opts.timeoutS && opts.timeoutS > 0
        ? longTimeout(opts.timeoutS * 1000, () => {
            timedOut = true;
            end();
          })
        : null;

    child.on('error', (e) => reject(new JobError(`could not start ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      stamp('cli', 'mpiexec closed');
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      opts.stop?.removeEventListener('abort', onStop);
      cancelTimer?.();
      if (killTimer) clearTimeout(killTimer);
      progress?.stop();
      const raw = stderrLines.join('\n');
      if (interrupted) return reject(new InterruptedError(interrupted));
      if (deadlock) return reject(new JobError(deadlock));
      if (timedOut) return reject(new JobError(`the job ran longer than --timeout ${opts.timeoutS} s and was ended; every rank was stopped`));
      if (code === 0 && got && failures.length === 0) {
        if (raw.trim()) process.stderr.write(`${raw}\n`);
        return resolve(got.value);
      }
      const debug = Boolean(env.DND_DEBUG);
      if (debug && raw.trim()) process.stderr.write(`${raw}\n`);
      if (debug && stdoutSplit.banner.length) process.stderr.write(`${stdoutSplit.banner.join('\n')}\n`);
      const cause = explainMpiexecFailure(raw, env);
      // The cause, in this order: a rank that ended early by itself (its exit record: only
      // a rank's own process.exit writes one, never a reaction to another rank's failure;
      // Open MPI's words when it has them; Hydra has none, and its banner then names a rank
      // it killed while cleaning up, and MPICH may report the peer's loss as an MPI error
      // on the others); a rank's own error; a rank killed from outside (Hydra's banner,
      // Open MPI's box); mpiexec's own explanation.
      failures.sort((a, b) => a.rank - b.rank);
      const death = deathFromMpiexec(raw, stdoutSplit.banner, pids);
      const exited = failures.filter((f) => f.code === 'EEXIT');
      if (exited.length > 0) {
        const f = exited[0];
        const own = death && !/ killed by signal /.test(death) ? death : `rank ${f.rank}${f.host ? ` (${f.host})` : ''} ${f.message}`;
        return reject(new JobError(own, failures));
      }
      if (failures.length > 0) return reject(new JobError(`${describeFailure(failures[0])}${cause.hint ? ` (${cause.hint})` : ''}`, failures));
      if (cause.message) return reject(new JobError(cause.message));
      if (death) return reject(new JobError(`${death}${busErrorHint(death, job, source !== null && sourceChange(source) !== '')}`));
      // mpiexec's own explanation (no slots, unreachable host …): shown whole, then one line
      // Hydra's errors are one line each, the meaningful one first (shown in dnd's line);
      // Open MPI's explanation is a box, shown whole
      const hydra = stderrLines.some((l) => /^\[mpiexec@/.test(l));
      if (!debug && cause.text && !hydra) process.stderr.write(`${cause.text}\n`);
      const first = cause.text && !hydra ? cause.summary : firstMeaningfulLine(stderrLines);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new JobError(`${cmd} ${how}${got ? '' : ' before rank 0 sent a result'}${first ? `: ${first}` : ''}`));
    });
  });
  return { result, totalSeconds: (performance.now() - t0) / 1000, launcher: decision.launcher };
}

