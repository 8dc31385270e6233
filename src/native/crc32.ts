/**
 * The binding's CRC-32 (crc32.cc, the same values as zlib's) for the rank program's entry,
 * which checks the program's code cache with it (src/runtime/code-cache.ts): ranks load
 * the binding anyway, and node:zlib took 2-4 ms to load in each of them. Loaded without
 * the loader's help screen: when the binding does not load, or is a build from before
 * crc32, this says null and the caller uses zlib; the program then loads the binding
 * itself and reports what is wrong.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeFirstLoad, modulePaths } from './locate.js';

export type Crc32 = (data: Uint8Array) => number;

export function bindingCrc32(): Crc32 | null {
  const path = modulePaths('mpi_napi').find((p) => existsSync(p));
  if (!path) return null;
  beforeFirstLoad();
  try {
    const crc32 = (createRequire(import.meta.url)(path) as { crc32?: Crc32 }).crc32;
    return typeof crc32 === 'function' ? crc32 : null;
  } catch {
    return null;
  }
}
