/**
 * A fingerprint of a DNDarray's global contents that does not depend on how it is
 * distributed: each element's bits are hashed together with its global flat index and
 * the hashes are summed (mod 2^32, two independent lanes). Ranks hash their own blocks;
 * the sums combine in any order. Equal fingerprints across rank counts and splits show
 * that the same global array was built, bit for bit.
 */
import type { DNDarray } from './dndarray.js';
import type { TypedArray } from './dtypes.js';
import { globalRuns } from './layout.js';

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Unsigned integer words of each element: one for items of up to 4 bytes, two for 8. */
function words(a: TypedArray): { view: Uint8Array | Uint16Array | Uint32Array; perItem: number } {
  const { buffer, byteOffset, byteLength } = a;
  if (a.BYTES_PER_ELEMENT === 1) return { view: new Uint8Array(buffer, byteOffset, byteLength), perItem: 1 };
  if (a.BYTES_PER_ELEMENT === 2) return { view: new Uint16Array(buffer, byteOffset, byteLength / 2), perItem: 1 };
  return { view: new Uint32Array(buffer, byteOffset, byteLength / 4), perItem: a.BYTES_PER_ELEMENT / 4 };
}

export interface LocalDigest {
  /** two lanes of the hash sum of this rank's elements */
  lanes: [number, number];
  /** float64 sum of this rank's values */
  sum: number;
}

/** Not collective: digest of this rank's block, given its first row along split. */
export function localDigest(x: DNDarray, offset: number): LocalDigest {
  const { view, perItem } = words(x.larray);
  let a = 0;
  let b = 0;
  const rows = x.split === null ? 0 : x.lshape[x.split];
  for (const run of globalRuns(x.gshape, x.split, offset, rows)) {
    for (let i = 0; i < run.length; i++) {
      const g = run.global + i;
      const gi = fmix32((g >>> 0) ^ fmix32(Math.floor(g / 4294967296) + 0x9e3779b9));
      let w = view[(run.local + i) * perItem];
      if (perItem === 2) w = fmix32(w) ^ view[(run.local + i) * 2 + 1];
      a = (a + fmix32(w ^ gi)) >>> 0;
      b = (b + fmix32(w ^ fmix32(gi ^ 0x27d4eb2f))) >>> 0;
    }
  }
  let sum = 0;
  const l = x.larray;
  for (let i = 0; i < l.length; i++) sum += Number(l[i]);
  return { lanes: [a, b], sum };
}

/** Combines per-rank digests (in any order) into the global fingerprint, 16 hex digits. */
export function combineDigests(digests: readonly LocalDigest[]): string {
  let a = 0;
  let b = 0;
  for (const d of digests) {
    a = (a + d.lanes[0]) >>> 0;
    b = (b + d.lanes[1]) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Per-rank fingerprint as hex. */
export function digestHex(d: LocalDigest): string {
  return combineDigests([d]);
}
