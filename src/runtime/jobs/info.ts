/** The `info` job: load (or build) the array in parallel and describe it; stats on demand. */
import type { Comm } from '../../dnd/comm.js';
import { globalStats, type Stats } from '../../dnd/stats.js';
import { describeArray, type ArrayReport } from '../report.js';
import type { InfoJob } from '../job.js';
import { openSource } from './source.js';
import { phase } from '../progress.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';

export interface InfoReport extends ArrayReport {
  file?: string;
  dataset?: Record<string, unknown>;
  stats?: Stats;
}

export function runInfo(job: InfoJob, comm: Comm): InfoReport | null {
  phase(job.source.type === 'file' ? 'reading HDF5' : 'building blocks', 0);
  const t0 = comm.wtime();
  const x = openSource(job.source, job.split, comm, job.source.type === 'generator' ? (job.source.create.counts ?? null) : null);
  const loadSeconds = comm.wtime() - t0;
  if (job.stats) phase('statistics', x.gnbytes);
  const t1 = comm.wtime();
  if (job.stats) phaseBegin('stats');
  const stats = job.stats ? globalStats(x) : undefined;
  if (job.stats) phaseEnd();
  const statsSeconds = comm.allreduceNumber(comm.wtime() - t1, 'max');
  phaseBegin('report');
  const report: InfoReport | null = describeArray(x, { command: 'info', checksum: job.checksum, opSeconds: loadSeconds });
  phaseEnd();
  if (!report) return null; // only rank 0 reports; every collective is above this line
  if (stats) {
    report.stats = stats;
    report.timing.stats_s = statsSeconds;
  }
  return report;
}
