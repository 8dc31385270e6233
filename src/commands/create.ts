import { Args, Flags } from '../cli/oclif.js';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { dtypeFlag, forceFlag, fsyncFlag, hostFlags, launcherFlag, nprocsFlag, oversubscribeFlag, outFlag, seedFlag, splitFlag, timeoutFlag } from '../cli/flags.js';
import { planTrace, traceFlag } from '../cli/trace-out.js';
import { planOutput } from '../runtime/output.js';
import { parseCounts, parseShape } from '../cli/parse.js';
import { isComplex } from '../dnd/dtypes.js';
import { parseComplex, parseScalar } from '../dnd/scalar.js';
import { renderArrayReport } from '../cli/render.js';
import { usageError } from '../dnd/errors.js';
import { FACTORY_KINDS, type FactoryKind } from '../dnd/spec.js';
import { validateCreate } from '../runtime/jobs/create.js';
import type { ArrayReport } from '../runtime/report.js';

export default class Create extends DndCommand {
  static override summary = 'Create a distributed array on N ranks and show how it is laid out.';

  static override description = prose`Every rank allocates and fills only its own block (Heat's chunk() of the global shape), then the
layout is gathered from the ranks with MPI collectives and rank 0's view is printed: one row per
rank (host, lshape, offset along the split axis, slices, bytes), the lshape_map, counts and displs.

Random kinds are counter-based (Philox4x32-10): element i of the global array depends only on
(--seed, i), so the same seed gives the same global array for any -n and any --split. randn is
Box-Muller; as float64 it uses dnd's own log and sin/cos (not libm's, whose last bits vary by
CPU), so the array is also the same on every CPU. Changed after 0.1.0: see CHANGELOG.md.

Complex (--dtype complex64 or complex128) comes from zeros, ones, empty, full and eye only:
full takes --value 1+2j (a real value has imaginary part 0); the ranges and random kinds refuse
complex dtypes.

KIND is one of: ${FACTORY_KINDS.join(', ')}.`;

  static override examples = [
    { description: 'The headline demo: 4 ranks build a 7x4x3 random array split along axis 0.', command: '<%= config.bin %> <%= command.id %> randn 7,4,3 --split 0 -n 4' },
    { description: 'Split along the last axis, as float64, and print JSON.', command: '<%= config.bin %> <%= command.id %> rand 1000,30 --split -1 --dtype float64 -n 3 --json' },
    { description: 'An unbalanced layout on purpose: rank 1 holds nothing.', command: '<%= config.bin %> <%= command.id %> arange 7,2 --counts 4,0,2,1 -n 4' },
    { description: 'Integers in [0, 100), with a fingerprint of the global contents.', command: '<%= config.bin %> <%= command.id %> randint 12,5 --low 0 --high 100 --dtype int32 -n 2 --checksum' },
    { description: 'A complex array, written as h5py writes complex (compound of r and i).', command: '<%= config.bin %> <%= command.id %> full 6,2 --dtype complex128 --value 1.5-2j -n 2 --out z.h5' },
    { description: 'Every rank holds the whole array.', command: '<%= config.bin %> <%= command.id %> eye 4,4 --split none -n 2' },
    { description: 'Write it with parallel HDF5 (h5py and h5dump read it).', command: '<%= config.bin %> <%= command.id %> randn 1000,30 -n 4 --out data.h5:/temperature' },
    { description: 'Record a per-rank trace (open it in ui.perfetto.dev, or: dnd trace summary create.json).', command: '<%= config.bin %> <%= command.id %> randn 4096,1024 -n 4 --trace create.json' },
  ];

  static override args = {
    kind: Args.string({ description: `factory: ${FACTORY_KINDS.join(', ')}`, required: true, options: [...FACTORY_KINDS] }),
    shape: Args.custom<number[]>({ description: 'global shape, comma-separated, e.g. 7,4,3', required: true, parse: async (s) => parseShape(s) })(),
  };

  static override flags = {
    nprocs: nprocsFlag,
    oversubscribe: oversubscribeFlag,
    split: splitFlag,
    launcher: launcherFlag,
    dtype: dtypeFlag,
    seed: seedFlag,
    value: Flags.string({ summary: 'full: the fill value (nan, inf, -inf and -0 too; integers of any size for int64; 1+2j, -0.5j, nan+infj for complex64/complex128).' }),
    start: Flags.string({ summary: 'arange, linspace: the first value (default 0).' }),
    step: Flags.string({ summary: 'arange: the increment (default 1).' }),
    stop: Flags.string({ summary: 'linspace: the last value (default 1).' }),
    low: Flags.string({ summary: 'randint: lowest value, inclusive (default 0).' }),
    high: Flags.string({ summary: 'randint: highest value, exclusive (default 10).' }),
    counts: Flags.string({ summary: 'Rows of the split axis per rank, e.g. 4,0,2,1: an unbalanced layout on purpose.' }),
    checksum: Flags.boolean({ summary: 'Add a fingerprint of shape, dtype and every bit of the values, and their sum (same for any -n and --split), with each rank\'s share.' }),
    out: outFlag,
    force: forceFlag,
    fsync: fsyncFlag,
    timeout: timeoutFlag,
    ...hostFlags,
    trace: traceFlag,
  };

  async run(): Promise<ArrayReport | undefined> {
    const { args, flags } = await this.parse(Create);
    // parse → validate → plan → launch → render
    const scalar = (v: string | undefined, name: string) => (v === undefined ? undefined : parseScalar(v, name));
    const nprocs = this.resolveNprocs(flags.nprocs);
    const job = validateCreate(
      {
        op: 'create',
        kind: args.kind as FactoryKind,
        gshape: args.shape ?? [],
        dtype: flags.dtype,
        split: flags.split,
        seed: flags.seed,
        // complex dtypes take numpy's spelling, 1+2j; text ending in j without one is refused by the validator
        value: flags.value !== undefined && (isComplex(flags.dtype ?? 'float32') || /j\)?\s*$/i.test(flags.value)) ? parseComplex(flags.value, '--value') : scalar(flags.value, '--value'),
        start: scalar(flags.start, '--start'),
        step: scalar(flags.step, '--step'),
        stop: scalar(flags.stop, '--stop'),
        low: scalar(flags.low, '--low'),
        high: scalar(flags.high, '--high'),
        counts: flags.counts === undefined ? null : parseCounts(flags.counts, '--counts'),
        checksum: flags.checksum,
      },
      nprocs,
    );
    if (flags.force && flags.out === undefined) throw usageError('--force only applies with --out');
    if (flags.out !== undefined) job.out = planOutput(flags.out, { force: flags.force, token: this.jobToken(), durable: flags.fsync });
    const run = await this.runJob<ArrayReport>(job, nprocs, flags.launcher, flags.timeout, { trace: planTrace(flags.trace, 'create', { out: flags.out }) });
    if (!run.result) return undefined; // not rank 0 of an outer-launched job
    const report = run.result;
    report.timing.total_s = run.totalSeconds;
    if (!this.jsonEnabled()) this.log(renderArrayReport(report, this.c));
    return report;
  }
}
