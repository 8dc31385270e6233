import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contiguousOffset, everyBoxContiguous, exchangePlan, region, regions, type Layout } from '../../src/dnd/ops/plan.js';

describe('regions: every rank\'s region in one pass', () => {
  it('equals region() per rank, ranks without rows and split none included', () => {
    for (const [gshape, layout] of [
      [[7, 4], { split: 0, counts: [3, 0, 4, 0] }],
      [[5, 6, 2], { split: 1, counts: [2, 2, 1, 1] }],
      [[3, 3], { split: null, counts: [] }],
      [[0, 4], { split: 0, counts: [0, 0, 0, 0] }],
    ] as const) {
      const all = regions(gshape as unknown as number[], layout, 4);
      for (let p = 0; p < 4; p++) assert.deepEqual(all[p], region(gshape as unknown as number[], layout, p));
    }
  });
  it('plans at 16,384 ranks without summing counts per peer (linear, not quadratic)', () => {
    const P = 16384;
    const counts = Array.from({ length: P }, () => 2);
    const plan = exchangePlan([2 * P, 8], { split: 0, counts }, { split: 1, counts: Array.from({ length: P }, (_, p) => (p < 8 ? 1 : 0)) }, P - 1, P);
    assert.equal(plan.sends.length, P);
    assert.deepEqual(plan.recvs[P - 1], { start: [2 * P - 2, 0], extent: [2, 0] });
    assert.deepEqual(plan.sends[7], { start: [0, 7], extent: [2, 1] });
  });
});

describe('everyBoxContiguous: the layouts alone say every rank may use Alltoallv', () => {
  /** every split of `total` rows over `size` ranks (ranks without rows included) */
  function* countsOf(total: number, size: number): Generator<number[]> {
    if (size === 1) {
      yield [total];
      return;
    }
    for (let c = 0; c <= total; c++) for (const rest of countsOf(total - c, size - 1)) yield [c, ...rest];
  }
  const layouts = (gshape: number[], size: number): Layout[] => [{ split: null, counts: [] }, ...gshape.flatMap((n, a) => [...countsOf(n, size)].map((counts) => ({ split: a, counts })))];

  it('never says so where some rank has a box that is not contiguous; says so for every same-axis move of an axis-0 split', () => {
    let said = 0;
    for (const gshape of [[3], [4, 2], [1, 3, 2], [2, 1, 3], [3, 2, 2], [1, 1, 4], [0, 3], [2, 0, 2]]) {
      for (const size of [1, 2, 3]) {
        const all = layouts(gshape, size);
        for (const from of all) {
          for (const to of all) {
            if (from.split === null && to.split !== null) continue; // no exchange: each rank keeps its chunk (move.ts)
            const claim = everyBoxContiguous(gshape, from, to);
            const truth = Array.from({ length: size }, (_, r) => exchangePlan(gshape, from, to, r, size)).every(
              (plan) => plan.sends.every((b) => contiguousOffset(plan.oldLshape, b) !== null) && plan.recvs.every((b) => contiguousOffset(plan.newLshape, b) !== null),
            );
            if (claim) {
              said++;
              assert.ok(truth, `${JSON.stringify({ gshape, from, to })}`);
            }
            if (from.split === 0 && (to.split === 0 || to.split === null)) assert.ok(claim, `${JSON.stringify({ gshape, from, to })}`);
            assert.equal(exchangePlan(gshape, from, to, 0, size).everyBoxContiguous, claim);
          }
        }
      }
    }
    assert.ok(said > 1000, `${said} claims checked`);
  });
});
