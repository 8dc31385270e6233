/* global dnd, comm, rank */
// A `dnd run` script for test/e2e/memory.test.ts, 2 ranks: which moves reuse a block. An
// in-place redistribute that only shrinks a rank's block keeps it as a view of the old
// one (no new memory); the copying redistribute() never shares memory with its source.
// Rank 0 prints one JSON line.
const n = 1 << 21; // float32: 4 MiB blocks, above the size that gets paged memory
const x = dnd.arange(n, { split: 0, dtype: 'float32' });
const target = [n / 2 - 1000, n / 2 + 1000]; // rank 0 shrinks, rank 1 grows
const y = x.redistribute(target);
y.larray[0] = -1; // must not show in x
const copyShares = x.larray.buffer === y.larray.buffer;
const xIntact = x.larray[0] === x.displs[rank];
const before = x.larray.buffer;
x.redistributeInPlace(target);
const kept = x.larray.buffer === before;
let bad = 0;
for (let i = 0; i < x.larray.length; i++) if (x.larray[i] !== x.displs[rank] + i) bad++;
const all = comm.allgatherNumbers([copyShares ? 1 : 0, xIntact ? 1 : 0, kept ? 1 : 0, bad]);
if (rank === 0) console.log(JSON.stringify({ copyShares: all.map((v) => v[0] === 1), xIntact: all.map((v) => v[1] === 1), kept: all.map((v) => v[2] === 1), bad: all.map((v) => v[3]), lshapeMap: x.lshapeMap }));
