/**
 * The base of every dnd command: JSON output through oclif's --json (the return value of
 * run() is the JSON), colour decided here on the launcher, and launching or running as
 * a rank when something else started us.
 */
import { Command, type Interfaces } from './oclif.js';
import type { ChalkInstance } from 'chalk';
import { defaultNprocs, outerJobToken, outerRank, type LauncherChoice, type OuterRank } from '../runtime/detect.js';
import { describeFailure, InterruptedError } from '../runtime/failure.js';
import { launch, makeEnvelope, type LaunchOptions } from '../runtime/launcher.js';
import type { JobSpec } from '../runtime/job.js';
import { discardOutput, finishOutput, type OutputPlan } from '../runtime/output.js';
import { colorLevel, makeChalk } from './color.js';
import { formatJson, roundTimings } from './json.js';
import { writeStdout } from '../runtime/stdout.js';
import { usageError } from '../dnd/errors.js';
import { checkSlots, launcherForHosts, resolveHosts, type HostPlacement } from '../runtime/hosts.js';
import { saveTrace, type TracePlan } from './trace-out.js';
import { nativeMissing } from '../native/index.js';
import { stamp } from '../runtime/timing.js';
import { newJobToken } from '../runtime/job-token.js';
import { knobWarnings } from '../runtime/env-knobs.js';
import { printableOutput } from './printable.js';

export interface JobRun<T> {
  /** rank 0's result; null on the other ranks of an outer-launched job */
  result: T | null;
  totalSeconds: number;
  launcher: LauncherChoice | 'outer';
}

export abstract class DndCommand extends Command {
  static override enableJsonFlag = true;

  /**
   * oclif's Command.run loads the configuration again when it is handed one already
   * loaded (Config.load of a Config builds a new one: reads the theme, the platform, the
   * shell; ~3 ms of every command here), and a loaded one is what oclif's own runCommand
   * hands it: that one is used as it is. Anything else goes through oclif's way.
   */
  static override async run<T extends Command>(this: new (argv: string[], config: Interfaces.Config) => T, argv?: string[], opts?: Interfaces.LoadOptions): Promise<ReturnType<T['run']>> {
    if (!isLoadedConfig(opts)) return Command.run.call(this, argv, opts) as Promise<ReturnType<T['run']>>;
    const cmd = new this(argv ?? process.argv.slice(2), opts) as T & { _run<R>(): Promise<R> };
    return cmd._run<ReturnType<T['run']>>();
  }

  private _chalk: ChalkInstance | null = null;

  /**
   * Colours for rendering; off under --json, NO_COLOR, or a non-terminal stdout. As a
   * rank of an outside launcher, stdout is a pseudo-terminal even when redirected
   * (OpenMPI), so only FORCE_COLOR turns colour on there.
   */
  protected get c(): ChalkInstance {
    const isTTY = !this.outer() && Boolean(process.stdout.isTTY);
    if (!this._chalk) this._chalk = makeChalk(this.jsonEnabled() ? 0 : colorLevel(process.env, isTTY));
    return this._chalk;
  }

  /**
   * Every failure goes to bin/run.js, which prints one line on stderr and sets the exit
   * code (2, 3, 130). oclif's own catch would print an error object on stdout under
   * --json and exit 1; stdout carries only a successful result.
   */
  override async catch(err: Error & { exitCode?: number }): Promise<never> {
    throw err;
  }


  /**
   * One JSON object on stdout, numbers arrays inline, timings rounded to the microsecond
   * (see json.ts); never coloured. Its shape is the schema in schemas/ for the command.
   */
  /** Human output, control characters from files made visible (printable.ts). */
  override log(message = '', ...args: unknown[]): void {
    super.log(printableOutput(message), ...args);
  }

  override logJson(json: unknown): void {
    writeStdout(`${formatJson(roundTimings(json))}\n`);
  }

  /** A token for this job's temporary files: random, or the outer launcher's job id. */
  protected jobToken(): string {
    return this.outer() ? outerJobToken() : newJobToken();
  }

  /** --hostfile / --host (or their env defaults), checked while parsing: before any launch */
  protected placement: HostPlacement | null = null;

  private _oversubscribe = false;

  /**
   * Notes what runJob needs from the flags every launching command has: --oversubscribe,
   * and --hostfile / --host, checked here, before any launch.
   */
  protected override async parse<F extends Record<string, unknown>, B extends Record<string, unknown>, A extends Record<string, unknown>>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const out = await super.parse(options, argv);
    this._oversubscribe = Boolean((out.flags as { oversubscribe?: boolean }).oversubscribe);
    // a rank of an outside job (srun dnd …) is already placed: the hosts are not its to use
    if (options?.flags && 'hostfile' in options.flags && !outerRank()) this.placement = resolveHosts(out.flags as { hostfile?: string; host?: string });
    return out;
  }

  private _outer: OuterRank | null | undefined;
  private _asked: number | undefined;

  /**
   * The outside job this process is a rank of, if any. A world of one with -n > 1 asked
   * for (a shell inside `srun --pty bash`, which has PMIx variables) is not a job to
   * join: dnd starts its own ranks then.
   */
  protected outer(): OuterRank | null {
    if (this._outer === undefined) {
      const o = outerRank();
      this._outer = o && o.size === 1 && this._asked !== undefined && this._asked > 1 ? null : o;
    }
    return this._outer;
  }

  /** How many ranks: -n, else the allocation's task count inside Slurm, else 1. */
  protected resolveNprocs(n: number | undefined): number {
    this._asked = n;
    this._outer = undefined;
    const outer = this.outer();
    if (outer?.via === 'srun') {
      // srun started tasks with no PMIx/PMI: OpenMPI would abort in MPI_Init on each
      throw usageError(
        `srun started ${outer.size} task(s) without MPI support (no PMIx or PMI in their environment), so they cannot become MPI ranks: use srun --mpi=pmix (srun --mpi=list shows the plugins), or run dnd without srun and let it start the ranks`,
      );
    }
    if (outer) {
      if (n !== undefined && n !== outer.size) {
        throw usageError(`-n ${n} was given but dnd was started as one of ${outer.size} ranks (${outer.via}): drop -n or make them agree`);
      }
      return outer.size;
    }
    return n ?? defaultNprocs();
  }

  /**
   * Runs a validated job: on N ranks through the launcher, in-process, or, when an
   * outside launcher started us as a rank, right here with every other rank.
   */
  protected async runJob<T>(job: JobSpec, nprocs: number, launcher: 'auto' | LauncherChoice, timeoutS = 0, options: Omit<Partial<LaunchOptions>, 'trace'> & { trace?: TracePlan | null } = {}): Promise<JobRun<T>> {
    const t0 = performance.now();
    stamp('cli', 'command parsed');
    const out = 'out' in job ? (job.out ?? null) : null;
    const { trace = null, ...extra } = options;
    if ((this.outer()?.rank ?? 0) === 0) for (const w of knobWarnings(process.env)) process.stderr.write(`dnd: warning: ${w}\n`);
    if (this.outer()) return this.runAsRank<T>(job, nprocs, t0, out, trace);
    if (this.placement) {
      launcher = launcherForHosts(launcher, this.placement);
      checkSlots(this.placement, nprocs);
    }
    const missing = nativeMissing(); // the loader's whole advice, not one rank's first line
    if (missing) throw missing;
    const color = !this.jsonEnabled() && colorLevel() > 0;
    try {
      const run = await launch<unknown>(job, { nprocs, launcher, color, timeoutS, hosts: this.placement, oversubscribe: this._oversubscribe, trace: trace !== null, ...extra });
      finishOutput(out);
      const started = run.launcher === 'none' ? null : { at: t0, launcher: run.launcher };
      const result = saveTrace<T>(run.result, trace, started, newJobToken());
      return { result, totalSeconds: run.totalSeconds, launcher: run.launcher };
    } catch (e) {
      discardOutput(out); // a failed job leaves no partial output
      if (e instanceof InterruptedError && out) throw new InterruptedError(e.signal, `${job.op} stopped on every rank; nothing was written to ${out.named}`);
      throw e;
    }
  }

  /** A rank of an outside launcher: one line from the failing rank, then every rank ends (lifecycle.ts). */
  private async runAsRank<T>(job: JobSpec, nprocs: number, t0: number, out: OutputPlan | null, trace: TracePlan | null): Promise<JobRun<T>> {
    const envelope = makeEnvelope(job, nprocs, false);
    envelope.trace = trace !== null;
    // the job code is loaded only where a job runs (not by a launcher that starts ranks)
    const { runRank } = await import('../runtime/lifecycle.js');
    const value = await runRank<unknown>(envelope, {
      report: (f) => process.stderr.write(`dnd: ${describeFailure(f)}\n`),
      cleanup: () => discardOutput(out),
    });
    const result = saveTrace<T | null>(value, trace, null, this.jobToken());
    return { result, totalSeconds: (performance.now() - t0) / 1000, launcher: 'outer' };
  }
}

/** A configuration oclif has loaded (its own test: a Config carries `_base`). */
function isLoadedConfig(opts: Interfaces.LoadOptions): opts is Interfaces.Config {
  return typeof opts === 'object' && opts !== null && '_base' in opts && typeof (opts as { runCommand?: unknown }).runCommand === 'function';
}
