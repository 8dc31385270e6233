import { Args, Flags } from '@oclif/core';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { dtypeFlag, hostFlags, launcherFlag, nprocsFlag, oversubscribeFlag, seedFlag, splitFlag, timeoutFlag } from '../cli/flags.js';
import { planTrace, traceFlag } from '../cli/trace-out.js';
import { arrayHeader, bytes, distributionBars, layoutLines, rankTable, seconds, tuple } from '../cli/render.js';
import { resolveSource } from '../cli/source.js';
import { isComplex } from '../dnd/dtypes.js';
import { usageError } from '../dnd/errors.js';
import type { InfoJob } from '../runtime/job.js';
import type { InfoReport } from '../runtime/jobs/info.js';
import type { FileFacts } from '../runtime/source.js';
import { showReal, type JsonReal } from '../runtime/json-real.js';

export default class Info extends DndCommand {
  static override summary = 'Load a dataset (or build a generated array) on N ranks and show its layout, file facts and statistics.';

  static override description = prose`SOURCE is FILE.h5[:/path/to/dataset] (the dataset may be omitted when the file holds exactly one)
or a generator KIND:SHAPE such as randn:1000,30. Each rank reads only its own hyperslab with
collective parallel HDF5 I/O, distributed along --split.

Shows the file and dataset (path, shape, stored type, layout, chunks, filters, size on disk),
one row per rank, the lshape_map, counts and displs, and one bar per rank proportional to its
share. --stats adds the global min, max, mean, standard deviation (ddof 0), sum and NaN
count, computed in parallel in one pass per rank, with numpy's rules: a NaN makes min, max,
mean, std and sum NaN; infinities count (the mean of [1, inf] is inf, the std of anything
holding an infinity is NaN); an empty array has count 0 and no min, max, mean or std (null).
The results are the same for every -n and --split (double-double sums, rounded once).
--json writes NaN and infinities as the strings "nan", "inf" and "-inf".
--checksum adds a fingerprint of (shape, dtype, every bit of every value), the same for
every -n and --split; -0 and +0 differ, as do NaNs with different payloads.
Inspecting never changes the data or its layout.`;

  static override examples = [
    { description: 'A file\'s only dataset on 4 ranks.', command: '<%= config.bin %> <%= command.id %> data.h5 -n 4' },
    { description: 'A dataset inside a group, split along axis 1, with statistics.', command: '<%= config.bin %> <%= command.id %> data.h5:/group/temperature --split 1 -n 3 --stats' },
    { description: 'A generated array.', command: '<%= config.bin %> <%= command.id %> randn:1000,30 -n 4 --stats --json' },
  ];

  static override args = {
    source: Args.string({ description: 'FILE.h5[:/dataset] or KIND:SHAPE (e.g. randn:1000,30); an existing file of that name wins, ./NAME always means a file', required: true }),
  };

  static override flags = {
    nprocs: nprocsFlag,
    oversubscribe: oversubscribeFlag,
    split: splitFlag,
    launcher: launcherFlag,
    stats: Flags.boolean({ summary: 'Add global count, min, max, mean, std, sum and NaN count (numpy rules; same for any -n and --split).' }),
    checksum: Flags.boolean({ summary: 'Add a fingerprint of shape, dtype and every bit of the values, and their sum (same for any -n and --split).' }),
    dtype: dtypeFlag,
    seed: seedFlag,
    timeout: timeoutFlag,
    ...hostFlags,
    trace: traceFlag,
  };

  async run(): Promise<InfoReport | undefined> {
    const { args, flags } = await this.parse(Info);
    const nprocs = this.resolveNprocs(flags.nprocs);
    const src = resolveSource(args.source ?? '', flags, nprocs);
    const facts = src.facts;
    if (flags.stats && isComplex(src.dtype)) throw usageError(`--stats is for real dtypes: ${src.dtype} has no min or max, and its mean and std are not computed (use --checksum)`);
    const job: InfoJob = { op: 'info', source: src.spec, split: src.split, stats: flags.stats, checksum: flags.checksum };
    const run = await this.runJob<InfoReport>(job, nprocs, flags.launcher, flags.timeout, { trace: planTrace(flags.trace, 'info') });
    if (!run.result) return undefined;
    const report = run.result;
    report.timing.total_s = run.totalSeconds;
    if (facts) {
      report.file = facts.file;
      // the JSON contract's names (schemas/array-report.json), snake_case like every other key
      const d = facts.dataset;
      report.dataset = {
        path: d.path,
        shape: d.shape,
        scalar: d.scalar,
        dtype: d.dtype,
        stored_type: d.storedType,
        itemsize: d.itemsize,
        layout: d.layout,
        chunks: d.chunks,
        filters: d.filters,
        storage_size: d.storageSize,
        bytes_on_disk: facts.bytes_on_disk,
      };
    }
    if (!this.jsonEnabled()) this.log(this.render(report, facts));
    return report;
  }

  private render(r: InfoReport, facts: FileFacts | null): string {
    const c = this.c;
    const lines: string[] = [];
    if (facts) {
      const d = facts.dataset;
      lines.push(`${c.bold('file')}     ${facts.file} (${bytes(facts.bytes_on_disk)} on disk)`);
      lines.push(
        `${c.bold('dataset')}  ${d.path}  shape ${tuple(d.shape)}  ${d.storedType}  ${d.layout}${d.chunks ? ` chunks ${tuple(d.chunks)}` : ''}${d.filters.length ? `  filters ${d.filters.join(', ')}` : ''}  stored ${bytes(d.storageSize)}`,
      );
    }
    lines.push(arrayHeader(r, c), rankTable(r, c), ...layoutLines(r, c), distributionBars(r, c));
    if (r.stats) {
      const s = r.stats;
      const f = (v: JsonReal | null) => showReal(v);
      lines.push(`${c.bold('stats')}    min ${f(s.min)}  max ${f(s.max)}  mean ${f(s.mean)}  std ${f(s.std)}  sum ${showReal(s.sum, 10)}  (${s.count} values${s.nan_count ? `, ${s.nan_count} NaN` : ''})`);
    }
    if (r.checksum !== undefined) lines.push(`${c.bold('checksum')} ${r.checksum}${r.sum === undefined ? '' : `  ${c.bold('sum')} ${showReal(r.sum, 10)}`}`);
    lines.push(c.dim(`time ${seconds(r.timing.total_s)} total, ${seconds(r.timing.op_s)} loading (slowest rank)${r.timing.stats_s !== undefined ? `, ${seconds(r.timing.stats_s)} stats` : ''}`));
    return lines.join('\n');
  }
}
