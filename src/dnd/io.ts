/**
 * HDF5 load and save of DNDarrays with parallel HDF5 (MPI-IO driver, collective
 * transfers). Each rank reads or writes only its own hyperslab: no rank ever holds the
 * whole dataset unless split is none.
 */
import { loadH5, type H5DatasetInfo } from '../native/index.js';
import { Comm } from './comm.js';
import { DNDarray } from './dndarray.js';
import { isComplex, itemsize, parseDtype, type Dtype, type TypedArray } from './dtypes.js';
import { DndError, usageError } from './errors.js';
import { datasetPath, newDatasetPath } from './h5-path.js';
import { chunk, normalizeSplit, numel, type Split } from './layout.js';
import { allocate } from './memory.js';
import { pieceBytes, pieceCount, rowRuns, workDone } from './pieces.js';
import { recorder } from './trace.js';
import { syncPath } from './sync-path.js';
import { mapLoad } from './io-map.js';
import { datasetDtype } from './dataset-checks.js';

export { checkReadable, datasetDtype } from './dataset-checks.js';

export type DatasetInfo = H5DatasetInfo;

/** Not collective: opens the file serially and describes every dataset. */
export function listDatasets(file: string): DatasetInfo[] {
  const native = loadH5();
  const fid = native.h5Open(file, 'r', false);
  try {
    return native.h5List(fid);
  } finally {
    native.h5Close(fid);
  }
}

/** the most dataset names an error line shows */
const NAMES_SHOWN = 8;

/**
 * Dataset paths for an error line: all of a few, the first NAMES_SHOWN of many and how many
 * more (one line, even for a file of 20,000 datasets; `dnd info FILE` lists them all).
 */
export function someNames(paths: string[]): string {
  if (paths.length <= NAMES_SHOWN) return paths.join(', ');
  return `${paths.slice(0, NAMES_SHOWN).join(', ')} and ${paths.length - NAMES_SHOWN} more`;
}

/** The dataset a source names, or the file's only one; a clear error otherwise. */
export function resolveDataset(file: string, dataset: string | null, all: DatasetInfo[]): DatasetInfo {
  if (dataset !== null) {
    const want = datasetPath(dataset);
    const found = all.find((d) => d.path === want);
    if (!found) {
      const names = someNames(all.map((d) => d.path)) || 'none';
      const parent = want.split('/').includes('..') ? " ('..' is a link name in HDF5, not the parent group)" : '';
      throw usageError(`${file} has no dataset ${want}${parent}: it holds ${names}`);
    }
    return found;
  }
  if (all.length === 1) return all[0];
  if (all.length === 0) throw usageError(`${file} holds no dataset`);
  throw usageError(`${file} holds ${all.length} datasets: name one as ${file}:/path (${someNames(all.map((d) => d.path))})`);
}

/**
 * ROMIO (the MPI-IO component dnd's launcher selects, OMPI_MCA_io=romio321) reads text
 * before a colon as a file-system prefix (`nfs:`, `lustre:`), so `a:b.h5` fails to open;
 * an explicit `ufs:` (the ordinary POSIX driver) makes it the file a:b.h5. Open MPI's
 * OMPIO, used when no component is chosen (an in-process job, `srun dnd`), takes names
 * as they are and does not know the prefix.
 */
export function mpioName(file: string, env: Record<string, string | undefined> = process.env): string {
  return file.includes(':') && /romio/i.test(env.OMPI_MCA_io ?? '') ? `ufs:${file}` : file;
}

let bytesRead = 0;

/**
 * Bytes this process has asked HDF5 to read from datasets so far (the hyperslabs of
 * load(); a dataset never written is filled with its fill value and reads nothing).
 * `dnd info` reports the sum over the ranks, so a metadata-only run shows that it read none.
 */
export function readBytes(): number {
  return bytesRead;
}

export interface LoadOptions {
  /** as Heat's `load(…, split=None)`: none by default, every rank reads the whole dataset */
  split?: Split;
  /** read as this dtype (HDF5 converts while reading, as h5py's `astype`); default: the stored one */
  dtype?: Dtype;
  comm?: Comm;
  /**
   * The caller only reads the values: each block may then be a private mapping of the file
   * (io-map.ts), which costs no fresh memory and no copy. Writes to it stay in this
   * process. While the array lives, the mapping keeps HDF5's shared file lock: h5py and
   * other locking HDF5 writers cannot open the file for writing meanwhile; a writer that
   * does not lock (HDF5_USE_FILE_LOCKING=FALSE) and changes the file in place may show.
   */
  readOnly?: boolean;
}

/**
 * Collective: every rank reads its chunk() of the dataset (Heat's `load(path, dataset,
 * dtype, split)`; split none by default, as Heat's).
 */
export function load(file: string, name: string, opts: LoadOptions = {}): DNDarray {
  const dataset = datasetPath(name);
  const comm = opts.comm ?? Comm.world();
  if (opts.readOnly) {
    const mapped = mapLoad(file, dataset, opts, comm);
    if (mapped) {
      bytesRead += mapped.lnbytes;
      workDone(mapped.lnbytes, mapped.lnbytes);
      return mapped;
    }
  }
  const native = loadH5();
  // No try/finally: closing is collective, and a rank that failed in the middle of a
  // collective call must not enter another one (the others are still in the first:
  // that is a deadlock). A failure here is fatal for the job; the caller aborts it.
  let t0 = recorder.on ? recorder.now() : -1;
  // a world of one without MPI (a one-rank job, runtime/launcher.ts) reads through HDF5's
  // POSIX driver: the same bytes, without MPI-IO, which needs MPI_Init
  const parallel = !comm.solo;
  const fid = parallel ? native.h5Open(mpioName(file), 'r', true) : native.h5Open(file, 'r', false);
  if (t0 >= 0) recorder.collective('H5Fopen', t0, { bytes: 0, pattern: 'io' });
  const info = native.h5Describe(fid, dataset);
  if (!info) throw new DndError('job', `${file} has no dataset ${dataset}`);
  const stored = datasetDtype(info, file);
  const dtype = opts.dtype === undefined ? stored : parseDtype(opts.dtype);
  if (isComplex(dtype) !== isComplex(stored)) throw usageError(`load: ${file}:${info.path} holds ${stored}; it cannot be read as ${dtype} (complex and real types do not convert)`);
  const split = normalizeSplit(opts.split === undefined ? null : opts.split, info.shape.length);
  const ch = chunk(info.shape, split, comm.rank, comm.size);
  // A block that will be written whole may be a released block's memory (memory.ts): by
  // the read when all storage exists, by h5Fill when none does. Not when only some chunks
  // were written: HDF5 leaves the rest of the buffer untouched when the dataset's fill
  // time is NEVER (or its fill value undefined), and those values must be the zeros they
  // always were, never the bytes of an array released before.
  const larray = allocate(dtype, ch.lshape.reduce((a, b) => a * b, 1), { reuse: info.allocated !== 'part' });
  if (t0 >= 0) t0 = recorder.now();
  // Decided from global facts only, so every rank takes the same branch: an empty array
  // has no storage to read (HDF5 fails with "addr overflow"), and a dataset never written
  // holds only its fill value (a collective read of it with an empty block spins forever
  // inside HDF5 1.10). A chunked dataset with only some chunks written is read with
  // independent transfers: HDF5 1.10's collective chunk read fails there with
  // MPI_ERR_TYPE on a rank whose chunks are all missing.
  if (info.allocated === 'none') native.h5Fill(fid, info.path, larray, dtype);
  else if (numel(info.shape) > 0) {
    // the largest block is rank 0's (chunk() gives the extra rows to the first ranks)
    const largest = numel(chunk(info.shape, split, 0, comm.size).lshape) * itemsize(dtype);
    inPieces(larray, ch.lshape, ch.slices.map((s) => s[0]), largest, (part, start, count) => native.h5Read(fid, info.path, part, dtype, start, count, parallel && info.allocated === 'all'));
  }
  if (t0 >= 0) recorder.collective('H5Dread', t0, { bytes: 0, recv_bytes: larray.byteLength, pattern: 'io' });
  if (info.allocated !== 'none') bytesRead += larray.byteLength;
  if (t0 >= 0) t0 = recorder.now();
  native.h5Close(fid);
  if (t0 >= 0) recorder.collective('H5Fclose', t0, { bytes: 0, pattern: 'io' });
  return new DNDarray({ comm, dtype, gshape: info.shape, split, larray, lshape: ch.lshape, balanced: true });
}

export interface SaveOptions {
  /** 'create': a new file (truncating); 'append': add the dataset to an existing file */
  mode: 'create' | 'append';
  /** with append: replace a dataset of the same name */
  replace?: boolean;
  /** flush and sync the file to stable storage before closing it (default true) */
  durable?: boolean;
}

/**
 * How a save writes the values of a dataset whose storage allows writing around HDF5
 * (contiguous, stored as memory holds it, split along the first axis or none): each rank
 * writes its own byte range of the file itself (src/native/direct-write.cc), either
 * around the page cache too (O_DIRECT) or through it.
 * - 'direct': durable writes (the default). Their bytes must reach the disk before the save
 *   returns anyway, and a buffered write first needs a fresh page-cache page for every
 *   4 KiB, which on our VMs costs more than the disk (bench/RESULTS.md, "direct writes").
 * - 'measure': `--no-fsync` writes. Each rank writes through the page cache, the fastest way
 *   to return where fresh memory is cheap, in timed steps, and goes around it for the rest
 *   as soon as a step is slower than the disk would be (SLOW_PAGES).
 * - 'hdf5': DND_DIRECT=off, HDF5's own collective write, as before. DND_DIRECT=on makes
 *   every write 'direct'.
 */
export type WritePolicy = 'direct' | 'measure' | 'hdf5';

export function writePolicy(durable: boolean, env: Record<string, string | undefined> = process.env): WritePolicy {
  if (env.DND_DIRECT === 'off') return 'hdf5';
  if (env.DND_DIRECT === 'on' || durable) return 'direct';
  return 'measure';
}

/** a buffered step slower than this (seconds per GiB: ~1 GB/s, a disk's own speed) makes the page cache the slower way to the file */
export const SLOW_PAGES = 1.0;

/**
 * Collective: every rank writes its own block into `file`:`dataset`. A failure is fatal
 * for the job (see load): the file is left as it is, and the caller aborts the job.
 */
export function save(x: DNDarray, file: string, name: string, opts: SaveOptions): void {
  const dataset = newDatasetPath(name);
  const native = loadH5();
  let t0 = recorder.on ? recorder.now() : -1;
  // a world of one without MPI writes through HDF5's POSIX driver, as it reads (load):
  // the same file, without MPI-IO's start; its durability is an fsync after the close
  const parallel = !x.comm.solo;
  const fid = parallel ? native.h5Open(mpioName(file), opts.mode === 'create' ? 'create' : 'rw', true) : native.h5Open(file, opts.mode === 'create' ? 'create' : 'rw', false);
  if (t0 >= 0) recorder.collective('H5Fopen', t0, { bytes: 0, pattern: 'io' });
  if (opts.mode === 'append' && native.h5Describe(fid, dataset)) {
    if (!opts.replace) throw new DndError('job', `${file} already has a dataset ${dataset}`);
    native.h5Delete(fid, dataset);
  }
  if (t0 >= 0) t0 = recorder.now();
  native.h5Create(fid, dataset, x.dtype, x.gshape);
  if (t0 >= 0) recorder.collective('H5Dcreate', t0, { bytes: 0, pattern: 'io' });
  if (t0 >= 0) t0 = recorder.now();
  const written = x.gnumel === 0 || (x.split === null && x.rank !== 0) ? 0 : x.lnbytes;
  // from global facts only (the dataset's offset is the same on every rank), so every
  // rank takes the same branch: the HDF5 branch is collective
  const policy = writePolicy(opts.durable !== false);
  const rawOffset = x.gnumel > 0 && (x.split === 0 || x.split === null) && policy !== 'hdf5' ? native.h5RawOffset(fid, dataset, x.dtype) : null;
  let direct = 0;
  let measured = 0;
  // --no-fsync: the ranks of one host write at once through one page cache to one disk
  // and share their speed alike, so a step counts as slow against their number; ranks on
  // other hosts have their own (a collective of every rank: all take this branch)
  const slow = rawOffset !== null && policy === 'measure' ? SLOW_PAGES * (x.split === 0 ? writersOnThisHost(x.comm, written > 0) : 1) : SLOW_PAGES;
  if (rawOffset !== null) {
    // each rank writes its own byte range of the values, around HDF5 (nothing collective)
    if (x.split === 0 || x.rank === 0) {
      const b = x.larray as ArrayBufferView;
      if (b.buffer instanceof ArrayBuffer) x.comm.native.mapForRead(b.buffer, b.byteOffset, b.byteLength);
      const rowBytes = numel(x.gshape.slice(1)) * itemsize(x.dtype);
      const first = x.split === 0 ? x.offset : 0;
      const start = x.lshape.map((_, i) => (i === 0 ? first : 0));
      inPieces(x.larray, x.lshape, start, x.lnbytes, (part, pstart) => {
        const r = native.directWrite(file, rawOffset + pstart[0] * rowBytes, part, policy === 'direct' ? 'direct' : 'measure', slow);
        direct += r.direct;
        measured = Math.max(measured, r.measured);
      });
    }
  } else if (x.gnumel === 0) {
    // nothing to write, and no storage to write it to (see load); every rank knows it
  } else if (x.split === null && x.rank !== 0) {
    // every rank holds the whole array: rank 0 writes it, the others take part empty,
    // in as many calls as rank 0 makes
    const none = x.gshape.map((d, i) => (i === 0 ? 0 : d));
    inPieces(x.larray.subarray(0, 0), none, x.gshape.map(() => 0), x.gnbytes, (part, pstart, count) => native.h5Write(fid, dataset, part, x.dtype, pstart, count, parallel));
  } else if (x.split === null) {
    inPieces(x.larray, x.lshape, x.gshape.map(() => 0), x.gnbytes, (part, pstart, count) => native.h5Write(fid, dataset, part, x.dtype, pstart, count, parallel));
  } else {
    const offset = x.offset;
    const start = x.lshape.map((_, i) => (i === x.split ? offset : 0));
    // a block that was never touched (zeros, empty) would be faulted in page by page
    // inside the write: map it in one call first (a no-op for touched pages)
    const b = x.larray as ArrayBufferView;
    if (b.buffer instanceof ArrayBuffer) x.comm.native.mapForRead(b.buffer, b.byteOffset, b.byteLength);
    // pieces need the largest block of any rank (a collective, once, and only when watched)
    const largest = pieceBytes() > 0 ? x.lshapeMap.reduce((m, l) => Math.max(m, numel(l)), 0) * itemsize(x.dtype) : 0;
    inPieces(x.larray, x.lshape, start, largest, (part, pstart, count) => native.h5Write(fid, dataset, part, x.dtype, pstart, count, parallel));
  }
  if (t0 >= 0) recorder.collective('H5Dwrite', t0, { bytes: written, pattern: 'io', ...(rawOffset !== null ? { direct, ...(policy === 'measure' ? { buffered_s_per_gib: measured, slow_s_per_gib: slow } : {}) } : {}) });
  // MPI-IO's flush is MPI_File_sync; the POSIX driver's only hands HDF5's buffers to the OS
  if (opts.durable !== false && parallel) native.h5Flush(fid);
  if (t0 >= 0) t0 = recorder.now();
  native.h5Close(fid);
  if (opts.durable !== false && !parallel) syncPath(file);
  if (t0 >= 0) recorder.collective('H5Fclose', t0, { bytes: 0, pattern: 'io' });
}

/** Collective: how many ranks on this rank's host write (`writes` for this one), at least 1. */
function writersOnThisHost(comm: Comm, writes: boolean): number {
  const host = comm.host();
  const all = comm.allgatherJSON<[string, boolean]>([host, writes]);
  return Math.max(1, all.filter(([h, w]) => h === host && w).length);
}

/**
 * One block transfer, in pieces of whole rows when someone watches (pieces.ts): the same
 * number of calls on every rank, given the largest block of any rank in bytes.
 */
function inPieces(larray: TypedArray, lshape: readonly number[], start: readonly number[], largestBytes: number, each: (part: TypedArray, start: number[], count: number[]) => void): void {
  const count = lshape.length ? pieceCount(largestBytes, pieceBytes()) : 1;
  if (count === 1) {
    each(larray, [...start], [...lshape]);
    workDone(larray.byteLength, larray.byteLength);
    return;
  }
  const rowLen = lshape[0] > 0 ? larray.length / lshape[0] : 0;
  for (const [a, b] of rowRuns(lshape[0], count)) {
    each(larray.subarray(a * rowLen, b * rowLen), [start[0] + a, ...start.slice(1)], [b - a, ...lshape.slice(1)]);
    workDone(b * rowLen * larray.BYTES_PER_ELEMENT, larray.byteLength);
  }
}
