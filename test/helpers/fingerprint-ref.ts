/**
 * The fingerprint's definition (src/dnd/checksum.ts) written out plainly in JS, element by
 * element, as the reference the native kernel (src/native/reduce.h) is checked against.
 */
import { fmix32, type Lanes } from '../../src/dnd/checksum.js';
import type { TypedArray } from '../../src/dnd/dtypes.js';
import type { Run } from '../../src/dnd/layout.js';

function word(a: TypedArray, i: number): number {
  const bytes = new Uint8Array(a.buffer, a.byteOffset + i * a.BYTES_PER_ELEMENT, a.BYTES_PER_ELEMENT);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (a.BYTES_PER_ELEMENT) {
    case 1:
      return v.getUint8(0);
    case 2:
      return v.getUint16(0, true);
    case 4:
      return v.getUint32(0, true);
    default:
      return (fmix32(v.getUint32(0, true)) ^ v.getUint32(4, true)) >>> 0;
  }
}

export function referenceLanes(a: TypedArray, runs: readonly Run[]): Lanes {
  let x = 0;
  let y = 0;
  for (const run of runs) {
    for (let i = 0; i < run.length; i++) {
      const g = run.global + i;
      const gi = fmix32(((g % 4294967296) ^ fmix32((Math.floor(g / 4294967296) + 0x9e3779b9) >>> 0)) >>> 0);
      const w = word(a, run.local + i);
      x = (x + fmix32((w ^ gi) >>> 0)) >>> 0;
      y = (y + fmix32((((w ^ 0x27d4eb2f) >>> 0) + gi) >>> 0)) >>> 0;
    }
  }
  return [x, y];
}
