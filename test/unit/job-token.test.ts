/** Job tokens (src/runtime/job-token.ts): hex of the asked length, different every time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newJobToken, randomHex } from '../../src/runtime/job-token.js';

describe('job tokens', () => {
  it('12 lower-case hex digits; 20000 tokens, no two alike', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20000; i++) {
      const t = newJobToken();
      assert.match(t, /^[0-9a-f]{12}$/);
      seen.add(t);
    }
    assert.equal(seen.size, 20000);
  });

  it('randomHex: 2 digits a byte; over 64 KiB every byte value appears', () => {
    assert.equal(randomHex(0), '');
    assert.match(randomHex(1), /^[0-9a-f]{2}$/);
    const big = randomHex(65536);
    assert.equal(big.length, 131072);
    const values = new Set<number>();
    for (let i = 0; i < big.length; i += 2) values.add(parseInt(big.slice(i, i + 2), 16));
    assert.equal(values.size, 256);
  });
});
