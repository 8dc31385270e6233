/**
 * Where a user's script (or px cell) called into dnd: the first stack frame outside
 * dnd's own files and Node's internals, as `script.mjs:12` or `cell line 3`. Used by the
 * deadlock watchdog and by the process.exit guard of user scripts. It costs a stack
 * capture (about 10 µs), so it is only taken in user-script jobs.
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

function show(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function scriptSite(): string {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_e, frames) => frames;
  Error.stackTraceLimit = 24;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.captureStackTrace(holder, scriptSite);
    for (const f of holder.stack ?? []) {
      let file = f.getFileName() ?? '';
      if (!file || file.startsWith('node:')) continue;
      if (file === 'cell') return `cell line ${f.getLineNumber() ?? '?'}`;
      if (file.startsWith('file://')) file = fileURLToPath(file);
      if (file.startsWith(OWN) || file.includes('/node_modules/')) continue;
      return `${show(file)}:${f.getLineNumber() ?? '?'}`;
    }
    return phase;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}
