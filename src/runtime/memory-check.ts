/**
 * Refuses, before launch, an array whose blocks would not fit in this machine's memory.
 * Locally every rank runs here, so the sum of the blocks must fit in available memory;
 * inside an allocation ranks spread over nodes, so only one rank's largest block is
 * checked against this node (a lower bound, but it catches the typos: 1000000,1000000).
 */
import { freemem, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { itemsize, type Dtype } from '../dnd/dtypes.js';
import { usageError } from '../dnd/errors.js';
import { chunk, numel, type Split } from '../dnd/layout.js';
import { inSlurmAllocation } from './detect.js';

function bytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

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
