/**
 * Loading a block that will only be read (info --stats/--checksum; the source of a resplit
 * or redistribute, which is sent and released) as a view of the file
 * itself: each rank maps its byte range of a contiguous dataset (src/native/hdf5-map.cc)
 * instead of reading it into a new block. A new block costs its first touch, which on our
 * machines is most of a load from the page cache (bench/RESULTS.md: 0.27 of 0.39 s for
 * 512 MiB per rank), and the copy; a mapping of page-cache pages costs neither.
 *
 * Only where the file holds the values exactly as memory does (contiguous, no
 * conversion) and a rank's block is one run of it (split along the first axis, or none);
 * every rank maps or none does (one allreduce), since a rank that falls back enters the
 * collective MPI-IO read. Up to MAP_RANKS ranks: each rank opens the file by itself with
 * HDF5's POSIX driver, which many ranks on a parallel file system should not all do.
 * The mapping is private (a write stays in the process), and reflects the file as it was
 * when HDF5 described it, even if another file is renamed onto the path meanwhile.
 */
import { loadH5, loadNative } from '../native/index.js';
import type { Comm } from './comm.js';
import { DNDarray } from './dndarray.js';
import { itemsize, parseDtype, typedView, type Dtype } from './dtypes.js';
import { chunk, normalizeSplit, numel, type Split } from './layout.js';
import { datasetDtype } from './dataset-checks.js';
import { spanBegin, spanEnd } from './trace.js';

/** the most ranks that map (each opens the file serially) */
export const MAP_RANKS = 64;

/** Collective: the loaded array as views of the file, or null when the file is read instead (on every rank). */
export function mapLoad(file: string, dataset: string, opts: { split?: Split; dtype?: Dtype }, comm: Comm): DNDarray | null {
  // DND_MAP=0 reads instead (the same values: test/e2e/file-map.test.ts compares them)
  if (comm.size > MAP_RANKS || process.env.DND_MAP === '0') return null;
  spanBegin('map file');
  let mine: { buffer: ArrayBuffer | null; dtype: Dtype; gshape: number[]; split: Split; lshape: number[] } | null = null;
  try {
    mine = mapMine(file, dataset, opts, comm);
  } catch {
    mine = null; // the read that follows fails the same way on every rank, with its message
  }
  // every rank maps, or none does
  const all = comm.allreduceNumber(mine ? 1 : 0, 'min') === 1;
  spanEnd({ mapped: all });
  if (!all) {
    if (mine?.buffer) loadNative().release(mine.buffer);
    return null;
  }
  const m = mine as NonNullable<typeof mine>;
  const n = numel(m.lshape);
  const larray = typedView(m.dtype, m.buffer ?? new ArrayBuffer(0), 0, m.buffer ? n : 0);
  return new DNDarray({ comm, dtype: m.dtype, gshape: m.gshape, split: m.split, larray, lshape: m.lshape, balanced: true });
}

/** This rank's mapping (buffer null: a rank without rows), or null when it cannot map. */
function mapMine(file: string, dataset: string, opts: { split?: Split; dtype?: Dtype }, comm: Comm) {
  const native = loadH5();
  const fid = native.h5Open(file, 'r', false);
  try {
    const info = native.h5Describe(fid, dataset);
    if (!info || info.allocated !== 'all' || numel(info.shape) === 0) return null;
    const stored = datasetDtype(info, file);
    const dtype = opts.dtype === undefined ? stored : parseDtype(opts.dtype);
    if (dtype !== stored) return null; // HDF5 converts while reading
    const split = normalizeSplit(opts.split === undefined ? null : opts.split, info.shape.length);
    if (split !== null && split !== 0) return null; // a block along another axis is strided in the file
    const ch = chunk(info.shape, split, comm.rank, comm.size);
    const bytes = numel(ch.lshape) * itemsize(dtype);
    const base = { dtype, gshape: info.shape, split, lshape: ch.lshape };
    if (bytes === 0) return { ...base, buffer: null };
    const rowBytes = numel(info.shape.slice(1)) * itemsize(dtype);
    const first = split === 0 ? ch.slices[0][0] * rowBytes : 0;
    const buffer = native.h5MapContiguous(fid, info.path, dtype, first, bytes);
    return buffer ? { ...base, buffer } : null;
  } finally {
    native.h5Close(fid);
  }
}
