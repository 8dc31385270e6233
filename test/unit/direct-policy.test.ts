/**
 * How saves write (src/dnd/io.ts writePolicy): durable ones around the page cache,
 * --no-fsync ones by measuring, DND_DIRECT=on|off pins either way, anything else is the
 * default.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writePolicy } from '../../src/dnd/io.js';

describe('writePolicy', () => {
  it('durable writes go directly by default, --no-fsync writes measure', () => {
    for (const env of [{}, { DND_DIRECT: 'auto' }, { DND_DIRECT: 'yes' }]) {
      assert.equal(writePolicy(true, env), 'direct');
      assert.equal(writePolicy(false, env), 'measure');
    }
  });
  it('DND_DIRECT=on and off pin it for both', () => {
    for (const durable of [true, false]) {
      assert.equal(writePolicy(durable, { DND_DIRECT: 'on' }), 'direct');
      assert.equal(writePolicy(durable, { DND_DIRECT: 'off' }), 'hdf5');
    }
  });
});
