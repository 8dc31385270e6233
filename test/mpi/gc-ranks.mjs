// Run under mpiexec (RANK_NODE flags) by test/e2e/memory.test.ts: a loop of exchanges, each
// into the block the previous one released (src/dnd/memory.ts), of blocks large enough
// (32 MiB a rank) that V8 collects its young generation whenever something allocates a
// backing store while such a block is young (src/dnd/scratch.ts). The library's exchange
// path must allocate none, nor the statistics and fingerprint of its result
// (resplit+stats): young collections during the loop's later reps are counted from V8's
// own GC entries (perf_hooks), by start time within each rep. Every rank prints
// {"rank", "reps", "minor_gcs_late"}.
import { PerformanceObserver, performance, constants } from 'node:perf_hooks';
import * as dnd from '../../dist/index.js';

const op = process.argv[2];
const REPS = 12;
const LATE = 4; // the first reps make the scratch vectors and may meet the setup's garbage
const gcs = [];
const obs = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
obs.observe({ entryTypes: ['gc'] });

const comm = dnd.Comm.world();
// 4096 x 4096 float32 (64 MiB): 32 MiB a rank at -n 2, on both sides of the exchange
const x = dnd.arangeOver([4096, 4096], 0, 1, { split: 0, comm });
const spans = [];
let y = null;
for (let r = 0; r < REPS; r++) {
  y?.dispose();
  // the counted reps start on an empty young generation (node --expose-gc): a collection
  // because it filled up with what came before would not be the exchange's
  if (r === LATE) globalThis.gc?.();
  comm.barrier();
  const t0 = performance.now();
  y = op === 'redistribute' ? x.redistribute([3072, 1024]) : x.resplit(1);
  if (op === 'resplit+stats') {
    // what `dnd info --stats --checksum` does with a block: the moments and the fingerprint
    dnd.globalStats(y);
    dnd.globalFingerprint(y);
  }
  spans.push([t0, performance.now()]);
}
// entries reach the observer from the event loop
await new Promise((resolve) => setTimeout(resolve, 100));
obs.disconnect();
const minorLate = gcs.filter((e) => e.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR && spans.slice(LATE).some(([a, b]) => e.startTime >= a && e.startTime <= b)).length;
console.log(JSON.stringify({ rank: comm.rank, reps: REPS, minor_gcs_late: minorLate }));
dnd.finalize();
