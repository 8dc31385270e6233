/**
 * Maps every error a command can end with to an exit code and one line for stderr
 * (DESIGN.md §4): 2 bad usage or input found before launch, 3 the job failed on a rank,
 * 128 + N interrupted by signal N (130 for SIGINT). Nothing else: an error nobody
 * foresaw is a failure of the job (3), still one line. No stack traces unless DND_DEBUG.
 */
import { constants } from 'node:os';
import { isDndError } from '../dnd/errors.js';
import { InterruptedError, JobError } from '../runtime/failure.js';
import { printable } from './printable.js';

export interface ExitPlan {
  code: number;
  message: string | null;
}

/**
 * oclif's parse errors span several lines ("The following error occurred:", the
 * reason, "See more help with --help"), and it wraps a custom parser's error as
 * "Parsing --split\n\t<reason>". Keep the reason, on one line.
 */
export function oneLineParseMessage(message: string): string {
  const lines = message.split('\n').map((l) => l.trim().replace(/\s*See more help with --help$/, ''));
  const missingArgs = /^Missing (\d+) required args?:$/.exec(lines[0] ?? '');
  if (missingArgs) {
    const names = lines.slice(1).filter((l) => /^[a-z]/i.test(l) && !/^See more/.test(l)).map((l) => l.split(/\s+/)[0]);
    return `Missing ${missingArgs[1]} required argument(s): ${names.filter((n) => /^[a-z][\w-]*$/i.test(n) && !/^(zeros|ones|full|empty|arange|linspace|eye|rand|randn|randint)/.test(n)).join(', ')}`;
  }
  const generic = /^(The following errors? occurred:|See more help with --help|Parsing --?\S+)$/;
  const kept = lines.filter((l) => l && !generic.test(l));
  return kept.find((l) => /^Expected/.test(l)) ?? (kept.join('; ') || 'bad usage');
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find(Boolean) ?? s;
}

/** What bin/run.js does on a failure: the exit code and the one line to print (printable: it may quote a file's names). */
export function exitPlan(e: unknown): ExitPlan {
  const plan = rawExitPlan(e);
  return plan.message === null ? plan : { ...plan, message: printable(plan.message) };
}

function rawExitPlan(e: unknown): ExitPlan {
  const err = e as { name?: string; message?: string; oclif?: { exit?: number }; code?: string };
  if (err?.code === 'EEXIT') return { code: err.oclif?.exit ?? 0, message: null };
  if (e instanceof InterruptedError) return { code: 128 + (constants.signals[e.signal] ?? 2), message: e.message };
  if (e instanceof JobError) return { code: 3, message: e.reported ? null : e.message };
  if (isDndError(e)) return { code: e.tag === 'usage' ? 2 : 3, message: e.tag === 'usage' ? oneLineParseMessage(e.message) : firstLine(e.message) };
  if (err?.name === 'NativeLoadError') return { code: 3, message: err.message ?? 'native binding failed to load' };
  if (err?.oclif?.exit === 2) return { code: 2, message: `${oneLineParseMessage(err.message ?? '')} (see --help)` };
  return { code: 3, message: firstLine(err?.message ?? String(e)) };
}
