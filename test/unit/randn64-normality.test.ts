/**
 * float64 normals come from dnd's own log and sin/cos (src/native/normal64.h), not libm's:
 * this checks that what they give is still N(0, 1). 10^7 values (seed 2026, in chunks of
 * 10^6 so memory stays small) against the exact normal: mean, variance, third and fourth
 * moments, tail fractions beyond 2, 3, 4 and 5, a chi-square over 0.25-wide bins, and no
 * correlation between a block's cos and sin halves. Tolerances are 5 to 6 standard errors
 * (a sound kernel fails a check with odds below 10^-6; the seed is fixed, so the outcome is
 * too). What they catch: a scale off by more than about 0.1% (the variance), a lopsided or
 * wrongly shaped distribution (moments, tails, histogram), dependent halves. Bit-level
 * errors are the recorded hashes' job (random-identity.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadNative } from '../../src/native/index.js';

const N = 10_000_000;
const CHUNK = 1_000_000;
const NORMAL = 1;

// the standard normal's upper tail Q(x), by Simpson's rule on the density from x to 40
// (20,000 intervals: error below 1e-12, far below the 1e-4 relative that 10^7 samples see)
function upperTail(x: number): number {
  if (x < 0) return 1 - upperTail(-x);
  const b = 40, m = 20_000, h = (b - x) / m, f = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = f(x) + f(b);
  for (let i = 1; i < m; i++) s += (i % 2 ? 4 : 2) * f(x + i * h);
  return (s * h) / 3;
}

describe('float64 randn: the values are standard normal', () => {
  const native = loadNative();
  const a = new Float64Array(CHUNK);
  const edges: number[] = [];
  for (let e = -4; e <= 4 + 1e-9; e += 0.25) edges.push(e);
  const bins = new Array<number>(edges.length + 1).fill(0);
  const tails = [2, 3, 4, 5];
  const beyond = tails.map(() => 0);
  let s1 = 0, s2 = 0, s3 = 0, s4 = 0, cross = 0, nonFinite = 0;
  for (let c = 0; c < N / CHUNK; c++) {
    native.philoxFill(a, NORMAL, 2026n, BigInt(c * CHUNK), 0, 0);
    for (let i = 0; i < CHUNK; i++) {
      const x = a[i];
      if (!Number.isFinite(x)) nonFinite++;
      const x2 = x * x;
      s1 += x; s2 += x2; s3 += x2 * x; s4 += x2 * x2;
      if (i % 2 === 0) cross += x * a[i + 1];
      const ax = Math.abs(x);
      for (let t = 0; t < tails.length; t++) if (ax > tails[t]) beyond[t]++;
      let lo = 0, hi = edges.length; // first edge above x
      while (lo < hi) { const mid = (lo + hi) >> 1; if (edges[mid] > x) hi = mid; else lo = mid + 1; }
      bins[lo]++;
    }
  }
  const mean = s1 / N, variance = s2 / N - mean * mean;

  it('finite values, mean 0 and variance 1', () => {
    assert.equal(nonFinite, 0);
    assert.ok(Math.abs(mean) < 5 / Math.sqrt(N), `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / N), `variance ${variance}`);
  });

  it('skewness 0 and kurtosis 3', () => {
    assert.ok(Math.abs(s3 / N) < 5 * Math.sqrt(15 / N), `third moment ${s3 / N}`);
    assert.ok(Math.abs(s4 / N - 3) < 5 * Math.sqrt(96 / N), `fourth moment ${s4 / N}`);
  });

  it('tail fractions beyond 2, 3, 4, 5 standard deviations', () => {
    tails.forEach((t, k) => {
      const p = 2 * upperTail(t), got = beyond[k] / N, se = Math.sqrt((p * (1 - p)) / N);
      assert.ok(Math.abs(got - p) < 6 * se + 1 / N, `P(|x| > ${t}) = ${got}, want ${p} ± ${6 * se}`);
    });
    assert.ok(beyond[2] > 0, 'values beyond 4 occur (10^7 samples expect about 630)');
  });

  it('the histogram over 0.25-wide bins from -4 to 4 (chi-square)', () => {
    const cdf = (x: number) => 1 - upperTail(x);
    let chi2 = 0;
    for (let b = 0; b < bins.length; b++) {
      const p = (b < edges.length ? cdf(edges[b]) : 1) - (b > 0 ? cdf(edges[b - 1]) : 0);
      chi2 += (bins[b] - N * p) ** 2 / (N * p);
    }
    // 33 degrees of freedom: P(chi2 > 80) is about 1e-5
    assert.ok(chi2 < 80, `chi-square ${chi2.toFixed(1)} over ${bins.length} bins`);
  });

  it("a block's two values (r cos t, r sin t) are uncorrelated", () => {
    const corr = cross / (N / 2);
    assert.ok(Math.abs(corr) < 5 / Math.sqrt(N / 2), `E[x0 x1] = ${corr}`);
  });
});
