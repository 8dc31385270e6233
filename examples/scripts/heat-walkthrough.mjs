// dnd run examples/scripts/heat-walkthrough.mjs -n 4
/* global dnd, comm, rank -- set by dnd run on every rank */
// Heat's DNDarray walkthrough, line by line in dnd's spelling (the README's "For Heat
// users" table); rank 0 prints what Heat's documentation shows for each step.
const a = dnd.random.randn(7, 4, 3, { split: 0 }); // ht.random.randn(7, 4, 3, split=0)
const lshapeMap = a.lshapeMap; // a.lshape_map
const [counts, displs] = a.countsDispls(); // a.counts_displs()
const isSplit = a.split; // a.split
const chunk = comm.chunk([7, 4, 3], 0, comm.size - 1); // a.comm.chunk((7, 4, 3), 0, rank=size-1)

// redistribute_ to a custom target map: everything to rank 0 along the split axis
const target = lshapeMap.map((row, p) => [p === 0 ? 7 : 0, row[1], row[2]]);
const moved = a.redistribute(target);
const movedMap = moved.lshapeMap;

// resplit to another axis and to none
const b = a.resplit(1);
const c = a.resplit(null);
const summary = {
  size: a.size, // the global element count, as Heat's x.size
  nbytes: a.nbytes,
  ranks: comm.size,
  lshapeMap,
  counts,
  displs,
  isSplit,
  isDistributed: a.isDistributed,
  balanced: a.balanced,
  chunk,
  movedMap,
  movedBalanced: moved.isBalanced(),
  resplit1: { split: b.split, lshapeMap: b.lshapeMap },
  resplitNone: { split: c.split, lshapeMap: c.lshapeMap },
  text: String(a),
};
const lnbytes = comm.allgatherNumbers([a.lnbytes]).map((v) => v[0]);
if (rank === 0) console.log(JSON.stringify({ ...summary, lnbytes }));
dnd.finalize(); // safe under dnd run: MPI ends with the job
