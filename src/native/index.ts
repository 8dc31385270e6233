/**
 * Loader and typed surface of the native binding `mpi-napi` (C++ beside this file).
 *
 * This is the lowest layer (DESIGN.md §3: commands → runtime → dnd → native). It only
 * moves bytes and calls MPI / HDF5; all counts are in bytes and already validated by
 * the TypeScript callers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DndNativeError } from './errors.js';
import { beforeFirstLoad, modulePaths, PACKAGE_ROOT } from './locate.js';

export { DndNativeError } from './errors.js';

type Bytes = ArrayBufferView;

export interface NativeBinding {
  setErrorClass(ctor: typeof DndNativeError): void;
  /** MPI_Init_thread(FUNNELED) unless already initialised; returns the thread level provided */
  init(): number;
  finalize(): void;
  /** how many TCP sockets init() set TCP_NODELAY on (0 with DND_NAGLE, or before init) */
  quickSockets(): number;
  abort(code: number): never;
  rank(): number;
  size(): number;
  wtime(): number;
  processorName(): string;
  /** mpiLibrary: MPI_Get_library_version (what runs); builtWith: the mpi.h compiled against */
  versions(): { mpiLibrary: string; mpiStandard: string; builtWith: string };
  barrier(): void;
  bcast(buf: Bytes, root: number): void;
  allgather(send: Bytes, recv: Bytes): void;
  allgatherv(send: Bytes, recv: Bytes, counts: Float64Array, displs: Float64Array): void;
  gatherv(send: Bytes, recv: Bytes | null, counts: Float64Array | null, displs: Float64Array | null, root: number): void;
  alltoallv(send: Bytes, scounts: Float64Array, sdispls: Float64Array, recv: Bytes, rcounts: Float64Array, rdispls: Float64Array): void;
  /**
   * One MPI_Alltoallw of N-D boxes (subarray datatypes, no packing). Boxes hold, per
   * peer, ndim starts then ndim extents, in elements of `itemsize` bytes.
   */
  alltoallwBoxes(send: Bytes, sendShape: number[], recv: Bytes, recvShape: number[], itemsize: number, sendBoxes: Float64Array, recvBoxes: Float64Array): void;
  /** op: 0 sum, 1 min, 2 max; element type from the typed array */
  allreduce(send: Bytes, recv: Bytes, op: 0 | 1 | 2): void;
  /**
   * First touch of [offset, offset + length) of a fresh buffer, with (huge) or without
   * transparent huge-page advice; boundaries round to 2 MiB addresses so consecutive
   * ranges tile the buffer. Returns the bytes it covered.
   */
  prefault(buffer: ArrayBuffer, offset: number, length: number, huge: boolean): number;
  /**
   * Moves [offset, offset + length), already touched, onto transparent huge pages now
   * (MADV_COLLAPSE, same rounding as prefault); returns the bytes collapsed, 0 where the
   * kernel cannot (before Linux 6.1, THP off, no huge page to be had).
   */
  collapse(buffer: ArrayBuffer, offset: number, length: number): number;
  /**
   * Maps the pages of [offset, offset + length) for reading in one call (MADV_POPULATE_READ:
   * untouched pages map the zero page, nothing is allocated); returns the bytes covered, 0
   * where the kernel cannot (before Linux 5.14)
   */
  mapForRead(buffer: ArrayBuffer, offset: number, length: number): number;
  /** detaches a buffer so V8 frees it now (its views become empty); false if already detached */
  release(buffer: ArrayBuffer): boolean;
  /**
   * Puts src[srcOffset, +length) at dst[dstOffset, +length) (two buffers): the whole pages
   * of the range change owner (mremap, MREMAP_DONTUNMAP), the partial ones at its ends are
   * copied. Everything is copied where the two ranges sit at different places in a page or
   * the kernel refuses. The source range is left valid memory but its contents undefined
   * (moved pages read as zeros). Returns the bytes moved as pages.
   */
  movePages(dst: ArrayBuffer, dstOffset: number, src: ArrayBuffer, srcOffset: number, length: number): number;
  /** [the buffer's address modulo the page size, the page size] */
  pageOffset(buffer: ArrayBuffer): [number, number];
  /** kind: 0 uniform, 1 normal, 2 integer in [low, high) */
  philoxFill(array: Bytes, kind: 0 | 1 | 2, seed: bigint, start: bigint, low: number, high: number): void;
  /** the instruction set philoxFill runs with (DND_RANDOM_ISA=avx2|base forces a lesser one) */
  philoxIsa(): 'avx512' | 'avx2' | 'base';
  /**
   * One pass over a block (reduce.cc): [NaN count, +inf count, -inf count, overflowed
   * squares, min, max (NaN left out), then double-double (hi, lo) sums over the finite
   * values of x, of d = x - shift and of d^2] (int64 blocks ignore the shift)
   */
  momentSums(array: Bytes, shift: number): number[];
  /** fingerprint lanes of (local, global, length) runs of elements: two uint32 sums */
  fingerprintLanes(array: Bytes, runs: Float64Array): [number, number];
  /** zlib's CRC-32 of the bytes (crc32.cc; what the rank program's entry checks its code cache with) */
  crc32(data: Bytes): number;
  /** each of these signals becomes a SIGINT to this process, even while a synchronous script runs (signals.cc) */
  interruptOn(signals: number[]): void;
  /**
   * A thread that reads fd until end-of-file or an error, waits graceMs, then writes message
   * to stderr and ends the process with SIGKILL (lifeline.cc); false when one already watches
   */
  watchLifeline(fd: number, message: string, graceMs: number): boolean;
}

/** The parallel HDF5 module (mpi_h5), loaded only by jobs that touch files. */
export interface H5Binding {
  setErrorClass(ctor: typeof DndNativeError): void;
  /** version: the library loaded; builtWith: the hdf5.h compiled against */
  h5Version(): { version: string; builtWith: string; parallel: boolean };
  /** false when the file is not HDF5 (or unreadable) */
  h5IsHdf5(path: string): boolean;
  /** a file id (hid_t, 64-bit, hence BigInt); collective when parallel */
  h5Open(path: string, mode: 'r' | 'rw' | 'create', parallel: boolean): bigint;
  h5Close(fid: bigint): void;
  h5List(fid: bigint): H5DatasetInfo[];
  /** every link below the root (soft and external too), what each hard link leads to, its attribute count; the root's attributes; the user block's size */
  h5Links(fid: bigint): { links: H5LinkInfo[]; rootAttrs: number; userblock: number };
  /** null when there is no dataset at path */
  h5Describe(fid: bigint, path: string): H5DatasetInfo | null;
  /** every link of the file, the root first (metadata only: no dataset value is read) */
  h5Tree(fid: bigint): H5TreeEntry[];
  /** the attributes of the object at path, in name order */
  h5Attributes(fid: bigint, path: string): H5Attribute[];
  /** what is at path (its parent must exist); null: nothing */
  h5Kind(fid: bigint, path: string): 'group' | 'dataset' | 'named datatype' | 'broken link' | null;
  /** a contiguous dataset (and its intermediate groups); collective when parallel */
  h5Create(fid: bigint, path: string, dtype: string, shape: number[]): void;
  h5Delete(fid: bigint, path: string): void;
  /** one hyperslab per rank; with collective, every rank must call (empty blocks too) */
  h5Read(fid: bigint, path: string, array: Bytes, dtype: string, start: number[], count: number[], collective: boolean): void;
  h5Write(fid: bigint, path: string, array: Bytes, dtype: string, start: number[], count: number[], collective: boolean): void;
  /** fills array with the dataset's fill value (zeros if it has none); local, no I/O */
  h5Fill(fid: bigint, path: string, array: Bytes, dtype: string): void;
  /** a private mapping of bytes [start, start + length) of a contiguous dataset stored as dtype's memory type, or null (src/native/hdf5-map.cc) */
  h5MapContiguous(fid: bigint, path: string, dtype: string, byteStart: number, byteLength: number): ArrayBuffer | null;
  /** the file offset of a dataset's values allocated and stored as memory holds them, else null (direct-write.cc) */
  h5RawOffset(fid: bigint, path: string, dtype: string): number | null;
  /** writes the array's bytes at fileOffset of an existing file, whole pages with O_DIRECT (direct-write.cc) */
  directWrite(path: string, fileOffset: number, array: Bytes, mode: 'buffered' | 'direct' | 'measure', slowSecondsPerGiB: number): { direct: number; buffered: number; measured: number };
  /** while armed, SIGINT/SIGTERM/SIGHUP (and SIGBUS) remove `paths`, print the signal's line, exit 128+N (SIGBUS: 3); an empty line leaves that signal alone */
  armInterruptCleanup(paths: string[], onSigint: string, onSigterm: string, onSighup: string, onSigbus?: string): void;
  disarmInterruptCleanup(): void;
  /** collective when parallel: flush and sync the file to stable storage (MPI_File_sync) */
  h5Flush(fid: bigint): void;
}

export interface H5LinkInfo {
  path: string;
  link: 'hard' | 'soft' | 'external' | 'user';
  /** hard links: what the link leads to, and its attribute count */
  type?: 'group' | 'dataset' | 'named datatype';
  attrs?: number;
}

/** A dataset as HDF5 describes it; dtype is null when dnd cannot hold the stored type. */
export interface H5DatasetInfo {
  path: string;
  shape: number[];
  scalar: boolean;
  dtype: string | null;
  storedType: string;
  itemsize: number;
  layout: 'contiguous' | 'chunked' | 'compact' | 'virtual';
  chunks: number[] | null;
  filters: string[];
  /** filters this HDF5 library cannot run, named (lzf, szip, a missing plugin) */
  unavailableFilters: string[];
  /** how many external raw-data files the dataset keeps its values in (0: none) */
  externalFiles: number;
  storageSize: number;
  /** whether storage was ever allocated: a dataset created but never written has none */
  allocated: 'none' | 'part' | 'all';
  /** how far each axis may grow; null: unlimited */
  maxshape: (number | null)[];
  /** storedType with the inside of compound and array types spelled out */
  typeDetail: string;
  /** the type is a committed (named) datatype of the file */
  committedType: boolean;
}

/**
 * An attribute as HDF5 stores it. `value` is flat (row-major, `shape` gives the axes) and
 * read as `kind` says: float → numbers (NaN, ±inf kept), int/uint → bigints, enum →
 * member names (null outside the enum), string → bytes, complex → re, im pairs; null when
 * not read (other types, or above 1 MiB); shape null: an empty attribute (no value).
 */
export interface H5Attribute {
  name: Uint8Array;
  storedType: string;
  dtype: string | null;
  shape: number[] | null;
  kind: 'float' | 'int' | 'uint' | 'enum' | 'string' | 'complex' | null;
  value: (number | bigint | string | Uint8Array | null)[] | null;
}

/** One link of a file (h5Tree); names are bytes (HDF5 names need not be UTF-8). */
export interface H5TreeEntry {
  path: Uint8Array;
  link: 'root' | 'hard' | 'soft' | 'external' | 'user-defined';
  /** what the link leads to; null: dangling, external (not followed) or unknown */
  kind: 'group' | 'dataset' | 'datatype' | 'unknown' | null;
  /** the object's address in the file: two links with one address are one object */
  address?: number;
  /** the object was described at an earlier link */
  seen?: boolean;
  target?: Uint8Array;
  targetFile?: Uint8Array;
  dataset?: Omit<H5DatasetInfo, 'path'> & { path: string };
  storedType?: string;
  attributes?: H5Attribute[];
}

/** What scripts/build.sh recorded about a build (scripts/native-flags.mjs `json`). */
export interface NativeBuildInfo {
  /** the directory of the modules */
  dir: string;
  mpi: { family: 'openmpi' | 'mpich' | 'unknown'; name: string; version: string | null; mpicc: string | null; via: string; mpiexec: string | null };
  hdf5: { version: string | null; via: string; built_for: string; library: string | null };
}

/** The directory of the binding that would be loaded (the first candidate that exists), or null. */
export function nativeDir(): string | null {
  const path = modulePaths('mpi_napi').find((p) => existsSync(p));
  return path ? dirname(path) : null;
}

/** The record of the build that would be loaded, or null. */
export function nativeBuildInfo(): NativeBuildInfo | null {
  const dir = nativeDir();
  if (!dir) return null;
  try {
    const b = JSON.parse(readFileSync(`${dir}/native-build.json`, 'utf8')) as Omit<NativeBuildInfo, 'dir'>;
    return { dir, mpi: b.mpi, hdf5: b.hdf5 };
  } catch {
    return null; // built before builds were recorded, or by hand
  }
}

/**
 * How to rebuild, where dnd lives: a clone builds with its scripts; an installed package
 * (no scripts/build.sh shipped) is rebuilt by npm, which reruns scripts/install.mjs.
 */
export function rebuildAdvice(): { rebuild: string; build: string; installLog: string | null } {
  if (existsSync(`${PACKAGE_ROOT}scripts/build.sh`)) {
    return { rebuild: 'npm run build', build: 'npm run setup (installs MPI and HDF5 if missing, then builds)', installLog: null };
  }
  let installLog: string | null = null;
  try {
    installLog = readFileSync(`${PACKAGE_ROOT}build/install.log`, 'utf8').split('\n')[0] || null;
  } catch {
    // never attempted (installed with --ignore-scripts)
  }
  const rebuild = 'npm rebuild @dnd-hpc/dnd';
  return { rebuild, build: `${rebuild} (builds it where dnd is installed, with node-gyp; needs MPI, parallel HDF5 and a C++ compiler)`, installLog };
}

/** Turns every load failure into advice a user can act on. */
function helpScreen(failures: string[]): string {
  const { rebuild, build, installLog } = rebuildAdvice();
  const text = failures.join('\n');
  const lines = ["Could not load dnd's native binding (mpi-napi).", ...failures.map((f) => `  - ${f}`), 'Possible solutions:'];
  if (installLog) lines.splice(1, 0, `  - when dnd was installed: ${installLog}`);
  if (/libmpi/.test(text)) {
    lines.push(`  - MPI's shared library was not found: install it (Debian: apt-get install openmpi-bin libopenmpi-dev) or \`module load openmpi\`, then rebuild: ${rebuild}`);
  }
  if (/libhdf5/.test(text)) {
    lines.push(`  - the parallel HDF5 library was not found: install libhdf5-openmpi-dev or \`module load hdf5\` (a parallel build), then rebuild: ${rebuild}`);
  }
  if (/NODE_MODULE_VERSION|was compiled against a different Node/.test(text)) {
    lines.push(`  - the binding was built for another Node.js; rebuild it for ${process.version}: ${rebuild}`);
  }
  if (/not found|ENOENT|Cannot find/.test(text) || lines.length === failures.length + 2 + (installLog ? 1 : 0)) {
    lines.push(`  - build it: ${build}`);
  }
  lines.push('  - see what is installed: dnd doctor');
  return lines.join('\n');
}

const cache = new Map<string, unknown>();

/** Loads a module once; throws an Error whose message is the help screen. */
function load<T extends { setErrorClass(c: typeof DndNativeError): void }>(name: string): T {
  const hit = cache.get(name) as T | undefined;
  if (hit) return hit;
  const require = createRequire(import.meta.url);
  beforeFirstLoad();
  const failures: string[] = [];
  for (const path of modulePaths(name)) {
    if (!existsSync(path)) {
      failures.push(`${path}: not found`);
      continue;
    }
    try {
      const b = require(path) as T;
      b.setErrorClass(DndNativeError);
      cache.set(name, b);
      return b;
    } catch (e) {
      failures.push(`${path}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const err = new Error(helpScreen(failures));
  err.name = 'NativeLoadError';
  throw err;
}

/**
 * Checked by the launcher before any rank starts, without loading anything (the launcher
 * never loads MPI): when no built module exists at all, every rank would fail with only
 * the first line of the help screen, so the whole screen is shown here instead.
 */
export function nativeMissing(): Error | null {
  const failures: string[] = [];
  for (const name of ['mpi_napi', 'mpi_h5']) {
    const paths = modulePaths(name);
    if (!paths.some((p) => existsSync(p))) failures.push(...paths.map((p) => `${p}: not found`));
  }
  if (!failures.length) return null;
  const err = new Error(helpScreen(failures));
  err.name = 'NativeLoadError';
  return err;
}

/** MPI, memory and random: what every rank needs. */
export function loadNative(): NativeBinding {
  return load<NativeBinding>('mpi_napi');
}

/** Parallel HDF5 (also loads libhdf5): only for jobs that touch files. */
export function loadH5(): H5Binding {
  return load<H5Binding>('mpi_h5');
}

/** For `dnd doctor`: load without throwing. */
export function tryLoadNative(): { binding: NativeBinding | null; h5: H5Binding | null; error: string | null } {
  try {
    return { binding: loadNative(), h5: loadH5(), error: null };
  } catch (e) {
    return { binding: null, h5: null, error: (e as Error).message };
  }
}

