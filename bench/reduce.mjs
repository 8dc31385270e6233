// Statistics (--stats) and fingerprint (--checksum) of 1 GiB of float32 on one rank,
// beside the memory-bandwidth floor (bench/c/stream.c: one pass summing the same number
// of bytes) and, where /usr/bin/python3 has numpy, the numpy loop of issue #19 (256-row
// chunks as float64: min, max, sum, sum of squares, NaN count).
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT, mpiEnv, median, compileC, RANK_NODE } from './lib.mjs';

const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });

export function benchReduce({ reps = 5, bytes = 1 << 30 } = {}) {
  const n = bytes / 4;
  const stream = compileC('stream', ['-O3', '-march=native']);
  const floor = JSON.parse(execFileSync(stream, [String(n), String(reps)], { encoding: 'utf8' })).seconds;
  const d = JSON.parse(execFileSync('mpiexec', ['-n', '1', ...RANK_NODE, `${ROOT}bench/ranks/reduce.mjs`, String(n), String(reps)], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n').pop());
  const cols = 4096;
  const py = spawnSync('/usr/bin/python3', [`${ROOT}bench/py/stats_numpy.py`, String(n / cols), String(cols), String(Math.min(reps, 3))], { encoding: 'utf8' });
  const numpy = py.status === 0 ? JSON.parse(py.stdout).seconds : null;
  const size = `${(bytes / 2 ** 30).toFixed(bytes >= 2 ** 30 ? 0 : 2)} GiB`;
  const row = (figure, xs) => {
    const ratio = median(xs) / median(floor);
    return {
      figure,
      unit: 's',
      dnd: spread(xs),
      floor: { what: 'C streaming sum of the same bytes (bench/c/stream.c)', median: median(floor) },
      ratio,
      goal: '<= 2x floor',
      met: ratio <= 2,
      ...(numpy ? { numpy: spread(numpy), vs_numpy: median(numpy) / median(xs) } : {}),
    };
  };
  return [row(`stats float32 ${size} -n 1`, d.stats_s), row(`checksum float32 ${size} -n 1`, d.checksum_s)];
}
