// dnd run examples/scripts/layout.mjs -n 4
// The DNDarray walkthrough as a script: every rank builds its block, looks at the layout,
/* global dnd, rank, size -- set by dnd run and dnd px on every rank */
// resplits, looks again. `dnd`, `rank` and `size` are globals under dnd run and dnd px.
const a = dnd.randn([7, 4, 3], { split: 0 });
const map = a.lshapeMap; // collective: every rank asks
console.log(`[${rank}/${size}] lshape ${JSON.stringify(a.lshape)} lshapeMap ${JSON.stringify(map)}`);
const b = a.resplit(1);
console.log(`[${rank}/${size}] after resplit(1): lshape ${JSON.stringify(b.lshape)} counts ${JSON.stringify(b.counts)} displs ${JSON.stringify(b.displs)}`);
