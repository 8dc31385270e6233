// What --trace costs, apart from the exchanges' own noise (bench/ranks/trace-cost.mjs, one
// rank): a collective through Comm with tracing off against the bare binding call, and
// what tracing on adds to one exchange. The exchanges themselves, traced and untraced,
// are rows of bench/exchange.mjs.
import { execFileSync } from 'node:child_process';
import { ROOT, mpiEnv, RANK_NODE } from './lib.mjs';

export function benchTrace({ calls = 40000, runs = 3 } = {}) {
  const outs = Array.from({ length: runs }, () =>
    JSON.parse(execFileSync('mpiexec', ['-n', '1', ...RANK_NODE, `${ROOT}bench/ranks/trace-cost.mjs`, String(calls)], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n').pop()),
  );
  const pick = (k) => outs.map((o) => o[k]);
  const stat = (xs) => ({ median: [...xs].sort((a, b) => a - b)[xs.length >> 1], min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });
  const plain = stat(pick('plain_ns_per_call'));
  const off = stat(pick('off_ns_per_call'));
  const added = stat(outs.map((o) => o.exchange_us_on - o.exchange_us_off));
  return [
    {
      figure: 'barrier via Comm, off, ns (-n 1)',
      unit: 'ns',
      dnd: off,
      floor: { what: 'the binding called directly', median: plain.median },
      ratio: off.median / plain.median,
      goal: '<= 1.05x (nothing measurable)',
      met: off.median / plain.median <= 1.05,
    },
    {
      figure: '--trace adds per exchange, µs (-n 1)',
      unit: 'µs',
      dnd: added,
      floor: { what: '2% of the smallest bench exchange (64 MiB, ~11 ms)', median: 200 },
      ratio: added.median / 200,
      goal: '<= 1x (under 2% of the smallest exchange)',
      met: added.median <= 200,
    },
  ];
}
