/**
 * A file's or a directory's data and metadata to stable storage: fsync through a
 * descriptor of its own, which covers every write to the inode, whoever made it (HDF5,
 * the direct writes around it, a rename into the directory).
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';

export function syncPath(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
