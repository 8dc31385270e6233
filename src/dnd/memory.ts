/**
 * Allocation of local blocks, and the cost of their first touch.
 *
 * Blocks are plain ArrayBuffers: V8 zero-fills them with calloc, which maps fresh pages
 * without touching them (a failed allocation is a RangeError, which we turn into a job
 * error naming the size). A fresh page costs far more to touch the first time than to
 * write again, and on our VMs how much more depends on the machine and the moment
 * (bench/RESULTS.md "Big data": 1 GiB took 6.8 s with 4 KiB pages and 30.5 s with
 * huge-page advice in one run; on a quieter machine the advice made it 0.1 s per GiB,
 * 30x cheaper than without). So no fixed rule: a block
 * that is about to be written whole is pre-faulted by the binding in slices, each with
 * or without MADV_HUGEPAGE, and the slices' own timings decide which advice the rest of
 * the block, and later blocks of this process, get (a few slices keep sampling the other
 * choice, so the verdict follows the machine). Pre-faulting with MADV_POPULATE_WRITE was
 * cheaper here than faults taken one page at a time (memset: bench "first touch"), and
 * it makes the first-touch time a figure of its own: `firstTouchSeconds()`, reported by
 * every job as timing.alloc_s.
 *
 * DND_HUGEPAGES=on|off pins the advice (for benchmarks); unset or `auto` measures.
 *
 * An in-place move that keeps part of its old block (a redistribute or balance keeps most
 * rows where they are; a gather to every rank keeps each rank's own) gets its new block
 * from allocateKeeping(): when that block is fresh, the kept bytes are handed over as
 * pages (the binding's movePages) instead of being copied into pages touched for them, so
 * only the received part of the block pays first touch. The new block is then a view a
 * little into its buffer, placed so that the kept bytes sit at the same place in a page as
 * in the old block (pages move only as whole pages).
 *
 * A block released here (dispose(), or the old block of an in-place move) keeps its pages
 * for a moment: the next block of the same size that its caller will write whole (a
 * receive, a read, a draw, a copy) gets them instead of fresh ones, so a loop of moves
 * pays first touch once instead of every time (bench/README.md, "Exchanges"). The
 * released buffer is still detached at once, so no view of it can see the next block's
 * values. The pool holds at most POOL_MAX buffers, for at most POOL_IDLE_MS (a timer: in a
 * script that never yields to the event loop, until its next large allocation or exit),
 * and is emptied before any other large allocation, so a rank never holds more than it
 * did before the release. DND_REUSE=off gives every block fresh pages (and copies kept rows).
 */
import { loadNative } from '../native/index.js';
import { readFileSync } from 'node:fs';
import { DndError } from './errors.js';
import { itemsize, lanes, typedView, type Dtype, type TypedArray } from './dtypes.js';

/** below this a block is plain JS memory, neither advised nor pre-faulted */
const PAGED_THRESHOLD = 1 << 21;
/** one measured slice of a pre-fault */
const SLICE = 64 << 20;
/**
 * a slice with huge-page advice. Smaller: on our VMs huge pages came at ~0.1 ms/MiB until
 * the machine's free ones ran out and then at 2.6-4 ms/MiB (compaction), and the slice
 * that meets that step is what the verdict pays before it turns: 165-257 ms for a 64 MiB
 * slice, a third of a 1 GiB first touch (bench/RESULTS.md, "Twelfth session").
 */
const HUGE_SLICE = 16 << 20;
/** Node 20's limit on a typed array's element count (v8 TypedArray::kMaxLength) */
const MAX_ELEMENTS = 2 ** 32;
/**
 * after every EXPLORE full slices' worth of bytes (1 GiB) the advice that is currently
 * losing is tried again, on PROBE bytes. 4 MiB
 * (two huge pages): a one-shot `dnd create` has one block, so its four opening probes are
 * most of what auto costs there; with 16 MiB probes a 32 MiB fill's first touch took
 * 14-30 ms against 7 ms with 4 MiB probes and 5.5-8 ms pinned to huge pages (bench/README.md).
 */
const EXPLORE = 16;
const PROBE = 4 << 20;

interface Rate {
  bytes: number;
  seconds: number;
  samples: number;
}

const rates: Record<'huge' | 'small', Rate> = { huge: { bytes: 0, seconds: 0, samples: 0 }, small: { bytes: 0, seconds: 0, samples: 0 } };
/** bytes pre-faulted since the losing advice was last tried */
let sinceExplore = 0;
/** buffers allocated here for blocks: a view of one (a block kept by a move) may release it */
const blocks = new WeakSet<ArrayBuffer>();
let touchSeconds = 0;
let touchBytes = 0;
let reusedBytes = 0;

/** released blocks, kept for the next allocation of their size that is written whole */
const pool: ArrayBuffer[] = [];
/** bytes a buffer has beyond its block (allocateKeeping's lining up); 0 when absent */
const slack = new WeakMap<ArrayBuffer, number>();
/** a kept range below this is copied: its first touch is cheap, and each move splits the new block's mapping in three */
const MOVE_MIN = 16 << 20;
let movedBytes = 0;
/** two: an in-place move loop alternates two block sizes (or one); more would hold memory no loop reuses */
const POOL_MAX = 2;
/** after this long without a release, the pool's buffers go back to the system */
const POOL_IDLE_MS = 1000;
let poolTimer: ReturnType<typeof setTimeout> | null = null;

/** Seconds this process has spent pre-faulting blocks (first touch), and their bytes. */
export function firstTouchSeconds(): number {
  return touchSeconds;
}

export function firstTouchBytes(): number {
  return touchBytes;
}

/** Bytes that in-place moves handed to their new blocks as pages instead of copying them. */
export function movedBlockBytes(): number {
  return movedBytes;
}

/** Bytes of blocks this process took from released blocks instead of fresh pages. */
export function reusedBlockBytes(): number {
  return reusedBytes;
}

/**
 * The advice the next slice gets: pinned, or the measured faster one. Slices that sample
 * an advice (the first two of each, then the losing one after every EXPLORE * SLICE bytes) are
 * PROBE bytes only: on a machine where huge pages are 5x dearer (bench: big), sampling
 * them must stay cheap. Huge pages are probed first: they won for fills of 8-512 MiB on
 * our machine when measured (bench/README.md), so a block of one probe gets them.
 */
function nextAdvice(): { advice: 'huge' | 'small'; probe: boolean } {
  const pin = process.env.DND_HUGEPAGES;
  if (pin === 'on') return { advice: 'huge', probe: false };
  if (pin === 'off') return { advice: 'small', probe: false };
  const { huge, small } = rates;
  if (huge.samples < 2 || small.samples < 2) return { advice: small.samples < huge.samples ? 'small' : 'huge', probe: true };
  const faster = measuredFaster();
  if (sinceExplore >= EXPLORE * SLICE) return { advice: faster === 'huge' ? 'small' : 'huge', probe: true };
  return { advice: faster, probe: false };
}

/**
 * The advice blocks of this process get now: pinned by DND_HUGEPAGES, else the measured
 * faster one; null before both have been measured.
 */
export function pageAdvice(): 'huge' | 'small' | null {
  const pin = process.env.DND_HUGEPAGES;
  if (pin === 'on') return 'huge';
  if (pin === 'off') return 'small';
  return rates.huge.samples < 2 || rates.small.samples < 2 ? null : measuredFaster();
}

/** The advice with the lower cost per byte so far, recent slices weighing more (decayed sums, see record()). */
function measuredFaster(): 'huge' | 'small' {
  const { huge, small } = rates;
  return huge.seconds / huge.bytes < small.seconds / small.bytes ? 'huge' : 'small';
}

function record(advice: 'huge' | 'small', bytes: number, seconds: number): void {
  const r = rates[advice];
  // decay old evidence so that a machine that changes its mind is followed within a few slices
  r.bytes = r.bytes * 0.5 + bytes;
  r.seconds = r.seconds * 0.5 + seconds;
  r.samples++;
}

let thpAllowed: boolean | null = null;
/**
 * Whether the system lets processes have transparent huge pages at all. MADV_COLLAPSE works
 * whatever the setting says, so where the administrator chose `never` (or the kernel has no
 * THP), dnd does not collapse either.
 */
function hugePagesAllowed(): boolean {
  if (thpAllowed === null) {
    try {
      thpAllowed = !/\[never\]/.test(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'));
    } catch {
      thpAllowed = false;
    }
  }
  return thpAllowed;
}

/** Touches every page of [from, to) of `buffer` once, in measured slices (see the file comment). */
function prefault(buffer: ArrayBuffer, from = 0, to = buffer.byteLength): void {
  const native = loadNative();
  const t0 = performance.now();
  const smallProbes: Array<[number, number]> = [];
  let hugeBytes = 0;
  for (let off = from, len = 0; off < to; off += len) {
    const { advice, probe } = nextAdvice();
    len = Math.min(probe ? PROBE : advice === 'huge' ? HUGE_SLICE : SLICE, to - off);
    const t = performance.now();
    const done = native.prefault(buffer, off, len, advice === 'huge');
    if (done > 0) record(advice, done, (performance.now() - t) / 1000);
    if (advice === 'huge') hugeBytes += done;
    else if (probe && done > 0) smallProbes.push([off, len]);
    sinceExplore = probe ? 0 : sinceExplore + len;
  }
  // Most of the block went onto huge pages: its small-page probes would stay small pages in
  // the middle of it, and every later pass over the block (a reused receive block, above
  // all) pays their TLB misses: a loop of 64 MiB redistributes at -n 2 took 8.6 ms a rep
  // with them left small, 7.8 ms with them moved (bench/README.md, "Page advice and GC
  // threads"). Moving a few MiB onto huge pages costs about what their first touch did
  // (~3 ms for 8 MiB), once per process: the opening probes are the only small ones in a
  // block where huge pages win, but for one exploring probe in every GiB.
  if (smallProbes.length > 0 && 2 * hugeBytes > to - from && hugePagesAllowed()) for (const [off, len] of smallProbes) native.collapse(buffer, off, len);
  touchSeconds += (performance.now() - t0) / 1000;
  touchBytes += to - from;
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** MemAvailable of this host, or null where /proc/meminfo does not say. */
function availableBytes(): number | null {
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function reuseOn(): boolean {
  const v = process.env.DND_REUSE;
  return v !== 'off' && v !== '0';
}

/** Gives every pooled buffer back to the system. */
function drainPool(): void {
  if (poolTimer) clearTimeout(poolTimer);
  poolTimer = null;
  const native = pool.length > 0 ? loadNative() : null;
  for (const b of pool.splice(0)) native?.release(b);
}

/**
 * Moves a block's pages into the pool: `b` is detached (its views become empty, as after
 * a release) and a new ArrayBuffer owns the same memory. False where the buffer cannot
 * be transferred; the caller then releases it.
 */
function keep(b: ArrayBuffer): boolean {
  let moved: ArrayBuffer;
  try {
    moved = structuredClone(b, { transfer: [b] });
  } catch {
    return false;
  }
  blocks.add(moved);
  if (slack.has(b)) slack.set(moved, slack.get(b) as number);
  pool.push(moved);
  if (pool.length > POOL_MAX) loadNative().release(pool.shift() as ArrayBuffer);
  if (poolTimer) clearTimeout(poolTimer);
  poolTimer = setTimeout(drainPool, POOL_IDLE_MS);
  poolTimer.unref();
  return true;
}

/** A pooled buffer for a block of exactly `bytes`, taken out of the pool; null when there is none. */
function takePooled(bytes: number): ArrayBuffer | null {
  const i = pool.findIndex((b) => b.byteLength - (slack.get(b) ?? 0) === bytes);
  if (i < 0) return null;
  const [b] = pool.splice(i, 1);
  if (pool.length === 0) drainPool();
  return b;
}

/**
 * Gives a block back: to the pool when it is a block allocated here (see the file
 * comment), otherwise to the system now instead of at garbage collection. Either way the
 * block's buffer is detached: every view of it becomes empty.
 */
export function release(a: TypedArray): void {
  const b = a.buffer;
  if (!(b instanceof ArrayBuffer) || b.byteLength < PAGED_THRESHOLD) return;
  // a whole buffer, or a block that a move kept as a view of a buffer allocated here
  const ours = blocks.has(b);
  if (!ours && !(a.byteOffset === 0 && a.byteLength === b.byteLength)) return;
  // only buffers allocated here: a mapped file's buffer (io-map.ts) or a caller's own
  // memory must never become someone else's block
  if (ours && reuseOn() && keep(b)) return;
  loadNative().release(b);
}

export interface AllocateOptions {
  /**
   * The caller writes the whole block next (a receive, a read, a fill): touch it now.
   * false for blocks that may stay zeros (dnd.zeros), whose untouched pages read as the
   * kernel's zero page for free.
   */
  prefault?: boolean;
  /**
   * The caller writes every element before anything reads the block: it may then be the
   * memory of a released block, old values and all (see the file comment), instead of
   * fresh zeros. Never for blocks a fill leaves partly unwritten (a fill with 0, the
   * imaginary parts of a complex fill).
   */
  reuse?: boolean;
}

/** A typed array of `length` elements, zero-filled unless `reuse`; a block that cannot exist is a job error naming its size. */
export function allocate(dtype: Dtype, length: number, opts: AllocateOptions = {}): TypedArray {
  const bytes = length * itemsize(dtype);
  const what = () => `${length} ${dtype} elements (${bytes} bytes, ${gib(bytes)})`;
  if (length > MAX_ELEMENTS) throw new DndError('job', `cannot allocate a block of ${what()}: Node.js holds at most 2^32 elements in one typed array; use more ranks`);
  if (bytes < PAGED_THRESHOLD) return typedView(dtype, new ArrayBuffer(bytes), 0, length);
  const pooled = opts.reuse && reuseOn() ? takePooled(bytes) : null;
  if (pooled) {
    reusedBytes += bytes;
    return typedView(dtype, pooled, 0, length);
  }
  const buffer = freshBuffer(bytes, bytes, what);
  if (opts.prefault !== false) prefault(buffer);
  return typedView(dtype, buffer, 0, length);
}

/** A new buffer of `bytes` for a block of `blockBytes`, after the pool's memory went back; a job error naming the block when it cannot be had. */
function freshBuffer(bytes: number, blockBytes: number, what: () => string): ArrayBuffer {
  drainPool();
  const avail = availableBytes();
  if (avail !== null && blockBytes > avail) throw new DndError('job', `cannot allocate a block of ${what()}: this host has ${gib(avail)} available; use more ranks or hosts`);
  let buffer: ArrayBuffer;
  try {
    buffer = new ArrayBuffer(bytes);
  } catch (e) {
    throw new DndError('job', `cannot allocate a block of ${what()}: ${(e as Error).message}`);
  }
  blocks.add(buffer);
  return buffer;
}

/** What an in-place move keeps of its old block: `items` items of `from` from item `fromItem` on, bound for item `toItem` of the new block. */
export interface Kept {
  from: TypedArray;
  fromItem: number;
  toItem: number;
  items: number;
}

/**
 * The new block of an in-place move (its old block is released right after) that keeps
 * `kept` of the old one; every other item is received. `place()`, called once the rest has
 * been received, puts the kept items in: as pages when the block is fresh, the kept range
 * at least MOVE_MIN and the old block one of ours (see the file comment; the old block's
 * range then reads as zeros), else copied. Only the received part is pre-faulted when the
 * pages will move.
 */
export function allocateKeeping(dtype: Dtype, length: number, kept: Kept): { block: TypedArray; place: () => void } {
  const item = itemsize(dtype);
  const k = lanes(dtype);
  const src = kept.from;
  const copy = (block: TypedArray) => () => {
    (block as Float64Array).set((src as Float64Array).subarray(kept.fromItem * k, (kept.fromItem + kept.items) * k), kept.toItem * k);
  };
  const bytes = length * item;
  const keptBytes = kept.items * item;
  const movable = keptBytes >= MOVE_MIN && src.buffer instanceof ArrayBuffer && blocks.has(src.buffer) && length <= MAX_ELEMENTS && reuseOn();
  const pooled = movable ? takePooled(bytes) : null;
  if (!movable || pooled) {
    if (pooled) reusedBytes += bytes;
    const block = pooled ? typedView(dtype, pooled, 0, length) : allocate(dtype, length, { reuse: true });
    return { block, place: copy(block) };
  }
  const native = loadNative();
  const what = () => `${length} ${dtype} elements (${bytes} bytes, ${gib(bytes)})`;
  const [srcInPage, page] = native.pageOffset(src.buffer as ArrayBuffer);
  const buffer = freshBuffer(bytes + page, bytes, what);
  // the block starts `lead` bytes in, so that its kept range sits where the old one does in a page
  const want = (srcInPage + src.byteOffset + kept.fromItem * item) % page;
  const lead = (((want - native.pageOffset(buffer)[0] - kept.toItem * item) % page) + page) % page;
  const elementBytes = item / k;
  if (lead % elementBytes !== 0) {
    // a buffer that is not aligned to its elements (not V8's allocator): copy instead
    loadNative().release(buffer);
    const block = allocate(dtype, length, { reuse: true });
    return { block, place: copy(block) };
  }
  slack.set(buffer, page);
  const at = lead + kept.toItem * item;
  prefault(buffer, lead, at);
  prefault(buffer, at + keptBytes, lead + bytes);
  const block = typedView(dtype, buffer, lead, length);
  return {
    block,
    place: () => {
      movedBytes += native.movePages(buffer, at, src.buffer as ArrayBuffer, src.byteOffset + kept.fromItem * item, keptBytes);
    },
  };
}
