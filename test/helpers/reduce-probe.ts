/**
 * Prints, as JSON, the native kernels' outputs for a fixed set of arrays: the unit test
 * runs it under DND_REDUCE_ISA=base|avx2 and compares with the default kernel's.
 */
import { loadNative } from '../../src/native/index.js';

export function probeArrays(): (Float32Array | Float64Array | Int32Array | Int16Array | BigInt64Array)[] {
  let s = 12345;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5) * 1000;
  const f32 = Float32Array.from({ length: 5001 }, r);
  const f64 = Float64Array.from({ length: 4099 }, r);
  const withSpecials = Float64Array.from({ length: 3000 }, r);
  withSpecials[2500] = NaN;
  withSpecials[7] = -Infinity;
  return [f32, f64, withSpecials, Int32Array.from({ length: 777 }, () => r() * 1e6), Int16Array.from({ length: 100 }, r), BigInt64Array.from({ length: 50 }, () => BigInt(Math.floor(r() * 1e12)) * 1000003n)];
}

export function probe(): unknown[] {
  const native = loadNative();
  return probeArrays().map((a) => ({
    moments: Array.from(native.momentSums(a, 3.5)),
    integerShift: Array.from(native.momentSums(a, -3)),
    lanes: native.fingerprintLanes(a, Float64Array.of(0, 2 ** 32 - 1000, a.length)),
  }));
}

if (process.argv[1]?.endsWith('reduce-probe.ts')) process.stdout.write(JSON.stringify(probe()));
