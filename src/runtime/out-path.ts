/**
 * What a file-writing flag (`--out FILE.h5[:/dataset]`, `--trace FILE.json`) names, before
 * anything is written: the file and dataset, where a symbolic link leads, and what kind of
 * file is already there. Kept apart from output.ts (which writes, and so loads the HDF5
 * side of dnd) so that every command can check --trace without loading that.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { usageError } from '../dnd/errors.js';
import { newDatasetPath } from '../dnd/h5-path.js';

export const DEFAULT_DATASET = '/data';

export function parseOutput(s: string): { file: string; dataset: string } {
  const at = s.lastIndexOf(':/');
  const [file, dataset] = at > 0 && !exists(s) ? [s.slice(0, at), s.slice(at + 1)] : [s, DEFAULT_DATASET];
  if (!file) throw usageError(`Expected --out as FILE.h5[:/dataset] but received '${s}'`);
  try {
    return { file: resolve(file), dataset: newDatasetPath(dataset) };
  } catch (e) {
    throw usageError(`--out ${s}: ${(e as Error).message}`);
  }
}

/** Whether anything (a dangling link too) is at `p`. */
export function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** What a non-regular file is, in words. */
export function fileKind(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** `file`, or where it leads when it is a symbolic link (`what` names the flag in errors, e.g. `--out f.h5`). */
export function followLink(file: string, what: string): string {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return file;
  }
  if (!st.isSymbolicLink()) return file;
  try {
    return realpathSync(file);
  } catch {
    throw usageError(`${what}: ${file} is a symbolic link to a file that does not exist (or a loop); give the real path`);
  }
}
