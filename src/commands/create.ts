import { Args, Flags } from '@oclif/core';
import { DndCommand } from '../cli/base.js';
import { dtypeFlag, forceFlag, launcherFlag, nprocsFlag, oversubscribeFlag, outFlag, seedFlag, splitFlag, timeoutFlag } from '../cli/flags.js';
import { planOutput } from '../runtime/output.js';
import { parseCounts, parseNumber, parseShape } from '../cli/parse.js';
import { renderArrayReport } from '../cli/render.js';
import { usageError } from '../dnd/errors.js';
import { CREATE_KINDS, type CreateJob, type CreateKind } from '../runtime/job.js';
import { validateCreate } from '../runtime/jobs/create.js';
import type { ArrayReport } from '../runtime/report.js';

export default class Create extends DndCommand {
  static override summary = 'Create a distributed array on N ranks and show how it is laid out.';

  static override description = `Every rank allocates and fills only its own block (Heat's chunk() of the global shape), then the
layout is gathered from the ranks with MPI collectives and rank 0's view is printed: one row per
rank (host, lshape, offset along the split axis, slices, bytes), the lshape_map, counts and displs.

Random kinds are counter-based (Philox4x32-10): element i of the global array depends only on
(--seed, i), so the same seed gives the same global array for any -n and any --split.

KIND is one of: ${CREATE_KINDS.join(', ')}.`;

  static override examples = [
    { description: 'The headline demo: 4 ranks build a 7x4x3 random array split along axis 0.', command: '<%= config.bin %> <%= command.id %> randn 7,4,3 --split 0 -n 4' },
    { description: 'Split along the last axis, as float64, and print JSON.', command: '<%= config.bin %> <%= command.id %> rand 1000,30 --split -1 --dtype float64 -n 3 --json' },
    { description: 'An unbalanced layout on purpose: rank 1 holds nothing.', command: '<%= config.bin %> <%= command.id %> arange 7,2 --counts 4,0,2,1 -n 4' },
    { description: 'Integers in [0, 100), with a fingerprint of the global contents.', command: '<%= config.bin %> <%= command.id %> randint 12,5 --low 0 --high 100 --dtype int32 -n 2 --checksum' },
    { description: 'Every rank holds the whole array.', command: '<%= config.bin %> <%= command.id %> eye 4,4 --split none -n 2' },
    { description: 'Write it with parallel HDF5 (h5py and h5dump read it).', command: '<%= config.bin %> <%= command.id %> randn 1000,30 -n 4 --out data.h5:/temperature' },
  ];

  static override args = {
    kind: Args.string({ description: `factory: ${CREATE_KINDS.join(', ')}`, required: true, options: [...CREATE_KINDS] }),
    shape: Args.custom<number[]>({ description: 'global shape, comma-separated, e.g. 7,4,3', required: true, parse: async (s) => parseShape(s) })(),
  };

  static override flags = {
    nprocs: nprocsFlag,
    oversubscribe: oversubscribeFlag,
    split: splitFlag,
    launcher: launcherFlag,
    dtype: dtypeFlag,
    seed: seedFlag,
    value: Flags.string({ summary: 'full: the fill value.' }),
    start: Flags.string({ summary: 'arange, linspace: the first value (default 0).' }),
    step: Flags.string({ summary: 'arange: the increment (default 1).' }),
    stop: Flags.string({ summary: 'linspace: the last value (default 1).' }),
    low: Flags.string({ summary: 'randint: lowest value, inclusive (default 0).' }),
    high: Flags.string({ summary: 'randint: highest value, exclusive (default 10).' }),
    counts: Flags.string({ summary: 'Rows of the split axis per rank, e.g. 4,0,2,1: an unbalanced layout on purpose.' }),
    checksum: Flags.boolean({ summary: 'Add each rank\'s local sum and a fingerprint of the global contents (independent of -n and --split).' }),
    out: outFlag,
    force: forceFlag,
    timeout: timeoutFlag,
  };

  async run(): Promise<ArrayReport | undefined> {
    const { args, flags } = await this.parse(Create);
    // parse → validate → plan → launch → render
    const kind = args.kind as CreateKind;
    const num = (v: string | undefined, name: string) => (v === undefined ? undefined : parseNumber(v, name));
    const pick = (...xs: [string | undefined, string][]) => xs.map(([v, n]) => num(v, n));
    const [value, start, step, stop, low, high] = pick([flags.value, '--value'], [flags.start, '--start'], [flags.step, '--step'], [flags.stop, '--stop'], [flags.low, '--low'], [flags.high, '--high']);
    const unused: string[] = [];
    if (value !== undefined && kind !== 'full') unused.push('--value');
    if ((start !== undefined) && kind !== 'arange' && kind !== 'linspace') unused.push('--start');
    if (step !== undefined && kind !== 'arange') unused.push('--step');
    if (stop !== undefined && kind !== 'linspace') unused.push('--stop');
    if ((low !== undefined || high !== undefined) && kind !== 'randint') unused.push('--low/--high');
    if (unused.length) throw usageError(`${unused.join(', ')} does not apply to ${kind}`);
    const nprocs = this.resolveNprocs(flags.nprocs);
    const a = kind === 'full' ? value : kind === 'randint' ? (low ?? 0) : start;
    const b = kind === 'arange' ? step : kind === 'linspace' ? stop : kind === 'randint' ? (high ?? 10) : undefined;
    const job = validateCreate(
      {
        op: 'create',
        kind,
        gshape: args.shape ?? [],
        dtype: flags.dtype ?? (kind === 'randint' ? 'int64' : 'float32'),
        split: flags.split,
        seed: flags.seed,
        a,
        b,
        counts: flags.counts === undefined ? null : parseCounts(flags.counts, '--counts'),
        checksum: flags.checksum,
      } satisfies CreateJob,
      nprocs,
    );
    if (flags.force && flags.out === undefined) throw usageError('--force only applies with --out');
    if (flags.out !== undefined) job.out = planOutput(flags.out, flags.force, this.jobToken());
    const run = await this.runJob<ArrayReport>(job, nprocs, flags.launcher, flags.timeout);
    if (!run.result) return undefined; // not rank 0 of an outer-launched job
    const report = run.result;
    report.timing.total_s = run.totalSeconds;
    if (!this.jsonEnabled()) this.log(renderArrayReport(report, this.c));
    return report;
  }
}
