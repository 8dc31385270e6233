/**
 * The advisory lock of an --out target: a file `.NAME.dnd-lock` beside it, created with
 * O_EXCL (atomic on local file systems and on NFSv3+/Lustre/GPFS), holding who owns it.
 * A second dnd writing the same target fails at once with one line instead of losing an
 * update; the commit's own checks (output.ts) stay the last word.
 *
 * A lock whose owner is gone is broken: on this host when its process no longer exists
 * (pid and the process's start time, so a reused pid does not count); from another host,
 * where a pid means nothing, when its heartbeat (the lock's mtime, refreshed every 30 s
 * while the launcher waits) is older than STALE_REMOTE_S.
 */
import { linkSync, readFileSync, renameSync, unlinkSync, utimesSync, writeFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { JobError } from './failure.js';

export const STALE_REMOTE_S = 15 * 60;
const HEARTBEAT_MS = 30_000;

interface Owner {
  host: string;
  pid: number;
  /** the process's start time in clock ticks since boot (/proc/PID/stat field 22) */
  started: string;
  token: string;
  since: string;
}

export interface LockHandle {
  path: string;
}

/** Locks this process holds: released on exit, however the command ends. */
const held = new Map<string, NodeJS.Timeout>();
let exitHooked = false;

export function lockPathFor(file: string, stem: string): string {
  return join(dirname(file), `.${stem}.dnd-lock`);
}

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function readOwner(path: string): Owner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Owner;
  } catch {
    return null;
  }
}

/** Whether the owner of a lock is certainly gone. */
function isStale(path: string, owner: Owner | null): boolean {
  if (owner === null) {
    // unreadable or half-written: stale only when nobody touched it for a long time
    try {
      return Date.now() - statSync(path).mtimeMs > STALE_REMOTE_S * 1000;
    } catch {
      return true;
    }
  }
  if (owner.host === hostname()) {
    const started = processStart(owner.pid);
    return started === null || started !== owner.started;
  }
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_REMOTE_S * 1000;
  } catch {
    return true;
  }
}

/**
 * Creates `path` holding `text`, failing with EEXIST if it exists, in one step: written
 * beside it and hard-linked into place, so that a second writer never reads a lock file
 * that exists but is still empty (it would not know whom to name). Where hard links are
 * not supported, an exclusive create and a write.
 */
function createWithContent(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 });
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    writeFileSync(path, text, { flag: 'wx', mode: 0o644 });
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Takes the lock of `target`, or fails (exit 3) naming who holds it. A job started by an
 * outside launcher runs this on every rank with the same token: the lock is the job's.
 */
export function acquireLock(path: string, token: string, target: string): LockHandle {
  const me: Owner = { host: hostname(), pid: process.pid, started: processStart(process.pid) ?? '', token, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createWithContent(path, `${JSON.stringify(me)}\n`);
      hold(path);
      return { path };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new JobError(`cannot lock ${target} for writing (${(e as Error).message}); is its directory on a file system without locking?`);
      }
    }
    const owner = readOwner(path);
    if (owner?.token === token) return { path }; // another rank of this very job took it
    if (!isStale(path, owner)) {
      const who = owner ? `dnd on ${owner.host}, pid ${owner.pid}, since ${owner.since}` : 'another dnd job';
      throw new JobError(`${target} is being written by ${who}: nothing was changed; run again when it has finished (if that job is gone, remove ${path})`);
    }
    breakStale(path, owner);
  }
  throw new JobError(`cannot lock ${target} for writing: its lock ${path} keeps changing; another job is starting to write it`);
}

/**
 * Moves a stale lock aside under a unique name first, so that two jobs breaking it at
 * once cannot remove a fresh lock the other just took: only the lock read as stale goes.
 */
function breakStale(path: string, owner: Owner | null): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readOwner(aside);
  const same = JSON.stringify(moved) === JSON.stringify(owner);
  if (!same && moved) {
    // we moved a fresh lock: put it back (link fails if yet another one appeared)
    try {
      linkSync(aside, path);
    } catch {
      // another lock took its place; that one stands
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone already
  }
}

function hold(path: string): void {
  const beat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // removed under us: the commit's identity checks still protect the target
    }
  }, HEARTBEAT_MS);
  beat.unref();
  held.set(path, beat);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      for (const p of [...held.keys()]) releaseLock(p);
    });
  }
}

/** Frees a lock this process took (a lock of another rank of the job is left alone). */
export function releaseLock(path: string): void {
  const beat = held.get(path);
  if (beat === undefined) return;
  clearInterval(beat);
  held.delete(path);
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

/** The paths of the locks this process holds (for the in-process signal hook). */
export function heldLocks(): string[] {
  return [...held.keys()];
}
