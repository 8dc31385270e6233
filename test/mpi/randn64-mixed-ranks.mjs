// Run under mpiexec (MPMD) by test/e2e/random-identity.test.ts, each rank with its own
// DND_RANDOM_ISA and GLIBC_TUNABLES, as ranks on different CPUs would be. Each rank draws
// its block of randn(N, float64) and normal(2, 3, N, float64) from seed 7; rank 0 prints
// the instruction set and tunables every rank ran with and a SHA-256 of each global array
// (blocks concatenated in rank order = global order, split 0).
import { createHash } from 'node:crypto';
import * as dnd from '../../dist/index.js';
import { loadNative } from '../../dist/native/index.js';

const n = Number(process.argv[2]);
const comm = dnd.Comm.world();
const bytes = (x) => Buffer.from(x.larray.buffer, x.larray.byteOffset, x.larray.byteLength).toString('base64');
const z = dnd.randn([n], { split: 0, dtype: 'float64', comm, state: new dnd.RandomState(7) });
const y = dnd.normal(2, 3, [n], { split: 0, dtype: 'float64', comm, state: new dnd.RandomState(7) });
const all = comm.gatherJSON({ isa: loadNative().philoxIsa(), tunables: process.env.GLIBC_TUNABLES ?? '', rows: z.lshape[0], z: bytes(z), y: bytes(y) });
if (comm.rank === 0) {
  const hash = (k) => all.reduce((h, r) => h.update(Buffer.from(r[k], 'base64')), createHash('sha256')).digest('hex');
  process.stdout.write(JSON.stringify({ ranks: all.map((r) => ({ isa: r.isa, tunables: r.tunables, rows: r.rows })), randn: hash('z'), normal: hash('y') }) + '\n');
}
dnd.finalize();
