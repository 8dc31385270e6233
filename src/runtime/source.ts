/**
 * Sources of data commands: `FILE.h5[:/dataset]` or a generator `KIND:SHAPE`
 * (`randn:7,4,3`). Parsed and checked on the launcher, before any rank starts: a missing
 * file, a directory, a non-HDF5 file or a missing dataset is exit 2 with one line.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { datasetDtype, listDatasets, resolveDataset, type DatasetInfo } from '../dnd/io.js';
import type { Dtype } from '../dnd/dtypes.js';
import { usageError } from '../dnd/errors.js';
import { datasetPath } from '../dnd/h5-path.js';
import { loadH5 } from '../native/index.js';
import { fileKind } from './output.js';
import { unreadableSource } from './h5-open-error.js';
import { FACTORY_KINDS, type FactoryKind } from '../dnd/spec.js';

export type Source =
  | { type: 'file'; file: string; dataset: string | null }
  | { type: 'generator'; kind: FactoryKind; shape: number[] };

const GENERATOR = new RegExp(`^(${FACTORY_KINDS.join('|')}):(\\d+(?:,\\d+)*)$`);

export function parseSource(s: string): Source {
  if (s.trim() === '') throw usageError('Expected a source (FILE.h5[:/dataset] or KIND:SHAPE like randn:7,4,3) but received an empty string');
  const g = GENERATOR.exec(s);
  if (g && !existsSync(s)) return { type: 'generator', kind: g[1] as FactoryKind, shape: g[2].split(',').map(Number) };
  // FILE:/dataset — the dataset part starts with '/'; a file name may contain ':' itself
  const at = s.lastIndexOf(':/');
  if (at > 0 && !existsSync(s)) return { type: 'file', file: s.slice(0, at), dataset: datasetPath(s.slice(at + 1)) };
  return { type: 'file', file: s, dataset: null };
}

export interface FileFacts {
  file: string;
  bytes_on_disk: number;
  dataset: DatasetInfo;
  dtype: Dtype;
}

/** Checks, on the launcher, that `file` is a readable HDF5 file; its size on disk. */
export function checkHdf5File(file: string): number {
  if (!existsSync(file)) throw usageError(`${file}: no such file`);
  const st = statSync(file);
  if (st.isDirectory()) throw usageError(`${file} is a directory, not an HDF5 file`);
  // opening a FIFO blocks until someone writes to it; a device is no HDF5 file either
  if (!st.isFile()) throw usageError(`${file} is ${fileKind(st)}, not a regular file: dnd reads HDF5 files only`);
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw usageError(`${file}: permission denied (cannot read it)`);
  }
  const native = loadH5();
  if (!native.h5IsHdf5(file)) throw usageError(`${file} is not an HDF5 file (or it is truncated)`);
  return st.size;
}

/** Every dataset of a checked file (exit 2 when HDF5 cannot read its objects). */
export function fileDatasets(file: string): DatasetInfo[] {
  try {
    return listDatasets(file);
  } catch (e) {
    throw unreadableSource(file, e);
  }
}

/** Checks a file source on the launcher and describes its dataset. */
export function inspectFileSource(file: string, dataset: string | null): FileFacts {
  const size = checkHdf5File(file);
  const path = dataset === null ? null : datasetPath(dataset);
  // a named dataset is described alone (a file of 20,000 datasets took a second to list);
  // the whole list only to choose the only one, or to name them in an error
  const named = path === null ? [] : describeAt(file, path);
  const info = named.length === 1 ? named[0] : resolveDataset(file, path, fileDatasets(file));
  return { file, bytes_on_disk: size, dataset: info, dtype: datasetDtype(info, file) };
}

/**
 * The dataset at a path, if there is one there, as HDF5 resolves it: also through a soft
 * link or a further hard link (the listing of a file names each object once, at its first
 * path), which the ranks then open by the same path.
 */
function describeAt(file: string, path: string): DatasetInfo[] {
  const native = loadH5();
  let fid: bigint;
  try {
    fid = native.h5Open(file, 'r', false);
  } catch (e) {
    throw unreadableSource(file, e);
  }
  try {
    const d = native.h5Describe(fid, path);
    return d ? [d] : [];
  } catch {
    return [];
  } finally {
    native.h5Close(fid);
  }
}
