/**
 * The `resplit` and `redistribute` jobs: open the source in its starting layout, move
 * the data with one collective exchange, optionally write the result, and report before
 * and after, bytes moved, time, and each rank's peak resident memory during the move.
 */
import type { Comm } from '../../dnd/comm.js';
import { finishFingerprint, globalFingerprint, localLanes } from '../../dnd/checksum.js';
import { DndError } from '../../dnd/errors.js';
import { countsDispls } from '../../dnd/layout.js';
import type { MoveStats } from '../../dnd/ops/move.js';
import type { MoveJob } from '../job.js';
import { peakRssBytes, resetPeak, rssBytes } from '../memstat.js';
import { writeOutput } from '../output.js';
import { describeArray, type ArrayReport } from '../report.js';
import { openSource } from './source.js';
import { testFault } from '../test-fault.js';
import { phase, planSteps } from '../progress.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';
import { maxOf } from '../extent.js';

export interface MoveRank {
  rank: number;
  sent_bytes: number;
  recv_bytes: number;
  old_bytes: number;
  new_bytes: number;
  /** RSS before the source existed: the runtime's own baseline */
  baseline_rss: number | null;
  /** peak RSS during the move (VmHWM after a reset) */
  peak_rss: number | null;
  /** (peak - baseline) / max(old, new) */
  peak_ratio: number | null;
}

export interface MoveReport extends ArrayReport {
  before: { lshape_map: number[][]; counts: number[] | null; displs: number[] | null; split: number | null; balanced: boolean; checksum?: string };
  moved: { method: string; bytes: number; throughput_bytes_per_s: number; ranks: MoveRank[] };
}

export function runMove(job: MoveJob, comm: Comm): MoveReport | null {
  const baseline = rssBytes();
  planSteps(2 + (job.out ? 1 : 0));
  phase(job.source.type === 'file' ? 'reading HDF5' : 'building blocks', 0);
  // the loaded block is only sent (and written out, fingerprinted) before the move releases it
  const x = openSource(job.source, job.split, comm, job.counts, true);
  const beforeMap = x.lshapeMap;
  const beforeSplit = x.split;
  const before = {
    lshape_map: beforeMap,
    ...(beforeSplit === null ? { counts: null, displs: null } : countsDispls(beforeMap, beforeSplit)),
    split: beforeSplit,
    balanced: x.balanced,
  };
  if (job.checksum) phaseBegin('checksum');
  const fingerprintBefore = job.checksum ? globalFingerprint(x) : null;
  if (job.checksum) phaseEnd();
  const oldBytes = x.lnbytes;

  testFault('op', comm.rank);
  phase(job.op === 'resplit' ? 'exchanging (resplit)' : 'exchanging (redistribute)', x.gnbytes);
  comm.barrier(); // time the exchange alone, from a common start
  const measured = resetPeak();
  const t0 = comm.wtime();
  phaseBegin(job.op);
  let stats: MoveStats;
  if (job.op === 'resplit') stats = x.resplitInPlace(job.axis ?? null);
  else if (job.target === 'balance' || job.target === undefined) stats = x.balanceInPlace();
  else stats = x.redistributeInPlace(job.target);
  phaseEnd();
  const opSeconds = comm.wtime() - t0;
  const peak = measured ? peakRssBytes() : null;
  testFault('moved', comm.rank, x.larray);

  // The move must not change a bit: with --checksum a difference fails the job on every
  // rank (the fingerprints are global), before anything is written. Split none: every
  // rank's copy must be the whole array, not only rank 0's (which the fingerprint counts).
  const lanesAfter = job.checksum ? localLanes(x, x.offset) : undefined;
  if (fingerprintBefore !== null && lanesAfter) {
    const after = globalFingerprint(x, lanesAfter);
    const copies = x.split === null ? comm.allgatherNumbers(lanesAfter).map((l) => finishFingerprint([l[0], l[1]], x.gshape, x.dtype)) : [];
    const bad = copies.flatMap((f, p) => (f === fingerprintBefore ? [] : [p]));
    if (after !== fingerprintBefore || bad.length) {
      const where = bad.length ? ` (the copies on rank${bad.length > 1 ? 's' : ''} ${bad.join(', ')} differ)` : '';
      throw new DndError('job', `internal data error: the ${job.op} changed the array (fingerprint ${fingerprintBefore} before, ${after} after${where}); nothing was written`);
    }
  }

  let writeSeconds = 0;
  if (job.out) {
    const t1 = comm.wtime();
    phase('writing HDF5', x.gnbytes);
    phaseBegin('write');
    writeOutput(x, job.out, comm);
    phaseEnd();
    writeSeconds = comm.allreduceNumber(comm.wtime() - t1, 'max');
  }
  const mine: MoveRank = {
    rank: comm.rank,
    sent_bytes: stats.sentBytes,
    recv_bytes: stats.recvBytes,
    old_bytes: oldBytes,
    new_bytes: x.lnbytes,
    baseline_rss: baseline,
    peak_rss: peak,
    peak_ratio: peak !== null && baseline !== null && Math.max(oldBytes, x.lnbytes) > 0 ? (peak - baseline) / Math.max(oldBytes, x.lnbytes) : null,
  };
  phaseBegin('report');
  const ranks = comm.gatherJSON(mine, 0);
  const report = describeArray(x, { command: job.op, checksum: job.checksum, opSeconds, lanes: lanesAfter });
  phaseEnd();
  if (!report || !ranks) return null;
  const moveReport = report as MoveReport;
  moveReport.before = fingerprintBefore !== null ? { ...before, checksum: fingerprintBefore } : before;
  const bytes = ranks.reduce((a, r) => a + r.sent_bytes, 0);
  moveReport.moved = { method: stats.method, bytes, throughput_bytes_per_s: report.timing.op_s > 0 ? bytes / report.timing.op_s : 0, ranks };
  const ratios = ranks.map((r) => r.peak_ratio).filter((v): v is number => v !== null);
  if (ratios.length) moveReport.timing.peak_rss_ratio_max = maxOf(ratios);
  if (job.out) {
    moveReport.out = { file: job.out.named, dataset: job.out.dataset };
    moveReport.timing.write_s = writeSeconds;
  }
  return moveReport;
}
