/** Validates --json output against the committed schemas (the contract of DESIGN.md §4). */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ROOT } from './run.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const cache = new Map<string, ReturnType<typeof ajv.compile>>();

export function assertSchema(name: string, value: unknown): void {
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(`${ROOT}schemas/${name}.json`, 'utf8')));
    cache.set(name, validate);
  }
  if (!validate(value)) throw new Error(`${name} schema: ${ajv.errorsText(validate.errors)}`);
}
