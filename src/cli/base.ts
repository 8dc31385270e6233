/**
 * The base of every dnd command: JSON output through oclif's --json (the return value of
 * run() is the JSON), colour decided here on the launcher, and launching or running as
 * a rank when something else started us.
 */
import { Command } from '@oclif/core';
import type { ChalkInstance } from 'chalk';
import { Comm } from '../dnd/comm.js';
import { randomBytes } from 'node:crypto';
import { chooseLauncher, defaultNprocs, outerJobToken, outerRank, type LauncherChoice, type OuterRank } from '../runtime/detect.js';
import { describeFailure, failureOf } from '../runtime/failure.js';
import { checkWorldSize } from '../runtime/execute.js';
import { launch, makeEnvelope, type LaunchOptions } from '../runtime/launcher.js';
import type { JobSpec } from '../runtime/job.js';
import { discardOutput, type OutputPlan } from '../runtime/output.js';
import { executeJob } from '../runtime/execute.js';
import { colorLevel, makeChalk } from './color.js';
import { formatJson, roundTimings } from './json.js';
import { usageError } from '../dnd/errors.js';
import { nativeMissing } from '../native/index.js';

export interface JobRun<T> {
  /** rank 0's result; null on the other ranks of an outer-launched job */
  result: T | null;
  totalSeconds: number;
  launcher: LauncherChoice | 'outer';
}

export abstract class DndCommand extends Command {
  static override enableJsonFlag = true;

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
  override logJson(json: unknown): void {
    process.stdout.write(`${formatJson(roundTimings(json))}\n`);
  }

  /** A token for this job's temporary files: random, or the outer launcher's job id. */
  protected jobToken(): string {
    return this.outer() ? outerJobToken() : randomBytes(6).toString('hex');
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
  protected async runJob<T>(job: JobSpec, nprocs: number, launcher: 'auto' | LauncherChoice, timeoutS = 0, extra: Partial<LaunchOptions> = {}): Promise<JobRun<T>> {
    const t0 = performance.now();
    const out = 'out' in job ? (job.out ?? null) : null;
    if (this.outer()) return this.runAsRank<T>(job, nprocs, t0, out);
    const decision = chooseLauncher(launcher, nprocs);
    if (decision.launcher === 'none' && nprocs !== 1) {
      throw usageError(`--launcher none runs one rank in-process, but -n ${nprocs} was asked for: use -n 1 or another launcher`);
    }
    const missing = nativeMissing(); // the loader's whole advice, not one rank's first line
    if (missing) throw missing;
    const color = !this.jsonEnabled() && colorLevel() > 0;
    try {
      const run = await launch<T>(job, { nprocs, launcher, color, timeoutS, ...extra });
      return { result: run.result, totalSeconds: run.totalSeconds, launcher: run.launcher };
    } catch (e) {
      discardOutput(out); // a failed job leaves no partial output
      throw e;
    }
  }

  private async runAsRank<T>(job: JobSpec, nprocs: number, t0: number, out: OutputPlan | null): Promise<JobRun<T>> {
    const envelope = makeEnvelope(job, nprocs, false);
    let comm: Comm | null = null;
    try {
      comm = Comm.world();
      checkWorldSize(comm, nprocs);
      const result = (await executeJob(envelope)) as T | null;
      Comm.finalizeNow();
      return { result, totalSeconds: (performance.now() - t0) / 1000, launcher: 'outer' };
    } catch (e) {
      // one line from the failing rank, then end every rank: nobody hangs in a collective
      const f = failureOf(e, comm?.rank ?? 0, comm?.host());
      process.stderr.write(`dnd: ${describeFailure(f)}\n`);
      discardOutput(out);
      if (comm && comm.size > 1) comm.abort(3);
      process.exit(3);
    }
  }
}
