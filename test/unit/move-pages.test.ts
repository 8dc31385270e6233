/**
 * The binding's movePages (src/native/memory.cc): the bytes of a kept range reach the new
 * block whole, whatever the alignment, as pages where the two ranges sit at the same place
 * in a page, across the mappings that pre-faulting with mixed advice leaves behind, and
 * copied everywhere else. Plain buffers, no MPI (the moves inside jobs: test/mpi/move-pages-ranks.mjs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadNative } from '../../src/native/index.js';

const native = loadNative();
const [, PAGE] = native.pageOffset(new ArrayBuffer(1 << 21));

/** A buffer of `bytes` whose every 4-byte word is `seed` plus its index. */
function patterned(bytes: number, seed: number): ArrayBuffer {
  const b = new ArrayBuffer(bytes);
  const w = new Uint32Array(b, 0, Math.floor(bytes / 4));
  for (let i = 0; i < w.length; i++) w[i] = (seed + i) >>> 0;
  return b;
}

function sameBytes(a: ArrayBuffer, aOff: number, b: ArrayBuffer, bOff: number, n: number): boolean {
  return Buffer.compare(Buffer.from(a, aOff, n), Buffer.from(b, bOff, n)) === 0;
}

/**
 * Moves `n` bytes from `srcOff` of a patterned buffer into a fresh one at the offset that
 * puts them at the same place in a page, shifted by `misalign` bytes; checks the bytes
 * and returns what the binding moved as pages.
 */
function move(n: number, srcOff: number, misalign: number, prepare?: (src: ArrayBuffer) => void): number {
  const src = patterned(srcOff + n + PAGE, 7 + srcOff);
  prepare?.(src);
  const want = Buffer.from(src, srcOff, n).toString('base64'); // a copy of the bytes before the move
  const dst = new ArrayBuffer(n + 3 * PAGE);
  const [srcIn] = native.pageOffset(src);
  const [dstIn] = native.pageOffset(dst);
  const dstOff = (((srcIn + srcOff - dstIn) % PAGE) + PAGE) % PAGE + misalign;
  const moved = native.movePages(dst, dstOff, src, srcOff, n);
  assert.equal(Buffer.from(dst, dstOff, n).toString('base64'), want, `${n} bytes from ${srcOff}, misaligned by ${misalign}: the bytes arrived`);
  // nothing around the range was written
  assert.ok(new Uint8Array(dst, 0, dstOff).every((v) => v === 0), 'nothing before the range');
  assert.ok(new Uint8Array(dst, dstOff + n).every((v) => v === 0), 'nothing after the range');
  return moved;
}

describe('movePages: the kept bytes of a move, as pages where they line up', () => {
  it('aligned ranges: every whole page moves, the ends are copied, the bytes arrive', () => {
    for (const n of [3 * PAGE, 8 << 20, (8 << 20) + 12, 5 * PAGE + 100]) {
      for (const srcOff of [0, 4, 100, PAGE - 8, PAGE, 3 * PAGE + 36]) {
        const moved = move(n, srcOff, 0);
        // n bytes hold every page but the two partial ones at their ends
        assert.ok(moved % PAGE === 0 && moved >= n - 2 * PAGE && moved <= n, `${n} bytes from ${srcOff}: ${moved} moved as pages`);
      }
    }
  });

  it('ranges at different places in a page, or under two pages: copied, nothing moved', () => {
    for (const misalign of [4, 8, 12, 100, PAGE / 2]) assert.equal(move(4 << 20, 64, misalign), 0, `misaligned by ${misalign}`);
    for (const n of [0, 1, 12, PAGE - 4, PAGE + 4]) assert.equal(move(n, 36, 0) <= PAGE, true, `${n} bytes`);
  });

  it('a source pre-faulted in slices of different advice (several mappings) still moves, in pieces', () => {
    const bytes = 24 << 20;
    const moved = move(bytes, 4096 + 16, 0, (src) => {
      // huge-page advice on and off in turn, on 2 MiB-aligned slices: the kernel splits the mapping there
      for (let off = 0, i = 0; off < src.byteLength; off += 2 << 20, i++) native.prefault(src, off, Math.min(2 << 20, src.byteLength - off), i % 2 === 0);
    });
    assert.ok(moved >= bytes - 8 * PAGE && moved % PAGE === 0, `${moved} of ${bytes} bytes moved as pages`);
  });

  it('the moved pages leave the source valid memory (zeros); bytes outside the range stay', () => {
    const n = 4 << 20;
    const src = patterned(n + 2 * PAGE, 3);
    const before = Buffer.from(src).toString('base64');
    const dst = new ArrayBuffer(n + 3 * PAGE);
    const [srcIn] = native.pageOffset(src);
    const [dstIn] = native.pageOffset(dst);
    const srcOff = PAGE - srcIn + 64; // the range starts 64 bytes into a page
    const dstOff = (((srcIn + srcOff - dstIn) % PAGE) + PAGE) % PAGE;
    const moved = native.movePages(dst, dstOff, src, srcOff, n);
    assert.ok(moved >= n - 2 * PAGE);
    assert.ok(sameBytes(dst, dstOff, Buffer.from(before, 'base64').buffer, srcOff, n), 'the bytes arrived');
    const after = new Uint8Array(src);
    const orig = Buffer.from(before, 'base64');
    for (let i = 0; i < srcOff; i++) assert.equal(after[i], orig[i], `byte ${i} before the range`);
    for (let i = srcOff + n; i < src.byteLength; i++) assert.equal(after[i], orig[i], `byte ${i} after the range`);
    // the first whole page of the range moved away: it reads as a fresh page, and takes writes
    const first = Math.ceil((srcIn + srcOff) / PAGE) * PAGE - srcIn;
    assert.ok(after.subarray(first, first + PAGE).every((v) => v === 0), 'a moved page reads as zeros');
    after[first] = 9;
    assert.equal(after[first], 9);
  });

  it('refuses ranges outside their buffers and a buffer moved onto itself', () => {
    const a = new ArrayBuffer(1 << 20);
    const b = new ArrayBuffer(1 << 20);
    assert.throws(() => native.movePages(a, 0, b, 1 << 19, 1 << 20), RangeError);
    assert.throws(() => native.movePages(a, (1 << 20) - 4, b, 0, 8), RangeError);
    assert.throws(() => native.movePages(a, 0, a, 4096, 4096), RangeError);
    assert.throws(() => native.movePages(a, -1, b, 0, 8), RangeError);
  });
});
