// Big data at 2 ranks (issue 19): a redistribute and a resplit moving more than 2 GiB
// between one pair of ranks, each beside the same exchange in C (bench/c/exchange.c), and
// the first touch of fresh memory as its own row (bench/c/firsttouch.c). Every process is
// one rep (every rep allocates gigabytes, and fresh memory is exactly what is measured),
// in ROUNDS rounds of dnd and each C way, in a different order each round; each figure is the
// median of its rounds. One process after another in a fixed order measured the order:
// the 2 GiB redistribute took dnd 14.6-17.7 s in five full runs where it went first, and
// 11.1-12.7 s going after C (whose 10.7-19.2 s moved as much). About 9 GB peak; run only
// where there are 16 GiB. Every run starts 5 s after the previous one ended, so that less of
// the memory another just freed is still cheap to touch here; 5 s is not always enough, so
// no way runs behind the same one in every round (roundOrder).
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
/** rounds of every figure: first touch swung 4x between single reps, the moves 2x */
const ROUNDS = 3;

/**
 * The order of round `i` over n ways: as listed, reversed, then evens before odds. Each way
 * meets a different predecessor in each round. Turning the order (what this did before)
 * keeps every way behind the same one: the C way that moves kept rows always ran right
 * after the pre-faulted C way, whose 8.6 GB it had just freed, and took 1.6 s where it
 * takes 9 s after dnd's run (bench/RESULTS.md, "Fifteenth session").
 */
export function roundOrder(n, i) {
  const listed = Array.from({ length: n }, (_, k) => k);
  switch (i % 3) {
    case 0:
      return listed;
    case 1:
      return listed.reverse();
    default:
      return [...listed.filter((k) => k % 2 === 0), ...listed.filter((k) => k % 2 === 1)];
  }
}

/**
 * Runs each of `ways` (name -> function returning seconds) once a round, in roundOrder,
 * and returns name -> seconds of every round.
 */
function rounds(ways) {
  const names = Object.keys(ways);
  const out = Object.fromEntries(names.map((k) => [k, []]));
  for (let i = 0; i < ROUNDS; i++) for (const k of roundOrder(names.length, i)) out[names[k]].push(ways[names[k]]());
  return out;
}

/** `dnd`: seconds of one rep, or of several (their median is the figure) */
function row(figure, dnd, floors, moved, goal, extra = {}) {
  const reps = Array.isArray(dnd) ? dnd : [dnd];
  const dndSeconds = median(reps);
  const best = Object.entries(floors).reduce((a, [k, v]) => (v < a[1] ? [k, v] : a), ['', Infinity]);
  const ratio = best[1] / dndSeconds;
  return { figure, unit: 's', dnd: { median: dndSeconds, min: Math.min(...reps), max: Math.max(...reps), runs: reps.length, gbps: moved / dndSeconds / GB, ...extra }, floor: { what: `C ${best[0]}`, median: best[1], all: floors }, ratio, goal, met: ratio >= 0.8, higherIsBetter: true };
}

/** each C way's median over its rounds (everything in `measured` but dnd's) */
function cFloors(measured) {
  return Object.fromEntries(Object.entries(measured).filter(([k]) => k !== 'dnd').map(([k, v]) => [k, median(v)]));
}

/**
 * The C exchange's ways of getting its receive block: huge-page advice on or off, faulted
 * inside MPI's copy, or pre-faulted before it (small pages: MADV_POPULATE_WRITE, as dnd's
 * allocation does; with huge pages it took 3.8 s for 1 GiB here, 7x the small pages).
 */
function cWays(method, once) {
  return {
    [`${method} (huge pages on)`]: () => once({ DND_HUGEPAGES: 'on' }),
    [`${method} (huge pages off)`]: () => once({ DND_HUGEPAGES: 'off' }),
    [`${method} (pre-faulted)`]: () => once({ DND_HUGEPAGES: 'off', DND_PREFAULT: '1' }),
  };
}

export function benchBig() {
  const exe = compileC('exchange');
  const touch = compileC('firsttouch');
  const rows = [];
  // first touch of 1 GiB: dnd's measured choice against each way in C, every one in a
  // process of its own on settled memory (c/firsttouch.c)
  const n = 2 ** 30;
  const touchWays = Object.fromEntries(['populate', 'populate_huge', 'memset'].map((w) => [w, () => json(run(touch, [String(n), w], { encoding: 'utf8' }))[w]]));
  const ft = rounds({ dnd: () => json(run(process.execPath, [`${ROOT}bench/ranks/alloc.mjs`, String(n)], { env: mpiEnv(), encoding: 'utf8' })).seconds, ...touchWays });
  rows.push(row('first touch 1 GiB (one process)', ft.dnd, cFloors(ft), n, '>= 0.8x of the faster C way'));
  // redistribute: issue 19's float32 1073750 x 1000, balanced -> [0, all]: 2,147,500,000 bytes 0 -> 1
  const [r1, c1] = [1073750, 1000];
  // and the same in place, as `dnd redistribute` does: rank 1 keeps its rows, which may then
  // reach its new block as pages (src/dnd/memory.ts), and C may move them so too (DND_MOVE)
  const dndMove = (op) => () => median(json(run('mpiexec', ['-n', '2', ...RANK_NODE, `${ROOT}bench/ranks/exchange.mjs`, op, String(r1), String(c1), '1', `0,${r1}`], { env: mpiEnv(), encoding: 'utf8' })).seconds);
  const cMove = (env) => median(json(run('mpiexec', ['-n', '2', exe, 'redistribute', String(r1), String(c1), '1', '0'], { env: mpiEnv(env), encoding: 'utf8' })).alltoallv);
  const MOVED = 'alltoallv (kept rows moved as pages)';
  const rd = rounds({ dnd: dndMove('redistribute'), 'dnd in place': dndMove('redistribute_inplace'), ...cWays('alltoallv', cMove), [MOVED]: () => cMove({ DND_HUGEPAGES: 'off', DND_PREFAULT: '1', DND_MOVE: '1' }) });
  const copyFloors = cFloors(rd);
  delete copyFloors['dnd in place'];
  delete copyFloors[MOVED]; // a copy keeps the old block whole: its rows cannot move
  rows.push(row('redistribute 2.0 GiB pair -n 2', rd.dnd, copyFloors, r1 * c1 * 2, '>= 0.8x of C throughput'));
  const inPlaceFloors = cFloors(rd);
  delete inPlaceFloors['dnd in place'];
  rows.push(row('redistribute in place 2.0 GiB pair -n 2', rd['dnd in place'], inPlaceFloors, r1 * c1 * 2, '>= 0.8x of C throughput'));
  // resplit: uint8 65536 x 32772 split along axis 1 (32770 + 2 columns) to none: 2^31 + 131072 bytes 0 -> 1
  const [r2, c2] = [65536, 32772];
  const rs = rounds({
    dnd: () => median(json(run('mpiexec', ['-n', '2', ...RANK_NODE, `${ROOT}bench/ranks/exchange.mjs`, 'resplit_none', String(r2), String(c2), '1'], { env: mpiEnv(), encoding: 'utf8' })).seconds),
    ...cWays('alltoallw_subarray', (env) => median(json(run('mpiexec', ['-n', '2', exe, 'resplit_none', String(r2), String(c2), '1'], { env: mpiEnv(env), encoding: 'utf8' })).alltoallw_subarray)),
  });
  rows.push(row('resplit to none 2.0 GiB pair -n 2', rs.dnd, cFloors(rs), r2 * (c2 - 2), '>= 0.8x of C throughput'));
  return rows;
}
