/**
 * What dnd can load of a dataset, from its description: a stored type it can hold, and
 * storage it can read in parallel. Used by the launcher before a job (runtime/source.ts)
 * and by both ways of loading (io.ts reads, io-map.ts maps).
 */
import type { H5DatasetInfo as DatasetInfo } from '../native/index.js';
import { isDtype, type Dtype } from './dtypes.js';
import { usageError } from './errors.js';

/** Checks that dnd can hold the dataset's stored type. */
export function datasetDtype(info: DatasetInfo, file: string): Dtype {
  if (info.dtype === null || !isDtype(info.dtype)) {
    throw usageError(`${file}:${info.path} stores ${info.storedType} values, which dnd cannot load: supported are float32/64, int8/16/32/64, uint8/16/32, bool and complex64/128 (h5py's compound of r and i)`);
  }
  if (info.scalar) throw usageError(`${file}:${info.path} is a scalar dataset: there is no axis to distribute`);
  checkReadable(info, file);
  return info.dtype;
}

/** Storage dnd cannot read in parallel: refused before any rank opens the file. */
export function checkReadable(info: DatasetInfo, file: string): void {
  const where = `${file}:${info.path}`;
  if (info.unavailableFilters.length > 0) {
    const names = info.unavailableFilters.join(', ');
    throw usageError(`${where} is compressed with ${names}, a filter this HDF5 library does not have: rewrite it with gzip or no compression (h5repack -f GZIP=4), or put the filter plugin on HDF5_PLUGIN_PATH`);
  }
  if (info.layout === 'virtual') throw usageError(`${where} is a virtual dataset (its values live in other files): dnd reads only datasets stored in the file itself; copy it to a real one (h5repack -l CONTI)`);
  if (info.externalFiles > 0) throw usageError(`${where} keeps its values in ${info.externalFiles} external file(s), which parallel HDF5 cannot read: copy it into the file (h5repack -l CONTI)`);
}
