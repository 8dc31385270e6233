// Run under mpiexec -n 1 by bench/trace.mjs: what the trace instrumentation itself costs,
// apart from the noise of large exchanges and of waiting for other ranks (on a shared
// 2-core machine a 2-rank barrier takes 20-100 µs of scheduling; one rank's is local).
// - off: CALLS barriers through Comm (one boolean check each, tracing off) against the
//   same barriers called on the binding directly (no instrumentation at all), in
//   alternating blocks; the difference per call is the cost with tracing off.
// - on: CALLS resplits of a tiny array (so that MPI's own time is small) with tracing off
//   and on, in alternating blocks; the difference per resplit is what --trace adds to
//   one exchange whatever its size (spans, collective events with peer bytes, one RSS sample).
// Prints from rank 0: {"plain_ns_per_call", "off_ns_per_call", "exchange_us_off", "exchange_us_on"}
import * as dnd from '../../dist/index.js';
import { recorder } from '../../dist/dnd/trace.js';

const calls = Number(process.argv[2] ?? 20000);
const comm = dnd.Comm.world();
const blocks = 20;
const per = Math.max(1, Math.floor(calls / blocks));
const time = (f) => {
  comm.native.barrier();
  const t = performance.now();
  for (let i = 0; i < per; i++) f();
  return performance.now() - t;
};
const sums = { plain: [], off: [], exOff: [], exOn: [] };
const x = dnd.arangeOver([2 * comm.size, 4], 0, 1, { split: 0, comm });
const resplit = () => x.resplit(1).dispose();
for (let b = 0; b < blocks; b++) {
  // alternate the order, so that neither always runs first
  const first = b % 2 === 0;
  if (first) sums.plain.push(time(() => comm.native.barrier()));
  sums.off.push(time(() => comm.barrier()));
  if (!first) sums.plain.push(time(() => comm.native.barrier()));
  if (first) sums.exOff.push(time(resplit));
  recorder.on = true;
  sums.exOn.push(time(resplit));
  recorder.on = false;
  recorder.take();
  if (!first) sums.exOff.push(time(resplit));
}
// the median block: a block in which the process was preempted does not count
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const max = (v) => comm.allreduceNumber(v, 'max');
const out = {
  plain_ns_per_call: (max(med(sums.plain)) * 1e6) / per,
  off_ns_per_call: (max(med(sums.off)) * 1e6) / per,
  exchange_us_off: (max(med(sums.exOff)) * 1e3) / per,
  exchange_us_on: (max(med(sums.exOn)) * 1e3) / per,
};
if (comm.rank === 0) process.stdout.write(JSON.stringify(out) + '\n');
dnd.finalize();
