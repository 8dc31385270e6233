/**
 * Numbers in tables (src/runtime/json-real.ts): a value of the array reads back as that
 * value in its dtype, in as few digits as that takes; a derived number never loses its
 * integer part.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { showDatum, showReal } from '../../src/runtime/json-real.js';
import { rng } from '../helpers/rng.js';

/** deterministic doubles across many magnitudes, both signs */
function* doubles(count: number): Generator<number> {
  const next = rng(0x9e3779b9);
  for (let i = 0; i < count; i++) yield (next() < 0.5 ? -1 : 1) * next() * 10 ** Math.floor(next() * 60 - 30);
}

describe('numbers in tables', () => {
  it('a float32 value in the fewest digits that give back the same float32', () => {
    for (const d of doubles(20000)) {
      const v = Math.fround(d);
      const text = showDatum(v, 'float32');
      assert.equal(Math.fround(Number(text)), v, `${v} shown as ${text}`);
      // one digit fewer would not read back (the shortest form)
      const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
      if (digits > 1) assert.notEqual(Math.fround(Number(v.toPrecision(digits - 1))), v, `${text} is not the shortest for ${v}`);
    }
    assert.equal(showDatum(Math.fround(0.1), 'float32'), '0.1');
    assert.equal(showDatum(Math.fround(-2.5129538), 'float32'), '-2.5129538');
  });

  it('a float64 or integer value as the number it is', () => {
    for (const v of doubles(20000)) assert.equal(Number(showDatum(v, 'float64')), v);
    assert.equal(showDatum(12345678901, 'int64'), '12345678901');
    assert.equal(showDatum(12345678905, 'int64'), '12345678905');
    assert.equal(showDatum(-(2 ** 63), 'int64'), String(-(2 ** 63)));
    for (const s of ['nan', 'inf', '-inf'] as const) assert.equal(showDatum(s, 'float32'), s);
    assert.equal(showDatum(null, 'int8'), '-');
  });

  it('derived numbers keep their integer part and two decimals, else 8 significant digits', () => {
    assert.equal(showReal(12345678903.5), '12345678903.5');
    assert.equal(showReal(61728394515, 10), '61728394515');
    assert.equal(showReal(-0.15149899123), '-0.15149899');
    assert.equal(showReal(1.41421356237), '1.4142136');
    assert.equal(showReal(1501199875790165.8), '1501199875790165.8');
    for (const v of doubles(20000)) {
      const text = showReal(v);
      // off by at most half of the last digit shown: of the 8th significant digit, or of the
      // second decimal where the integer part is longer (below float64's 17 digits)
      const err = Math.abs(Number(text) - v);
      assert.ok(err <= Math.abs(v) * 5e-8 || (Math.abs(v) < 1e14 && err <= 0.005 + Math.abs(v) * 2 ** -52), `${v} shown as ${text}`);
      if (Math.abs(v) >= 1e6 && Math.abs(v) < 1e14) assert.ok(err <= 0.005 + Math.abs(v) * 2 ** -52, `${v} shown as ${text}: more than two decimals off`);
    }
  });
});
