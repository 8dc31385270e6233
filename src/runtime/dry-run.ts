/**
 * `--dry-run` of resplit and redistribute: the plan before any data moves, computed on
 * the launcher with the same pure functions the ranks use. For each rank pair the bytes
 * that would go from one to the other, and each rank's peak memory estimate (old block +
 * new block: the exchange needs no packing buffer).
 */
import { itemsize, type Dtype } from '../dnd/dtypes.js';
import { countsDispls, numel } from '../dnd/layout.js';
import { regions, trafficMatrix, type Layout } from '../dnd/ops/plan.js';

export interface LayoutView {
  split: number | null;
  lshape_map: number[][];
  counts: number[] | null;
  displs: number[] | null;
}

export interface DryRunReport {
  command: 'resplit' | 'redistribute';
  dry_run: true;
  gshape: number[];
  dtype: Dtype;
  nprocs: number;
  before: LayoutView;
  after: LayoutView;
  /** traffic[p][q]: bytes rank p would send to rank q (p = q stays local) */
  traffic: number[][];
  ranks: { rank: number; send_bytes: number; recv_bytes: number; old_bytes: number; new_bytes: number; peak_estimate_bytes: number }[];
  total_bytes_between_ranks: number;
  /** the source is a file the ranks map (runtime/source-map.ts): its old blocks take no memory */
  source_mapped: boolean;
}

function view(gshape: number[], l: Layout, size: number): LayoutView {
  const lshape_map = regions(gshape, l, size).map((r) => r.extent);
  return { split: l.split, lshape_map, ...(l.split === null ? { counts: null, displs: null } : countsDispls(lshape_map, l.split)) };
}

/** Each rank's old and new block in bytes: O(size), cheap even for thousands of ranks. */
export function blockBytes(gshape: number[], dtype: Dtype, from: Layout, to: Layout, size: number): { old: number; new: number }[] {
  const item = itemsize(dtype);
  const olds = regions(gshape, from, size);
  const news = regions(gshape, to, size);
  return olds.map((o, p) => ({ old: numel(o.extent) * item, new: numel(news[p].extent) * item }));
}

export function dryRun(command: 'resplit' | 'redistribute', gshape: number[], dtype: Dtype, from: Layout, to: Layout, size: number, sourceMapped = false): DryRunReport {
  const item = itemsize(dtype);
  const traffic = trafficMatrix(gshape, from, to, size, item);
  const before = view(gshape, from, size);
  const after = view(gshape, to, size);
  const ranks = traffic.map((row, p) => {
    const oldBytes = numel(before.lshape_map[p]) * item;
    const newBytes = numel(after.lshape_map[p]) * item;
    return {
      rank: p,
      send_bytes: row.reduce((a, b, q) => a + (q === p ? 0 : b), 0),
      recv_bytes: traffic.reduce((a, r, q) => a + (q === p ? 0 : r[p]), 0),
      old_bytes: oldBytes,
      new_bytes: newBytes,
      peak_estimate_bytes: (sourceMapped ? 0 : oldBytes) + newBytes,
    };
  });
  return {
    command,
    dry_run: true,
    gshape,
    dtype,
    nprocs: size,
    before,
    after,
    traffic,
    ranks,
    total_bytes_between_ranks: ranks.reduce((a, r) => a + r.send_bytes, 0),
    source_mapped: sourceMapped,
  };
}
