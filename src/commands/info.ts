import { Args, Flags } from '../cli/oclif.js';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { dtypeFlag, hostFlags, launcherFlag, nprocsFlag, oversubscribeFlag, seedFlag, splitFlag, timeoutFlag } from '../cli/flags.js';
import { planTrace, traceFlag } from '../cli/trace-out.js';
import { arrayHeader, bytes, distributionBars, layoutLines, rankTable, seconds, tuple } from '../cli/render.js';
import { renderAttributes, renderListing } from '../cli/render-tree.js';
import { resolveSource } from '../cli/source.js';
import { splitAdvice, type SplitAdvice } from '../dnd/chunk-cuts.js';
import { isComplex } from '../dnd/dtypes.js';
import { someNames } from '../dnd/io.js';
import { usageError } from '../dnd/errors.js';
import type { InfoJob } from '../runtime/job.js';
import type { InfoReport } from '../runtime/jobs/info.js';
import { datasetJson, fileTree, readAttributes, type AttributeJson, type FileListing } from '../runtime/file-tree.js';
import { checkHdf5File, parseSource, type FileFacts } from '../runtime/source.js';
import { showDatum, showReal, type JsonReal } from '../runtime/json-real.js';
import { outerRank } from '../runtime/detect.js';
import { printable } from '../cli/printable.js';

/** The one-line warning of a split that cuts every chunk (rule: src/dnd/chunk-cuts.ts). */
export function chunkWarning(a: SplitAdvice, facts: FileFacts, nprocs: number): string {
  const d = facts.dataset;
  const what = a.cuts.chunks === 1 ? 'its one chunk along that axis' : `all ${a.cuts.chunks} chunks along that axis`;
  const better =
    a.better === null
      ? 'no other split cuts fewer (rechunk with h5repack -l CHUNK=... to read whole chunks per rank)'
      : `--split ${a.better} cuts ${a.betterCuts?.cut} of ${a.betterCuts?.chunks}`;
  return `--split ${a.split} cuts every HDF5 chunk of ${d.path} (chunks ${tuple(d.chunks ?? [])} of shape ${tuple(d.shape)}, ${nprocs} ranks): ${what} is read in parts by several ranks, each reading the whole chunk; ${better}`;
}

export default class Info extends DndCommand {
  static override summary = 'List an HDF5 file\'s objects, or show how a dataset (or generated array) is laid out on N ranks, with file facts and statistics.';

  static override description = prose`SOURCE is FILE.h5[:/path/to/dataset] or a generator KIND:SHAPE such as randn:1000,30.

FILE.h5 alone, when the file holds no dataset or several (or with --list), lists every
object as a tree, like h5ls -r and h5dump -H: groups, datasets (shape, stored type, layout,
chunks, maxshape, filters, size on disk), committed datatypes, soft links (with what they
lead to, or dangling), external links (not followed), further hard links to an object
already listed, and the attributes of each object (name, type, shape, value; long values
are shortened in the table, whole in --json). The listing reads metadata only, in the dnd
process itself: no MPI job is started and -n does not matter. Names that are not UTF-8 show
their bytes as \\xNN.

FILE.h5 with one dataset, or FILE.h5:/path, shows the dataset (path, shape, stored type,
layout, chunks, maxshape, filters, size on disk, attributes), one row per rank, the
lshape_map, counts and displs, and one bar per rank proportional to its share. Without
--stats and --checksum this reads metadata only: the ranks take their chunk() of the shape
and gather the lshape_map without opening the file or allocating their blocks, so a
terabyte dataset is described in the time it takes to start the ranks; read_bytes in
--json is 0. --stats and --checksum read every value: each rank reads only its own
hyperslab with collective parallel HDF5 I/O, distributed along --split.

A chunked dataset gets a one-line warning (stderr, and "warnings" in --json) when --split
cuts every HDF5 chunk. Along the split axis a chunk of extent c covers rows
[k*c, min((k+1)*c, n)); it is cut when a boundary between two ranks' rows lies strictly
inside that range, so several ranks read it and each reads the whole chunk (and
decompresses it). The warning is given when every chunk along the split axis is cut (for
instance a chunk as long as the whole axis and two or more ranks holding rows) and names
the axis whose balanced split cuts the smallest fraction of its chunks (ties: more chunks
along it, then the lower axis), or says that none cuts fewer.

--stats adds the global min, max, mean, standard deviation (ddof 0), sum and NaN
count, computed in parallel in one pass per rank, with numpy's rules: a NaN makes min, max,
mean, std and sum NaN; infinities count (the mean of [1, inf] is inf, the std of anything
holding an infinity is NaN); an empty array has count 0 and no min, max, mean or std (null).
The results are the same for every -n and --split (double-double sums, rounded once).
--json writes NaN and infinities as the strings "nan", "inf" and "-inf".
--checksum adds a fingerprint of (shape, dtype, every bit of every value), the same for
every -n and --split; -0 and +0 differ, as do NaNs with different payloads.
Inspecting never changes the data or its layout.`;

  static override examples = [
    { description: 'Every group, dataset, link and attribute of a file, as a tree (no job is started).', command: '<%= config.bin %> <%= command.id %> data.h5 --list' },
    { description: 'A file\'s only dataset on 4 ranks (metadata only: no value is read).', command: '<%= config.bin %> <%= command.id %> data.h5 -n 4' },
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
    list: Flags.boolean({ summary: 'List the file\'s objects as a tree even when it holds exactly one dataset (FILE.h5 without a dataset path).' }),
    dtype: dtypeFlag,
    seed: seedFlag,
    timeout: timeoutFlag,
    ...hostFlags,
    trace: traceFlag,
  };

  async run(): Promise<InfoReport | FileListing | undefined> {
    const t0 = performance.now();
    const { args, flags } = await this.parse(Info);
    const parsed = parseSource(args.source ?? '');
    if (flags.list && !(parsed.type === 'file' && parsed.dataset === null)) throw usageError('--list lists a whole file: give FILE.h5 without a dataset path');
    if (parsed.type === 'file' && parsed.dataset === null) {
      // several datasets (or none, or --list): the file's tree, read here, no job
      checkHdf5File(parsed.file);
      // the tree, read once: it decides (one dataset: described as by name) and is the listing
      const listing = fileTree(parsed.file);
      const datasets = listing.objects.filter((o) => o.kind === 'dataset' && o.link === 'hard' && o.same_as === undefined);
      if (flags.list || datasets.length !== 1) {
        if (flags.stats || flags.checksum) {
          throw usageError(`--${flags.stats ? 'stats' : 'checksum'} reads one dataset: ${parsed.file} holds ${datasets.length === 0 ? 'none' : `${datasets.length} (${someNames(datasets.map((d) => d.path))})`}; name one as ${parsed.file}:/path`);
        }
        // started as one of several ranks (srun dnd info f.h5): rank 0 alone lists
        if ((outerRank()?.rank ?? 0) !== 0) return undefined;
        listing.timing.total_s = (performance.now() - t0) / 1000;
        if (!this.jsonEnabled()) this.log(renderListing(listing, this.c));
        return listing;
      }
    }
    const nprocs = this.resolveNprocs(flags.nprocs);
    const layoutOnly = parsed.type === 'file' && !flags.stats && !flags.checksum;
    const src = resolveSource(args.source ?? '', { ...flags, layoutOnly, readOnly: true }, nprocs);
    const facts = src.facts;
    if (flags.stats && isComplex(src.dtype)) throw usageError(`--stats is for real dtypes: ${src.dtype} has no min or max, and its mean and std are not computed (use --checksum)`);
    const advice = facts ? splitAdvice(facts.dataset.shape, facts.dataset.chunks, src.split, nprocs) : null;
    const warnings = advice && facts ? [chunkWarning(advice, facts, nprocs)] : [];
    if ((outerRank()?.rank ?? 0) === 0) for (const w of warnings) process.stderr.write(`dnd: warning: ${printable(w)}\n`);
    const attributes: AttributeJson[] | null = facts ? readAttributes(facts.file, facts.dataset.path) : null;
    const job: InfoJob = {
      op: 'info',
      source: src.spec,
      split: src.split,
      stats: flags.stats,
      checksum: flags.checksum,
      layoutOnly: layoutOnly ? { gshape: src.gshape, dtype: src.dtype } : null,
    };
    const run = await this.runJob<InfoReport>(job, nprocs, flags.launcher, flags.timeout, { trace: planTrace(flags.trace, 'info') });
    if (!run.result) return undefined;
    const report = run.result;
    report.timing.total_s = run.totalSeconds;
    if (facts) {
      report.file = facts.file;
      // the JSON contract's names (schemas/array-report.json), snake_case like every other key
      const d = facts.dataset;
      const j = datasetJson(d);
      report.dataset = {
        path: d.path,
        shape: d.shape,
        scalar: d.scalar,
        dtype: d.dtype,
        stored_type: d.storedType,
        itemsize: d.itemsize,
        layout: d.layout,
        chunks: d.chunks,
        maxshape: j.maxshape,
        filters: d.filters,
        storage_size: d.storageSize,
        bytes_on_disk: facts.bytes_on_disk,
        attributes,
      };
    }
    if (warnings.length) report.warnings = warnings;
    if (!this.jsonEnabled()) this.log(this.render(report, facts, attributes ?? []));
    return report;
  }

  private render(r: InfoReport, facts: FileFacts | null, attributes: AttributeJson[]): string {
    const c = this.c;
    const lines: string[] = [];
    if (facts) {
      const d = facts.dataset;
      lines.push(`${c.bold('file')}     ${facts.file} (${bytes(facts.bytes_on_disk)} on disk)`);
      lines.push(
        `${c.bold('dataset')}  ${printable(d.path)}  shape ${tuple(d.shape)}${growable(d.shape, d.maxshape)}  ${printable(d.storedType)}  ${d.layout}${d.chunks ? ` chunks ${tuple(d.chunks)}` : ''}${d.filters.length ? `  filters ${d.filters.join(', ')}` : ''}  stored ${bytes(d.storageSize)}`,
        ...renderAttributes(attributes, c),
      );
    }
    lines.push(arrayHeader(r, c), rankTable(r, c), ...layoutLines(r, c), distributionBars(r, c));
    if (r.stats) {
      const s = r.stats;
      const f = (v: JsonReal | null) => showReal(v);
      const datum = (v: JsonReal | null) => showDatum(v, r.dtype);
      lines.push(`${c.bold('stats')}    min ${datum(s.min)}  max ${datum(s.max)}  mean ${f(s.mean)}  std ${f(s.std)}  sum ${showReal(s.sum, 10)}  (${s.count} values${s.nan_count ? `, ${s.nan_count} NaN` : ''})`);
    }
    if (r.checksum !== undefined) lines.push(`${c.bold('checksum')} ${r.checksum}${r.sum === undefined ? '' : `  ${c.bold('sum')} ${showReal(r.sum, 10)}`}`);
    const loading = r.read_bytes === 0 && !r.stats && r.checksum === undefined ? 'metadata only, no value read' : `${seconds(r.timing.op_s)} loading (slowest rank)`;
    lines.push(c.dim(`time ${seconds(r.timing.total_s)} total, ${loading}${r.timing.stats_s !== undefined ? `, ${seconds(r.timing.stats_s)} stats` : ''}`));
    return lines.join('\n');
  }
}

/** `  maxshape (None, 10)` when the dataset may grow, else nothing */
function growable(shape: number[], maxshape: (number | null)[]): string {
  if (maxshape.every((m, i) => m === shape[i])) return '';
  return `  maxshape (${maxshape.map((m) => (m === null ? 'None' : String(m))).join(', ')}${maxshape.length === 1 ? ',' : ''})`;
}
