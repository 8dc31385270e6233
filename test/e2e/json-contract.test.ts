/**
 * The --json contract (issue #16, item 5): every command's output, with every option that
 * adds keys, validated against its committed schema in schemas/; the schemas are closed
 * (a key not in the schema fails); keys are snake_case; durations are rounded to the
 * microsecond; numbers JSON cannot spell (NaN, ±inf) are the strings the schema allows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dnd } from '../helpers/run.js';
import { assertSchema, loadSchema, type SchemaName } from '../helpers/schema.js';
import { ROOT } from '../helpers/run.js';

/** Every object schema that lists properties allows no others. */
function openObjects(node: unknown, path = '#'): string[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => openObjects(n, `${path}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = 'properties' in o && o.additionalProperties !== false ? [path] : [];
  const mapWithoutValueSchema = o.type === 'object' && !('properties' in o) && (o.additionalProperties === undefined || o.additionalProperties === true) ? [path] : [];
  return [...own, ...mapWithoutValueSchema, ...Object.entries(o).flatMap(([k, v]) => openObjects(v, `${path}/${k}`))];
}

/** Keys anywhere in a value, with the path to them; doctor's `mca` holds variable names as keys. */
function keys(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keys(x, `${path}[${i}]`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => (k === 'mca' ? [`${path}.${k}`] : [`${path}.${k}`, ...keys(x, `${path}.${k}`)]));
}

/** Numbers under duration keys (…_s, seconds). */
function durations(v: unknown, key = ''): number[] {
  if (typeof v === 'number') return (/_s$/.test(key) && !/_per_s$/.test(key)) || key === 'seconds' ? [v] : [];
  if (Array.isArray(v)) return v.flatMap((x) => durations(x, key));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => durations(x, k));
}

describe('the --json contract', () => {
  let dir = '';
  const outputs: { name: string; schema: SchemaName; json: Record<string, unknown> }[] = [];
  const json = (name: string, schema: SchemaName, args: string[]) => {
    const r = dnd([...args, '--json']);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    const value = JSON.parse(r.stdout) as Record<string, unknown>; // exactly one JSON object
    outputs.push({ name, schema, json: value });
    return value;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dnd-contract-'));
    const f = join(dir, 'a.h5');
    json('create --checksum --out', 'array-report', ['create', 'randn', '10,3', '-n', '2', '--checksum', '--out', `${f}:/g/x`]);
    json('create --split none', 'array-report', ['create', 'ones', '3,2', '-n', '2', '--split', 'none']);
    json('create full nan', 'array-report', ['create', 'full', '5', '--value', 'nan', '-n', '2', '--checksum', '--out', join(dir, 'nan.h5')]);
    json('info FILE --stats --checksum', 'array-report', ['info', f, '-n', '2', '--stats', '--checksum']);
    json('info --stats (NaN)', 'array-report', ['info', join(dir, 'nan.h5'), '-n', '2', '--stats']);
    json('info empty --stats', 'array-report', ['info', 'zeros:0,3', '-n', '2', '--stats']);
    json('info FILE:/dataset (metadata only)', 'array-report', ['info', `${f}:/g/x`, '-n', '2']);
    json('info FILE --list', 'file-listing', ['info', f, '--list']);
    json('resplit --checksum --out', 'array-report', ['resplit', f, '--axis', '1', '-n', '2', '--checksum', '--out', join(dir, 'b.h5'), '--force']);
    json('redistribute --target', 'array-report', ['redistribute', 'randn:7,4', '--target', '0,7', '-n', '2']);
    json('redistribute --dry-run', 'dry-run', ['redistribute', 'randn:7,4', '--balance', '--counts', '7,0', '-n', '2', '--dry-run']);
    json('resplit --dry-run', 'dry-run', ['resplit', 'randn:7,4', '--axis', 'none', '-n', '2', '--dry-run']);
    json('chunk', 'chunk-report', ['chunk', '7,4', '-n', '3']);
    json('chunk --launch', 'chunk-report', ['chunk', '7,4', '-n', '2', '--launch']);
    json('doctor', 'doctor', ['doctor']);
    json('doctor --no-check', 'doctor', ['doctor', '--no-check']);
    writeFileSync(join(dir, 's.mjs'), 'void rank;\n');
    json('run', 'run-report', ['run', join(dir, 's.mjs'), '-n', '2']);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every schema is closed: objects list their keys and allow no others', () => {
    const files = readdirSync(`${ROOT}schemas`).filter((f) => f.endsWith('.json'));
    assert.deepEqual(files.sort(), ['array-report.json', 'chunk-report.json', 'doctor.json', 'dry-run.json', 'file-listing.json', 'run-report.json', 'trace-summary.json']);
    for (const f of files) {
      const s = loadSchema(f.replace(/\.json$/, ''));
      assert.equal(s.additionalProperties, false, f);
      assert.deepEqual(openObjects(s), [], `${f}: open objects`);
    }
  });

  it('every command\'s output passes its schema', () => {
    assert.equal(outputs.length, 17);
    for (const o of outputs) assert.doesNotThrow(() => assertSchema(o.schema, o.json), o.name);
  });

  it('a key the schema does not know is refused', () => {
    const create = outputs[0].json;
    assert.throws(() => assertSchema('array-report', { ...create, extra: 1 }), /must NOT have additional properties/);
    assert.throws(() => assertSchema('array-report', { ...create, timing: { ...(create.timing as object), sneaky_s: 1 } }), /must NOT have additional properties/);
  });

  it('one naming style: snake_case keys everywhere', () => {
    for (const o of outputs) {
      for (const k of keys(o.json)) assert.match(k.split('.').pop() ?? '', /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, `${o.name}: ${k}`);
    }
  });

  it('durations are rounded to the microsecond', () => {
    let n = 0;
    for (const o of outputs) {
      for (const s of durations(o.json)) {
        n++;
        assert.equal(Math.round(s * 1e6) / 1e6, s, `${o.name}: ${s}`);
      }
    }
    assert.ok(n >= 20, `${n} durations seen`);
  });

  it('the keys that options add are there, and NaN is the string "nan"', () => {
    const by = (name: string) => outputs.find((o) => o.name === name)?.json as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.match(by('create --checksum --out').checksum, /^[0-9a-f]{16}$/);
    assert.deepEqual(by('create --checksum --out').out.dataset, '/g/x');
    assert.equal(by('create --split none').counts, null);
    assert.equal(by('create full nan').sum, 'nan');
    const info = by('info FILE --stats --checksum');
    assert.equal(info.dataset.stored_type, 'little-endian float32');
    assert.equal(info.dataset.storage_size, 120);
    assert.equal(info.stats.count, 30);
    assert.equal(info.checksum, by('create --checksum --out').checksum);
    assert.equal(by('info --stats (NaN)').stats.nan_count, 5);
    assert.equal(by('info empty --stats').stats.min, null);
    assert.equal(info.read_bytes, 120);
    assert.equal(by('info FILE:/dataset (metadata only)').read_bytes, 0);
    assert.deepEqual(by('info FILE:/dataset (metadata only)').dataset.attributes, []);
    assert.deepEqual(by('info FILE --list').objects.map((o: { path: string }) => o.path), ['/', '/g', '/g/x']);
    const moved = by('resplit --checksum --out');
    assert.equal(moved.before.checksum, moved.checksum);
    assert.equal(moved.moved.ranks.length, 2);
    assert.equal(Number.isInteger(moved.moved.throughput_bytes_per_s), true);
    assert.equal(by('chunk --launch').launched, true);
    assert.equal(by('doctor --no-check').check, null);
  });
});
