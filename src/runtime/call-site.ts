/**
 * Where a user's script (or px cell) called into dnd: the first stack frame outside
 * dnd's own files and Node's internals, as `script.mjs:12` or `cell line 3`. Used by the
 * deadlock watchdog and by the process.exit guard of user scripts. It costs a stack
 * capture (10–40 µs here, against 0.2 µs for a small collective itself), so it is only
 * taken in user-script jobs with the deadlock watchdog on; file names are cached.
 */
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dnd's own compiled files (dist/): frames there are the library, not the script */
const OWN = fileURLToPath(new URL('../', import.meta.url));

let phase = 'in dnd';

/** What to say when no frame of the script is on the stack (e.g. 'after the script ended'). */
export function setSitePhase(label: string): void {
  phase = label;
}

/** Per file name as V8 gives it: how to show it, or null for dnd's own files (cached: this runs per collective). */
const shown = new Map<string, string | null>();

function show(name: string): string | null {
  let s = shown.get(name);
  if (s === undefined) {
    const file = name.startsWith('file://') ? fileURLToPath(name) : name;
    const rel = relative(process.cwd(), file);
    s = file.startsWith(OWN) || file.includes('/node_modules/') ? null : rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
    shown.set(name, s);
  }
  return s;
}

export function scriptSite(): string {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_e, frames) => frames;
  Error.stackTraceLimit = 16;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.captureStackTrace(holder, scriptSite);
    for (const f of holder.stack ?? []) {
      const file = f.getFileName() ?? '';
      if (!file || file.startsWith('node:')) continue;
      if (file === 'cell') return `cell line ${f.getLineNumber() ?? '?'}`;
      const name = show(file);
      if (name !== null) return `${name}:${f.getLineNumber() ?? '?'}`;
    }
    return phase;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/**
 * Where in a user's files an error was thrown, from its stack text: `script.mjs:2:21` for
 * the first frame outside dnd's own files, Node's internals and node_modules, or null
 * (an error of dnd's own jobs has none). The failure record names it, since the rank's
 * stack itself is not shown.
 */
export function scriptFrameOf(stack: string | undefined): string | null {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!m || m[1].startsWith('node:') || m[1].startsWith('[')) continue;
    const name = show(m[1]);
    if (name !== null) return `${name}:${m[2]}:${m[3]}`;
  }
  return null;
}

