/** maxOf/minOf (src/runtime/extent.ts) give what Math.max/Math.min give, and take any number of values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxOf, minOf } from '../../src/runtime/extent.js';

const VALUES = [0, -0, 1, -1, 2.5, Number.NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MIN_VALUE];

describe('largest and smallest of many numbers', () => {
  it('the same as Math.max and Math.min for every list of up to 4 special values, with and without a first value', () => {
    let cases = 0;
    const lists: number[][] = [[]];
    for (let len = 1; len <= 4; len++) for (const l of lists.filter((x) => x.length === len - 1)) for (const v of VALUES) lists.push([...l, v]);
    for (const xs of lists) {
      assert.ok(Object.is(maxOf(xs), Math.max(...xs)), `max ${xs}`);
      assert.ok(Object.is(minOf(xs), Math.min(...xs)), `min ${xs}`);
      for (const f of VALUES) {
        assert.ok(Object.is(maxOf(xs, f), Math.max(f, ...xs)), `max ${f}, ${xs}`);
        assert.ok(Object.is(minOf(xs, f), Math.min(f, ...xs)), `min ${f}, ${xs}`);
        cases++;
      }
    }
    assert.equal(cases, 10 * (1 + 10 + 100 + 1000 + 10000));
  });

  it('a million values, where a spread into Math.max throws', () => {
    const xs = Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 1_000_003);
    assert.throws(() => Math.max(...xs), RangeError);
    assert.equal(maxOf(xs), 1_000_002);
    assert.equal(minOf(xs), 0);
  });
});
