/**
 * What a job returns for an array: its layout gathered from the ranks (DESIGN.md §4).
 * Collective: every rank calls describeArray; rank 0 gets the report, the others null.
 */
import { combineDigests, digestHex, localDigest, type LocalDigest } from '../dnd/checksum.js';
import type { DNDarray } from '../dnd/dndarray.js';
import type { Dtype } from '../dnd/dtypes.js';
import { firstTouchSeconds } from '../dnd/memory.js';

export interface RankReport {
  rank: number;
  host: string;
  lshape: number[];
  offset: number;
  slices: [number, number][];
  lnbytes: number;
  /** with --checksum: fingerprint and float64 sum of this rank's block */
  checksum?: string;
  lsum?: number;
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
  /** with --checksum: distribution-independent fingerprint and sum of the global array */
  checksum?: string;
  sum?: number;
  /** with --out: where the array was written */
  out?: { file: string; dataset: string };
  timing: Timing;
}

export interface DescribeOptions {
  command: string;
  checksum?: boolean;
  /** seconds this rank spent in the operation; the report shows the slowest rank */
  opSeconds: number;
}

export function describeArray(x: DNDarray, o: DescribeOptions): ArrayReport | null {
  const comm = x.comm;
  const lshapeMap = x.lshapeMap; // one Allgather (or cached)
  const split = x.split;
  const counts = split === null ? null : x.counts;
  const displs = split === null ? null : x.displs;
  const offset = displs ? displs[comm.rank] : 0;
  const balanced = x.balanced;
  const digest: LocalDigest | null = o.checksum ? localDigest(x, offset) : null;
  const mine: RankReport = {
    rank: comm.rank,
    host: comm.host(),
    lshape: x.lshape,
    offset,
    slices: x.lshape.map((d, i) => (i === split ? [offset, offset + d] : [0, d]) as [number, number]),
    lnbytes: x.lnbytes,
  };
  if (digest) {
    mine.checksum = digestHex(digest);
    mine.lsum = digest.sum;
  }
  const opMax = comm.allreduceNumber(o.opSeconds, 'max');
  // first touch of fresh blocks (memory.ts), slowest rank: on some machines it is most of a move
  const allocMax = comm.allreduceNumber(firstTouchSeconds(), 'max');
  const digests = o.checksum ? comm.gatherJSON(digest, 0) : null;
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
  if (digests) {
    const all = digests as LocalDigest[];
    report.checksum = combineDigests(all);
    report.sum = all.reduce((a, d) => a + d.sum, 0);
  }
  return report;
}
