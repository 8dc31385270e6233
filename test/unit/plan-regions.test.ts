import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exchangePlan, region, regions } from '../../src/dnd/ops/plan.js';

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
