/** Rendering of resplit/redistribute results and of their --dry-run plans. */
import { grid } from './grid.js';
import type { ChalkInstance } from 'chalk';
import type { DryRunReport, LayoutView } from '../runtime/dry-run.js';
import type { MoveReport } from '../runtime/jobs/move.js';
import { arrayHeader, bytes, rate, rankTable, seconds, tuple } from './render.js';

const splitName = (s: number | null) => (s === null ? 'none' : String(s));

/** before and after, one row per rank */
function sideBySide(before: LayoutView, after: LayoutView, c: ChalkInstance): string {
  const t = grid(c, ['rank', `before (split ${splitName(before.split)})`, 'count', 'displ', `after (split ${splitName(after.split)})`, 'count', 'displ']);
  before.lshape_map.forEach((l, p) => {
    t.push([
      String(p),
      tuple(l),
      before.counts ? String(before.counts[p]) : '-',
      before.displs ? String(before.displs[p]) : '-',
      tuple(after.lshape_map[p]),
      after.counts ? String(after.counts[p]) : '-',
      after.displs ? String(after.displs[p]) : '-',
    ]);
  });
  return t.toString();
}

export function renderMoveReport(r: MoveReport, c: ChalkInstance): string {
  const after: LayoutView = { split: r.split, lshape_map: r.lshape_map, counts: r.counts, displs: r.displs };
  const lines = [arrayHeader(r, c), sideBySide(r.before, after, c), rankTable(r, c)];
  const m = r.moved;
  lines.push(
    `${c.bold('moved')} ${bytes(m.bytes)} between ranks (${m.method === 'none' ? 'nothing to move' : `one MPI_${m.method === 'alltoallv' ? 'Alltoallv' : 'Alltoallw'}`}) in ${seconds(r.timing.op_s)}${m.bytes ? `, ${rate(m.bytes, r.timing.op_s)}` : ''}`,
  );
  // below a few MiB the runtime's own noise dominates the ratio: not worth showing
  const peaks = m.ranks.filter((k) => k.peak_ratio !== null && Math.max(k.old_bytes, k.new_bytes) >= 4 * 2 ** 20);
  if (peaks.length) {
    const worst = peaks.reduce((a, b) => ((b.peak_ratio ?? 0) > (a.peak_ratio ?? 0) ? b : a));
    lines.push(`${c.bold('memory')} peak RSS above baseline at most ${(worst.peak_ratio ?? 0).toFixed(2)}x the larger block (rank ${worst.rank}: ${bytes((worst.peak_rss ?? 0) - (worst.baseline_rss ?? 0))} for blocks of ${bytes(worst.old_bytes)} -> ${bytes(worst.new_bytes)})`);
  }
  if (r.checksum !== undefined) lines.push(`${c.bold('checksum')} before ${r.before.checksum}  after ${r.checksum}  ${r.before.checksum === r.checksum ? c.green('same contents') : c.red('DIFFERENT')}`);
  if (r.out) lines.push(`${c.bold('written')} ${r.out.file}:${r.out.dataset}${r.timing.write_s !== undefined ? ` in ${seconds(r.timing.write_s)}` : ''}`);
  lines.push(c.dim(`time ${seconds(r.timing.total_s)} total`));
  return lines.join('\n');
}

export function renderDryRun(r: DryRunReport, c: ChalkInstance): string {
  const lines = [`${c.bold('plan')} ${r.command} ${c.cyan(tuple(r.gshape))} ${r.dtype} on ${r.nprocs} ranks: ${c.yellow('dry run, nothing moved')}`, sideBySide(r.before, r.after, c)];
  const pairs = grid(c, ['from', 'to', 'bytes']);
  r.traffic.forEach((row, p) => row.forEach((b, q) => b > 0 && p !== q && pairs.push([String(p), String(q), bytes(b)])));
  lines.push(pairs.length ? pairs.toString() : 'no data moves between ranks');
  const mem = grid(c, ['rank', 'sends', 'receives', 'old block', 'new block', 'peak estimate']);
  // a mapped source's old blocks are views of the file (page cache), not memory of the rank's
  const old = (b: number) => (r.source_mapped && b > 0 ? `${bytes(b)} (mapped)` : bytes(b));
  for (const k of r.ranks) mem.push([String(k.rank), bytes(k.send_bytes), bytes(k.recv_bytes), old(k.old_bytes), bytes(k.new_bytes), bytes(k.peak_estimate_bytes)]);
  lines.push(mem.toString(), `${c.bold('total')} ${bytes(r.total_bytes_between_ranks)} between ranks`);
  return lines.join('\n');
}
