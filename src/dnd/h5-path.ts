/**
 * Dataset names inside an HDF5 file, in one spelling.
 *
 * HDF5 resolves a name component by component from the root: empty components (`//`, a
 * trailing `/`) are skipped, and so is `.` inside a group (a name ending in `.` is a
 * group's, never a dataset's), and a name without a leading `/` is taken from the
 * root group as well (h5py's `f['data']`). `..` is not a parent: HDF5 has no parent
 * links, so `/g/../data` names a link called `..` inside `/g` (and creating it makes a
 * group of that name). dnd reports and compares names in the form HDF5 reads them, so
 * `/./data`, `//data` and `data` are all `/data` in tables, JSON and the check that an
 * output does not replace its own input.
 */
import { usageError } from './errors.js';

/** `name` as HDF5 resolves it: `/a/b`, with no empty or `.` components. */
export function datasetPath(name: string): string {
  const given = name.split('/').filter((p) => p !== '');
  const parts = given.filter((p) => p !== '.');
  if (parts.length === 0) throw usageError(`dataset name '${name}' names the root group, not a dataset: give a path like /data or /group/name`);
  // HDF5 looks '.' up inside the object before it, so a name ending in '.' is a group's
  if (given.at(-1) === '.') throw usageError(`dataset name '${name}' ends in '.', which names a group, not a dataset: give a path like /data or /group/name`);
  return `/${parts.join('/')}`;
}

/**
 * The path a new dataset is created at. Refuses `..`: in HDF5 it would create a group
 * literally named `..`, never what `/g/../data` was meant to say.
 */
export function newDatasetPath(name: string): string {
  const path = datasetPath(name);
  if (path.split('/').includes('..')) {
    throw usageError(`dataset name '${name}' contains '..', which HDF5 does not read as the parent group (it would create a group named '..'): name the dataset from the root, e.g. /data or /group/name`);
  }
  return path;
}
