/**
 * The CLI's tables (src/cli/grid.ts) are drawn in blocks of rows so that thousands of
 * ranks render in linear time; the text must be exactly that of one cli-table3 table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { Grid, grid } from '../../src/cli/grid.js';
import { rng } from '../helpers/rng.js';

function oneTable(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [], compact: true }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  t.push(...rows);
  return t.toString();
}

const c = new Chalk({ level: 1 });
const PIECES = ['0', '12', 'vm', 'node-0017.cluster', '(2, 4, 3)', '[0:2, 0:4]', '96 B', 'é', '表', '🙂', c.dim('dim'), c.green('yes'), '', 'two\nlines'];

describe('tables in blocks of rows', () => {
  it('the same text as one cli-table3 table, for random rows of 0..700 (widths, colour, wide and multi-line cells)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const cols = 1 + Math.floor(r() * 6);
      const n = seed <= 8 ? [0, 1, 127, 128, 129, 256, 257, 700][seed - 1] : Math.floor(r() * 700);
      const head = Array.from({ length: cols }, (_, i) => (r() < 0.3 ? c.bold(`col ${i}`) : `h${i}`));
      const rows = Array.from({ length: n }, () => Array.from({ length: cols }, () => PIECES[Math.floor(r() * PIECES.length)].repeat(1 + Math.floor(r() * 3))));
      const g = new Grid(head);
      for (const row of rows) g.push(row);
      assert.equal(g.length, n);
      assert.equal(g.toString(), oneTable(head, rows), `seed ${seed}: ${n} rows of ${cols} columns`);
    }
  });

  it('the same text for tables of one-line cells (drawn without cli-table3) with now and then a multi-line row', () => {
    const oneLine = [...PIECES.filter((p) => !p.includes('\n')), 'a\tb', ' lead', 'trail ', c.bold(c.red('nested'))];
    for (let seed = 100; seed < 130; seed++) {
      const r = rng(seed);
      const cols = 1 + Math.floor(r() * 9);
      const n = 129 + Math.floor(r() * 900);
      const head = Array.from({ length: cols }, (_, i) => c.bold(`h${i}`));
      const rows = Array.from({ length: n }, () => Array.from({ length: cols }, () => oneLine[Math.floor(r() * oneLine.length)].repeat(1 + Math.floor(r() * 3))));
      if (seed % 3 === 0) rows[Math.floor(r() * n)][0] = 'two\nlines';
      const g = new Grid(head);
      g.push(...rows);
      assert.equal(g.toString(), oneTable(head, rows), `seed ${seed}: ${n} rows of ${cols} columns`);
    }
  });

  it('a bold header through grid(), as the renderers use it', () => {
    const g = grid(c, ['rank', 'host']);
    g.push(['0', 'vm'], ['1', 'vm']);
    assert.equal(g.toString(), oneTable([c.bold('rank'), c.bold('host')], [['0', 'vm'], ['1', 'vm']]));
  });
});
