import { Args, Flags } from '@oclif/core';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { launcherFlag, nprocsFlag, seedFlag, splitFlag, timeoutFlag, dtypeFlag } from '../cli/flags.js';
import { arrayHeader, bytes, distributionBars, layoutLines, rankTable, seconds, tuple } from '../cli/render.js';
import { resolveSource } from '../cli/source.js';
import type { InfoJob } from '../runtime/job.js';
import type { InfoReport } from '../runtime/jobs/info.js';
import type { FileFacts } from '../runtime/source.js';

export default class Info extends DndCommand {
  static override summary = 'Load a dataset (or build a generated array) on N ranks and show its layout, file facts and statistics.';

  static override description = prose`SOURCE is FILE.h5[:/path/to/dataset] (the dataset may be omitted when the file holds exactly one)
or a generator KIND:SHAPE such as randn:1000,30. Each rank reads only its own hyperslab with
collective parallel HDF5 I/O, distributed along --split.

Shows the file and dataset (path, shape, stored type, layout, chunks, filters, size on disk),
one row per rank, the lshape_map, counts and displs, and one bar per rank proportional to its
share. --stats adds the global min, max, mean and standard deviation, computed in parallel
(float64, Chan's pairwise merging of per-rank moments; NaNs are counted and left out).
Inspecting never changes the data or its layout.`;

  static override examples = [
    { description: 'A file\'s only dataset on 4 ranks.', command: '<%= config.bin %> <%= command.id %> data.h5 -n 4' },
    { description: 'A dataset inside a group, split along axis 1, with statistics.', command: '<%= config.bin %> <%= command.id %> data.h5:/group/temperature --split 1 -n 3 --stats' },
    { description: 'A generated array.', command: '<%= config.bin %> <%= command.id %> randn:1000,30 -n 4 --stats --json' },
  ];

  static override args = {
    source: Args.string({ description: 'FILE.h5[:/dataset] or KIND:SHAPE (e.g. randn:1000,30)', required: true }),
  };

  static override flags = {
    nprocs: nprocsFlag,
    split: splitFlag,
    launcher: launcherFlag,
    stats: Flags.boolean({ summary: 'Add global min, max, mean and std (computed in parallel).' }),
    checksum: Flags.boolean({ summary: 'Add a fingerprint of the global contents (independent of -n and --split).' }),
    dtype: dtypeFlag,
    seed: seedFlag,
    timeout: timeoutFlag,
  };

  async run(): Promise<InfoReport | undefined> {
    const { args, flags } = await this.parse(Info);
    const nprocs = this.resolveNprocs(flags.nprocs);
    const src = resolveSource(args.source ?? '', flags, nprocs);
    const facts = src.facts;
    const job: InfoJob = { op: 'info', source: src.spec, split: src.split, stats: flags.stats, checksum: flags.checksum };
    const run = await this.runJob<InfoReport>(job, nprocs, flags.launcher, flags.timeout);
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
      const f = (v: number | null) => (v === null ? '-' : String(Number(v.toPrecision(8))));
      lines.push(`${c.bold('stats')}    min ${f(r.stats.min)}  max ${f(r.stats.max)}  mean ${f(r.stats.mean)}  std ${f(r.stats.std)}  (${r.stats.count} values${r.stats.nan_count ? `, ${r.stats.nan_count} NaN left out` : ''})`);
    }
    if (r.checksum !== undefined) lines.push(`${c.bold('checksum')} ${r.checksum}`);
    lines.push(c.dim(`time ${seconds(r.timing.total_s)} total, ${seconds(r.timing.op_s)} loading (slowest rank)${r.timing.stats_s !== undefined ? `, ${seconds(r.timing.stats_s)} stats` : ''}`));
    return lines.join('\n');
  }
}
