/**
 * Which saves write their values directly (src/dnd/io.ts directWrites): durable ones by
 * default, DND_DIRECT=on|off pins it either way, anything else is the default.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directWrites } from '../../src/dnd/io.js';

describe('directWrites', () => {
  it('durable writes go directly by default, --no-fsync writes do not', () => {
    assert.equal(directWrites(true, {}), true);
    assert.equal(directWrites(false, {}), false);
    assert.equal(directWrites(true, { DND_DIRECT: 'auto' }), true);
    assert.equal(directWrites(false, { DND_DIRECT: 'auto' }), false);
  });
  it('DND_DIRECT=on and off pin it for both', () => {
    for (const durable of [true, false]) {
      assert.equal(directWrites(durable, { DND_DIRECT: 'on' }), true);
      assert.equal(directWrites(durable, { DND_DIRECT: 'off' }), false);
    }
  });
});
