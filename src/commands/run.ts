import { Args, Flags } from '../cli/oclif.js';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { deadlockFlag, hostFlags, launcherFlag, nprocsFlag, oversubscribeFlag, timeoutFlag } from '../cli/flags.js';
import { planTrace, traceFlag } from '../cli/trace-out.js';
import { seconds } from '../cli/render.js';
import { usageError } from '../dnd/errors.js';
import type { RunReport } from '../runtime/jobs/run.js';
import { fileKind } from '../runtime/out-path.js';

export default class Run extends DndCommand {
  static override summary = 'Run your own script on N ranks, with the dnd library ready as the global `dnd`.';

  static override description = prose`Every rank imports SCRIPT (.js, .mjs, or .ts when tsx is installed) with the globals dnd (the
library), comm, rank and size, as in a px session. Arguments after -- reach the script as
process.argv. What the ranks print goes straight through (to stderr with --json, so that
stdout holds only the one JSON object), coloured only when dnd's own stdout is a terminal
(NO_COLOR and FORCE_COLOR are honoured; NO_COLOR wins). A throw on any rank ends every rank:
exit 3 with the rank and the error; so does process.exit() on a rank (it would leave the others
waiting in MPI): end a script by returning from it.

A collective that only some ranks reach would wait forever: when every rank has waited inside
MPI for --deadlock-timeout seconds in different collectives, the job ends with exit 3, naming
each rank's collective and the script's line. The job never outlives dnd: if dnd is killed,
closed with its terminal (SIGHUP) or interrupted, every rank ends too.`;

  static override examples = [
    { description: 'Four ranks, each printing its block.', command: '<%= config.bin %> <%= command.id %> examples/scripts/layout.mjs -n 4' },
    { description: 'Arguments for the script.', command: '<%= config.bin %> <%= command.id %> analyse.mjs -n 2 -- data.h5 --verbose' },
    { description: 'Trace it: the script\'s own dnd.trace.span()s and counters appear beside the collectives.', command: '<%= config.bin %> <%= command.id %> examples/scripts/layout.mjs -n 4 --trace run.json' },
  ];

  static override strict = false;

  static override args = {
    script: Args.string({ description: 'the script to run on every rank', required: true }),
  };

  static override flags = {
    nprocs: nprocsFlag,
    oversubscribe: oversubscribeFlag,
    'deadlock-timeout': deadlockFlag,
    launcher: launcherFlag,
    timeout: timeoutFlag,
    trace: traceFlag,
    quiet: Flags.boolean({ char: 'q', summary: 'Do not print the summary line after the script.' }),
    ...hostFlags,
  };

  async run(): Promise<RunReport | undefined> {
    const { args, flags, argv } = await this.parse(Run);
    const script = resolve(args.script ?? '');
    if (!existsSync(script)) throw usageError(`${args.script}: no such script`);
    if (!statSync(script).isFile()) throw usageError(`${args.script} is ${fileKind(statSync(script))}, not a script file`);
    if (!/\.(m?js|cjs|ts|mts)$/.test(script)) throw usageError(`${args.script}: expected a .js, .mjs or .ts script`);
    const dash = this.argv.indexOf('--');
    const scriptArgs = dash >= 0 ? this.argv.slice(dash + 1) : (argv as string[]).slice(1);
    let nodeArgs: string[] = [];
    if (/\.m?ts$/.test(script)) {
      try {
        nodeArgs = ['--import', createRequire(import.meta.url).resolve('tsx')];
      } catch {
        throw usageError(`${args.script} is TypeScript: install tsx (npm i tsx) or compile it to .js first`);
      }
    }
    const nprocs = this.resolveNprocs(flags.nprocs);
    const trace = planTrace(flags.trace, 'run');
    const run = await this.runJob<RunReport>({ op: 'run', script, args: scriptArgs }, nprocs, flags.launcher, flags.timeout, { nodeArgs, deadlockS: flags['deadlock-timeout'], trace, rankOutput: this.jsonEnabled() ? 'stderr' : 'stdout' });
    if (!run.result) return undefined;
    if (!this.jsonEnabled() && !flags.quiet) this.logToStderr(this.c.dim(`dnd run: ${script} on ${run.result.nprocs} rank(s), ${seconds(run.result.seconds)}`));
    return run.result;
  }
}
