/** One formatter for sizes and rates (src/runtime/units.ts): short, binary units, no float noise. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytes, rate } from '../../src/cli/render.js';
import { formatBytes, formatRate } from '../../src/runtime/units.js';

describe('sizes and rates', () => {
  it('sizes in binary units with three significant digits', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(96), '96 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1 KiB');
    assert.equal(formatBytes(4485), '4.38 KiB');
    assert.equal(formatBytes(100000 * 100000 * 4), '37.3 GiB');
    assert.equal(formatBytes(2 ** 50 * 3), '3 PiB');
    assert.equal(formatBytes(Number.NaN), '-');
  });

  it('a small write\'s rate is not printed with sixteen digits (issue #16)', () => {
    assert.equal(formatRate(505.6046075121896, 1), '506 B/s');
    assert.equal(formatRate(3 * 2 ** 30, 2), '1.5 GiB/s');
    assert.equal(formatRate(100, 0), '-');
  });

  it('the table renderer uses the same formatter', () => {
    assert.equal(bytes(505.6046075121896), '506 B');
    assert.equal(rate(4485, 1), formatRate(4485, 1));
  });
});
