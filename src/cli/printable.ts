/**
 * Text dnd prints that came from a file (HDF5 object and attribute names, string
 * attributes, type descriptions) or from a rank may hold control characters. A terminal
 * acts on them: a dataset named `x\x1b]0;…\x07` would set the window title, `\x1b[2J`
 * clear the screen. So human output shows them as `\x1b`-style escapes (as Python's repr
 * does): names and values from files as they go into a table (nothing of theirs kept),
 * and every line dnd prints once more, keeping the colour sequences (SGR: ESC [ … m) chalk
 * writes.
 * --json needs none of this: JSON escapes every control character itself.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- the same, but an escape that starts a colour sequence stays
const CONTROL_BUT_COLOUR = /\u001b(?!\[[0-9;]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]/g;

const escape = (ch: string) => (ch === '\r' ? '\\r' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** A name or value from a file, before dnd colours it: every control character but newline and tab escaped. */
export function printable(text: string): string {
  return text.replace(CONTROL, escape);
}

/** A whole line of dnd's output, already coloured: the same, keeping chalk's colour sequences (a safety net). */
export function printableOutput(text: string): string {
  return text.replace(CONTROL_BUT_COLOUR, escape);
}
