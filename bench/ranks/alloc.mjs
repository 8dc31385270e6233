// Run by bench/big.mjs (one process, no MPI): dnd's allocation of NBYTES that are about
// to be written (src/dnd/memory.ts: timed pre-fault slices, the faster advice wins).
// Prints {"seconds": first-touch seconds, "bytes": n}.
import { allocate, firstTouchSeconds } from '../../dist/dnd/memory.js';

const n = Number(process.argv[2]);
const a = allocate('uint8', n);
process.stdout.write(JSON.stringify({ seconds: firstTouchSeconds(), bytes: a.byteLength }) + '\n');
