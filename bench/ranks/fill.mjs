// Run under mpiexec by bench/fill.mjs: dnd.randn of N elements per rank (float32, or the
// dtype given as a third argument), fresh
// each rep (allocation with pre-fault under the current DND_HUGEPAGES + Philox fill), as
// dnd create does. Prints from rank 0:
//   {"samples_per_s": [slowest rank's rate per rep], "alloc_s": [slowest rank's first-touch seconds per rep]}
import * as dnd from '../../dist/index.js';
import { firstTouchSeconds } from '../../dist/dnd/memory.js';

const perRank = Number(process.argv[2]);
const reps = Number(process.argv[3]);
const dtype = process.argv[4] ?? 'float32';
const comm = dnd.Comm.world();
const state = new dnd.RandomState(1);
const rates = [];
const alloc = [];
let x = null;
for (let r = 0; r < reps; r++) {
  x?.dispose(); // the previous rep's block goes back now, untimed, as the C floor's munmap
  comm.barrier();
  const t0 = comm.wtime();
  const a0 = firstTouchSeconds();
  x = dnd.randn([perRank * comm.size], { split: 0, state, comm, dtype });
  const t = comm.allreduceNumber(comm.wtime() - t0, 'max');
  alloc.push(comm.allreduceNumber(firstTouchSeconds() - a0, 'max'));
  if (x.larray.length !== perRank) throw new Error('unexpected block');
  rates.push(perRank / t);
}
if (comm.rank === 0) process.stdout.write(JSON.stringify({ samples_per_s: rates, alloc_s: alloc }) + '\n');
dnd.finalize();
