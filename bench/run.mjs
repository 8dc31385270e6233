#!/usr/bin/env node
// npm run bench [-- --quick]: prints one table and writes the figures as JSON.
// Benchmarks are not tests: this exits 0 whether or not a goal is met, and marks misses.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { benchLaunch } from './launch.mjs';
import { ROOT } from './lib.mjs';

const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 7;
const rows = [...benchLaunch({ runs })];

const fmt = (v, unit) => (unit === 's' ? `${(v * 1000).toFixed(0)} ms` : v.toPrecision(4));
console.log(`\n${'figure'.padEnd(40)} ${'dnd (median)'.padStart(14)} ${'spread'.padStart(18)} ${'floor'.padStart(10)} ${'ratio'.padStart(7)}  goal`);
for (const r of rows) {
  const spread = `${fmt(r.dnd.min, r.unit)}..${fmt(r.dnd.max, r.unit)}`;
  console.log(`${r.figure.padEnd(40)} ${fmt(r.dnd.median, r.unit).padStart(14)} ${spread.padStart(18)} ${fmt(r.floor.median, r.unit).padStart(10)} ${(r.ratio.toFixed(2) + 'x').padStart(7)}  ${r.goal}${r.met ? '' : '  MISSED'}`);
}
const mpi = execFileSync('mpiexec', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const out = { date: new Date().toISOString(), quick, machine: { cores: availableParallelism(), memory_bytes: totalmem(), mpi, node: process.version }, rows };
mkdirSync(`${ROOT}bench/out`, { recursive: true });
const file = `${ROOT}bench/out/bench-${quick ? 'quick' : 'full'}.json`;
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`\nfigures written to ${file}`);
