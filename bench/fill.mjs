// Random fill rate (samples/s per rank): dnd.randn float32 against the fastest C way to do
// the same work (bench/c/philox.c: Philox4x32-10 + Box-Muller in vector code), each rank
// filling a fresh block, with 1, 2 and 4 ranks; modes of the floor and dnd interleaved
// within one run so that a busy moment of a shared machine hits both.
//
// The floor is the best of the C program's fresh-memory modes (fill taking the page
// faults, or MADV_POPULATE_WRITE first; huge-page advice on or off): whatever is fastest
// on this machine at this moment. Its kernel alone (warm buffer) and the same batching
// with glibc's log/sincos (what dnd 0.1.0's float64 normals used) are shown beside it.
// One row for float64 normals at -n 1 (dnd's own log and sin/cos since 0.1.0).
//
// pages: -n 1 at several block sizes, dnd with DND_HUGEPAGES=on|off|auto against the
// C modes, to choose the advice for a fill's block per size (src/dnd/memory.ts).
import { execFileSync } from 'node:child_process';
import { ROOT, mpiEnv, median, compileC, spread, RANK_NODE } from './lib.mjs';

const FRESH = ['fresh_huge', 'fresh_small', 'populate_huge', 'populate_small'];

/** n copies of the C program at once (as n ranks share the cores); per rep, the slowest copy's rate, as dnd reports its slowest rank */
function floorRun(exe, n, perRank, reps) {
  const runs = execFileSync('mpiexec', ['-n', String(n), exe, String(perRank), String(reps)], { env: mpiEnv(), encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const out = { ...runs[0] };
  for (const k of Object.keys(out)) if (Array.isArray(out[k])) out[k] = out[k].map((_, i) => Math.min(...runs.map((r) => r[k][i])));
  return out;
}

function dndRun(n, perRank, reps, hugepages, dtype = 'float32') {
  const env = mpiEnv(hugepages ? { DND_HUGEPAGES: hugepages } : {});
  return JSON.parse(execFileSync('mpiexec', ['-n', String(n), ...RANK_NODE, `${ROOT}bench/ranks/fill.mjs`, String(perRank), String(reps), dtype], { env, encoding: 'utf8' }).trim().split('\n').pop());
}

/** The C floor's fastest fresh-memory mode (by median) and its figures. */
function bestFresh(c) {
  const mode = FRESH.reduce((a, b) => (median(c[b]) > median(c[a]) ? b : a));
  return { mode, ...spread(c[mode]) };
}

export function benchFill({ reps = 5, perRank = 1 << 25, sizes = [1, 2, 4], pageSizes = [] } = {}) {
  // -march=native: the floor may use every instruction of this CPU (dnd picks at run time)
  const philox = compileC('philox', ['-O3', '-march=native', '-mprefer-vector-width=512', '-fno-math-errno', '-lm']);
  const rows = [];
  for (const n of sizes) {
    const c = floorRun(philox, n, perRank, reps);
    const dnd = dndRun(n, perRank, reps);
    const floor = bestFresh(c);
    const d = dnd.samples_per_s;
    rows.push({
      figure: `random fill randn float32 -n ${n}`,
      unit: 'samples/s/rank',
      dnd: { ...spread(d), alloc_s: median(dnd.alloc_s) },
      floor: { what: `C Philox4x32-10 + Box-Muller, vector code (${floor.mode})`, ...floor, kernel_warm: spread(c.warm), libm_warm: spread(c.libm_warm) },
      ratio: median(d) / floor.median,
      goal: '>= 0.8x',
      met: median(d) / floor.median >= 0.8,
      higherIsBetter: true,
    });
  }
  {
    // float64 normals (dnd's own log and sin/cos, src/native/normal64.h): against the C
    // kernel's warm rate, the same Box-Muller arithmetic in double (it stores float32, half
    // the bytes), so this row shows what storing doubles and the fresh block cost
    const c = floorRun(philox, 1, perRank, reps);
    const d = dndRun(1, perRank, reps, undefined, 'float64').samples_per_s;
    const floor = spread(c.warm);
    rows.push({
      figure: 'random fill randn float64 -n 1',
      unit: 'samples/s/rank',
      dnd: spread(d),
      floor: { what: 'C Philox4x32-10 + Box-Muller, vector code (warm buffer, float32 stores)', ...floor, libm_warm: spread(c.libm_warm) },
      ratio: median(d) / floor.median,
      goal: 'shown: float64 against the kernel alone',
      met: true,
      higherIsBetter: true,
    });
  }
  for (const perRankSize of pageSizes) {
    const c = floorRun(philox, 1, perRankSize, reps);
    const floor = bestFresh(c);
    const mib = (perRankSize * 4) / 2 ** 20;
    for (const hp of ['auto', 'on', 'off']) {
      const dnd = dndRun(1, perRankSize, reps, hp);
      const d = dnd.samples_per_s;
      rows.push({
        figure: `fill ${mib} MiB -n 1 DND_HUGEPAGES=${hp}`,
        unit: 'samples/s/rank',
        dnd: { ...spread(d), alloc_s: spread(dnd.alloc_s) },
        floor: { what: `C, best fresh mode (${floor.mode})`, ...floor, modes: Object.fromEntries(FRESH.map((m) => [m, spread(c[m])])) },
        ratio: median(d) / floor.median,
        goal: 'shown: huge-page advice per size',
        met: true,
        higherIsBetter: true,
      });
    }
  }
  return rows;
}
