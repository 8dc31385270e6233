/**
 * What a job returns for an array: its layout gathered from the ranks (DESIGN.md §4).
 * Collective: every rank calls describeArray; rank 0 gets the report, the others null.
 */
import { finishFingerprint, globalFingerprint, localLanes, type Lanes } from '../dnd/checksum.js';
import type { Comm } from '../dnd/comm.js';
import type { DNDarray } from '../dnd/dndarray.js';
import type { Dtype } from '../dnd/dtypes.js';
import { isComplex, itemsize } from '../dnd/dtypes.js';
import { chunk, countsDispls, isBalancedMap, numel, type Split } from '../dnd/layout.js';
import { finishSum, globalMoments, localMoments, type Moments } from '../dnd/stats.js';
import { jsonReal, type JsonReal } from './json-real.js';
import { firstTouchSeconds } from '../dnd/memory.js';

export interface RankReport {
  rank: number;
  host: string;
  lshape: number[];
  offset: number;
  slices: [number, number][];
  lnbytes: number;
  /** with --checksum: fingerprint and sum of this rank's block (its share, not global) */
  checksum?: string;
  lsum?: JsonReal;
}

export interface Timing {
  total_s: number;
  op_s: number;
  [k: string]: number;
}

export interface ArrayReport {
  command: string;
  gshape: number[];
  dtype: Dtype;
  split: number | null;
  nprocs: number;
  balanced: boolean;
  is_distributed: boolean;
  lshape_map: number[][];
  counts: number[] | null;
  displs: number[] | null;
  gnbytes: number;
  ranks: RankReport[];
  /** with --checksum: fingerprint and sum of the global array (independent of -n and split); no sum for complex */
  checksum?: string;
  sum?: JsonReal;
  /** with --out: where the array was written */
  out?: { file: string; dataset: string };
  timing: Timing;
}

export interface DescribeOptions {
  command: string;
  checksum?: boolean;
  /** seconds this rank spent in the operation; the report shows the slowest rank */
  opSeconds: number;
  /** this rank's moments when the caller has them already (info --stats) */
  moments?: Moments;
  /** this rank's fingerprint lanes when the caller has them already (resplit --checksum) */
  lanes?: Lanes;
}

export function describeArray(x: DNDarray, o: DescribeOptions): ArrayReport | null {
  const comm = x.comm;
  const lshapeMap = x.lshapeMap; // one Allgather (or cached)
  const split = x.split;
  const counts = split === null ? null : x.counts;
  const displs = split === null ? null : x.displs;
  const offset = displs ? displs[comm.rank] : 0;
  const balanced = x.balanced;
  const lanes = o.checksum ? (o.lanes ?? localLanes(x, offset)) : null;
  // the sum needs no shift; complex arrays have no real sum: their checksum is the fingerprint alone
  const moments = o.checksum && !isComplex(x.dtype) ? (o.moments ?? localMoments(x, 0)) : null;
  const mine: RankReport = {
    rank: comm.rank,
    host: comm.host(),
    lshape: x.lshape,
    offset,
    slices: x.lshape.map((d, i) => (i === split ? [offset, offset + d] : [0, d]) as [number, number]),
    lnbytes: x.lnbytes,
  };
  if (lanes) mine.checksum = finishFingerprint(lanes, x.gshape, x.dtype);
  if (moments) mine.lsum = jsonReal(finishSum(moments));
  const opMax = comm.allreduceNumber(o.opSeconds, 'max');
  // first touch of fresh blocks (memory.ts), slowest rank: on some machines it is most of a move
  const allocMax = comm.allreduceNumber(firstTouchSeconds(), 'max');
  const fingerprint = lanes ? globalFingerprint(x, lanes) : null;
  const sum = moments ? finishSum(globalMoments(x, moments)) : null;
  const ranks = comm.gatherJSON(mine, 0);
  if (!ranks) return null;
  const report: ArrayReport = {
    command: o.command,
    gshape: x.gshape,
    dtype: x.dtype,
    split,
    nprocs: comm.size,
    balanced,
    is_distributed: x.isDistributed,
    lshape_map: lshapeMap,
    counts,
    displs,
    gnbytes: x.gnbytes,
    ranks,
    timing: { total_s: 0, op_s: opMax, alloc_s: allocMax },
  };
  if (fingerprint !== null) report.checksum = fingerprint;
  if (sum !== null) report.sum = jsonReal(sum);
  return report;
}

/**
 * Collective: the report of an array that was never loaded (info without --stats or
 * --checksum): each rank takes its chunk() of `gshape`, allocates nothing and reads
 * nothing, and the lshape_map is still gathered from the ranks (one Allgather), as for a
 * loaded array. Rank 0 gets the report, the others null.
 */
export function describeLayout(comm: Comm, gshape: number[], dtype: Dtype, split: Split, command: string): ArrayReport | null {
  const ch = chunk(gshape, split, comm.rank, comm.size);
  const lshapeMap = comm.allgatherNumbers(ch.lshape);
  const cd = split === null ? null : countsDispls(lshapeMap, split);
  const mine: RankReport = { rank: comm.rank, host: comm.host(), lshape: ch.lshape, offset: ch.offset, slices: ch.slices, lnbytes: numel(ch.lshape) * itemsize(dtype) };
  const ranks = comm.gatherJSON(mine, 0);
  if (!ranks) return null;
  return {
    command,
    gshape,
    dtype,
    split,
    nprocs: comm.size,
    balanced: isBalancedMap(lshapeMap, gshape, split),
    is_distributed: split !== null && comm.size > 1,
    lshape_map: lshapeMap,
    counts: cd ? cd.counts : null,
    displs: cd ? cd.displs : null,
    gnbytes: numel(gshape) * itemsize(dtype),
    ranks,
    timing: { total_s: 0, op_s: 0 },
  };
}
