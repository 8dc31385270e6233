/** The kept vectors of native calls (src/dnd/scratch.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scratch } from '../../src/dnd/scratch.js';

describe('Scratch', () => {
  it('gives views of exactly the length asked for, on one buffer until it must grow', () => {
    const s = new Scratch();
    let last: ArrayBufferLike | null = null;
    let grown = 0;
    for (const n of [0, 1, 3, 8, 2, 8, 9, 5, 17, 16, 1, 100, 0, 64]) {
      const v = s.of(n);
      assert.equal(v.length, n);
      assert.equal(v.byteOffset, 0);
      if (last !== null && v.buffer !== last) grown++;
      last = v.buffer;
    }
    // empty -> 8 (at 1), 16 (at 9), 32 (at 17), 100 (at 100): it doubles at least, and a
    // length it has held before never allocates again
    assert.equal(grown, 4);
  });

  it('from() writes the values, every length 0-40 after any previous use', () => {
    const s = new Scratch();
    for (let n = 0; n <= 40; n++) {
      const values = Array.from({ length: n }, (_, i) => (i * 7919) % 101 - 50.5);
      assert.deepEqual(Array.from(s.from(values)), values);
      assert.deepEqual(Array.from(s.from([n])), [n]);
    }
  });

  it('keeps nothing longer than KEEP_MAX: a fresh array each time, the kept buffer left as it was', () => {
    const s = new Scratch();
    const small = s.of(10);
    const big = Scratch.KEEP_MAX + 1;
    const a = s.of(big);
    const b = s.of(big);
    assert.equal(a.length, big);
    assert.notEqual(a.buffer, b.buffer);
    assert.notEqual(a.buffer, small.buffer);
    assert.equal(s.of(10).buffer, small.buffer);
    // growth stops at KEEP_MAX
    assert.equal(s.of(Scratch.KEEP_MAX).buffer.byteLength, Scratch.KEEP_MAX * 8);
  });
});
