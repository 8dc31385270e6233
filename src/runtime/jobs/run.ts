/**
 * `dnd run script.(js|mjs|ts) -n N [-- args]`: every rank imports the user's script with
 * the dnd library as the global `dnd` (and `comm`, `rank`, `size`), as in a px session.
 * Its output goes straight through; a throw on any rank ends the job (exit 3), and so
 * does process.exit() (session-globals.ts).
 */
import { pathToFileURL } from 'node:url';
import type { Comm } from '../../dnd/comm.js';
import type { RunJob } from '../job.js';
import { setSitePhase } from '../call-site.js';
import { installSessionGlobals } from './session-globals.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';

export interface RunReport {
  command: 'run';
  script: string;
  nprocs: number;
  seconds: number;
}

export async function runScript(job: RunJob, comm: Comm): Promise<RunReport | null> {
  await installSessionGlobals(globalThis as Record<string, unknown>, comm);
  process.argv = [process.argv[0], job.script, ...job.args];
  const t0 = comm.wtime();
  phaseBegin('script', { script: job.script });
  try {
    await import(pathToFileURL(job.script).href);
  } catch (e) {
    throw await withSyntaxSite(e, job.script);
  }
  phaseEnd();
  setSitePhase('after the script ended'); // for the deadlock watchdog: this rank is done
  const seconds = comm.allreduceNumber(comm.wtime() - t0, 'max');
  return comm.rank === 0 ? { command: 'run', script: job.script, nprocs: comm.size, seconds } : null;
}

/**
 * Node 20 reports a syntax error in an ES module without saying where (in a CommonJS
 * script its stack starts with the place). It is already an error, Node refused the file,
 * so acorn parsing the same module only now adds the place. TypeScript (tsx) says where.
 */
async function withSyntaxSite(e: unknown, script: string): Promise<unknown> {
  if (!(e instanceof SyntaxError) || /\.m?ts$/.test(script)) return e;
  const { relative } = await import('node:path');
  const shown = (file: string) => {
    const rel = relative(process.cwd(), file);
    return rel && !rel.startsWith('..') ? rel : file;
  };
  // CommonJS: the stack's first line is FILE:LINE, above the line and a caret
  const cjs = /^(\/.*):(\d+)$/.exec((e.stack ?? '').split('\n')[0]);
  if (cjs) {
    e.message = `${e.message} (at ${shown(cjs[1])}:${cjs[2]})`;
    return e;
  }
  const { parse } = await import('acorn');
  const { readFileSync } = await import('node:fs');
  try {
    parse(readFileSync(script, 'utf8'), { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true, allowAwaitOutsideFunction: true, locations: true });
  } catch (p) {
    const loc = (p as { loc?: { line: number; column: number } }).loc;
    if (loc) e.message = `${e.message} (at ${shown(script)}:${loc.line}:${loc.column + 1})`;
  }
  return e;
}
