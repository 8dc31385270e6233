// cli-table3's string-width, with a shortcut for the text dnd's tables hold. cli-table3
// measures every cell; string-width 4 then replaces emoji with a pattern of ~10 KB, which
// V8 compiles on first use (~3 ms of a CLI's first table here) and runs on every cell.
// Text of printable ASCII, "…" (U+2026) and box drawing (U+2500-U+257F), coloured or not
// by SGR sequences (what chalk writes), is one column a character: neither emoji, nor
// wide, nor combining, nor control. Everything else goes to string-width itself.
// scripts/bundle-options.mjs puts this in place of cli-table3's string-width in the bundles;
// test/unit/string-width.test.ts compares the two on random text.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file in place of a CommonJS package
const stringWidth = require('string-width');

// ESC [ params m, as ansi-regex matches it; any other escape is left for string-width
// eslint-disable-next-line no-control-regex -- the escape character is what it looks for
const SGR = /\u001b\[(?:\d{1,4}(?:;\d{0,4})*)?m/g;
const NARROW = /^[\u0020-\u007e\u2026\u2500-\u257f]*$/;

function narrowWidth(text) {
  if (typeof text !== 'string') return stringWidth(text);
  const plain = text.includes('\u001b') ? text.replace(SGR, '') : text;
  return NARROW.test(plain) ? plain.length : stringWidth(text);
}

module.exports = narrowWidth;
module.exports.default = narrowWidth;
