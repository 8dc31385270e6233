/**
 * dnd's tuning variables (src/runtime/env-knobs.ts): every documented value passes
 * quietly, anything else gets one warning naming the variable, the value and what it acts
 * as, and that claim is what the code reading the variable does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KNOBS, knobWarnings } from '../../src/runtime/env-knobs.js';
import { writePolicy } from '../../src/dnd/io.js';
import { pieceSizeFor } from '../../src/runtime/progress.js';

describe('tuning variables', () => {
  it('documented values and empty ones pass without a word', () => {
    for (const k of KNOBS) {
      const values = k.values === 'bytes' ? ['0', '16', '1048576', '1e3'] : k.values;
      for (const v of [...values, '']) assert.deepEqual(knobWarnings({ [k.name]: v }), [], `${k.name}=${v}`);
    }
    assert.deepEqual(knobWarnings({}), []);
  });

  it('a typo gets one line per variable, with the value and what it acts as', () => {
    for (const k of KNOBS) {
      for (const v of ['of', 'yes', '-5', ' on']) {
        const w = knobWarnings({ [k.name]: v, PATH: '/bin' });
        assert.equal(w.length, 1, `${k.name}=${v}`);
        assert.ok(w[0].startsWith(`${k.name}=${JSON.stringify(v)} is not `), w[0]);
        assert.ok(w[0].endsWith(`it acts as ${k.otherwise}`), w[0]);
      }
    }
    assert.equal(knobWarnings({ DND_HUGEPAGES: 'of', DND_DIRECT: 'yes', DND_MAP: '0' }).length, 2);
  });

  it('what a warning says a value acts as is what the code does with it', () => {
    // DND_DIRECT: anything but on/off is auto
    for (const durable of [true, false]) assert.equal(writePolicy(durable, { DND_DIRECT: 'yes' }), writePolicy(durable, {}));
    // DND_PIECE_BYTES: a value that is not a whole number is unset
    for (const progress of [true, false]) assert.equal(pieceSizeFor(progress, { DND_PIECE_BYTES: 'lots' }), pieceSizeFor(progress, {}));
    assert.equal(pieceSizeFor(false, { DND_PIECE_BYTES: '1e3' }), 1000);
  });
});
