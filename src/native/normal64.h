// dnd's own double-precision log and sin/cos for float64 normals (Box-Muller in philox.h).
//
// Why not libm: glibc picks an FMA or a non-FMA variant of log/sin/cos at load time by
// CPU, and the two differ in the last bit of some values, so with libm a float64 randn
// array would depend on the CPUs its ranks ran on. These functions use only IEEE
// operations that round the same everywhere (+ - * / on doubles, integer and bit
// operations, exact conversions), in a fixed order, with no fused multiply-add: philox.h
// compiles them with FMA contraction off, for every instruction set (AVX-512, AVX2,
// base) alike, and a vectorised loop does per lane exactly what the scalar code does.
// So the bits are the same on every x86-64 CPU, ISA path and libm. They are also
// branch-free (selects only), so the batch loop vectorises.
//
// The algorithms are fdlibm's (Sun, 1993; as in FreeBSD's msun: e_log.c, k_sin.c,
// k_cos.c), specialised to the arguments Box-Muller gives: log of x in [2^-53, 1] and
// sin/cos of t in [0, 2 pi). Measured error against a long double reference over 10^8
// arguments of each (bench/c/normal64.cc, bench/README.md): log and sin/cos below 1 ulp.
#pragma once
#include <cstdint>

#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ != 0
#error "normal64.h needs double arithmetic evaluated in double (SSE2 on x86), not x87 extended precision"
#endif

// No fused multiply-add anywhere below, whatever the target (GCC: the optimize pragma;
// clang contracts within an expression by default, so it is told too).
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#ifdef __clang__
#pragma clang fp contract(off)
#endif

namespace dndnormal64 {

#define DND_NORMAL64_INLINE inline __attribute__((always_inline))

// log(x) for x in [2^-53, 1] (normal doubles; 1 gives +0). x = 2^k m with m in
// [sqrt(1/2), sqrt(2)), f = m - 1 (exact), log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2))
// with s = f / (2 + f), and k log 2 in two parts (ln2_hi k is exact for |k| < 2^11).
DND_NORMAL64_INLINE double Log(double x) {
  uint64_t ix = __builtin_bit_cast(uint64_t, x);
  uint64_t t = ix - 0x3fe6a09e667f3bcdULL;  // exponent relative to sqrt(1/2)
  int32_t k = static_cast<int32_t>(static_cast<uint32_t>(t >> 32)) >> 20;
  double m = __builtin_bit_cast(double, ix - (static_cast<uint64_t>(static_cast<int64_t>(k)) << 52));
  double f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
  double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  double t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  double hfsq = 0.5 * f * f, R = t2 + t1, dk = static_cast<double>(k);
  return dk * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + R) + dk * 1.90821492927058770002e-10)) - f);
}

// sin and cos of t in [0, 2 pi). Reduction: t = q pi/2 + (y0 + y1), q = round(t 2/pi) in
// 0..4, pi/2 = P1 + P2 + P3 (P1, P2 of 33 bits, so q P1 and q P2 are exact); t - q P1 is
// exact (Sterbenz), its difference with q P2 is kept as a double-double by TwoSum, and q P3
// (below 2^-65) goes into the tail. The kernels take the tail y1 into account, as fdlibm's
// __kernel_sin(x, y, 1) and __kernel_cos(x, y) do.
DND_NORMAL64_INLINE void SinCos(double t, double& sn, double& cs) {
  const double kP1 = 1.57079632673412561417e+00, kP2 = 6.07710050630396597660e-11, kP3 = 2.02226624879595063154e-21;
  double kd = t * 6.36619772367581382433e-01 + 0x1.8p52;  // round(t 2/pi) in the low bits
  uint64_t quadrant = __builtin_bit_cast(uint64_t, kd) & 3;
  double q = kd - 0x1.8p52;
  double a = t - q * kP1, b = -(q * kP2);
  double h = a + b, bv = h - a, e = (a - (h - bv)) + (b - bv);  // TwoSum: h + e = a + b exactly
  double tail = e - q * kP3;
  double y0 = h + tail, y1 = (h - y0) + tail;  // |h| > 2^-60 > |tail| here: Fast2Sum
  // __kernel_sin(y0, y1, 1)
  double z = y0 * y0, w = z * z, v = z * y0;
  double rs = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * 2.75573137070700676789e-06) +
              z * w * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10);
  double s0 = y0 - ((z * (0.5 * y1 - v * rs) - y1) - v * -1.66666666666666324348e-01);
  // __kernel_cos(y0, y1)
  double rc = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * 2.48015872894767294178e-05)) +
              w * w * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11));
  double hz = 0.5 * z, c1 = 1.0 - hz;
  double c0 = c1 + (((1.0 - c1) - hz) + (z * rc - y0 * y1));
  double sa = (quadrant & 1) ? c0 : s0, ca = (quadrant & 1) ? s0 : c0;
  sn = (quadrant & 2) ? -sa : sa;
  cs = ((quadrant + 1) & 2) ? -ca : ca;
}

}  // namespace dndnormal64

#pragma GCC pop_options
