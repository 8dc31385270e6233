/** Exhaustive checks of the chunk-cut rule (src/dnd/chunk-cuts.ts) against a brute force. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balancedChunkCuts, chunkCuts, splitAdvice } from '../../src/dnd/chunk-cuts.js';

/** The rule, written independently: which ranks own a row of each chunk. */
function bruteCuts(n: number, c: number, counts: number[]): { chunks: number; cut: number } {
  const owner: number[] = [];
  counts.forEach((k, p) => {
    for (let i = 0; i < k; i++) owner.push(p);
  });
  let chunks = 0;
  let cut = 0;
  for (let start = 0; start < n; start += c) {
    chunks++;
    const owners = new Set(owner.slice(start, Math.min(start + c, n)));
    if (owners.size > 1) cut++;
  }
  return { chunks, cut };
}

/** Heat's chunk() rows, written independently: hand out rows one rank at a time. */
function balanced(n: number, p: number): number[] {
  const counts = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) counts[i % p]++;
  return counts;
}

/** every way to give n rows to p ranks (compositions with zeros) */
function* layouts(n: number, p: number): Generator<number[]> {
  if (p === 1) {
    yield [n];
    return;
  }
  for (let k = 0; k <= n; k++) for (const rest of layouts(n - k, p - 1)) yield [k, ...rest];
}

describe('chunk cuts', () => {
  it('chunkCuts equals the brute force for every layout of up to 9 rows on up to 4 ranks and every chunk extent', () => {
    let checked = 0;
    for (let n = 0; n <= 9; n++) {
      for (let p = 1; p <= 4; p++) {
        for (const counts of layouts(n, p)) {
          for (let c = 1; c <= n + 2; c++) {
            assert.deepEqual(chunkCuts(n, c, counts), bruteCuts(n, c, counts), `n ${n} c ${c} counts ${counts}`);
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 5000);
  });

  it('balancedChunkCuts equals the brute force on chunk()\'s layout (n ≤ 40, p ≤ 9)', () => {
    for (let n = 0; n <= 40; n++) for (let p = 1; p <= 9; p++) for (let c = 1; c <= n + 1; c++) assert.deepEqual(balancedChunkCuts(n, c, p), bruteCuts(n, c, balanced(n, p)), `n ${n} c ${c} p ${p}`);
  });

  it('a chunk extent below 1 is refused', () => {
    assert.throws(() => chunkCuts(4, 0, [2, 2]), RangeError);
  });

  it('the classic cases', () => {
    // one chunk spanning the whole axis, 4 ranks: the one chunk is cut
    assert.deepEqual(balancedChunkCuts(1000, 1000, 4), { chunks: 1, cut: 1 });
    // boundaries on chunk edges cut nothing
    assert.deepEqual(balancedChunkCuts(1000, 250, 4), { chunks: 4, cut: 0 });
    // 3 of 4 cut is not every chunk
    assert.deepEqual(balancedChunkCuts(1000, 300, 4), { chunks: 4, cut: 3 });
    // one rank: no boundary
    assert.deepEqual(balancedChunkCuts(1000, 1000, 1), { chunks: 1, cut: 0 });
  });
});

describe('split advice', () => {
  /** the advice, written independently from the brute force */
  function bruteAdvice(g: number[], ch: number[], split: number, p: number) {
    const mine = bruteCuts(g[split], ch[split], balanced(g[split], p));
    if (mine.chunks === 0 || mine.cut < mine.chunks) return null;
    const others = g
      .map((n, a) => ({ a, ...bruteCuts(n, ch[a], balanced(n, p)) }))
      .filter((o) => o.a !== split && o.chunks > 0 && o.cut < o.chunks)
      .sort((x, y) => x.cut / x.chunks - y.cut / y.chunks || y.chunks - x.chunks || x.a - y.a);
    return { split, cuts: { chunks: mine.chunks, cut: mine.cut }, better: others[0]?.a ?? null, betterCuts: others[0] ? { chunks: others[0].chunks, cut: others[0].cut } : null };
  }

  it('equals the brute force for every 2-D and 3-D shape of extents 0..5, chunk extents 1..6 and 1..4 ranks', () => {
    const ext = [0, 1, 2, 3, 4, 5];
    let warned = 0;
    for (let p = 1; p <= 4; p++) {
      for (const a of ext) for (const b of ext) for (const ca of [1, 2, 3, 6]) for (const cb of [1, 2, 5]) {
        for (const split of [0, 1]) {
          const got = splitAdvice([a, b], [ca, cb], split, p);
          assert.deepEqual(got, bruteAdvice([a, b], [ca, cb], split, p), `[${a},${b}] chunks [${ca},${cb}] split ${split} p ${p}`);
          if (got) warned++;
        }
        for (const c of [1, 4]) {
          for (const split of [0, 1, 2]) assert.deepEqual(splitAdvice([a, b, c], [ca, cb, 2], split, p), bruteAdvice([a, b, c], [ca, cb, 2], split, p));
        }
      }
    }
    assert.ok(warned > 50, `the rule fired ${warned} times`);
  });

  it('nothing to advise: not split, not chunked, chunks of another rank', () => {
    assert.equal(splitAdvice([10, 10], [10, 10], null, 4), null);
    assert.equal(splitAdvice([10, 10], null, 0, 4), null);
    assert.equal(splitAdvice([10, 10], [10], 0, 4), null);
  });

  it('a chunk spanning the split axis: the other axis is named', () => {
    assert.deepEqual(splitAdvice([1000, 500], [1000, 10], 0, 4), { split: 0, cuts: { chunks: 1, cut: 1 }, better: 1, betterCuts: { chunks: 50, cut: 2 } });
    // no axis does better: every axis is one chunk
    assert.deepEqual(splitAdvice([8, 8], [8, 8], 1, 2), { split: 1, cuts: { chunks: 1, cut: 1 }, better: null, betterCuts: null });
  });

  it('given counts (an unbalanced layout) are the ones judged', () => {
    // all rows on rank 0: nothing is cut, whatever the chunks
    assert.equal(splitAdvice([8, 8], [8, 8], 0, 2, [8, 0]), null);
  });
});
