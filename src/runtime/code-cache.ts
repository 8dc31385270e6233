/**
 * dnd's CommonJS bundles (oclif's, dist/vendor/oclif-core.cjs; the rank program,
 * dist/rank/program.cjs) are loaded with V8's code cache for them, written beside each by
 * the build (scripts/code-cache.mjs, which calls writeCodeCache): V8 then neither parses
 * nor compiles what it had compiled when the cache was made, the module's own load
 * included. oclif's bundle took 44-68 ms to load here without, 25-28 ms with.
 *
 * A cache is used only for the very bytes it was made from, and only as it was written:
 * its header holds the CRC-32 and length of the source (V8 itself compares only the
 * source's length) and of the cache data (V8 trusts the data it is given: damaged data
 * crashed Node in its deserializer, a fatal error, not an exception). CRC-32 (node:zlib,
 * Node >= 20.15) rather than a cryptographic hash: the check is against accidents, not
 * adversaries (whoever can write the cache can write the bundle), and node:crypto took
 * 4-6 ms to load in every rank here. node:zlib took 2-4 ms itself, so it is loaded only
 * when the caller has no CRC-32 of its own: ranks pass the binding's, which they load
 * anyway (src/native/crc32.ts). On an older Node the CLI's bundles load with plain
 * require(), as with DND_CODE_CACHE=0. V8 rejects a cache made by another
 * Node or with other V8 flags; the file is then compiled as if there were none (and
 * `npm rebuild`, or the build, writes a new one). import() inside the bundles goes
 * through registerImport's function.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';
import type { Crc32 } from '../native/crc32.js';

/** What became of a bundle's cache: 'accepted' by V8, 'rejected' by it, 'stale' (made from other bytes, or damaged), 'none' (no file), 'off'. */
export type CodeCacheUse = 'accepted' | 'rejected' | 'stale' | 'none' | 'off';

// The header: magic, then CRC-32 and byte length of the source, then of the cache data.
const MAGIC = Buffer.from('dndcc1\0\0');
const HEADER_BYTES = MAGIC.length + 16;

/** zlib.crc32 (Node >= 20.15 and 22.2), loaded on first use; null on older Nodes. */
let zlibCrc32: Crc32 | null | undefined;
function nodeCrc32(): Crc32 | null {
  if (zlibCrc32 === undefined) zlibCrc32 = (createRequire(import.meta.url)('node:zlib') as { crc32?: Crc32 }).crc32 ?? null;
  return zlibCrc32;
}
const uses = new Map<string, CodeCacheUse>();

/** Where the cache of a bundle is written. */
export function codeCachePath(file: string): string {
  return `${file}.v8cache`;
}

/** How this process loaded a bundle through requireBundle (undefined: not at all). */
export function codeCacheUse(file: string): CodeCacheUse | undefined {
  return uses.get(file);
}

/**
 * import() of a bundle loaded here: Node 20 fails import() itself in a script restored
 * from a code cache, so the bundles call this instead (scripts/dynamic-imports.mjs), with
 * specifiers already absolute. An ES module's import(): Node's own loader.
 */
function registerImport(): void {
  const key = Symbol.for('dnd.import');
  const g = globalThis as Record<symbol, unknown>;
  g[key] ??= (specifier: string) => import(specifier);
}

function header(source: Buffer, cached: Buffer, crc32: Crc32): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h);
  h.writeUInt32LE(crc32(source), MAGIC.length);
  h.writeUInt32LE(source.length, MAGIC.length + 4);
  h.writeUInt32LE(crc32(cached), MAGIC.length + 8);
  h.writeUInt32LE(cached.length, MAGIC.length + 12);
  return h;
}

/** A CommonJS file as Node's loader wraps it; a `#!` line (valid only at a script's very start) becomes a comment. */
function compile(file: string, source: Buffer, cachedData?: Buffer): vm.Script {
  const text = source.toString('utf8').replace(/^#!/, '//');
  return new vm.Script(Module.wrap(text), { filename: file, cachedData });
}

/** Evaluates a compiled bundle as Node's loader would, registered in require.cache first (as Node does, for cycles). */
function evaluate(file: string, script: vm.Script, req: NodeJS.Require): unknown {
  const m = new Module(file);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  req.cache[file] = m;
  try {
    (script.runInThisContext() as (...a: unknown[]) => void).call(m.exports, m.exports, req, m, file, dirname(file));
  } catch (e) {
    delete req.cache[file];
    throw e;
  }
  m.loaded = true;
  return m.exports;
}

/**
 * require(file), with the build's code cache of it when there is one for these bytes;
 * `crc32` checks the cache's header (default: zlib's, loaded then).
 */
export function requireBundle(file: string, crc32?: Crc32 | null): unknown {
  const req = createRequire(file);
  const loaded = req.cache[file];
  if (loaded) return loaded.exports;
  registerImport();
  const crc = process.env.DND_CODE_CACHE === '0' ? null : (crc32 ?? nodeCrc32());
  if (!crc) {
    uses.set(file, 'off');
    return req(file);
  }
  let data: Buffer;
  try {
    data = readFileSync(codeCachePath(file));
  } catch {
    uses.set(file, 'none');
    return req(file);
  }
  const source = readFileSync(file);
  const cached = data.subarray(HEADER_BYTES);
  if (data.length <= HEADER_BYTES || !header(source, cached, crc).equals(data.subarray(0, HEADER_BYTES))) {
    uses.set(file, 'stale');
    return req(file);
  }
  const script = compile(file, source, cached);
  uses.set(file, script.cachedDataRejected ? 'rejected' : 'accepted');
  return evaluate(file, script, req);
}

/**
 * Makes the code cache of a bundle (the build, scripts/code-cache.mjs): loads it in this
 * process, so that what its load compiles is in the cache too, and writes the cache when
 * the process exits (a bundle may end the process while it loads: the rank program
 * without a job). Returns what the load returned, or throws what it threw.
 */
export function writeCodeCache(file: string): unknown {
  registerImport();
  const source = readFileSync(file);
  const script = compile(file, source);
  // without zlib.crc32 the CLI could not check a cache when it loads one: none is written
  const crc32 = nodeCrc32();
  if (crc32) {
    process.on('exit', () => {
      const out = codeCachePath(file);
      const cached = script.createCachedData();
      writeFileSync(`${out}.tmp`, Buffer.concat([header(source, cached, crc32), cached]));
      renameSync(`${out}.tmp`, out);
    });
  }
  return evaluate(file, script, createRequire(file));
}
