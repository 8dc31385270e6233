/**
 * Whether a job's ranks will map a file source (src/dnd/io-map.ts) rather than read it into
 * new blocks, decided on the launcher before any rank starts, from the same facts the
 * ranks will find: a mapped source costs no block, so the memory check before launch
 * (memory-check.ts) must not count one. Without this, `info --stats` of a dataset larger
 * than this machine's memory was refused although its ranks would have streamed it from
 * the page cache, and a move's peak counted an old block that never exists.
 *
 * The conditions are io-map.ts's and the native mapping's (src/native/hdf5-map.cc), each
 * rank's range computed as the ranks will: at most MAP_RANKS ranks, DND_MAP not 0, values
 * stored in the file (contiguous, allocated, no external files) exactly as memory holds
 * them, split along the first axis or none, and every rank's range below 4 GiB, inside
 * the file and 8-byte aligned. test/e2e/file-map.test.ts checks this answer against what
 * the ranks did, case by case. Should a rank still fail to map (mmap refused), every rank
 * reads instead, and a block that does not fit then fails the job (exit 3) naming its size.
 */
import { itemsize } from '../dnd/dtypes.js';
import { MAP_RANKS } from '../dnd/io-map.js';
import { chunk, numel, type Split } from '../dnd/layout.js';
import { loadH5 } from '../native/index.js';
import type { FileFacts } from './source.js';

/** Node 20 cannot hold an external ArrayBuffer of 4 GiB or more (hdf5-map.cc) */
const MAP_LIMIT = 2 ** 32;

export function sourceIsMapped(facts: FileFacts, split: Split, nprocs: number): boolean {
  const d = facts.dataset;
  if (nprocs > MAP_RANKS || process.env.DND_MAP === '0') return false;
  if (d.allocated !== 'all' || numel(d.shape) === 0 || (split !== null && split !== 0)) return false;
  const native = loadH5();
  const fid = native.h5Open(facts.file, 'r', false);
  let offset: number | null;
  try {
    // null unless contiguous, stored in the file itself, and of the memory type exactly
    offset = native.h5RawOffset(fid, d.path, facts.dtype);
  } finally {
    native.h5Close(fid);
  }
  if (offset === null) return false;
  const item = itemsize(facts.dtype);
  const rowBytes = numel(d.shape.slice(1)) * item;
  const storage = numel(d.shape) * item;
  for (let p = 0; p < nprocs; p++) {
    const ch = chunk(d.shape, split, p, nprocs);
    const bytes = numel(ch.lshape) * item;
    if (bytes === 0) continue; // a rank without rows maps nothing
    const first = split === 0 ? ch.slices[0][0] * rowBytes : 0;
    if (bytes >= MAP_LIMIT || first + bytes > storage || (offset + first) % 8 !== 0 || offset + first + bytes > facts.bytes_on_disk) return false;
  }
  return true;
}
