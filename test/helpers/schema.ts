/**
 * Validates --json output against the committed schemas (the contract of DESIGN.md §4).
 * One schema per output, in schemas/: array-report (create, info, resplit, redistribute), file-listing (info FILE of several datasets),
 * dry-run (their --dry-run), chunk-report, doctor, run-report. They are closed, so a key
 * a command starts to print must be added to its schema first.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ROOT } from './run.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const cache = new Map<string, ReturnType<typeof ajv.compile>>();

export type SchemaName = 'array-report' | 'file-listing' | 'dry-run' | 'chunk-report' | 'doctor' | 'run-report' | 'trace-summary';

export function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${ROOT}schemas/${name}.json`, 'utf8')) as Record<string, unknown>;
}

export function assertSchema(name: SchemaName, value: unknown): void {
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.compile(loadSchema(name));
    cache.set(name, validate);
  }
  if (!validate(value)) throw new Error(`${name} schema: ${ajv.errorsText(validate.errors)}`);
}
