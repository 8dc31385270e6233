#!/usr/bin/env node
// The tables of bench/RESULTS.md from the figures of one run (what bench/run.mjs writes to
// bench/out/bench-full.json, kept as bench/results/<date>-<what>.json): every row with its
// spread, its floor, the ratio, the goal and the Python peer, then where a launch's time
// goes. The prose around them is written by hand.
//   node bench/results-table.mjs bench/results/2026-11-27-crc-full.json
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/results-table.mjs FIGURES.json\n');
  process.exit(2);
}
const { rows } = JSON.parse(readFileSync(file, 'utf8'));

/** as bench/run.mjs prints them: times in ms or s, rates in M, counts with 3 digits */
const fmt = (v, unit) => (unit === 's' ? (v < 1 ? `${(v * 1000).toFixed(1)} ms` : `${v.toFixed(2)} s`) : v >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : v.toPrecision(3));

const lines = ['| figure | dnd median | spread | floor (spread) | ratio | goal | Python peer |', '| --- | ---: | ---: | ---: | ---: | --- | --- |'];
for (const r of rows) {
  const spread = `${fmt(r.dnd.min, r.unit)}..${fmt(r.dnd.max, r.unit)}`;
  const floor = fmt(r.floor.median, r.unit) + (r.floor.min !== undefined ? ` (${fmt(r.floor.min, r.unit)}..${fmt(r.floor.max, r.unit)})` : '');
  let peer = '–';
  if (r.peer?.skipped) peer = `skipped: ${r.peer.skipped}`;
  else if (r.peer) peer = `${fmt(r.peer.median, r.unit)}: dnd ${r.vs_peer.toFixed(2)}x ${r.vs_peer >= 1 ? 'ahead' : 'behind'}`;
  else if (r.numpy) peer = `numpy loop ${fmt(r.numpy.median, 's')} (dnd ${r.vs_numpy.toFixed(0)}x faster)`;
  lines.push(`| ${r.figure} | ${fmt(r.dnd.median, r.unit)} | ${spread} | ${floor} | ${r.ratio.toFixed(2)}x | ${r.goal} ${r.met ? '✔' : '✘'} | ${peer} |`);
}

const launches = rows.filter((r) => r.breakdown_ms);
if (launches.length) {
  const head = launches.map((r) => r.figure.replace(/.* -n /, '-n '));
  lines.push('', `| step (ms, medians; rank steps at the slowest rank) | ${head.join(' | ')} |`, `| --- | ${head.map(() => '---:').join(' | ')} |`);
  for (const k of Object.keys(launches[0].breakdown_ms)) lines.push(`| ${k} | ${launches.map((r) => r.breakdown_ms[k].toFixed(0)).join(' | ')} |`);
  const also = (label, k, f) => lines.push(`| ${label} | ${launches.map((r) => (r.also?.[k] === undefined ? '–' : f(r.also[k]))).join(' | ')} |`);
  also('mpiexec node MPI hello (Node ranks, nothing else)', 'mpiexec node MPI hello', (v) => (v * 1000).toFixed(0));
  also('dnd --version + that hello, over the floor', 'least_ratio', (v) => `${v.toFixed(2)}x`);
}
process.stdout.write(`${lines.join('\n')}\n`);
