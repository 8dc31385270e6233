/**
 * Maps every error a command can end with to an exit code and one line for stderr
 * (DESIGN.md §4): 2 bad usage or input found before launch, 3 the job failed on a rank,
 * 130 interrupted. No stack traces unless DND_DEBUG is set.
 */
import { isDndError } from '../dnd/errors.js';
import { InterruptedError, JobError } from '../runtime/failure.js';

export interface ExitPlan {
  code: number;
  message: string | null;
}

const PARSE_ERRORS = new Set([
  'NonExistentFlagsError',
  'RequiredArgsError',
  'UnexpectedArgsError',
  'FailedFlagValidationError',
  'FlagInvalidOptionError',
  'ArgInvalidOptionError',
  'CLIParseError',
]);

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find(Boolean) ?? s;
}

export function exitPlan(e: unknown): ExitPlan {
  const err = e as { name?: string; message?: string; oclif?: { exit?: number }; code?: string; tag?: string };
  if (err?.code === 'EEXIT') return { code: err.oclif?.exit ?? 0, message: null };
  if (e instanceof InterruptedError) return { code: 130, message: e.message };
  if (e instanceof JobError) return { code: 3, message: e.message };
  if (isDndError(e)) return { code: e.tag === 'usage' ? 2 : 3, message: firstLine(e.message) };
  if (err?.name === 'NativeLoadError') return { code: 3, message: err.message ?? 'native binding failed to load' };
  if (err?.name && PARSE_ERRORS.has(err.name)) {
    // oclif wraps a custom parser's error: "Parsing --split \n\t<our message>"; keep ours
    const lines = (err.message ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const ours = lines.find((l) => /^Expected|must|unknown/i.test(l)) ?? lines[0] ?? 'bad usage';
    return { code: 2, message: `${ours.replace(/\s*See more help with --help$/, '')} (see --help)` };
  }
  if (err?.oclif?.exit === 2) return { code: 2, message: `${firstLine(err.message ?? '')} (see --help)` };
  return { code: 1, message: firstLine(err?.message ?? String(e)) };
}
