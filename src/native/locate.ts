/**
 * Where the binding's modules are, and what must be set before the first of them loads.
 * Shared by the loader (index.ts) and the rank program's entry, which loads the binding
 * before the program itself (crc32.ts) and must not carry the whole loader for that.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** the package root (this module also runs bundled, always two levels below it) */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where a module may be, in order; DND_NATIVE_DIR overrides (e.g. a second build against
 * another MPI, scripts/build.sh --native-dir). A relative directory is taken from the
 * current one: require() would read a bare relative path as a package name.
 */
export function modulePaths(name: string): string[] {
  const list = [`${PACKAGE_ROOT}build/Release/${name}.node`, `${PACKAGE_ROOT}build/Debug/${name}.node`];
  if (process.env.DND_NATIVE_DIR) list.unshift(resolve(process.env.DND_NATIVE_DIR, `${name}.node`));
  return list;
}

/**
 * MPICH (Debian's is built on UCX) with UCX's memory hooks on crashed Node processes now
 * and then: a segfault inside V8 reading its own heap, in 4 of 150 starts of a small job
 * here, none in 110 with the hooks off. The hooks only feed UCX's registration cache
 * (RDMA networks); UCX reads the setting when the binding's libraries load, so it is set
 * before the first load, and a user's own UCX_MEM_EVENTS wins. Open MPI ignores it.
 */
export function beforeFirstLoad(): void {
  if (process.env.UCX_MEM_EVENTS === undefined) process.env.UCX_MEM_EVENTS = 'no';
}
