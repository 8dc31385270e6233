// Launch figure: `dnd create randn 7,4,3 --split 0 -n N` end to end, against its floor:
// CLI start alone (`dnd --version`) plus a bare MPI hello in C with the same N.
import { BIN, compileC, measure, timeProcess } from './lib.mjs';

export function benchLaunch({ runs = 7, sizes = [1, 2, 4] } = {}) {
  const hello = compileC('hello');
  const cli = measure(runs, () => timeProcess(process.execPath, [BIN, '--version']).seconds);
  const rows = [];
  for (const n of sizes) {
    const dnd = measure(runs, () => timeProcess(process.execPath, [BIN, 'create', 'randn', '7,4,3', '--split', '0', '-n', String(n)]).seconds);
    const mpi = measure(runs, () => timeProcess('mpiexec', ['-n', String(n), hello]).seconds);
    const nodeMpi = measure(runs, () => timeProcess('mpiexec', ['-n', String(n), process.execPath, '-e', '0']).seconds);
    const floor = cli.median + mpi.median;
    rows.push({
      figure: `launch create randn 7,4,3 -n ${n}`,
      unit: 's',
      dnd,
      floor: { what: 'dnd --version + mpiexec C hello', median: floor, parts: { cli: cli.median, mpi_hello: mpi.median } },
      also: { 'mpiexec node -e 0': nodeMpi.median },
      ratio: dnd.median / floor,
      goal: '<= 1.3x',
      met: dnd.median / floor <= 1.3,
    });
  }
  return rows;
}
