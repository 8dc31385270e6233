/**
 * Human rendering of job results (the command layer only; ranks never render). Tables
 * with cli-table3, colours with a chalk instance chosen by the launcher.
 */
import { grid } from './grid.js';
import type { ChalkInstance } from 'chalk';
import type { ArrayReport } from '../runtime/report.js';
import type { ChunkReport } from '../runtime/jobs/chunk.js';
import { showReal } from '../runtime/json-real.js';
import { formatBytes, formatRate } from '../runtime/units.js';
import { maxOf } from '../runtime/extent.js';

export function tuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Sizes and rates: one formatter for the whole CLI (src/runtime/units.ts). */
export function bytes(n: number): string {
  return formatBytes(n);
}

export function seconds(s: number): string {
  return s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 2 : 0)} ms` : `${s.toFixed(2)} s`;
}

function slices(sl: readonly [number, number][]): string {
  return `[${sl.map(([a, b]) => `${a}:${b}`).join(', ')}]`;
}

/** `gshape (7, 4, 3)  dtype float32  split 0  ranks 4  balanced yes` */
export function arrayHeader(r: ArrayReport, c: ChalkInstance): string {
  const yes = (b: boolean) => (b ? c.green('yes') : c.yellow('no'));
  return [
    `${c.bold('DNDarray')} ${c.cyan(tuple(r.gshape))}`,
    `dtype ${c.cyan(r.dtype)}`,
    `split ${c.cyan(r.split === null ? 'none' : String(r.split))}`,
    `ranks ${c.cyan(String(r.nprocs))}`,
    `balanced ${yes(r.balanced)}`,
    `distributed ${yes(r.is_distributed)}`,
    `${bytes(r.gnbytes)}`,
  ].join('  ');
}

export function rankTable(r: ArrayReport, c: ChalkInstance): string {
  const withChecksum = r.ranks.some((k) => k.checksum !== undefined);
  const withSum = r.ranks.some((k) => k.lsum !== undefined); // complex arrays have no sum
  const t = grid(c, ['rank', 'host', 'lshape', 'offset', 'count', 'slices', 'bytes', ...(withChecksum ? ['checksum'] : []), ...(withSum ? ['local sum'] : [])]);
  for (const k of r.ranks) {
    const count = r.split === null ? '-' : String(k.lshape[r.split]);
    const empty = k.lshape.some((d) => d === 0);
    const row = [String(k.rank), k.host, tuple(k.lshape), String(k.offset), count, slices(k.slices), bytes(k.lnbytes)];
    if (withChecksum) row.push(k.checksum ?? '');
    if (withSum) row.push(k.lsum === undefined ? '' : showReal(k.lsum, 10));
    t.push(empty ? row.map((x) => c.dim(x)) : row);
  }
  return t.toString();
}

export function layoutLines(r: { lshape_map: number[][]; counts: number[] | null; displs: number[] | null }, c: ChalkInstance): string[] {
  return [
    `${c.bold('lshape_map')} ${JSON.stringify(r.lshape_map)}`,
    r.counts && r.displs ? `${c.bold('counts')} ${JSON.stringify(r.counts)}  ${c.bold('displs')} ${JSON.stringify(r.displs)}` : `${c.bold('counts/displs')} none (not split)`,
  ];
}

export function renderArrayReport(r: ArrayReport, c: ChalkInstance): string {
  const lines = [arrayHeader(r, c), rankTable(r, c), ...layoutLines(r, c)];
  if (r.checksum !== undefined) lines.push(`${c.bold('checksum')} ${r.checksum}${r.sum === undefined ? '' : `  ${c.bold('sum')} ${showReal(r.sum, 10)}`}`);
  if (r.out) lines.push(`${c.bold('written')} ${r.out.file}:${r.out.dataset}${r.timing.write_s !== undefined ? ` in ${seconds(r.timing.write_s)} (${rate(r.gnbytes, r.timing.write_s)})` : ''}`);
  lines.push(c.dim(`time ${seconds(r.timing.total_s)} total, ${seconds(r.timing.op_s)} in the operation (slowest rank)`));
  return lines.join('\n');
}

export function rate(nbytes: number, s: number): string {
  return formatRate(nbytes, s);
}

/** One bar per rank, proportional to its share of the split axis. */
export function distributionBars(r: ArrayReport, c: ChalkInstance, width = 40): string {
  if (r.split === null || !r.counts) return `${c.bold('distribution')} every rank holds the whole array`;
  const counts = r.counts;
  const max = maxOf(counts, 1);
  const total = counts.reduce((a, b) => a + b, 0);
  const digits = String(r.nprocs - 1).length;
  const lines = [`${c.bold('distribution')} rows of axis ${r.split} per rank`];
  counts.forEach((n, p) => {
    const len = Math.round((n / max) * width);
    const bar = n > 0 ? '█'.repeat(Math.max(1, len)) : '';
    const share = total ? ((100 * n) / total).toFixed(1) : '0.0';
    lines.push(`  ${String(p).padStart(digits)} ${c.cyan(bar)}${' '.repeat(width - (n > 0 ? Math.max(1, len) : 0))} ${n} (${share}%)`);
  });
  return lines.join('\n');
}

export function renderChunkReport(r: ChunkReport, c: ChalkInstance, onlyRank?: number): string {
  const head = `${c.bold('chunk')} ${c.cyan(tuple(r.gshape))}  split ${c.cyan(r.split === null ? 'none' : String(r.split))}  ranks ${c.cyan(String(r.nprocs))}${r.launched ? `  ${c.green('confirmed by the ranks of a real job')}` : ''}`;
  const t = grid(c, ['rank', ...(r.launched ? ['host'] : []), 'offset', 'lshape', 'slices']);
  for (const k of r.ranks) {
    if (onlyRank !== undefined && k.rank !== onlyRank) continue;
    t.push([String(k.rank), ...(r.launched ? [k.host ?? ''] : []), String(k.offset), tuple(k.lshape), slices(k.slices)]);
  }
  return [head, t.toString(), ...layoutLines(r, c)].join('\n');
}
