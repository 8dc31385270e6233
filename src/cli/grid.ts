/**
 * The CLI's tables: cli-table3 boxes with one line per row and no rule between rows, in
 * time linear in the rows.
 *
 * cli-table3 lays a table out in time quadratic in its rows (every cell is checked for
 * spans against every cell above it): a table of 5,000 ranks took 1.5 s here and one of
 * 20,000 took 32 s, for a job that ran in milliseconds. So rows go to cli-table3 in blocks,
 * all drawn with the column widths it would give the whole table (its own measure of each
 * cell), and joined without their inner borders and repeated header. The text is the
 * same as that of one cli-table3 table of all rows (test/unit/grid.test.ts compares them).
 * Rows of one-line cells, the usual kind, are drawn here directly the way cli-table3
 * draws them; a block with a multi-line cell goes through cli-table3.
 */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import { strlen } from 'cli-table3/src/utils.js';

/** rows per block: small enough that a block's quadratic layout costs little */
const BLOCK = 128;
/** cli-table3's default padding, one space either side of a cell */
const PADDING = 2;

export class Grid {
  private readonly rows: string[][] = [];

  constructor(private readonly head: string[]) {}

  push(...rows: string[][]): number {
    for (const r of rows) this.rows.push(r);
    return this.rows.length;
  }

  get length(): number {
    return this.rows.length;
  }

  toString(): string {
    if (this.rows.length <= BLOCK) return this.draw(this.rows).toString();
    // the widths cli-table3 gives a table of all rows: its measure of the widest cell, plus padding
    const widths = this.head.map((h) => strlen(h) + PADDING);
    for (const row of this.rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, strlen(cell) + PADDING)));
    // the header's lines and the bottom border: a table of the header alone
    const frame = this.draw([], widths).toString().split('\n');
    const headLines = frame.length - 1;
    const out: string[] = frame.slice(0, headLines);
    for (let i = 0; i < this.rows.length; i += BLOCK) {
      const rows = this.rows.slice(i, i + BLOCK);
      if (rows.every((row) => row.every((cell) => !cell.includes('\n')))) {
        // one line per row, drawn as cli-table3 draws it: its per-cell layout costs ~10 µs
        // a cell, seconds for a listing of 20,000 objects
        for (const row of rows) out.push(this.line(row, widths));
      } else {
        out.push(...this.draw(rows, widths).toString().split('\n').slice(headLines, -1));
      }
    }
    out.push(frame[headLines]);
    return out.join('\n');
  }

  /** A row whose cells are each one line: `│ cell··· │ cell··· │`, padded to the column widths. */
  private line(row: string[], widths: number[]): string {
    let s = '│';
    for (let i = 0; i < widths.length; i++) {
      const cell = row[i] ?? '';
      s += ` ${cell}${' '.repeat(widths[i] - PADDING - strlen(cell))} │`;
    }
    return s;
  }

  private draw(rows: string[][], colWidths?: number[]): Table.Table {
    const t = new Table({
      head: this.head,
      ...(colWidths ? { colWidths: [...colWidths] } : {}),
      style: { head: [], border: [], compact: true },
      // no rule between rows: one line per rank reads better with many ranks
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    t.push(...rows);
    return t;
  }
}

/** A table with a bold header row. */
export function grid(c: ChalkInstance, head: string[]): Grid {
  return new Grid(head.map((h) => c.bold(h)));
}
