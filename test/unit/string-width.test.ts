/**
 * The bundles' measure of a table cell (scripts/string-width-narrow.cjs) against
 * cli-table3's own string-width: the same width for every string, on random text that
 * mixes what the shortcut takes (ASCII, "…", box drawing, chalk's colours) with what it
 * must leave to string-width (emoji, wide and combining characters, controls, other
 * escape sequences, surrogate halves).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
type Width = (s: unknown) => number;
const narrowWidth = require('../../scripts/string-width-narrow.cjs') as Width;
const stringWidth = require('string-width') as Width;
const ROOT = new URL('../../', import.meta.url);
// eslint-disable-next-line no-control-regex -- chalk's colours: what the shortcut strips
const SGR = /\u001b\[[\d;]*m/g;

/** xorshift32: the same strings on every run, a failure can be reproduced */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
const NARROW = [...range(0x20, 0x7e), '…', ...range(0x2500, 0x257f)];
const PIECES = [
  ...NARROW,
  // chalk's colours, and escape sequences close to them that are not SGR
  '\u001b[31m', '\u001b[39m', '\u001b[1m', '\u001b[22m', '\u001b[2m', '\u001b[38;5;208m', '\u001b[1;22;39m', '\u001b[31;m', '\u001b[m',
  '\u001b[12345m', '\u001b[;31m', '\u001b[2J', '\u001b[?25l', '\u001b]0;title\u0007', '\u009b31m', '\u001b', '\u001b[',
  // controls, combining marks, wide characters, emoji (with modifiers and joiners), keycaps
  '\u0000', '\t', '\n', '\u0007', '\u007f', '\u0085', '\u0301', '\u0300', '中', '文', '\uff21', '\u3000', '한',
  '😀', '👍🏽', '👩‍💻', '❤️', '1\ufe0f\u20e3', '#\u20e3', '©', '®', '\u2122', '\u25b6', '\u25aa', '\u25fd', '\u25fe', '\u2600', '\u231a',
  '\ud83d', '\ude00', '\u00e9', '\u00a0', 'ß', '\u2028', '\u200b', '\u2190',
];

describe("the bundles' string width (scripts/string-width-narrow.cjs) is string-width's", () => {
  it('every character the shortcut takes is one column to string-width, alone and coloured', () => {
    for (const ch of NARROW) {
      assert.equal(stringWidth(ch), 1, JSON.stringify(ch));
      assert.equal(narrowWidth(ch), 1, JSON.stringify(ch));
      assert.equal(narrowWidth(`\u001b[1m${ch}\u001b[22m`), stringWidth(`\u001b[1m${ch}\u001b[22m`), JSON.stringify(ch));
    }
  });

  it('20000 random strings, mostly narrow text: the same width', () => {
    const next = rng(0x5eed);
    let narrow = 0;
    for (let i = 0; i < 20000; i++) {
      const len = Math.floor(next() * 24);
      // half of the strings from the shortcut's own characters and colours, half from everything
      const pool = i % 2 === 0 ? PIECES.slice(0, NARROW.length + 7) : PIECES;
      let s = '';
      for (let j = 0; j < len; j++) s += pool[Math.floor(next() * pool.length)];
      if (!/[^\u0020-\u007e\u2026\u2500-\u257f]/.test(s.replace(SGR, ''))) narrow++;
      assert.equal(narrowWidth(s), stringWidth(s), JSON.stringify(s));
    }
    assert.ok(narrow > 5000, `the shortcut itself was tried (${narrow} strings)`);
  });

  it('what is no string is string-width\'s: 0', () => {
    for (const v of [undefined, null, 42, {}]) assert.equal(narrowWidth(v), stringWidth(v));
  });

  it('the bundles that carry cli-table3 use it, and no other string-width is bundled for cli-table3', () => {
    for (const file of ['dist/commands/create.cjs', 'dist/commands/info.cjs']) {
      const text = readFileSync(new URL(file, ROOT), 'utf8');
      assert.match(text, /scripts\/string-width-narrow\.cjs/, file);
      assert.match(text, /node_modules\/cli-table3\//, file);
    }
  });
});
