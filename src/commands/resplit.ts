import { Args, Flags } from '../cli/oclif.js';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { planTrace, traceFlag } from '../cli/trace-out.js';
import { moveFlags } from '../cli/flags.js';
import { parseAxis } from '../cli/parse.js';
import { renderDryRun, renderMoveReport } from '../cli/render-move.js';
import { resolveSource, startLayout } from '../cli/source.js';
import { checkMoveFitsInMemory, moveRefusal } from '../runtime/memory-check.js';
import { usageError } from '../dnd/errors.js';
import { normalizeSplit } from '../dnd/layout.js';
import { balancedLayout } from '../dnd/ops/move.js';
import { dryRun, type DryRunReport } from '../runtime/dry-run.js';
import type { MoveReport } from '../runtime/jobs/move.js';
import { planOutput } from '../runtime/output.js';

export default class Resplit extends DndCommand {
  static override summary = 'Change the split axis of an array with one collective exchange.';

  static override description = prose`Opens SOURCE (FILE.h5[:/dataset] or KIND:SHAPE) distributed along --split, then moves it so that it is
split along --axis, balanced by chunk(), with one MPI_Alltoallw of subarray types (or one
MPI_Alltoallv when every piece is contiguous): never a gather to one rank, and no packing buffer, so
a rank's peak memory is about its old block plus its new block. --axis none gives every rank the
whole array. Resplitting to the current axis moves nothing.

Shows before and after side by side (lshape_map, counts, displs), bytes moved, time, throughput
and each rank's peak resident memory. --dry-run prints the plan without starting any rank.`;

  static override examples = [
    { description: 'Split a file\'s dataset along axis 1 instead of 0, and write the result.', command: '<%= config.bin %> <%= command.id %> data.h5 --axis 1 -n 4 --out t.h5' },
    { description: 'Gather a generated array to every rank.', command: '<%= config.bin %> <%= command.id %> randn:7,4,3 --axis none -n 3' },
    { description: 'See what would move, without moving it.', command: '<%= config.bin %> <%= command.id %> randn:4096,4096 --split 0 --axis 1 -n 4 --dry-run' },
  ];

  static override args = {
    source: Args.string({ description: 'FILE.h5[:/dataset] or KIND:SHAPE (e.g. randn:7,4,3); an existing file of that name wins, ./NAME always means a file', required: true }),
  };

  static override flags = {
    axis: Flags.custom<number | null>({ summary: 'The new split axis (negative counts from the end), or none.', required: true, parse: async (s) => parseAxis(s, '--axis') })(),
    ...moveFlags,
    trace: traceFlag,
  };

  async run(): Promise<MoveReport | DryRunReport | undefined> {
    const { args, flags } = await this.parse(Resplit);
    const nprocs = this.resolveNprocs(flags.nprocs);
    const src = resolveSource(args.source ?? '', { ...flags, planOnly: flags['dry-run'], readOnly: true }, nprocs);
    const axis = normalizeSplit(flags.axis ?? null, src.gshape.length);
    if (flags.force && flags.out === undefined) throw usageError('--force only applies with --out');
    const from = startLayout(src, nprocs);
    const to = axis === src.split ? from : balancedLayout(src.gshape, axis, nprocs);
    if (flags['dry-run'] && flags.trace !== undefined) throw usageError('--trace records a running job, but --dry-run starts none: drop one of them');
    const trace = planTrace(flags.trace, 'resplit', { out: flags.out });
    if (flags['dry-run']) {
      const plan = dryRun('resplit', src.gshape, src.dtype, from, to, nprocs, src.mapped);
      if (!this.jsonEnabled()) this.log(renderDryRun(plan, this.c));
      const refused = moveRefusal(`resplit to --axis ${axis ?? 'none'}`, src.gshape, src.split, src.dtype, from, to, nprocs, src.mapped);
      if (refused) process.stderr.write(`dnd: without --dry-run this would be refused here: ${refused}\n`);
      return plan;
    }
    checkMoveFitsInMemory(`resplit to --axis ${axis ?? 'none'}`, src.gshape, src.dtype, from, to, nprocs, { sourceMapped: src.mapped });
    const out = flags.out === undefined ? null : planOutput(flags.out, { force: flags.force, token: this.jobToken(), durable: flags.fsync, inputs: src.spec.type === 'file' ? [src.spec] : [] });
    const run = await this.runJob<MoveReport>({ op: 'resplit', source: src.spec, split: src.split, counts: src.counts, axis, checksum: flags.checksum, out }, nprocs, flags.launcher, flags.timeout, { trace });
    if (!run.result) return undefined;
    run.result.timing.total_s = run.totalSeconds;
    if (!this.jsonEnabled()) this.log(renderMoveReport(run.result, this.c));
    return run.result;
  }
}
