import { Args, Flags } from '../cli/oclif.js';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { hostFlags, launcherFlag, nprocsFlag, oversubscribeFlag, splitFlag } from '../cli/flags.js';
import { planTrace, traceFlag } from '../cli/trace-out.js';
import { parseShape } from '../cli/parse.js';
import { renderChunkReport } from '../cli/render.js';
import { usageError } from '../dnd/errors.js';
import { normalizeSplit } from '../dnd/layout.js';
import { planChunks, type ChunkReport } from '../runtime/jobs/chunk.js';

/**
 * The most ranks a plan lists: its report holds a row and three entries per rank, 1.8 GB
 * of the CLI's heap and 117 MB of JSON at 10^6 ranks; 10^7 ran out of heap.
 */
const MAX_LISTED = 2 ** 20;

export default class Chunk extends DndCommand {
  static override summary = 'Show which rank gets which slice of an array (Heat\'s chunk()).';

  static override description = prose`Computed here with the same pure function the ranks use, without starting any rank, so it works on
a login node where mpirun is not allowed. With n = shape[split], q = n / ranks, r = n % ranks:
ranks below r hold q + 1 rows starting at rank * (q + 1), the others q rows starting at
rank * q + r. Non-split axes are whole; with --split none every rank holds everything. It lists
up to 2^20 ranks.

With --launch, a real job starts and every rank computes its own chunk; dnd fails (exit 3) if
any rank disagrees with this plan.`;

  static override examples = [
    { description: 'Seven ranks over 1000 rows.', command: '<%= config.bin %> <%= command.id %> 1000,30 --split 0 -n 7' },
    { description: 'Only rank 3\'s slice, split along the last axis.', command: '<%= config.bin %> <%= command.id %> 7,4,3 --split -1 -n 4 --rank 3' },
    { description: 'Have the ranks of a real job confirm it.', command: '<%= config.bin %> <%= command.id %> 10,10 -n 3 --launch --json' },
  ];

  static override args = {
    shape: Args.custom<number[]>({ description: 'global shape, comma-separated, e.g. 1000,30', required: true, parse: async (s) => parseShape(s) })(),
  };

  static override flags = {
    nprocs: nprocsFlag,
    oversubscribe: oversubscribeFlag,
    split: splitFlag,
    rank: Flags.integer({ summary: 'Show only this rank.', min: 0 }),
    launch: Flags.boolean({ summary: 'Start a real job and have every rank confirm its chunk.' }),
    launcher: launcherFlag,
    ...hostFlags,
    trace: traceFlag,
  };

  async run(): Promise<ChunkReport | undefined> {
    const { args, flags } = await this.parse(Chunk);
    const gshape = args.shape ?? [];
    const split = normalizeSplit(flags.split, gshape.length);
    const nprocs = this.resolveNprocs(flags.nprocs);
    if (nprocs > MAX_LISTED) {
      throw usageError(`-n ${nprocs} is more ranks than dnd chunk lists (up to ${MAX_LISTED}, 2^20: every rank is a row, and lshape_map, counts and displs have one entry per rank); the rule for any number of ranks is in dnd chunk --help`);
    }
    if (flags.rank !== undefined && flags.rank >= nprocs) throw usageError(`--rank ${flags.rank} is out of range: with -n ${nprocs} ranks are 0..${nprocs - 1}`);
    if (flags.trace !== undefined && !flags.launch) throw usageError('--trace records a job, and dnd chunk starts one only with --launch');
    const trace = planTrace(flags.trace, 'chunk');
    let report = planChunks(gshape, split, nprocs);
    if (flags.launch) {
      const expected = report.ranks.map((r) => ({ offset: r.offset, lshape: r.lshape }));
      const run = await this.runJob<ChunkReport>({ op: 'chunk', gshape, split, expected }, nprocs, flags.launcher, 0, { trace });
      if (!run.result) return undefined;
      report = run.result;
    }
    if (flags.rank !== undefined) report = { ...report, ranks: report.ranks.filter((r) => r.rank === flags.rank) };
    if (!this.jsonEnabled()) this.log(renderChunkReport(report, this.c));
    return report;
  }
}
