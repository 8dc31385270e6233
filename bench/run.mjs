#!/usr/bin/env node
// npm run bench [-- --quick] [-- --only launch,fill,exchange,hdf5,hdf5-hosts,plan,reduce,trace,info-meta,big] [-- --no-peer]
// Prints one table and writes the same figures as JSON (bench/out/). Benchmarks are not
// tests: this exits 0 whether or not a goal is met, and marks each figure that misses.
// Beside the rows it has an equivalent for, the Python peer (bench/peer.mjs) runs in the
// same run: "skipped: not installed" when Debian's mpi4py/h5py/numpy are missing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { benchBig } from './big.mjs';
import { benchExchange } from './exchange.mjs';
import { benchFill } from './fill.mjs';
import { benchHdf5 } from './hdf5.mjs';
import { benchHdf5Hosts } from './hdf5-hosts.mjs';
import { benchInfoMeta } from './info-meta.mjs';
import { benchLaunch } from './launch.mjs';
import { benchReduce } from './reduce.mjs';
import { benchTrace } from './trace.mjs';
import { benchPlan } from './plan.mjs';
import { attachPeers } from './peer.mjs';
import { ROOT } from './lib.mjs';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
// big (above 2 GiB between a pair of ranks, ~9 GB peak) only in full runs on 16 GiB machines
const big = !quick && totalmem() >= 16 * 2 ** 30 ? ['big'] : [];
const only = onlyArg ? onlyArg.slice(7).split(',') : ['launch', 'fill', 'exchange', 'hdf5', 'hdf5-hosts', 'plan', 'reduce', 'trace', 'info-meta', ...big];
const reps = quick ? 3 : 5;
const rows = [];
const t0 = performance.now();
const section = (name, f) => {
  if (!only.includes(name)) return;
  process.stderr.write(`[bench] ${name}...\n`);
  rows.push(...f());
};
section('launch', () => benchLaunch({ runs: quick ? 3 : 7, peer: !process.argv.includes('--no-peer') }));
section('fill', () => benchFill({ reps, perRank: quick ? 1 << 23 : 1 << 25, pageSizes: quick ? [] : [1 << 21, 1 << 23, 1 << 25, 1 << 27] }));
section('exchange', () => benchExchange({ reps, bytes: quick ? [64 << 20] : [64 << 20, 256 << 20, 1 << 30] }));
section('trace', () => benchTrace({ runs: quick ? 3 : 5 }));
section('hdf5', () => benchHdf5({ reps, bytes: quick ? 256 << 20 : 1 << 30, sizes: quick ? [2] : [1, 2, 4] }));
section('reduce', () => benchReduce({ reps, bytes: quick ? 256 << 20 : 1 << 30 }));
section('hdf5-hosts', () => benchHdf5Hosts({ reps }));
section('plan', () => benchPlan({ reps }));
section('info-meta', () => benchInfoMeta({ runs: quick ? 3 : 5 }));
section('big', () => benchBig());
if (!process.argv.includes('--no-peer')) {
  process.stderr.write('[bench] python peer...\n');
  attachPeers(rows, { reps, perRank: quick ? 1 << 23 : 1 << 25 });
}

const fmt = (v, unit) => (unit === 's' ? (v < 1 ? `${(v * 1000).toFixed(1)} ms` : `${v.toFixed(2)} s`) : v >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : v.toPrecision(3));
console.log(`\n${'figure'.padEnd(36)} ${'dnd median'.padStart(11)} ${'spread'.padStart(20)} ${'floor'.padStart(10)} ${'ratio'.padStart(7)}  goal`);
for (const r of rows) {
  const spread = `${fmt(r.dnd.min, r.unit)}..${fmt(r.dnd.max, r.unit)}`;
  const floorSpread = r.floor.min !== undefined ? `  floor ${fmt(r.floor.min, r.unit)}..${fmt(r.floor.max, r.unit)}` : '';
  const peer = r.peer ? (r.peer.skipped ? `  peer: skipped: ${r.peer.skipped}` : `  peer ${fmt(r.peer.median, r.unit)} (dnd ${r.vs_peer.toFixed(2)}x${r.vs_peer >= 1 ? ' ahead' : ', BEHIND'})`) : '';
  const extra = floorSpread + (r.peak_rss_ratio !== undefined ? `  peak RSS ${r.peak_rss_ratio.toFixed(2)}x` : '') + (r.numpy ? `  numpy loop ${fmt(r.numpy.median, 's')} (dnd ${r.vs_numpy.toFixed(1)}x faster)` : '') + peer;
  console.log(`${r.figure.padEnd(36)} ${fmt(r.dnd.median, r.unit).padStart(11)} ${spread.padStart(20)} ${fmt(r.floor.median, r.unit).padStart(10)} ${(r.ratio.toFixed(2) + 'x').padStart(7)}  ${r.goal}${r.met ? '' : '  MISSED'}${extra}`);
}
const launches = rows.filter((r) => r.breakdown_ms);
if (launches.length) {
  // where a launch's milliseconds go (DND_TIMING, medians): one column per rank count
  console.log(`\n${'launch: where the time goes (ms)'.padEnd(48)} ${launches.map((r) => r.figure.replace(/.* -n /, '-n ').padStart(7)).join(' ')}`);
  for (const k of Object.keys(launches[0].breakdown_ms)) console.log(`${k.padEnd(48)} ${launches.map((r) => r.breakdown_ms[k].toFixed(0).padStart(7)).join(' ')}`);
  // what Node ranks cost by themselves, whatever dnd does (bench/launch.mjs)
  const also = (label, k, f) => console.log(`${label.padEnd(48)} ${launches.map((r) => (r.also?.[k] === undefined ? '–' : f(r.also[k])).padStart(7)).join(' ')}`);
  also('mpiexec node MPI hello (ms)', 'mpiexec node MPI hello', (v) => (v * 1000).toFixed(0));
  also('dnd --version + that hello, over the floor', 'least_ratio', (v) => `${v.toFixed(2)}x`);
}
console.log('\nratio: floor time / dnd time for throughput figures (higher is better), dnd / floor for launch, stats and checksum (lower is better)');
console.log('peer: the same work in Python (mpi4py, numpy, h5py; bench/py/peer.py); "dnd Nx ahead" = peer time / dnd time (or dnd rate / peer rate)');
const mpi = execFileSync('mpiexec', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const out = { date: new Date().toISOString(), quick, seconds: (performance.now() - t0) / 1000, machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, memory_bytes: totalmem(), mpi, node: process.version }, rows };
mkdirSync(`${ROOT}bench/out`, { recursive: true });
const file = `${ROOT}bench/out/bench-${quick ? 'quick' : 'full'}.json`;
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`figures written to ${file} (${out.seconds.toFixed(0)} s)`);
