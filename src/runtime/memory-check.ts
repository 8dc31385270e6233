/**
 * Refuses, before launch, an array whose blocks would not fit in this machine's memory.
 * Locally every rank runs here, so the sum of the blocks must fit in available memory;
 * inside an allocation ranks spread over nodes, so only one rank's largest block is
 * checked against this node (a lower bound, but it catches the typos: 1000000,1000000).
 */
import { freemem, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { itemsize, type Dtype } from '../dnd/dtypes.js';
import { isDndError, usageError } from '../dnd/errors.js';
import { chunk, numel, type Split } from '../dnd/layout.js';
import { inSlurmAllocation } from './detect.js';
import type { Layout } from '../dnd/ops/plan.js';
import { blockBytes } from './dry-run.js';
import { formatBytes } from './units.js';
import { maxOf } from './extent.js';

const bytes = formatBytes;

/** MemAvailable (counts reclaimable page cache), else free memory. */
export function availableMemory(): number {
  try {
    const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return freemem();
}

export function checkFitsInMemory(gshape: number[], split: Split, dtype: Dtype, nprocs: number, factor = 1): void {
  const item = itemsize(dtype);
  const largest = numel(chunk(gshape, split, 0, nprocs).lshape) * item * factor;
  const local = inSlurmAllocation() ? largest : (split === null ? numel(gshape) * nprocs : numel(gshape)) * item * factor;
  const avail = availableMemory();
  if (local > avail) {
    const what = inSlurmAllocation() ? `one rank's block needs ${bytes(largest)}` : `the blocks of ${nprocs} rank(s) need ${bytes(local)}`;
    throw usageError(`array of ${gshape.join(',')} ${dtype} does not fit: ${what} but this machine has ${bytes(avail)} available (${bytes(totalmem())} total)`);
  }
}

/** How the move's source is held: mapped from a file (no old block), and whether to advise --dry-run. */
export interface MoveCheckOptions {
  /** the source's blocks are views of its file (runtime/source-map.ts): they take no memory */
  sourceMapped?: boolean;
  suggestDryRun?: boolean;
}

/**
 * Refuses, before launch, a resplit or redistribute whose peak does not fit: while data
 * moves a rank holds its old block and its new one (the exchange needs no packing
 * buffer), or the new one alone when the old is a mapping of the file, so locally the sum
 * over all ranks must fit, and inside an allocation the largest rank's must fit one node.
 */
export function checkMoveFitsInMemory(what: string, gshape: number[], dtype: Dtype, from: Layout, to: Layout, nprocs: number, opts: MoveCheckOptions = {}): void {
  const { sourceMapped = false, suggestDryRun = true } = opts;
  const blocks = blockBytes(gshape, dtype, from, to, nprocs);
  const peaks = blocks.map((b) => (sourceMapped ? 0 : b.old) + b.new);
  const largest = maxOf(peaks, 0);
  const local = inSlurmAllocation() ? largest : peaks.reduce((a, b) => a + b, 0);
  const avail = availableMemory();
  if (local > avail) {
    const per = `${bytes(largest)} on the largest rank (${sourceMapped ? 'new block; the old one is mapped from the file' : 'old block + new block'})`;
    const where = inSlurmAllocation() ? `one node has ${bytes(avail)} available` : `${nprocs} rank(s) need ${bytes(local)} on this machine, which has ${bytes(avail)} available (${bytes(totalmem())} total)`;
    throw usageError(`${what} of ${gshape.join(',')} ${dtype} does not fit: ${per}; ${where}. Use more nodes${suggestDryRun ? ', fewer ranks per node, or --dry-run to see the plan' : ' or fewer ranks per node'}`);
  }
}

/**
 * What a --dry-run says about memory: the message a real run would be refused with by
 * the source's and the move's checks above (without the advice to use --dry-run), or
 * null when both pass.
 */
export function moveRefusal(what: string, gshape: number[], split: Split, dtype: Dtype, from: Layout, to: Layout, nprocs: number, sourceMapped = false): string | null {
  try {
    if (!sourceMapped) checkFitsInMemory(gshape, split, dtype, nprocs);
    checkMoveFitsInMemory(what, gshape, dtype, from, to, nprocs, { sourceMapped, suggestDryRun: false });
    return null;
  } catch (e) {
    if (!isDndError(e)) throw e; // a bug, not a refusal
    return e.message;
  }
}
