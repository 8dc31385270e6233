import { Args, Flags } from '../cli/oclif.js';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { planTrace, traceFlag } from '../cli/trace-out.js';
import { moveFlags } from '../cli/flags.js';
import { parseCounts } from '../cli/parse.js';
import { renderDryRun, renderMoveReport } from '../cli/render-move.js';
import { resolveSource, startLayout } from '../cli/source.js';
import { checkMoveFitsInMemory, moveRefusal } from '../runtime/memory-check.js';
import { usageError } from '../dnd/errors.js';
import { checkCounts } from '../dnd/spec.js';
import { balancedLayout } from '../dnd/ops/move.js';
import { dryRun, type DryRunReport } from '../runtime/dry-run.js';
import type { MoveReport } from '../runtime/jobs/move.js';
import { planOutput } from '../runtime/output.js';

export default class Redistribute extends DndCommand {
  static override summary = 'Move rows along the split axis so that each rank holds a given number of them.';

  static override description = prose`Opens SOURCE (FILE.h5[:/dataset] or KIND:SHAPE) distributed along --split (balanced, or as --counts
says), then moves data along the split axis only so that rank p holds target[p] rows, keeping the
global order. One collective exchange computed from the overlap of the old and new row intervals,
not a chain of sends. --balance moves to chunk()'s layout.

The target is checked before anything starts: one non-negative integer per rank, summing to the
length of the split axis. --dry-run prints the plan without starting any rank.`;

  static override examples = [
    { description: 'Put all 7 rows on rank 1.', command: '<%= config.bin %> <%= command.id %> randn:7,4 --target 0,7,0 -n 3' },
    { description: 'Rebalance an unbalanced start.', command: '<%= config.bin %> <%= command.id %> arange:10,2 --counts 10,0,0,0 --balance -n 4' },
    { description: 'Plan only: bytes per rank pair and peak memory per rank.', command: '<%= config.bin %> <%= command.id %> data.h5 --target 5,0,3,2 -n 4 --dry-run' },
  ];

  static override args = {
    source: Args.string({ description: 'FILE.h5[:/dataset] or KIND:SHAPE (e.g. randn:7,4,3); an existing file of that name wins, ./NAME always means a file', required: true }),
  };

  static override flags = {
    target: Flags.string({ summary: 'Rows of the split axis per rank after the move, e.g. 5,0,3,2.', exclusive: ['balance'] }),
    balance: Flags.boolean({ summary: 'Move to the balanced layout (chunk()).', exclusive: ['target'] }),
    ...moveFlags,
    trace: traceFlag,
  };

  async run(): Promise<MoveReport | DryRunReport | undefined> {
    const { args, flags } = await this.parse(Redistribute);
    if (!flags.target && !flags.balance) throw usageError('give --target c0,c1,... (rows per rank) or --balance');
    const nprocs = this.resolveNprocs(flags.nprocs);
    const src = resolveSource(args.source ?? '', { ...flags, planOnly: flags['dry-run'], readOnly: true }, nprocs);
    if (src.split === null) throw usageError('redistribute moves rows along the split axis, but --split is none');
    const target = flags.target ? parseCounts(flags.target, '--target') : null;
    if (target) checkCounts(target, src.gshape, src.split, nprocs, '--target');
    if (flags.force && flags.out === undefined) throw usageError('--force only applies with --out');
    const from = startLayout(src, nprocs);
    const to = target ? { split: src.split, counts: target } : balancedLayout(src.gshape, src.split, nprocs);
    if (flags['dry-run'] && flags.trace !== undefined) throw usageError('--trace records a running job, but --dry-run starts none: drop one of them');
    const trace = planTrace(flags.trace, 'redistribute', { out: flags.out });
    if (flags['dry-run']) {
      const plan = dryRun('redistribute', src.gshape, src.dtype, from, to, nprocs, src.mapped);
      if (!this.jsonEnabled()) this.log(renderDryRun(plan, this.c));
      const refused = moveRefusal('redistribute', src.gshape, src.split, src.dtype, from, to, nprocs, src.mapped);
      if (refused) process.stderr.write(`dnd: without --dry-run this would be refused here: ${refused}\n`);
      return plan;
    }
    checkMoveFitsInMemory('redistribute', src.gshape, src.dtype, from, to, nprocs, { sourceMapped: src.mapped });
    const out = flags.out === undefined ? null : planOutput(flags.out, { force: flags.force, token: this.jobToken(), durable: flags.fsync, inputs: src.spec.type === 'file' ? [src.spec] : [] });
    const run = await this.runJob<MoveReport>(
      { op: 'redistribute', source: src.spec, split: src.split, counts: src.counts, target: target ?? 'balance', checksum: flags.checksum, out },
      nprocs,
      flags.launcher,
      flags.timeout,
      { trace },
    );
    if (!run.result) return undefined;
    run.result.timing.total_s = run.totalSeconds;
    if (!this.jsonEnabled()) this.log(renderMoveReport(run.result, this.c));
    return run.result;
  }
}
