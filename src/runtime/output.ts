/**
 * `--out FILE.h5[:/dataset]`: planned on the launcher, written by the ranks, committed by
 * rank 0. What is guaranteed (README "What a write guarantees"):
 *
 * - atomic: the ranks write a temporary file beside the target; the target changes only
 *   by one rename (or link) when every rank finished. Adding a dataset works on a copy.
 * - durable: the temporary file is synced (MPI_File_sync on every rank) before it is
 *   renamed, and the directory after (unless --no-fsync).
 * - no lost updates: a target that did not exist is put in place with link(), which fails
 *   rather than replace a file someone else created meanwhile; a target that existed is
 *   replaced only if it is still the very file that was planned against (device, inode,
 *   size, mtime, ctime). A lock file beside the target makes a second writer fail at once.
 * - nothing left behind: a failed or interrupted job removes its temporary file; the
 *   temporaries of jobs that died (kill -9) are removed by the next writer of the target.
 *
 * The plan is plain data (it travels to the ranks in the job envelope).
 */
import {
  chmodSync,
  chownSync,
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  accessSync,
  type BigIntStats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Comm } from '../dnd/comm.js';
import type { DNDarray } from '../dnd/dndarray.js';
import { DndError, usageError } from '../dnd/errors.js';
import { save } from '../dnd/io.js';
import { syncPath } from '../dnd/sync-path.js';
import { isLocked, lockedByWriter } from './h5-open-error.js';
import { loadH5 } from '../native/index.js';
import { acquireLock, lockPathFor, releaseLock, type LockHandle } from './out-lock.js';
import { disarmInterruptCleanup } from './interrupt.js';
import { testFault } from './test-fault.js';
import { tempPathFor, tempStem } from './temp-name.js';
import { exists, fileKind, followLink, parseOutput } from './out-path.js';

export { DEFAULT_DATASET, fileKind, followLink, parseOutput } from './out-path.js';

/** What a file was when the job planned against it; strings keep 64-bit values exact. */
export interface FileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

export interface OutputPlan {
  /** the file written: --out with symbolic links resolved */
  file: string;
  /** --out as the user named it (reports) */
  named: string;
  dataset: string;
  /** where the ranks write; put in place as `file` on success */
  tmp: string;
  lock: string;
  mode: 'create' | 'append';
  replace: boolean;
  /** copy this file to `tmp` first (adding to an existing file) */
  copyFrom: string | null;
  /** the target as planned against; null: it did not exist and must not exist at commit */
  seen: FileIdentity | null;
  /** permissions and owner of the replaced file, kept on the new one */
  keep: { mode: number; uid: number; gid: number } | null;
  /** sync file and directory to stable storage (false with --no-fsync) */
  durable: boolean;
}

/** A source file the output must not silently replace. */
export interface InputRef {
  file: string;
  dataset: string;
}

export interface PlanOptions {
  force: boolean;
  token: string;
  durable?: boolean;
  inputs?: InputRef[];
}

function identityOf(st: BigIntStats): FileIdentity {
  return { dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) };
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** Temporaries of `file` in its directory (any job's). */
export function temporariesOf(file: string): string[] {
  const stem = tempStem(basename(file));
  const prefix = `.${stem}.dnd-`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(n.slice(prefix.length))).map((n) => join(dirname(file), n));
}

/** Follows a symbolic --out to the file it names; the link itself is kept. */

/** The first object on the way to `dataset` that is not a group, or a group at `dataset`. */
/**
 * Whether a dataset is at this path. Asked by path, not found in a listing: a listing
 * names each object once, so a dataset with a second hard link may be listed under the
 * other name only (and the job then refused to replace it: test/e2e/replace.test.ts).
 */
function datasetAt(file: string, dataset: string): boolean {
  const native = loadH5();
  const fid = native.h5Open(file, 'r', false);
  try {
    return native.h5Describe(fid, dataset) !== null;
  } finally {
    native.h5Close(fid);
  }
}

function pathConflict(file: string, dataset: string): string | null {
  const native = loadH5();
  const fid = native.h5Open(file, 'r', false);
  try {
    const parts = dataset.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = `/${parts.slice(0, i).join('/')}`;
      const kind = native.h5Kind(fid, p);
      if (kind === null) return null;
      if (i < parts.length && kind !== 'group') return `${p} is a ${kind}, so ${dataset} cannot be created inside it`;
      if (i === parts.length && kind !== 'dataset') return `${dataset} is a ${kind} in it, not a dataset`;
    }
    return null;
  } finally {
    native.h5Close(fid);
  }
}

/** Checks the output before launch (exit 2 on failure) and takes the target's lock. */
export function planOutput(spec: string, opts: PlanOptions): OutputPlan {
  const { file: named, dataset } = parseOutput(spec);
  const file = followLink(named, `--out ${spec}`);
  const dir = dirname(file);
  let dst;
  try {
    dst = statSync(dir);
  } catch {
    dst = null;
  }
  if (!dst || !dst.isDirectory()) throw usageError(`--out ${spec}: directory ${dir} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw usageError(`--out ${spec}: directory ${dir} is not writable`);
  }
  // the lock first: every later look at the target happens with no other dnd writing it
  const lock: LockHandle = acquireLock(lockPathFor(file, tempStem(basename(file))), opts.token, file);
  for (const t of temporariesOf(file)) if (t !== tempPathFor(file, opts.token)) removeQuietly(t); // left by jobs that died
  const tmp = tempPathFor(file, opts.token);
  const base = { file, named, dataset, tmp, lock: lock.path, durable: opts.durable !== false };
  let st: BigIntStats;
  try {
    st = lstatSync(file, { bigint: true });
  } catch {
    return { ...base, mode: 'create', replace: false, copyFrom: null, seen: null, keep: null };
  }
  if (st.isDirectory()) throw usageError(`--out ${spec}: ${file} is a directory`);
  if (!st.isFile()) throw usageError(`--out ${spec}: ${file} is ${fileKind(st)}: --out writes regular files only (give a file name)`);
  if (st.nlink > 1n && !opts.force) {
    throw usageError(`--out ${spec}: ${file} has ${st.nlink} hard links; replacing it would leave the other names with the old contents: use --force to give this name a new file, or write elsewhere`);
  }
  const seen = identityOf(st);
  const keep = { mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid) };
  const native = loadH5();
  if (!native.h5IsHdf5(file)) {
    if (!opts.force) throw usageError(`--out ${spec}: ${file} exists and is not an HDF5 file; use --force to replace it`);
    return { ...base, mode: 'create', replace: false, copyFrom: null, seen, keep };
  }
  let has: boolean;
  let conflict: string | null;
  try {
    has = datasetAt(file, dataset);
    conflict = pathConflict(file, dataset);
  } catch (e) {
    throw usageError(`--out ${spec}: ${isLocked(e) ? lockedByWriter(file) : `${file} cannot be opened as HDF5 (truncated?): ${(e as Error).message}`}`);
  }
  if (conflict) throw usageError(`--out ${spec}: ${conflict}; name another dataset`);
  const input = (opts.inputs ?? []).find((i) => sameFile(i.file, st) && i.dataset === dataset);
  if (input && !opts.force) throw usageError(`--out ${spec} is the input itself (${input.file}:${input.dataset}); use --force to replace it, or name another dataset`);
  if (has && !opts.force) throw usageError(`--out ${spec}: ${file} already has a dataset ${dataset}; use --force to replace it, or name another dataset`);
  // replacing the file's one and only content: a new file is the same result without
  // copying the old one first (for 1 GiB, a second GiB through the page cache and to disk)
  if (has && holdsOnly(file, dataset)) return { ...base, mode: 'create', replace: false, copyFrom: null, seen, keep };
  return { ...base, mode: 'append', replace: has, copyFrom: file, seen, keep };
}

/**
 * Whether the file holds nothing but `dataset`: every link is a hard one, on the way to
 * the dataset (its groups, without attributes) or the dataset itself, the root has no
 * attributes and the file no user block. Then nothing of the old file outlives the
 * replacement (the dataset's own attributes go with it either way); any doubt keeps the copy.
 */
export function holdsOnly(file: string, dataset: string): boolean {
  const native = loadH5();
  let facts: ReturnType<typeof native.h5Links>;
  try {
    const fid = native.h5Open(file, 'r', false);
    try {
      facts = native.h5Links(fid);
    } finally {
      native.h5Close(fid);
    }
  } catch {
    return false;
  }
  if (facts.rootAttrs !== 0 || facts.userblock !== 0) return false;
  const parts = dataset.split('/').filter(Boolean);
  const groups = new Set(parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`));
  const target = `/${parts.join('/')}`;
  return facts.links.every((l) => l.link === 'hard' && ((l.path === target && l.type === 'dataset') || (groups.has(l.path) && l.type === 'group' && l.attrs === 0)));
}

function sameFile(path: string, st: BigIntStats): boolean {
  try {
    const s = statSync(path, { bigint: true });
    return s.dev === st.dev && s.ino === st.ino;
  } catch {
    return false;
  }
}

function removeQuietly(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // gone already
  }
}

/** Collective: writes x to the plan's temporary file, then rank 0 puts it in place. */
export function writeOutput(x: DNDarray, plan: OutputPlan, comm: Comm): void {
  if (comm.rank === 0 && plan.copyFrom) copyFileSync(plan.copyFrom, plan.tmp);
  comm.barrier(); // nobody opens the copy before it is complete
  testFault('write', comm.rank);
  save(x, plan.tmp, plan.dataset, { mode: plan.mode, replace: plan.replace, durable: plan.durable });
  comm.barrier(); // every rank closed (and synced) the file: it is complete
  if (comm.rank === 0) commitOutput(plan);
  comm.barrier(); // no rank reports success (or lets go of the lock) before the commit
}

/** Rank 0: puts the finished temporary file in place, or fails without replacing anything. */
export function commitOutput(plan: OutputPlan): void {
  disarmInterruptCleanup(); // from here on, a signal no longer means "nothing written"
  testFault('commit', 0);
  if (plan.keep) {
    chmodSync(plan.tmp, plan.keep.mode); // never wider (or narrower) than the file it replaces
    try {
      chownSync(plan.tmp, plan.keep.uid, plan.keep.gid);
    } catch {
      // only root may give a file away; the permission bits are kept either way
    }
  }
  const lost = (what: string) =>
    new DndError('job', `${plan.file} ${what} while this job ran (another writer?): nothing was replaced and this job's result was discarded; run it again`);
  if (plan.seen === null) {
    try {
      linkSync(plan.tmp, plan.file); // fails with EEXIST: never replaces a file it did not see
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw lost('was created');
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
      // a file system without hard links: check, then rename (the lock guards the gap)
      if (exists(plan.file)) throw lost('was created');
      renameSync(plan.tmp, plan.file);
    }
    removeQuietly(plan.tmp);
  } else {
    let now: FileIdentity | null = null;
    try {
      now = identityOf(lstatSync(plan.file, { bigint: true }));
    } catch {
      throw lost('was removed');
    }
    if (!sameIdentity(now, plan.seen)) throw lost('changed');
    renameSync(plan.tmp, plan.file);
  }
  if (plan.durable) syncPath(dirname(plan.file)); // the rename itself reaches the disk
}

/** Launcher side, after a failed job: remove what the ranks may have left, free the lock. */
export function discardOutput(plan: OutputPlan | null): void {
  if (!plan) return;
  removeQuietly(plan.tmp);
  releaseLock(plan.lock);
}

/** Launcher side, after the job: free the lock (the exit hook would too). */
export function finishOutput(plan: OutputPlan | null): void {
  if (plan) releaseLock(plan.lock);
}
