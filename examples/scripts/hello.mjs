// The README's hello: dnd run examples/scripts/hello.mjs -n 4, or mpiexec -n 4 node --single-threaded-gc examples/scripts/hello.mjs
import * as dnd from '@dnd-hpc/dnd';
const a = dnd.random.randn(7, 4, 3, { split: 0 });
const map = a.lshapeMap; // collective: every rank asks
console.log(`[${a.comm.rank}/${a.comm.size}]`, String(a), JSON.stringify(map));
dnd.finalize(); // optional; under dnd run MPI ends with the job
