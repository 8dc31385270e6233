// Run under mpiexec by bench/reduce.mjs: statistics and fingerprint of a float32 randn
// array of N elements per rank, each timed alone (the slowest rank), REPS times.
// Prints from rank 0: {"stats_s": [..], "checksum_s": [..]}
import * as dnd from '../../dist/index.js';

const perRank = Number(process.argv[2]);
const reps = Number(process.argv[3]);
const comm = dnd.Comm.world();
const x = dnd.randn([perRank * comm.size], { split: 0, comm, state: new dnd.RandomState(1) });
const timed = (f) => {
  comm.barrier();
  const t0 = comm.wtime();
  f();
  return comm.allreduceNumber(comm.wtime() - t0, 'max');
};
const stats = [];
const checksum = [];
timed(() => dnd.globalStats(x)); // warm-up
for (let r = 0; r < reps; r++) {
  stats.push(timed(() => dnd.globalStats(x)));
  checksum.push(timed(() => dnd.globalFingerprint(x)));
}
if (comm.rank === 0) process.stdout.write(JSON.stringify({ stats_s: stats, checksum_s: checksum }) + '\n');
dnd.finalize();
