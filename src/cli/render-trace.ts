/** Human rendering of `dnd trace summary` (see runtime/trace-summary.ts for what the numbers mean). */
import { grid } from './grid.js';
import type { ChalkInstance } from 'chalk';
import type { TraceSummary } from '../runtime/trace-summary.js';
import { bytes, seconds } from './render.js';
import { maxOf } from '../runtime/extent.js';

const PALETTE = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red', 'white'] as const;

function picture(t: NonNullable<TraceSummary['job_timeline']>, c: ChalkInstance, title: string): string[] {
  const letters = Object.keys(t.legend);
  const colour = (ch: string) => {
    const i = letters.indexOf(ch.toUpperCase());
    if (i < 0) return c.dim(ch);
    const paint = c[PALETTE[i % PALETTE.length]];
    return ch === ch.toUpperCase() ? paint(ch) : c.dim(paint(ch));
  };
  const digits = String(t.rows.length - 1).length;
  return [
    `${c.bold(title)} ${seconds(t.start_s)} → ${seconds(t.end_s)}, ${seconds((t.end_s - t.start_s) / t.width)} per column (upper case working, lower case waiting in a collective, · no phase)`,
    ...t.rows.map((row, p) => `  ${String(p).padStart(digits)} ${[...row].map(colour).join('')}`),
  ];
}

export function renderTraceSummary(s: TraceSummary, c: ChalkInstance): string {
  const hosts = [...new Set(s.hosts)];
  const lines: string[] = [];
  lines.push(`${c.bold('trace')} ${s.file}  ${s.job ? `job ${c.cyan(s.job)}  ` : ''}ranks ${c.cyan(String(s.nprocs))} on ${hosts.join(', ')}  ${seconds(s.duration_s)} from the first event to the last`);

  const pt = grid(c, ['phase', 'ranks', 'min', 'median', 'max', 'imbalance', 'slowest']);
  for (const p of s.phases) {
    const imb = p.imbalance.toFixed(2);
    const row = [p.cat === 'user' ? `${p.name} ${c.dim('(script)')}` : p.name, String(p.ranks), seconds(p.min_s), seconds(p.median_s), seconds(p.max_s), p.imbalance >= 1.25 && p.max_s >= 0.001 ? c.yellow(imb) : imb, String(p.slowest_rank)];
    pt.push(row);
  }
  lines.push(`${c.bold('phases')} time per rank (summed over repeats); imbalance = max / mean`, pt.toString());

  const col = s.collectives;
  if (col.count > 0) {
    const ct = grid(c, ['rank', 'host', 'calls', 'in MPI', 'waiting', 'caused', 'last in', 'sent']);
    for (const r of col.ranks) ct.push([String(r.rank), r.host, String(r.count), seconds(r.time_s), seconds(r.wait_s), seconds(r.imposed_s), String(r.last_count), bytes(r.bytes_sent)]);
    lines.push(`${c.bold('collectives')} ${col.count} calls in the job; waiting = entered before the last rank did; caused = others' waiting when this rank entered last`, ct.toString());
    if (col.mismatched > 0) lines.push(c.yellow(`warning: ${col.mismatched} collective(s) had different names on different ranks at the same position`));
  }
  if (s.slowest_rank) {
    const r = s.slowest_rank;
    lines.push(`${c.bold('slowest rank')} ${c.yellow(String(r.rank))} (${r.host}): entered ${r.last_count} collective(s) last; the other ranks waited ${seconds(r.imposed_s)} for it`);
  } else {
    lines.push(`${c.bold('slowest rank')} none: no rank kept another waiting in a collective`);
  }

  if (s.nprocs > 1) {
    const w = maxOf(s.bytes_matrix.flat().map((b) => bytes(b).length), 6);
    const head = `  ${'from\\to'.padEnd(7)}${s.bytes_matrix.map((_, q) => String(q).padStart(w + 2)).join('')}`;
    lines.push(`${c.bold('bytes sent')} rank → rank, in collectives (all-to-all, gather, broadcast, allgather payloads)`, c.dim(head));
    s.bytes_matrix.forEach((row, p) => lines.push(`  ${String(p).padEnd(7)}${row.map((b, q) => (q === p ? '-' : b === 0 ? '0' : bytes(b)).padStart(w + 2)).join('')}`));
  }

  lines.push(...picture(s.timeline, c, 'timeline'));
  if (s.job_timeline) lines.push(...picture(s.job_timeline, c, 'the job alone'));
  lines.push(`${c.bold('legend')} ${Object.entries(s.timeline.legend).map(([l, name]) => `${l} ${name}`).join('  ')}`);
  return lines.join('\n');
}
