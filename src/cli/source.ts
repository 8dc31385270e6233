/**
 * Resolving a data command's SOURCE on the launcher: parse it, inspect a file (exit 2
 * before launch when it is missing, not HDF5, ...), validate a generator, check the
 * starting layout (--split, --counts) and that the blocks fit in memory.
 */
import type { Dtype } from '../dnd/dtypes.js';
import { usageError } from '../dnd/errors.js';
import { normalizeSplit, type Split } from '../dnd/layout.js';
import { balancedLayout } from '../dnd/ops/move.js';
import type { Layout } from '../dnd/ops/plan.js';
import { checkCounts } from '../dnd/spec.js';
import type { SourceSpec } from '../runtime/job.js';
import { validateCreate } from '../runtime/jobs/create.js';
import { checkFitsInMemory } from '../runtime/memory-check.js';
import { sourceIsMapped } from '../runtime/source-map.js';
import { inspectFileSource, parseSource, type FileFacts } from '../runtime/source.js';
import { parseCounts } from './parse.js';

export interface ResolvedSource {
  spec: SourceSpec;
  gshape: number[];
  dtype: Dtype;
  split: Split;
  counts: number[] | null;
  facts: FileFacts | null;
  /** the job's starting array will be views of the file (runtime/source-map.ts): no blocks */
  mapped: boolean;
}

export interface SourceFlags {
  split: number | null;
  counts?: string;
  dtype?: Dtype;
  seed: number | bigint;
  /** the job will not load the values (info without --stats/--checksum): no memory check */
  layoutOnly?: boolean;
  /**
   * no job at all (--dry-run): no memory check either, so that a move too big for this
   * machine can still be planned (the plan shows each rank's peak)
   */
  planOnly?: boolean;
  /**
   * the job only reads the values (info --stats/--checksum, the source of a move): a file
   * its ranks map takes no memory, and is not counted (runtime/source-map.ts)
   */
  readOnly?: boolean;
}

/** Resolves and checks a source (the move commands then check their peak memory themselves). */
export function resolveSource(source: string, flags: SourceFlags, nprocs: number): ResolvedSource {
  const parsed = parseSource(source);
  const counts = flags.counts === undefined ? null : parseCounts(flags.counts, '--counts');
  if (parsed.type === 'file') {
    if (flags.dtype) throw usageError('--dtype applies to generator sources only: a file dataset has its own type');
    const facts = inspectFileSource(parsed.file, parsed.dataset);
    const gshape = facts.dataset.shape;
    const split = normalizeSplit(flags.split, gshape.length);
    if (counts) checkCounts(counts, gshape, split, nprocs, '--counts');
    // with --counts the mapped array is redistributed into blocks at once
    const mapped = flags.readOnly === true && counts === null && !flags.layoutOnly && sourceIsMapped(facts, split, nprocs);
    if (!flags.layoutOnly && !flags.planOnly && !mapped) checkFitsInMemory(gshape, split, facts.dtype, nprocs);
    return { spec: { type: 'file', file: facts.file, dataset: facts.dataset.path }, gshape, dtype: facts.dtype, split, counts, facts, mapped };
  }
  const create = validateCreate(
    {
      op: 'create',
      kind: parsed.kind,
      gshape: parsed.shape,
      dtype: flags.dtype,
      split: flags.split,
      seed: flags.seed,
      value: parsed.kind === 'full' ? 0 : undefined,
      counts,
    },
    nprocs,
    !flags.planOnly,
  );
  return { spec: { type: 'generator', create }, gshape: create.gshape, dtype: create.dtype, split: create.split, counts, facts: null, mapped: false };
}

/** The layout the source starts in: --counts as given, else chunk()'s. */
export function startLayout(src: ResolvedSource, nprocs: number): Layout {
  return src.counts && src.split !== null ? { split: src.split, counts: src.counts } : balancedLayout(src.gshape, src.split, nprocs);
}
