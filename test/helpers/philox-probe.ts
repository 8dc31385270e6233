/**
 * Prints, as JSON, a SHA-256 per case of native.philoxFill's output bytes over a fixed
 * grid of kinds, dtypes, seeds, stream starts (odd and even) and lengths (0, 1, lone
 * ends, and around the kernel's batch sizes). test/unit/random-identity.test.ts runs it
 * under DND_RANDOM_ISA=base|avx2|avx512 and compares with values recorded before the
 * batched kernel existed (test/fixtures/philox-golden.json).
 */
import { createHash } from 'node:crypto';
import { loadNative } from '../../src/native/index.js';

const KINDS = { rand: 0, randn: 1, randint: 2 } as const;
const SEEDS = [0n, 1n, 7n, 123456789n, 2n ** 64n - 1n];
const STARTS = [0n, 1n, 2n, 1001n, 2n ** 40n + 3n];
const LENGTHS = [0, 1, 2, 3, 15, 16, 17, 255, 511, 512, 513, 1025, 4097];
const DTYPES = { float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array } as const;
// long runs (float32 normals take a second, libm path for a few values in 10^4: see philox.h)
const BULK = { length: 3_000_001, seeds: [1n, 2n ** 63n + 5n], starts: [0n, 12345n] };
const INT_RANGES: [number, number][] = [[0, 10], [-5, 5], [-1000000, 3000000000], [0, 2 ** 53]];

export function probe(): Record<string, string> {
  const native = loadNative();
  const out: Record<string, string> = {};
  for (const [kind, k] of Object.entries(KINDS)) {
    for (const [dt, C] of Object.entries(DTYPES)) {
      if (kind !== 'randint' && dt !== 'float32' && dt !== 'float64') continue;
      const ranges: [number, number][] = kind === 'randint' ? INT_RANGES.filter(([lo, hi]) => dt.includes('64') || (lo >= -128 && hi <= 256) || (dt.includes('32') && hi < 2 ** 31)) : [[0, 0]];
      for (const [lo, hi] of ranges) {
        for (const seed of SEEDS) {
          for (const start of STARTS) {
            const h = createHash('sha256');
            for (const n of LENGTHS) {
              const a = new C(n);
              native.philoxFill(a, k, seed, start, lo, hi);
              h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
            }
            out[`${kind} ${dt} [${lo},${hi}) seed=${seed} start=${start}`] = h.digest('hex').slice(0, 32);
          }
        }
      }
    }
  }
  for (const [dt, C] of [['float32', Float32Array], ['float64', Float64Array]] as const) {
    for (const seed of BULK.seeds) {
      for (const start of BULK.starts) {
        const a = new C(BULK.length);
        native.philoxFill(a, KINDS.randn, seed, start, 0, 0);
        out[`bulk randn ${dt} n=${BULK.length} seed=${seed} start=${start}`] = createHash('sha256').update(new Uint8Array(a.buffer)).digest('hex').slice(0, 32);
      }
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('philox-probe.ts')) process.stdout.write(JSON.stringify({ isa: loadNative().philoxIsa(), hashes: probe() }, null, 1) + '\n');
