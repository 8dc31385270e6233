/**
 * `--out FILE.h5[:/dataset]`: planned on the launcher, written by the ranks.
 *
 * The ranks always write a temporary file beside the target, and rank 0 renames it into
 * place only after every rank finished; a failed or interrupted job leaves the target
 * as it was (the launcher removes the temporary file). Adding a dataset to an existing
 * file works on a copy of it, so the original is never half-changed.
 */
import { accessSync, constants, copyFileSync, existsSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Comm } from '../dnd/comm.js';
import type { DNDarray } from '../dnd/dndarray.js';
import { usageError } from '../dnd/errors.js';
import { listDatasets, save } from '../dnd/io.js';
import { loadH5 } from '../native/index.js';
import { testFault } from './test-fault.js';

export const DEFAULT_DATASET = '/data';

export interface OutputPlan {
  file: string;
  dataset: string;
  /** where the ranks write; renamed to `file` on success */
  tmp: string;
  mode: 'create' | 'append';
  replace: boolean;
  /** copy this file to `tmp` first (adding to an existing file) */
  copyFrom: string | null;
}

export function parseOutput(s: string): { file: string; dataset: string } {
  const at = s.lastIndexOf(':/');
  const [file, dataset] = at > 0 && !existsSync(s) ? [s.slice(0, at), s.slice(at + 1)] : [s, DEFAULT_DATASET];
  if (!file) throw usageError(`Expected --out as FILE.h5[:/dataset] but received '${s}'`);
  if (!/^\/[^/]/.test(dataset) || dataset.endsWith('/')) throw usageError(`--out dataset must be a path like /group/name, got '${dataset}'`);
  return { file: resolve(file), dataset };
}

/** Checks the output before launch (exit 2 on failure). */
export function planOutput(spec: string, force: boolean, token: string): OutputPlan {
  const { file, dataset } = parseOutput(spec);
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usageError(`--out ${spec}: directory ${dir} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw usageError(`--out ${spec}: directory ${dir} is not writable`);
  }
  const tmp = join(dir, `.${basename(file)}.dnd-${token}.tmp`);
  if (!existsSync(file)) return { file, dataset, tmp, mode: 'create', replace: false, copyFrom: null };
  if (statSync(file).isDirectory()) throw usageError(`--out ${spec}: ${file} is a directory`);
  const native = loadH5();
  if (!native.h5IsHdf5(file)) {
    if (!force) throw usageError(`--out ${spec}: ${file} exists and is not an HDF5 file; use --force to replace it`);
    return { file, dataset, tmp, mode: 'create', replace: false, copyFrom: null };
  }
  const has = listDatasets(file).some((d) => d.path === dataset);
  if (has && !force) throw usageError(`--out ${spec}: ${file} already has a dataset ${dataset}; use --force to replace it, or name another dataset`);
  return { file, dataset, tmp, mode: 'append', replace: has, copyFrom: file };
}

/** Collective: writes x to the plan's temporary file, then rank 0 renames it into place. */
export function writeOutput(x: DNDarray, plan: OutputPlan, comm: Comm): void {
  if (comm.rank === 0 && plan.copyFrom) copyFileSync(plan.copyFrom, plan.tmp);
  comm.barrier(); // nobody opens the copy before it is complete
  testFault('write', comm.rank);
  save(x, plan.tmp, plan.dataset, { mode: plan.mode, replace: plan.replace });
  comm.barrier(); // every rank closed the file: it is complete
  if (comm.rank === 0) renameSync(plan.tmp, plan.file);
}

/** Launcher side, after a failed job: remove what the ranks may have left. */
export function discardOutput(plan: OutputPlan | null): void {
  if (!plan) return;
  try {
    unlinkSync(plan.tmp);
  } catch {
    // never created
  }
}
