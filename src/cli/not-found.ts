/**
 * oclif's `command_not_found` hook: `dnd creat randn 3` says which word is not a command
 * and suggests the nearest one, as one line and exit 2 (bad usage, DESIGN.md §4). With
 * `topicSeparator: " "` oclif joins every word into the id it looked for
 * (`creat:randn:3`), so only the first word is compared. Non-interactive on purpose:
 * dnd runs in batch scripts, where a "did you mean?" prompt would wait forever.
 */
import type { Hook } from '@oclif/core';
import { usageError } from '../dnd/errors.js';
import { minOf } from '../runtime/extent.js';

/** Edit distance (insert, delete, substitute, swap of neighbours all cost 1). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The commands a mistyped word is close to: a prefix of one, or a few edits away. */
export function suggestions(word: string, ids: string[]): string[] {
  const w = word.toLowerCase();
  const scored = ids.map((id) => ({ id, d: id.startsWith(w) && w.length >= 2 ? 0 : editDistance(w, id) }));
  const best = minOf(scored.map((s) => s.d));
  // two letters match too much to guess from; longer words may be off by a third, at most 2
  const allowed = w.length < 3 ? 0 : Math.max(1, Math.min(2, Math.floor(w.length / 3)));
  if (!Number.isFinite(best) || best > allowed) return [];
  return scored.filter((s) => s.d === best).map((s) => s.id);
}

const hook: Hook<'command_not_found'> = async function (opts) {
  const bin = opts.config.bin;
  const word = opts.id.split(':')[0];
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id.split(':')[0]);
  const near = suggestions(word, [...new Set(ids)]);
  const hint = near.length ? `: did you mean ${near.map((n) => `"${bin} ${n}"`).join(' or ')}?` : '';
  throw usageError(`"${word}" is not a ${bin} command${hint} (${bin} commands lists them, ${bin} help COMMAND explains one)`);
};

export default hook;
