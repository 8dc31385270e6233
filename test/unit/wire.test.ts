/**
 * The codec every message between processes goes through (launcher → ranks, rank ↔
 * rank, ranks → launcher): values come back exactly, NaN, ±Infinity, -0 and BigInt
 * included, in any nesting — a property test over random values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromWire, toWire } from '../../src/dnd/wire.js';

/** A small deterministic generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 2 ** 53, -(2 ** 53) - 2, Number.MAX_VALUE, Number.MIN_VALUE, 5e-324, 1.5];
const BIG = [2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 0n, 9007199254740993n];

function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 5 : 8));
  switch (k) {
    case 0:
      return SPECIAL[Math.floor(r() * SPECIAL.length)];
    case 1:
      return BIG[Math.floor(r() * BIG.length)];
    case 2:
      return (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    case 3:
      return ['', 'nan', '{"$num":"nan"}', 'ü\n"', null][Math.floor(r() * 5)];
    case 4:
      return r() < 0.5;
    case 5:
      return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    case 6: {
      // objects, including ones whose keys look like the codec's own tags
      const keys = ['a', '$num', '$big', '$obj', 'x y'];
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 3); i > 0; i--) o[keys[Math.floor(r() * keys.length)]] = value(r, depth + 1);
      return o;
    }
    default:
      return { nested: value(r, depth + 1) };
  }
}

/** deepEqual that tells -0 from 0 and NaN equals NaN (Object.is on leaves). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

describe('wire codec', () => {
  it('round-trips the values plain JSON loses', () => {
    for (const v of [...SPECIAL, ...BIG, { value: NaN, start: -0, seed: 2n ** 64n - 1n }]) {
      assert.ok(same(fromWire(toWire(v)), v), `${String(v)} survives`);
    }
    assert.equal(JSON.stringify(NaN), 'null', 'plain JSON would have lost it');
  });

  it('property: 5000 random nested values come back equal', () => {
    const r = lcg(12345);
    for (let i = 0; i < 5000; i++) {
      const v = value(r, 0);
      const text = toWire(v);
      assert.ok(!text.includes('\n'), 'one line (records are newline-delimited)');
      assert.ok(same(fromWire(text), v), `case ${i}: ${text}`);
    }
  });

  it('typed arrays travel as arrays of their values', () => {
    assert.deepEqual(fromWire(toWire(new Float32Array([1, 2]))), [1, 2]);
    assert.ok(same(fromWire(toWire(new BigInt64Array([-(2n ** 63n)]))), [-(2n ** 63n)]));
  });
});
