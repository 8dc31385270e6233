/**
 * Loading a CommonJS bundle with V8's code cache (src/runtime/code-cache.ts) and import()
 * inside such a bundle (scripts/dynamic-imports.mjs): each case in fresh Node processes,
 * one that writes the cache and one that loads with it, as the build and dnd do. The
 * loaded module must behave as require() would have it in every case; the cache is used
 * only when V8 accepts it for exactly these bytes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'acorn';
import { tempDir } from '../helpers/files.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CODE_CACHE = `${ROOT}dist/runtime/code-cache.js`;
const IMPORTS = `${ROOT}scripts/dynamic-imports.mjs`;

function node(code: string, env: Record<string, string> = {}, flags: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small bundle as the build leaves one: the banner, then code with import() (rewritten) and "import(" in a string. */
function makeBundle(dir: string, answer = 42): string {
  writeFileSync(join(dir, 'dep.mjs'), 'export const dep = "from dep.mjs";\n');
  const file = join(dir, 'bundle.cjs');
  const r = node(`import { IMPORT_BANNER, rewriteDynamicImports } from ${JSON.stringify(IMPORTS)};
import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(file)}, "'use strict';\\n" + IMPORT_BANNER + '\\n' + ${JSON.stringify(`let loads = (globalThis.__loads ?? 0) + 1; globalThis.__loads = loads;
const note = "see import() of dep";
module.exports = { answer: ${answer}, note, loads, dir: __dirname, strict: (function () { return this === undefined; })(), dep: () => import('./dep.mjs').then((m) => m.dep) };
`)});
console.log(rewriteDynamicImports(${JSON.stringify(file)}));`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1', 'one import() rewritten');
  return file;
}

function writeCache(file: string, flags: string[] = []): void {
  const r = node(`import { writeCodeCache } from ${JSON.stringify(CODE_CACHE)}; writeCodeCache(${JSON.stringify(file)});`, {}, flags);
  assert.equal(r.status, 0, r.stderr);
}

/** Loads the bundle in a fresh process; what it exports and how its cache was used. */
function load(file: string, env: Record<string, string> = {}, flags: string[] = []): { use: string; answer: number; note: string; dep: string; same: boolean; strict: boolean; dir: string } {
  const r = node(
    `import { createRequire } from 'node:module';
import { requireBundle, codeCacheUse } from ${JSON.stringify(CODE_CACHE)};
const file = ${JSON.stringify(file)};
const m = requireBundle(file);
const again = requireBundle(file);
const viaRequire = createRequire(import.meta.url)(file);
console.log(JSON.stringify({ use: codeCacheUse(file), answer: m.answer, note: m.note, dep: await m.dep(), same: m === again && m === viaRequire && m.loads === 1, strict: m.strict, dir: m.dir }));`,
    env,
    flags,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'nothing on stderr (no warning)');
  return JSON.parse(r.stdout) as ReturnType<typeof load>;
}

describe('bundles with their V8 code cache (requireBundle, writeCodeCache)', () => {
  it('accepted: the same module as require() gives, loaded once, strict, its import() of a relative module works', () => {
    const dir = tempDir();
    const file = makeBundle(dir);
    writeCache(file);
    const r = load(file);
    assert.deepEqual(r, { use: 'accepted', answer: 42, note: 'see import() of dep', dep: 'from dep.mjs', same: true, strict: true, dir });
  });

  it('without a cache, with DND_CODE_CACHE=0, under flags V8 rejects it for, for other bytes of the same length, damaged: plain behaviour', () => {
    const dir = tempDir();
    const file = makeBundle(dir);
    const expect = { answer: 42, note: 'see import() of dep', dep: 'from dep.mjs', same: true, strict: true, dir };
    assert.deepEqual(load(file), { use: 'none', ...expect });
    writeCache(file);
    assert.deepEqual(load(file, { DND_CODE_CACHE: '0' }), { use: 'off', ...expect });
    // V8 rejects a cache made under flags that change its hash
    assert.deepEqual(load(file, {}, ['--max-old-space-size=3000']), { use: 'rejected', ...expect });
    // the header's hash, not V8's length check, catches an edit of the same length
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('answer: 42', 'answer: 43'));
    assert.deepEqual(load(file), { use: 'stale', ...expect, answer: 43 });
    // damaged cache data (V8 would crash on it) or a cut-off file: never handed to V8
    writeCache(file);
    const cache = readFileSync(`${file}.v8cache`);
    const damaged = Buffer.from(cache);
    for (let i = 60; i < damaged.length; i += 7) damaged[i] ^= 0x5a;
    writeFileSync(`${file}.v8cache`, damaged);
    assert.deepEqual(load(file), { use: 'stale', ...expect, answer: 43 });
    const oneBit = Buffer.from(cache);
    oneBit[oneBit.length >> 1] ^= 0x10;
    writeFileSync(`${file}.v8cache`, oneBit);
    assert.deepEqual(load(file), { use: 'stale', ...expect, answer: 43 });
    writeFileSync(`${file}.v8cache`, cache.subarray(0, cache.length >> 1));
    assert.deepEqual(load(file), { use: 'stale', ...expect, answer: 43 });
    writeFileSync(`${file}.v8cache`, cache);
    assert.deepEqual(load(file), { use: 'accepted', ...expect, answer: 43 });
  });

  it("the build's bundles: no import() left outside the banner, and this Node accepts their caches", () => {
    const commands = ['create', 'info', 'resplit', 'redistribute', 'chunk'].map((c) => `dist/commands/${c}.cjs`);
    for (const f of ['dist/vendor/oclif-core.cjs', 'dist/rank/program.cjs', 'dist/rank/rank.cjs', ...commands]) {
      const text = readFileSync(`${ROOT}${f}`, 'utf8');
      const ast = parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
      const imports: number[] = [];
      const visit = (n: unknown): void => {
        if (!n || typeof n !== 'object') return;
        const node = n as { type?: string; start?: number };
        if (node.type === 'ImportExpression') imports.push(node.start ?? -1);
        for (const v of Object.values(n)) {
          if (Array.isArray(v)) v.forEach(visit);
          else visit(v);
        }
      };
      visit(ast);
      assert.equal(imports.length, 1, `${f}: only the banner's import() (at ${imports.join(', ')})`);
      assert.ok(imports[0] < text.indexOf('\n', text.indexOf('__dndImport')) + 1, `${f}: the one import() is the banner's`);
    }
    // oclif and a data command as the CLI loads them (dist/cli/oclif.js, the command's stub); the rank program as ranks start it, without a job
    const cli = node(`await import(${JSON.stringify(`${ROOT}dist/cli/oclif.js`)});
const create = (await import(${JSON.stringify(`${ROOT}dist/commands/create.js`)})).default;
import { codeCacheUse } from ${JSON.stringify(CODE_CACHE)};
console.log(codeCacheUse(${JSON.stringify(`${ROOT}dist/vendor/oclif-core.cjs`)}), codeCacheUse(${JSON.stringify(`${ROOT}dist/commands/create.cjs`)}), typeof create.run);`);
    assert.equal(cli.stdout.trim(), 'accepted accepted function', cli.stderr);
    // checked with the binding's CRC-32, as dist/rank/rank.cjs does: node:zlib is never loaded
    const rank = node(`import { requireBundle, codeCacheUse } from ${JSON.stringify(CODE_CACHE)};
import { bindingCrc32 } from ${JSON.stringify(`${ROOT}dist/native/crc32.js`)};
const f = ${JSON.stringify(`${ROOT}dist/rank/program.cjs`)};
process.on('exit', () => console.log(codeCacheUse(f), process.moduleLoadList.includes('NativeModule zlib')));
requireBundle(f, bindingCrc32());`, {}, ['--single-threaded-gc']);
    assert.equal(rank.stdout.trim(), 'accepted false', rank.stderr);
    assert.match(rank.stderr, /^dnd rank 0: /, 'the program ran and said it has no job');
  });

  it("the binding's CRC-32 (src/native/crc32.cc) is zlib's: every length 0-300 at offsets 0-7, and larger random blocks", () => {
    const r = node(`import { bindingCrc32 } from ${JSON.stringify(`${ROOT}dist/native/crc32.js`)};
import zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
const crc = bindingCrc32();
const wrong = [];
const check = (b, what) => { if (crc(b) !== zlib.crc32(b)) wrong.push(what); };
for (let len = 0; len <= 300; len++) for (let off = 0; off < 8; off++) check(randomBytes(len + off).subarray(off), len + '@' + off);
for (let k = 0; k < 20; k++) { const len = 1 + Math.floor(Math.random() * 3e6); check(randomBytes(len), 'random ' + len); }
check(new Uint8Array(1 << 20), 'zeros');
check(new Uint8Array(1 << 20).fill(255), 'ones');
check(new Float64Array([Math.PI, -0, NaN]), 'a Float64Array');
console.log(JSON.stringify({ checkValue: crc(Buffer.from('123456789')).toString(16), wrong }));`);
    assert.equal(r.status, 0, r.stderr);
    // 0xcbf43926: the standard check value of this CRC
    assert.deepEqual(JSON.parse(r.stdout), { checkValue: 'cbf43926', wrong: [] });
  });

  it("the build's caches are written after a real run of each data command and of a rank's job (scripts/code-cache.mjs): none of those runs fails", () => {
    const r = spawnSync(process.execPath, [`${ROOT}scripts/code-cache.mjs`], { encoding: 'utf8', env: { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'no warm-up run fell back to the load alone');
    for (const f of ['dist/vendor/oclif-core.cjs', 'dist/rank/program.cjs', 'dist/commands/create.cjs', 'dist/commands/chunk.cjs']) assert.ok(existsSync(`${ROOT}${f}.v8cache`), f);
  });
});
