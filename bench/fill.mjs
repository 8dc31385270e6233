// Random fill rate (samples/s per rank): dnd.randn against the same Philox + Box-Muller
// in C, each rank filling fresh huge-page-advised memory, with 1, 2 and 4 ranks.
import { execFileSync } from 'node:child_process';
import { ROOT, mpiEnv, median, compileC } from './lib.mjs';

export function benchFill({ reps = 5, perRank = 1 << 25, sizes = [1, 2, 4] } = {}) {
  const philox = compileC('philox', ['-lm']);
  const rows = [];
  for (const n of sizes) {
    const dnd = JSON.parse(execFileSync('mpiexec', ['-n', String(n), process.execPath, `${ROOT}bench/ranks/fill.mjs`, String(perRank), String(reps)], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n').pop());
    // the floor: n copies of the C fill at once, as n ranks would share the cores
    const c = JSON.parse(execFileSync('mpiexec', ['-n', String(n), philox, String(perRank), String(reps)], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n')[0]);
    const d = dnd.samples_per_s;
    rows.push({
      figure: `random fill randn float32 -n ${n}`,
      unit: 'samples/s/rank',
      dnd: { median: median(d), min: Math.min(...d), max: Math.max(...d), runs: d.length },
      floor: { what: 'C Philox4x32-10 + Box-Muller', median: median(c.samples_per_s) },
      ratio: median(d) / median(c.samples_per_s),
      goal: '>= 0.8x',
      met: median(d) / median(c.samples_per_s) >= 0.8,
      higherIsBetter: true,
    });
  }
  return rows;
}
