/**
 * How a px cell's outputs are shown: identical outputs from every rank once, as [all];
 * otherwise each rank's lines prefixed [r/N], in rank order. Errors in red.
 */
import type { ChalkInstance } from 'chalk';
import { Script } from 'node:vm';
import type { CellOutput } from '../runtime/jobs/px.js';

export function renderCell(outputs: CellOutput[], c: ChalkInstance): string {
  const size = outputs.length;
  const nonEmpty = outputs.filter((o) => o.text !== '');
  if (nonEmpty.length === 0) return '';
  const same = nonEmpty.length === size && outputs.every((o) => o.text === outputs[0].text && o.error === outputs[0].error);
  const paint = (o: CellOutput, s: string) => (o.error ? c.red(s) : s);
  if (same && size > 1) return outputs[0].text.split('\n').map((l) => `${c.dim('[all]')} ${paint(outputs[0], l)}`).join('\n');
  const lines: string[] = [];
  for (const o of [...outputs].sort((a, b) => a.rank - b.rank)) {
    if (o.text === '') continue;
    for (const l of o.text.split('\n')) lines.push(`${c.cyan(`[${o.rank}/${size}]`)} ${paint(o, l)}`);
  }
  return lines.join('\n');
}

/** True when `code` is an unfinished statement (more lines to come). */
export function isIncomplete(code: string): boolean {
  try {
    new Script(code); // compile only, never run
    return false;
  } catch (e) {
    return e instanceof SyntaxError && /Unexpected end of input|Unterminated template|missing \) after/.test(e.message);
  }
}
