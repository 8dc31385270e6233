// Run under mpiexec by bench/exchange.mjs and bench/big.mjs: the library's resplit 0 -> 1
// or redistribute on a float32 ROWS x COLS array, or resplit_none (uint8, split along
// axis 1 as COLS-2 + 2 columns on 2 ranks, to none), REPS times in one job, as the C
// floor does; or redistribute_inplace, as `dnd redistribute` does (one rep: it changes x). The previous rep's result is released first: its pages go to the next
// receive of the same size (src/dnd/memory.ts), so the first rep alone pays first touch.
// With a 6th argument `traced`, the reps alternate between tracing off and on (what
// --trace records: phase spans, collectives with bytes, RSS samples), interleaved so that
// drift of the machine falls on both alike.
// Prints from rank 0: {"seconds": [slowest rank per rep], "traced_seconds": [...], ...}
import * as dnd from '../../dist/index.js';
import { recorder } from '../../dist/dnd/trace.js';

const [op, rows, cols, reps, target, mode] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]), process.argv[6], process.argv[7]];
const comm = dnd.Comm.world();
const x =
  op === 'resplit_none'
    ? dnd.zeros([rows, cols], { split: 1, dtype: 'uint8', counts: [cols - 2, 2], comm })
    : dnd.arangeOver([rows, cols], 0, 1, { split: 0, comm });
if (op === 'resplit_none') x.larray.fill(1); // touched, as the C floor's block
const seconds = [];
const traced = [];
let events = 0;
let y = null;
for (let r = 0; r < (mode === 'traced' ? 2 * reps : reps); r++) {
  if (y !== x) y?.dispose(); // the previous rep's block goes back at once, as the C floor's munmap
  const on = mode === 'traced' && r % 2 === 1;
  comm.barrier();
  recorder.on = on;
  const t0 = comm.wtime();
  if (op === 'redistribute_inplace') {
    x.redistributeInPlace(target.split(',').map(Number));
    y = x;
  } else y = op === 'resplit' ? x.resplit(1) : op === 'resplit_none' ? x.resplit(null) : x.redistribute(target.split(',').map(Number));
  const dt = comm.wtime() - t0;
  recorder.on = false;
  (on ? traced : seconds).push(comm.allreduceNumber(dt, 'max'));
  if (on) events += recorder.take().events.length;
}
if (comm.rank === 0) process.stdout.write(JSON.stringify({ seconds, traced_seconds: traced, events_per_rep: traced.length ? events / traced.length : 0, lshape: y.lshape }) + '\n');
dnd.finalize();
