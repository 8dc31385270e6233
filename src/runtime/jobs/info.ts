/**
 * The `info` job: describe a file's dataset (or a generated array) as distributed on the
 * ranks; load it only when --stats or --checksum need the values.
 */
import type { Comm } from '../../dnd/comm.js';
import { readBytes } from '../../dnd/io.js';
import { globalShift, globalStats, localMoments, type Stats } from '../../dnd/stats.js';
import { describeArray, describeLayout, type ArrayReport } from '../report.js';
import type { InfoJob } from '../job.js';
import { jsonReal, jsonRealOrNull, type JsonReal } from '../json-real.js';
import { openSource } from './source.js';
import { phase } from '../progress.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';
import { testFault } from '../test-fault.js';

/** Stats as --json prints them: non-finite values as "nan", "inf", "-inf". */
export interface StatsReport {
  count: number;
  min: JsonReal | null;
  max: JsonReal | null;
  mean: JsonReal | null;
  std: JsonReal | null;
  sum: JsonReal;
  nan_count: number;
}

export interface InfoReport extends ArrayReport {
  file?: string;
  dataset?: Record<string, unknown>;
  stats?: StatsReport;
  /** bytes the ranks asked HDF5 to read, summed over the ranks (0: metadata only) */
  read_bytes?: number;
  warnings?: string[];
}

export function statsReport(s: Stats): StatsReport {
  return { count: s.count, min: jsonRealOrNull(s.min), max: jsonRealOrNull(s.max), mean: jsonRealOrNull(s.mean), std: jsonRealOrNull(s.std), sum: jsonReal(s.sum), nan_count: s.nan_count };
}

export function runInfo(job: InfoJob, comm: Comm): InfoReport | null {
  if (job.source.type === 'file' && job.layoutOnly) {
    // no --stats, no --checksum: the layout needs the shape alone, which the launcher read
    // from the file's metadata; the ranks neither open the file nor allocate their blocks
    phaseBegin('report');
    const report: InfoReport | null = describeLayout(comm, job.layoutOnly.gshape, job.layoutOnly.dtype, job.split, 'info');
    phaseEnd();
    if (report) report.read_bytes = 0;
    return report;
  }
  phase(job.source.type === 'file' ? 'reading HDF5' : 'building blocks', 0);
  const t0 = comm.wtime();
  const x = openSource(job.source, job.split, comm, job.source.type === 'generator' ? (job.source.create.counts ?? null) : null, true);
  const loadSeconds = comm.wtime() - t0;
  testFault('op', comm.rank);
  if (job.stats) phase('statistics', x.gnbytes);
  const t1 = comm.wtime();
  // one pass over the block serves --stats and the sum of --checksum
  if (job.stats) phaseBegin('stats');
  const moments = job.stats ? localMoments(x, globalShift(x)) : undefined;
  const stats = job.stats ? globalStats(x, moments) : undefined;
  if (job.stats) phaseEnd();
  const statsSeconds = comm.allreduceNumber(comm.wtime() - t1, 'max');
  const read = comm.allreduceNumber(readBytes(), 'sum');
  phaseBegin('report');
  const report: InfoReport | null = describeArray(x, { command: 'info', checksum: job.checksum, opSeconds: loadSeconds, moments });
  phaseEnd();
  if (!report) return null; // only rank 0 reports; every collective is above this line
  if (job.source.type === 'file') report.read_bytes = read;
  if (stats) {
    report.stats = statsReport(stats);
    report.timing.stats_s = statsSeconds;
  }
  return report;
}
