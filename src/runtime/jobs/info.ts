/** The `info` job: load (or build) the array in parallel and describe it; stats on demand. */
import type { Comm } from '../../dnd/comm.js';
import { load } from '../../dnd/io.js';
import { globalStats, type Stats } from '../../dnd/stats.js';
import { describeArray, type ArrayReport } from '../report.js';
import type { InfoJob } from '../job.js';
import { buildArray } from './create.js';

export interface InfoReport extends ArrayReport {
  file?: string;
  dataset?: Record<string, unknown>;
  stats?: Stats;
}

export function runInfo(job: InfoJob, comm: Comm): InfoReport | null {
  const t0 = comm.wtime();
  const x = job.source.type === 'file' ? load(job.source.file, job.source.dataset, { split: job.split, comm }) : buildArray(job.source.create, comm);
  const loadSeconds = comm.wtime() - t0;
  const t1 = comm.wtime();
  const stats = job.stats ? globalStats(x) : undefined;
  const statsSeconds = comm.allreduceNumber(comm.wtime() - t1, 'max');
  const report: InfoReport | null = describeArray(x, { command: 'info', checksum: job.checksum, opSeconds: loadSeconds });
  if (!report) return null; // only rank 0 reports; every collective is above this line
  if (stats) {
    report.stats = stats;
    report.timing.stats_s = statsSeconds;
  }
  return report;
}
