// Run under mpiexec by test/e2e/quick-sockets.test.ts. With `own` as argument, every rank
// first opens TCP connections of its own (a listening socket, a client and the accepted
// end on loopback) and 600 other descriptors, as a user script might before it touches
// MPI; then MPI_Init. Prints from each rank {"rank", "quickSockets"}: on how many
// sockets init set TCP_NODELAY.
import { closeSync, openSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { loadNative } from '../../dist/native/index.js';

const own = process.argv[2] === 'own';
const keep = [];
const files = [];
if (own) {
  const server = createServer((s) => keep.push(s));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const client = connect(server.address().port, '127.0.0.1');
  await new Promise((ok) => client.on('connect', ok));
  while (keep.length === 0) await new Promise((ok) => setTimeout(ok, 1));
  keep.push(server, client);
  // and many other descriptors: more than the binding lists at first (it then lists again)
  for (let i = 0; i < 600; i++) files.push(openSync('/dev/null', 'r'));
}
const m = loadNative();
m.init();
process.stdout.write(JSON.stringify({ rank: m.rank(), quickSockets: m.quickSockets() }) + '\n');
m.barrier();
for (const s of keep) (s.destroy ?? s.close).call(s);
for (const f of files) closeSync(f);
m.finalize();
