/**
 * Why the launcher could not open an HDF5 file, as one line (exit 2). The common case that
 * HDF5's own words hide: another program has the file open for writing (h5py's
 * File(…, "a") in a notebook, say), and HDF5's file lock keeps every other open out.
 */
import { usageError, type DndError } from '../dnd/errors.js';

/** HDF5's words for a lock held elsewhere (src/native/hdf5.cc keeps the system's reason) */
const LOCKED = /unable to lock file/;

/** The file is locked by a writer: what to do about it. */
export function lockedByWriter(file: string): string {
  return `${file} is open for writing in another program (HDF5's file lock: h5py's File(…, "a"/"w"/"r+") holds it until closed): close it there and run again, or set HDF5_USE_FILE_LOCKING=FALSE to open it regardless`;
}

/** The error for a source file HDF5 would not open. */
export function unreadableSource(file: string, e: unknown): DndError {
  const message = (e as Error).message;
  return usageError(LOCKED.test(message) ? lockedByWriter(file) : `${file} cannot be read as HDF5: ${message}`);
}

/** Whether HDF5 refused the open because another program holds the file's lock. */
export function isLocked(e: unknown): boolean {
  return LOCKED.test((e as Error).message);
}
