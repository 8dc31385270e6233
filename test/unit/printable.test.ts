/**
 * Control characters from files never reach the terminal (src/cli/printable.ts): every
 * code point is checked once, and colour sequences survive only in the output filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { printable, printableOutput } from '../../src/cli/printable.js';

const isControl = (cp: number) => cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);

describe('printable text', () => {
  it('every code point below U+0100: controls but newline and tab escaped, the rest as they are', () => {
    for (let cp = 0; cp < 0x100; cp++) {
      const ch = String.fromCodePoint(cp);
      const want = !isControl(cp) || ch === '\n' || ch === '\t' ? ch : ch === '\r' ? '\\r' : `\\x${cp.toString(16).padStart(2, '0')}`;
      assert.equal(printable(`a${ch}b`), `a${want}b`, `U+${cp.toString(16)}`);
      assert.equal(printableOutput(`a${ch}b`), `a${want}b`, `U+${cp.toString(16)}`);
    }
    assert.equal(printable('表 🙂 é'), '表 🙂 é');
  });

  it('a name that would set the title or clear the screen shows as escapes; chalk\'s colours pass the output filter only', () => {
    const evil = 'evil\u001b]0;pwned\u0007\u001b[2J\u001b[31mred';
    assert.equal(printable(evil), 'evil\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred');
    const c = new Chalk({ level: 1 });
    const line = `${c.bold('dataset')}  ${c.cyan(printable(evil))}`;
    const shown = printableOutput(line);
    assert.equal(shown, line, 'nothing left to escape once the name is printable');
    // eslint-disable-next-line no-control-regex -- an escape that starts no colour sequence is what it looks for
    assert.ok(!/\u001b(?!\[[0-9;]*m)/.test(shown));
    assert.equal(printableOutput(`x${evil}`), 'xevil\\x1b]0;pwned\\x07\\x1b[2J\u001b[31mred');
  });
});
