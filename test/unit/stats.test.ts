/**
 * The pure parts of statistics and fingerprints, and the native one-pass kernels
 * (src/native/reduce.h) they rest on: no MPI needed (the kernels do not call it).
 * - fingerprint lanes from the native kernel = the JS reference of the definition, for
 *   every dtype, odd run layouts and global indices across 2^32;
 * - stats = numpy's verdicts (NaN, ±inf, empty) and exact arithmetic (fractions) otherwise;
 * - cutting an array into blocks in any way gives bit-identical stats, sums and lanes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { addLanes, finishFingerprint, headerHash, type Lanes } from '../../src/dnd/checksum.js';
import { typedView, type Dtype, type TypedArray } from '../../src/dnd/dtypes.js';
import { globalRuns, numel, type Run } from '../../src/dnd/layout.js';
import { EMPTY_MOMENTS, finishStats, mergeMoments, momentsOf, shiftOf, type Moments, type Stats } from '../../src/dnd/stats.js';
import { loadNative } from '../../src/native/index.js';
import { jsonReal, jsonRealOrNull } from '../../src/runtime/json-real.js';
import { referenceLanes } from '../helpers/fingerprint-ref.js';
import { probe } from '../helpers/reduce-probe.js';
import { ROOT } from '../helpers/run.js';
import { rng } from '../helpers/rng.js';

const native = loadNative();
const pass = (a: TypedArray, shift: number) => native.momentSums(a, shift);
const flatRuns = (runs: readonly Run[]) => Float64Array.from(runs.flatMap((r) => [r.local, r.global, r.length]));

const DT: Dtype[] = ['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'bool'];

/** random contents, with NaN (several payloads), ±inf, -0 and extremes sprinkled in for floats */
function fill(dtype: Dtype, n: number, r: () => number, special = true): TypedArray {
  const bytes = new Uint8Array(n * (dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'float32' || dtype.endsWith('32') ? 4 : dtype.endsWith('16') ? 2 : 1));
  const a = typedView(dtype, bytes.buffer);
  for (let i = 0; i < n; i++) {
    if (dtype === 'float32' || dtype === 'float64') {
      const u = r();
      if (special && u < 0.03) a[i] = [NaN, Infinity, -Infinity, -0, 0][Math.floor(r() * 5)];
      else a[i] = (r() - 0.5) * 10 ** Math.floor(r() * 8 - 4);
    } else if (dtype === 'int64') {
      (a as BigInt64Array)[i] = BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)));
    } else if (dtype === 'bool') {
      a[i] = r() < 0.5 ? 1 : 0;
    } else {
      a[i] = Math.floor(r() * 2 ** 32) | 0; // wraps into the dtype
    }
  }
  if (special && dtype === 'float64' && n > 2) new DataView(bytes.buffer).setUint32(8 * 1 + 0, 0x1234, true); // a denormal
  if (special && dtype === 'float32' && n > 3) new DataView(bytes.buffer).setUint32(4 * 3, 0x7fc01234, true); // NaN with a payload
  return a;
}

/**
 * float32 values with magnitudes log-uniform over `span` binades around a random centre,
 * random signs, every 97th a zero: the shape of data that decides Float32Block's bound.
 */
function float32Spread(n: number, span: number, r: () => number): Float32Array {
  const centre = Math.floor(r() * 236) - 140; // the largest, 2^(95 + 30 + 1), stays finite
  return Float32Array.from({ length: n }, (_, i) => (i % 97 === 5 ? 0 : (r() < 0.5 ? -1 : 1) * (1 + r()) * 2 ** (centre + Math.floor(r() * (span + 1)) - span / 2)));
}

/** A double times 2^1074, exactly (every double is a multiple of 2^-1074). */
function scaled(v: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const field = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (field !== 0) m |= 1n << 52n;
  m <<= BigInt(Math.max(field, 1) - 1); // m * 2^(max(field, 1) - 1075), times 2^1074
  return hi >>> 31 ? -m : m;
}

const hex = (a: TypedArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('fingerprint lanes: native kernel = the JS definition', () => {
  it('every dtype, blocks cut along every axis, global indices across 2^32', () => {
    const r = rng(7);
    for (const dtype of DT) {
      for (const shape of [[5], [3, 4], [2, 3, 5], [1, 7, 1], [4, 0, 3]]) {
        const a = fill(dtype, numel(shape), r);
        for (let split = 0; split < shape.length; split++) {
          const n = shape[split];
          for (let off = 0; off <= n; off++) {
            for (let rows = 0; off + rows <= n; rows++) {
              const runs = globalRuns(shape, split, off, rows);
              // a block of `rows` rows starting at `off` is local elements 0.. of its runs; use
              // the array's first elements as its contents (only the words and indices matter)
              assert.deepEqual(native.fingerprintLanes(a, flatRuns(runs)), referenceLanes(a, runs), `${dtype} ${shape} split ${split} off ${off} rows ${rows}`);
            }
          }
        }
      }
      // indices that cross 2^32 and 2^33 inside one run
      const big = fill(dtype, 300, r);
      const runs: Run[] = [
        { local: 0, global: 2 ** 32 - 100, length: 200 },
        { local: 200, global: 2 ** 33 - 37, length: 100 },
      ];
      assert.deepEqual(native.fingerprintLanes(big, flatRuns(runs)), referenceLanes(big, runs), `${dtype} across 2^32`);
    }
  });

  it('a long run (vectorised loop, prefetch, tails) matches too', () => {
    const a = fill('float32', 100003, rng(3));
    const runs = [{ local: 0, global: 12345, length: a.length }];
    assert.deepEqual(native.fingerprintLanes(a, flatRuns(runs)), referenceLanes(a, runs));
  });

  it('property: random runs of every element width (vector steps, tails, unaligned starts, 2^32 inside a vector) match', () => {
    // the kernel takes 4- and 8-byte elements a vector of 4 chains at a time (16 to 64
    // elements) with a prefetch every 256; lengths around those sizes, starts at any byte
    // alignment and global indices that reach a multiple of 2^32 inside a step
    const r = rng(2026);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    for (const dtype of ['float32', 'int32', 'float64', 'int64', 'uint16', 'uint8'] as Dtype[]) {
      const a = fill(dtype, 2000, r);
      for (let k = 0; k < 150; k++) {
        const length = pick([0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257, Math.floor(r() * 1200)]);
        const local = Math.floor(r() * (a.length - length + 1));
        const edge = 2 ** 32 * (1 + Math.floor(r() * 3));
        const global = pick([Math.floor(r() * 2 ** 40), edge - Math.floor(r() * (length + 2)), Math.floor(r() * 1000)]);
        const runs: Run[] = [{ local, global, length }];
        assert.deepEqual(native.fingerprintLanes(a, flatRuns(runs)), referenceLanes(a, runs), `${dtype} ${JSON.stringify(runs[0])}`);
      }
    }
  });

  it('lanes of any cut add up to the whole', () => {
    const shape = [6, 5, 4];
    const a = fill('float64', numel(shape), rng(11));
    const whole = native.fingerprintLanes(a, flatRuns(globalRuns(shape, null, 0, 0)));
    for (let split = 0; split < 3; split++) {
      for (const cut of [[6, 5, 4], [0, 1, 2, 3], [1, 0, 0, 5]].map((c) => c.slice(0, shape[split] + 1))) {
        // rows [0, c) and [c, n) of the split axis, copied out as their own blocks
        const n = shape[split];
        const c = Math.min(cut[0], n);
        let sum: Lanes = [0, 0];
        for (const [off, rows] of [[0, c], [c, n - c]]) {
          const block = blockOf(a, shape, split, off, rows);
          sum = addLanes(sum, native.fingerprintLanes(block, flatRuns(globalRuns(shape, split, off, rows))));
        }
        assert.deepEqual(sum, whole, `split ${split} cut ${c}`);
      }
    }
  });

  it('the header: shape and dtype are part of the fingerprint', () => {
    const lanes: Lanes = [123, 456];
    const fps = new Set([
      finishFingerprint(lanes, [2, 6], 'float32'),
      finishFingerprint(lanes, [3, 4], 'float32'),
      finishFingerprint(lanes, [12], 'float32'),
      finishFingerprint(lanes, [2, 6], 'int32'),
      finishFingerprint(lanes, [2, 6, 1], 'float32'),
      finishFingerprint(lanes, [2 ** 32 + 2, 6], 'float32'),
    ]);
    assert.equal(fps.size, 6);
    assert.match(finishFingerprint(lanes, [2, 6], 'float32'), /^[0-9a-f]{16}$/);
    assert.notEqual(headerHash([0], 'float32'), headerHash([], 'float32'));
  });

  it('bit for bit: -0 and +0, and NaN payloads, give different lanes', () => {
    const runs = flatRuns([{ local: 0, global: 0, length: 1 }]);
    const z = native.fingerprintLanes(Float64Array.of(0), runs);
    assert.notDeepEqual(native.fingerprintLanes(Float64Array.of(-0), runs), z);
    const n1 = new Float32Array(new Uint32Array([0x7fc00000]).buffer);
    const n2 = new Float32Array(new Uint32Array([0x7fc00001]).buffer);
    assert.notDeepEqual(native.fingerprintLanes(n1, runs), native.fingerprintLanes(n2, runs));
  });
});

describe('native kernels: every instruction set gives the same bits', () => {
  it('DND_REDUCE_ISA=base and avx2 agree with the default (AVX-512 where present)', () => {
    const here = JSON.stringify(probe());
    for (const isa of ['base', 'avx2']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}test/helpers/reduce-probe.ts`], { encoding: 'utf8', env: { ...process.env, DND_REDUCE_ISA: isa } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, here, isa);
    }
  });
});

/** Copy of rows [off, off+rows) along `split` of a row-major array, as its own block. */
function blockOf(a: TypedArray, shape: number[], split: number, off: number, rows: number): TypedArray {
  const pre = numel(shape.slice(0, split));
  const post = numel(shape.slice(split + 1));
  const n = shape[split];
  const C = a.constructor as new (len: number) => TypedArray;
  const out = new C(pre * rows * post);
  for (let o = 0; o < pre; o++) {
    const src = a.subarray((o * n + off) * post, (o * n + off + rows) * post) as TypedArray;
    (out as Float64Array).set(src as Float64Array, o * rows * post);
  }
  return out;
}

interface RefStats {
  count: number;
  nan_count: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | string | null;
  std: number | string | null;
  sum: number | string;
}

function statsOf(a: TypedArray): Stats {
  return finishStats(mergeMoments({ ...EMPTY_MOMENTS }, momentsOf(a, shiftOf(a), pass)));
}

/** ulps between two doubles */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const ulp = Math.max(Number.MIN_VALUE, Math.abs(b) * Number.EPSILON);
  return Math.abs(a - b) / ulp;
}

describe('statistics', () => {
  const dir = mkdtempSync(`${tmpdir()}/dnd-stats-`);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('agree with numpy (NaN, ±inf, empty) and with exact arithmetic (finite)', () => {
    const r = rng(5);
    const arrays: TypedArray[] = [];
    for (const dtype of DT) {
      for (const n of [0, 1, 2, 7, 100, 3001]) arrays.push(fill(dtype, n, r, n !== 3001));
    }
    arrays.push(Float32Array.of(1, Infinity, 2, 3), Float64Array.of(1, NaN, 2, 3), Float64Array.of(Infinity, -Infinity), Float64Array.of(-0, 0));
    arrays.push(Float64Array.of(1e308, 1e308, 5), Float64Array.of(1e8 + 1, 1e8 + 2, 1e8 + 3), Float64Array.of(1e300, 1, -1e300), Float64Array.of(-Infinity, 5));
    arrays.push(BigInt64Array.of(2n ** 62n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 3n));
    // blocks of 2048 take the fast path unless they hold a non-finite value: mix both
    for (const special of [Infinity, -Infinity, NaN]) {
      const big = fill('float32', 7000, r, false);
      big[4100] = special;
      arrays.push(big);
    }
    // float32 blocks that span few enough binades take a cheaper exact scheme (reduce.h,
    // Float32Block): magnitudes over 0..60 binades around centres from 2^-140 to 2^95
    // (zeros, denormals and signed values mixed in) put blocks on both sides of its bound
    for (let span = 0; span <= 60; span += 4) arrays.push(float32Spread(4300, span, r));
    // a non-finite value in a block that would qualify: refused (a NaN only after its sums)
    for (const special of [NaN, Infinity, -Infinity]) {
      for (const at of [2048, 3001, 4095]) {
        const a = float32Spread(4300, 8, r);
        a[at] = special;
        arrays.push(a);
      }
    }
    const tiny = float32Spread(6200, 20, r);
    tiny[3000] = 1e-30; // one block falls back, the others do not
    arrays.push(tiny);
    const offset = Float64Array.from(fill('float64', 3000, r, false) as Float64Array, (v) => v + 1e9); // std << mean
    arrays.push(offset);
    const huge = fill('float64', 5000, r, false);
    huge[10] = 1e200; // a finite value whose square overflows: that block goes the careful way
    arrays.push(huge);
    const dtypeOf = (a: TypedArray) =>
      a instanceof Float32Array ? 'float32' : a instanceof Float64Array ? 'float64' : a instanceof BigInt64Array ? 'int64' : a instanceof Int8Array ? 'int8' : a instanceof Int16Array ? 'int16' : a instanceof Int32Array ? 'int32' : a instanceof Uint16Array ? 'uint16' : a instanceof Uint32Array ? 'uint32' : 'uint8';
    const file = `${dir}/cases.json`;
    writeFileSync(file, JSON.stringify(arrays.map((a) => ({ dtype: dtypeOf(a), hex: hex(a) }))));
    const py = spawnSync('/usr/bin/python3', [`${ROOT}test/py/stats_ref.py`, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(py.status, 0, py.stderr);
    const refs = JSON.parse(py.stdout) as RefStats[];
    arrays.forEach((a, k) => {
      const s = statsOf(a);
      const ref = refs[k];
      const what = `case ${k} (${dtypeOf(a)}, ${a.length} elements)`;
      assert.equal(s.count, ref.count, `${what} count`);
      assert.equal(s.nan_count, ref.nan_count, `${what} nan_count`);
      // signed zeros compare equal (numpy's min of [-0, 0] may be either)
      const z = (v: unknown) => (v === 0 ? 0 : v);
      assert.deepEqual([z(jsonRealOrNull(s.min)), z(jsonRealOrNull(s.max))], [z(ref.min), z(ref.max)], `${what} min/max`);
      for (const key of ['mean', 'std', 'sum'] as const) {
        const got = key === 'sum' ? jsonReal(s.sum) : jsonRealOrNull(s[key]);
        const want = ref[key];
        if (typeof want === 'number' && typeof got === 'number') {
          // exact reference: mean and sum are rounded once from ~106 bits, std twice
          assert.ok(ulps(got, want) <= (key === 'std' ? 2 : 1) || Math.abs(got - want) < 1e-300, `${what} ${key}: ${got} vs ${want}`);
        } else {
          assert.equal(got, want, `${what} ${key}`);
        }
      }
    });
  });

  it('cutting an array into blocks in any way changes nothing, bit for bit', () => {
    const r = rng(9);
    for (const dtype of ['float32', 'float64', 'int32', 'int64', 'int16', 'uint16', 'int8'] as Dtype[]) {
      const a = fill(dtype, 5000, r, false);
      // an offset of 1e12 (~1e10 standard deviations) makes the variance a small difference
      // of large sums unless the shift removes it
      if (dtype === 'float64') for (let i = 0; i < a.length; i++) (a as Float64Array)[i] += 1e12;
      check(a, dtype);
    }
    // float32 data that takes Float32Block in some cuts (their full blocks) and not others
    for (const span of [3, 30, 48]) check(float32Spread(9000, span, r), `float32 over ${span} binades`);
    function check(a: TypedArray, what: string) {
      const whole = statsOf(a);
      for (let trial = 0; trial < 20; trial++) {
        const cuts = [0, ...Array.from({ length: 1 + Math.floor(r() * 6) }, () => Math.floor(r() * a.length)).sort((x, y) => x - y), a.length];
        let m: Moments = { ...EMPTY_MOMENTS };
        for (let i = 0; i + 1 < cuts.length; i++) m = mergeMoments(m, momentsOf(a.subarray(cuts[i], cuts[i + 1]) as TypedArray, shiftOf(a), pass));
        assert.deepEqual(finishStats(m), whole, `${what} cuts ${cuts.join(',')}`);
      }
    }
  });

  it('the native sums are exact to ~100 bits (raw double-double sums against exact integers)', () => {
    // Rounded results cannot show an error of 2^-60: compare each kernel's hi + lo sums of
    // x, of d = fl(x - shift) and of d^2 with the exact sums, as integers (every double is a
    // multiple of 2^-1074). Sum2's bound is about (n u)^2 of the sum of magnitudes; what the
    // kernels reach is far inside it, and a lost error term (e.g. Fast2Sum with its operands
    // out of order) costs up to 2^-53.
    const r = rng(21);
    const arrays: TypedArray[] = [];
    for (let span = 0; span <= 48; span += 3) arrays.push(float32Spread(6200, span, r));
    for (const dtype of ['float32', 'float64', 'int32', 'int16', 'int64', 'int8', 'uint8', 'uint16', 'bool'] as Dtype[]) arrays.push(fill(dtype, 6200, r, false));
    arrays.push(Uint16Array.from({ length: 5000 }, (_, i) => (i % 3 ? 65535 : 0)), Int16Array.from({ length: 5000 }, (_, i) => (i % 2 ? -32768 : 32767)));
    const offset = fill('float64', 4500, r, false) as Float64Array;
    for (let i = 0; i < offset.length; i++) offset[i] += 1e9;
    arrays.push(offset);
    for (const a of arrays) {
      const shift = shiftOf(a);
      const m = momentsOf(a, shift, pass);
      let s0 = 0n, s1 = 0n, s2 = 0n, abs0 = 0n, abs1 = 0n;
      for (let i = 0; i < a.length; i++) {
        const x = Number(a[i]);
        const xi = a instanceof BigInt64Array ? (a[i] as bigint) << 1074n : scaled(x);
        const di = a instanceof BigInt64Array ? xi : scaled(x - m.shift);
        s0 += xi;
        s1 += di;
        s2 += di * di; // scaled by 2^2148
        abs0 += xi < 0n ? -xi : xi;
        abs1 += di < 0n ? -di : di;
      }
      const what = `${a.constructor.name} of ${a.length}, min ${m.min}, max ${m.max}`;
      const within = (got: bigint, want: bigint, mag: bigint, name: string) => {
        const err = got > want ? got - want : want - got;
        assert.ok(err << 96n <= mag, `${what}: ${name} off by 2^${(err.toString(2).length - mag.toString(2).length).toString()} of its magnitudes`);
      };
      within(scaled(m.s0[0]) + scaled(m.s0[1]), s0, abs0, 'sum of x');
      within(scaled(m.s1[0]) + scaled(m.s1[1]), s1, abs1, 'sum of d');
      within((scaled(m.s2[0]) + scaled(m.s2[1])) << 1074n, s2, s2, 'sum of d^2');
    }
  });

  it('8- and 16-bit integers: exact sums across the 2^15 and 2^20 chunks of their kernel, extremes included', () => {
    // sums of x and of (x - shift)^2 here stay below 2^53: plain numbers are exact
    const r = rng(33);
    const n = 2 ** 20 + 2 ** 15 + 7;
    const arrays = [
      Uint8Array.from({ length: n }, (_, i) => (i % 5 ? 255 : Math.floor(r() * 256))),
      Int8Array.from({ length: n }, (_, i) => (i % 3 ? -128 : Math.floor(r() * 256) - 128)),
      Uint16Array.from({ length: n }, (_, i) => (i % 2 ? 65535 : Math.floor(r() * 65536))),
      Int16Array.from({ length: n }, (_, i) => (i % 4 ? -32768 : Math.floor(r() * 65536) - 32768)),
    ];
    for (const a of arrays) {
      const shift = a[1];
      const m = momentsOf(a, shift, pass);
      let s0 = 0;
      let s2 = 0;
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = 0; i < a.length; i++) {
        s0 += a[i];
        s2 += (a[i] - shift) ** 2;
        mn = Math.min(mn, a[i]);
        mx = Math.max(mx, a[i]);
      }
      const what = `${a.constructor.name} of ${a.length}`;
      assert.ok(Math.abs(s2) < 2 ** 53, `${what}: the reference is exact`);
      assert.equal(scaled(m.s0[0]) + scaled(m.s0[1]), scaled(s0), `${what} sum of x`);
      assert.equal(scaled(m.s1[0]) + scaled(m.s1[1]), scaled(s0 - a.length * shift), `${what} sum of d`);
      assert.equal(scaled(m.s2[0]) + scaled(m.s2[1]), scaled(s2), `${what} sum of d^2`);
      assert.deepEqual([m.min, m.max], [mn, mx], `${what} min/max`);
    }
  });

  it('empty arrays: count 0, sum 0, no min/max/mean/std', () => {
    assert.deepEqual(finishStats({ ...EMPTY_MOMENTS }), { count: 0, min: null, max: null, mean: null, std: null, sum: 0, nan_count: 0 });
  });

  it('JSON form of non-finite numbers', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, -0, 1.5].map(jsonReal), ['nan', 'inf', '-inf', -0, 1.5]);
    assert.equal(jsonRealOrNull(null), null);
  });
});
