/* global dnd, comm, rank, size -- set by dnd run */
// Run by test/e2e/px.test.ts through `dnd run`: tensors from blocks and back.
const a = dnd.arangeOver([7, 3], 0, 1, { split: 0, dtype: 'float32' });
const t = await a.toTensor();
const back = dnd.fromTensor(t, { comm, split: 0 });
const { package: pkg } = await dnd.tfjs();
let f64 = 'no error';
try {
  await dnd.zeros([4], { dtype: 'float64' }).toTensor();
} catch (e) {
  f64 = e.message;
}
const sums = comm.allgatherNumbers([Array.from(t.dataSync()).reduce((x, y) => x + y, 0)]).map((v) => v[0]);
if (rank === 0) console.log(JSON.stringify({ size, shape: t.shape, dtype: t.dtype, gshape: back.gshape, lshapeMap: back.lshapeMap, pkg, f64, sums }));
else void back.lshapeMap; // collective: every rank asks
