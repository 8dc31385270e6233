// Big data at 2 ranks (issue 19): a redistribute and a resplit moving more than 2 GiB
// between one pair of ranks, each beside the same exchange in C (bench/c/exchange.c), and
// the first touch of fresh memory as its own row (bench/c/firsttouch.c). One rep each
// (first touch: three of each way, in turn, medians: a single rep of it swung 4x between
// full runs): every rep allocates gigabytes, and fresh memory is exactly what is measured. About 9 GB
// peak; run only where there are 16 GiB. Every run starts 5 s after the previous one
// ended, so that none gets the memory another just freed (still cheap to touch here).
import { execFileSync } from 'node:child_process';
import { ROOT, compileC, median, mpiEnv, settle, RANK_NODE } from './lib.mjs';

const json = (out) => JSON.parse(out.trim().split('\n').pop());
/** each run starts with memory settled (lib.mjs): the run after a big free would otherwise win by that alone */
const SETTLE_MS = 5000;
function run(file, args, opts) {
  settle(SETTLE_MS);
  return execFileSync(file, args, opts);
}
const GB = 1e9;

/** `dnd`: seconds of one rep, or of several (their median is the figure) */
function row(figure, dnd, floors, moved, goal, extra = {}) {
  const reps = Array.isArray(dnd) ? dnd : [dnd];
  const dndSeconds = median(reps);
  const best = Object.entries(floors).reduce((a, [k, v]) => (v < a[1] ? [k, v] : a), ['', Infinity]);
  const ratio = best[1] / dndSeconds;
  return { figure, unit: 's', dnd: { median: dndSeconds, min: Math.min(...reps), max: Math.max(...reps), runs: reps.length, gbps: moved / dndSeconds / GB, ...extra }, floor: { what: `C ${best[0]}`, median: best[1], all: floors }, ratio, goal, met: ratio >= 0.8, higherIsBetter: true };
}

export function benchBig() {
  const exe = compileC('exchange');
  const touch = compileC('firsttouch');
  const rows = [];
  // first touch of 1 GiB: dnd's measured choice against each way in C, every one in a
  // process of its own on settled memory, the order turned each round (c/firsttouch.c)
  const n = 2 ** 30;
  const ways = ['populate', 'populate_huge', 'memset'];
  const cReps = Object.fromEntries(ways.map((w) => [w, []]));
  const dReps = [];
  for (let i = 0; i < 3; i++) {
    const order = [...ways.map((w) => () => cReps[w].push(json(run(touch, [String(n), w], { encoding: 'utf8' }))[w])), () => dReps.push(json(run(process.execPath, [`${ROOT}bench/ranks/alloc.mjs`, String(n)], { env: mpiEnv(), encoding: 'utf8' })).seconds)];
    for (let k = 0; k < order.length; k++) order[(k + i) % order.length]();
  }
  // each C way's median over its reps
  const c = Object.fromEntries(ways.map((w) => [w, median(cReps[w])]));
  rows.push(row('first touch 1 GiB (one process)', dReps, c, n, '>= 0.8x of the faster C way'));
  // redistribute: issue 19's float32 1073750 x 1000, balanced -> [0, all]: 2,147,500,000 bytes 0 -> 1
  const [r1, c1] = [1073750, 1000];
  const lib = json(run('mpiexec', ['-n', '2', ...RANK_NODE, `${ROOT}bench/ranks/exchange.mjs`, 'redistribute', String(r1), String(c1), '1', `0,${r1}`], { env: mpiEnv(), encoding: 'utf8' }));
  const floors = {};
  for (const h of ['on', 'off']) floors[`alltoallv (huge pages ${h})`] = median(json(run('mpiexec', ['-n', '2', exe, 'redistribute', String(r1), String(c1), '1', '0'], { env: mpiEnv({ DND_HUGEPAGES: h }), encoding: 'utf8' })).alltoallv);
  rows.push(row('redistribute 2.0 GiB pair -n 2', median(lib.seconds), floors, r1 * c1 * 2, '>= 0.8x of C throughput'));
  // resplit: uint8 65536 x 32772 split along axis 1 (32770 + 2 columns) to none: 2^31 + 131072 bytes 0 -> 1
  const [r2, c2] = [65536, 32772];
  const lib2 = json(run('mpiexec', ['-n', '2', ...RANK_NODE, `${ROOT}bench/ranks/exchange.mjs`, 'resplit_none', String(r2), String(c2), '1'], { env: mpiEnv(), encoding: 'utf8' }));
  const floors2 = {};
  for (const h of ['on', 'off']) floors2[`alltoallw_subarray (huge pages ${h})`] = median(json(run('mpiexec', ['-n', '2', exe, 'resplit_none', String(r2), String(c2), '1'], { env: mpiEnv({ DND_HUGEPAGES: h }), encoding: 'utf8' })).alltoallw_subarray);
  rows.push(row('resplit to none 2.0 GiB pair -n 2', median(lib2.seconds), floors2, r2 * (c2 - 2), '>= 0.8x of C throughput'));
  return rows;
}
