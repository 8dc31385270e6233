// The random fill's kernel (philox.cc is its N-API glue): Philox4x32-10 in batches.
//
// The definition of dnd's random values is in philox.cc's header comment; this file
// computes exactly those values, faster. The Philox part (integer arithmetic only) runs
// over a batch of counter blocks at once in structure-of-arrays form (one array per
// output word), which the compiler turns into vector code: 32x32->64-bit multiplies
// (vpmuludq) on 8 (AVX-512) or 4 (AVX2) blocks per instruction. Integer results are the
// same bits whatever the vector width.
//
// float64 normals use dnd's own log and sin/cos (normal64.h), branch-free, so the whole
// batch is vector code; their bits are the same on every CPU and instruction set (FMA
// contraction is off here and there, so no instruction set fuses two roundings into one).
// float32 normals (the default dtype) are defined by glibc's scalar log and sincos, as
// they always were: they use vector polynomials whose double result is proven to round to
// the same float as glibc's, and call glibc for the rare values where that proof fails
// (see "float32 normals" below). bench/README.md ("random fill") has the figures.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "isa.h"
#include "normal64.h"

#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")

namespace dndphilox {

#define DND_PHILOX_INLINE inline __attribute__((always_inline))

enum Kind { kUniform = 0, kNormal = 1, kInteger = 2 };

// Counter blocks per batch: 2 elements each; 256 blocks keep the batch's words and
// intermediates (~16 KiB) in L1.
constexpr size_t kBatch = 256;

struct alignas(64) Words {
  uint32_t w0[kBatch], w1[kBatch], w2[kBatch], w3[kBatch];
};

// Philox4x32-10 of counters ctr0 .. ctr0 + m - 1 (64-bit counter in words 0 and 1, words 2
// and 3 zero) with key = seed. The loop over blocks is the vector loop.
DND_PHILOX_INLINE void PhiloxBatch(uint64_t ctr0, uint64_t seed, size_t m, Words& o) {
  const uint32_t key0 = static_cast<uint32_t>(seed), key1 = static_cast<uint32_t>(seed >> 32);
  for (size_t j = 0; j < m; ++j) {
    uint64_t ctr = ctr0 + j;
    uint32_t c0 = static_cast<uint32_t>(ctr), c1 = static_cast<uint32_t>(ctr >> 32), c2 = 0, c3 = 0;
    uint32_t k0 = key0, k1 = key1;
    for (int round = 0; round < 10; ++round) {
      uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c0;
      uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c2;
      uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
      uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
      c1 = static_cast<uint32_t>(p1);
      c3 = static_cast<uint32_t>(p0);
      c0 = n0;
      c2 = n2;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    o.w0[j] = c0;
    o.w1[j] = c1;
    o.w2[j] = c2;
    o.w3[j] = c3;
  }
}

DND_PHILOX_INLINE double U53(uint32_t a, uint32_t b) {  // [0, 1)
  return ((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0);
}

// ---- float32 normals: vector arithmetic, proven to round to libm's float, else libm ----
// A float32 normal is (float)(r * cos t) with r and cos t from glibc. Computed here with
// branch-free polynomials instead (fdlibm's log and sin/cos kernels, within 2 ulp of
// glibc's doubles; measured: bench/c/philox.c `check`), the double differs from glibc's
// by far less than kTolerance of its size, so when it lies farther than that from both
// rounding midpoints of its float, glibc's double rounds to the same float. Values too
// near a midpoint (about 1 in 30,000 with this tolerance) and zeros are redone with libm
// exactly as before. The result is glibc's bits, at vector speed, on every ISA.
constexpr double kTolerance = 0x1p-40;  // relative; the kernels' error is below 0x1p-50

DND_PHILOX_INLINE double OwnLog(double x) {  // x in (0, 1]
  uint64_t ix = __builtin_bit_cast(uint64_t, x);
  uint64_t t = ix - 0x3fe6a09e667f3bcdULL;  // exponent relative to sqrt(1/2)
  int32_t k = static_cast<int32_t>(static_cast<uint32_t>(t >> 32)) >> 20;
  double m = __builtin_bit_cast(double, ix - (static_cast<uint64_t>(static_cast<int64_t>(k)) << 52));  // [sqrt(1/2), sqrt(2))
  double f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
  double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  double t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  double hfsq = 0.5 * f * f, R = t2 + t1, dk = static_cast<double>(k);
  return dk * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + R) + dk * 1.90821492927058770002e-10)) - f);
}

DND_PHILOX_INLINE void OwnSinCos(double t, double& sn, double& cs) {  // t in [0, 2 pi)
  double kd = t * 6.36619772367581382433e-01 + 0x1.8p52;  // round(t * 2/pi) in the low bits
  uint64_t quadrant = __builtin_bit_cast(uint64_t, kd) & 3;
  double q = kd - 0x1.8p52;
  double r = t - q * 1.57079632673412561417e+00;  // pi/2 in three parts (33 + 33 + 53 bits)
  r = r - q * 6.07710050630396597660e-11;
  r = r - q * 2.02226624879595063154e-21;
  double z = r * r, v = z * r;
  double ps = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
  double s0 = r + v * (-1.66666666666666324348e-01 + z * ps);
  double pc = 4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * (2.48015872894767294178e-05 + z * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11))));
  double c0 = 1.0 - 0.5 * z + z * z * pc;
  double sa = (quadrant & 1) ? c0 : s0, ca = (quadrant & 1) ? s0 : c0;
  sn = (quadrant & 2) ? -sa : sa;
  cs = ((quadrant + 1) & 2) ? -ca : ca;
}

// Whether every double within kTolerance * |v| of v rounds to the same float as v. A
// double's 29 low mantissa bits are what rounding to float drops: within v's binade the
// rounding midpoints are exactly where those bits read 2^28 (the midpoint below the
// binade's lowest float lies below the binade, farther from v than kTolerance * |v|). In
// ulps of v, kTolerance * |v| = m * 2^12 for the mantissa m in [1, 2): at most 2^13. So v
// is safe when its dropped bits are more than 2^13 away from 2^28: integer operations
// only, cheaper than comparing with the float's neighbours (fill 215-228 -> 240-250 M/s
// per core here). Float32 normals are never subnormal or out of range (|v| < 40, and a
// zero is redone anyway).
constexpr int64_t kMargin = 8192;  // 2^13 ulps of v: kTolerance * 2^52 * 2
static_assert(kMargin == static_cast<int64_t>(kTolerance * 0x1p52 * 2), "kMargin follows kTolerance");

DND_PHILOX_INLINE bool RoundsSafely(double v) {
  int64_t dropped = static_cast<int64_t>(__builtin_bit_cast(uint64_t, v) & 0x1FFFFFFFu) - (int64_t{1} << 28);
  return (v != 0.0) & ((dropped > kMargin) | (dropped < -kMargin));  // no branches: a vector loop
}

struct Params {
  uint64_t seed;
  uint64_t range;  // integer: high - low
  int64_t ilow;
  bool f32;  // uniform into float32: 24 bits of the first word
};

// Elements 2 * ctr0 .. 2 * (ctr0 + m) - 1 into dst (2 m elements; element 2j + h from
// block j's word pair h).
template <int K, typename T, bool kOwnMath>
DND_PHILOX_INLINE void EmitBatch(T* dst, uint64_t ctr0, size_t m, const Params& p, Words& w) {
  PhiloxBatch(ctr0, p.seed, m, w);
  if (K == kUniform) {
    if (p.f32) {
      for (size_t j = 0; j < m; ++j) {
        dst[2 * j] = static_cast<T>((w.w0[j] >> 8) * (1.0 / 16777216.0));
        dst[2 * j + 1] = static_cast<T>((w.w2[j] >> 8) * (1.0 / 16777216.0));
      }
    } else {
      for (size_t j = 0; j < m; ++j) {
        dst[2 * j] = static_cast<T>(U53(w.w0[j], w.w1[j]));
        dst[2 * j + 1] = static_cast<T>(U53(w.w2[j], w.w3[j]));
      }
    }
  } else if (K == kNormal && kOwnMath && std::is_same<T, float>::value) {
    const double two_pi = 6.283185307179586476925286766559;
    alignas(64) uint8_t redo[kBatch];
    for (size_t j = 0; j < m; ++j) {
      double r = std::sqrt(-2.0 * OwnLog(1.0 - U53(w.w0[j], w.w1[j])));
      double sn, cs;
      OwnSinCos(two_pi * U53(w.w2[j], w.w3[j]), sn, cs);
      double v0 = r * cs, v1 = r * sn;
      float f0 = static_cast<float>(v0), f1 = static_cast<float>(v1);
      dst[2 * j] = static_cast<T>(f0);
      dst[2 * j + 1] = static_cast<T>(f1);
      redo[j] = !(RoundsSafely(v0) & RoundsSafely(v1));
    }
    for (size_t j = 0; j < m; ++j) {
      if (!redo[j]) continue;
      double r = std::sqrt(-2.0 * std::log(1.0 - U53(w.w0[j], w.w1[j]))), sn, cs;
      sincos(two_pi * U53(w.w2[j], w.w3[j]), &sn, &cs);
      dst[2 * j] = static_cast<T>(r * cs);
      dst[2 * j + 1] = static_cast<T>(r * sn);
    }
  } else if (K == kNormal && std::is_same<T, double>::value) {
    // Box-Muller in double with dnd's own log and sin/cos (normal64.h): the same bits on
    // every CPU, instruction set and libm, unlike glibc's (generator contract in philox.cc).
    const double two_pi = 6.283185307179586476925286766559;
    for (size_t j = 0; j < m; ++j) {
      double r = std::sqrt(-2.0 * dndnormal64::Log(1.0 - U53(w.w0[j], w.w1[j])));
      double sn, cs;
      dndnormal64::SinCos(two_pi * U53(w.w2[j], w.w3[j]), sn, cs);
      dst[2 * j] = static_cast<T>(r * cs);
      dst[2 * j + 1] = static_cast<T>(r * sn);
    }
  } else if (K == kNormal) {
    // float32 normals on the baseline: Box-Muller with glibc's log and sincos in double,
    // rounded to float (the values dnd always gave; see "float32 normals" above). libm is
    // called per block, the exact steps around it are vectorised.
    alignas(64) double u[kBatch], t[kBatch], c[kBatch], s[kBatch];
    const double two_pi = 6.283185307179586476925286766559;
    for (size_t j = 0; j < m; ++j) {
      u[j] = 1.0 - U53(w.w0[j], w.w1[j]);
      t[j] = two_pi * U53(w.w2[j], w.w3[j]);
    }
    for (size_t j = 0; j < m; ++j) {
      u[j] = std::log(u[j]);
      sincos(t[j], &s[j], &c[j]);
    }
    for (size_t j = 0; j < m; ++j) {
      double r = std::sqrt(-2.0 * u[j]);
      dst[2 * j] = static_cast<T>(r * c[j]);
      dst[2 * j + 1] = static_cast<T>(r * s[j]);
    }
  } else {
    // low + floor(v64 * range / 2^64), Lemire's multiply
    for (size_t j = 0; j < m; ++j) {
      uint64_t v0 = (static_cast<uint64_t>(w.w0[j]) << 32) | w.w1[j];
      uint64_t v1 = (static_cast<uint64_t>(w.w2[j]) << 32) | w.w3[j];
      dst[2 * j] = static_cast<T>(p.ilow + static_cast<int64_t>((static_cast<unsigned __int128>(v0) * p.range) >> 64));
      dst[2 * j + 1] = static_cast<T>(p.ilow + static_cast<int64_t>((static_cast<unsigned __int128>(v1) * p.range) >> 64));
    }
  }
}

// Elements start .. start + n - 1 of the stream into out. Whole batches are written in
// place; a batch that starts or ends inside the range (an odd start, a lone last
// element, a short tail) goes through a small buffer and only its part is copied.
template <int K, typename T, bool kOwnMath>
DND_PHILOX_INLINE void FillRange(T* out, size_t n, uint64_t start, const Params& p) {
  Words w;
  alignas(64) T tmp[2 * kBatch];
  size_t i = 0;
  while (i < n) {
    uint64_t e = start + i;
    uint64_t ctr = e >> 1;
    size_t skip = e & 1;  // an odd element is the second half of its block
    size_t want = n - i;
    size_t m = (skip + want + 1) / 2;
    if (m > kBatch) m = kBatch;
    size_t got = 2 * m - skip;
    if (got > want) got = want;
    if (skip == 0 && got == 2 * m) {
      EmitBatch<K, T, kOwnMath>(out + i, ctr, m, p, w);
    } else {
      EmitBatch<K, T, kOwnMath>(tmp, ctr, m, p, w);
      std::memcpy(out + i, tmp + skip, got * sizeof(T));
    }
    i += got;
  }
}

template <typename T, bool kOwnMath>
DND_PHILOX_INLINE void FillAny(T* out, size_t n, uint64_t start, int kind, const Params& p) {
  if (kind == kUniform) FillRange<kUniform, T, kOwnMath>(out, n, start, p);
  else if (kind == kNormal) FillRange<kNormal, T, kOwnMath>(out, n, start, p);
  else FillRange<kInteger, T, kOwnMath>(out, n, start, p);
}

// ---- dispatch (src/native/isa.h): the kernel compiled for AVX-512, AVX2+FMA, baseline ----
// OWN: float32 normals through the vector arithmetic above. The baseline x86-64 compiler
// target (SSE2) cannot vectorise that loop (64-bit integer and conversion instructions are
// missing), and scalar it is slower than libm, so the baseline keeps libm for float32.
// float64 normals use normal64.h on every target (their values are defined by it); the
// baseline runs it scalar, still a little faster than libm (bench/README.md).
//
// Normal32: the float32 normals alone, compiled with contraction into FMA (fp-contract is
// a property of the function the code is inlined into). Their values stay glibc's: FMA
// moves the polynomials' doubles by a few ulps, far inside kTolerance, and RoundsSafely
// sends anything near a midpoint to libm as before (2^27 values compared with the libm
// path, and test/unit/random-identity.test.ts). 250 -> 270 M/s per core here. Everything
// else keeps contraction off: float64 normals must be the same bits on every CPU.
#define DND_PHILOX_KERNEL(TARGET, SUFFIX, OWN)                                                      \
  __attribute__((optimize("fp-contract=fast"))) TARGET void Normal32##SUFFIX(float* out, size_t n, \
                                                                            uint64_t start,        \
                                                                            const Params& p) {     \
    FillRange<kNormal, float, OWN>(out, n, start, p);                                               \
  }                                                                                                 \
  template <typename T>                                                                             \
  TARGET void Fill##SUFFIX(T* out, size_t n, uint64_t start, int kind, const Params& p) {            \
    if constexpr (std::is_same<T, float>::value && OWN)                                              \
      if (kind == kNormal) return Normal32##SUFFIX(out, n, start, p);                               \
    FillAny<T, OWN>(out, n, start, kind, p);                                                        \
  }

#if defined(__x86_64__) || defined(__i386__)
DND_PHILOX_KERNEL(__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma"))), Avx512, true)
DND_PHILOX_KERNEL(__attribute__((target("avx2,fma"))), Avx2, true)
#endif
DND_PHILOX_KERNEL(, Base, false)

// DND_RANDOM_ISA=avx2|base picks a lesser kernel (test/unit/random-identity.test.ts
// compares the bits of all of them).
inline dndisa::Isa CurrentIsa() {
  static const dndisa::Isa isa = dndisa::DetectIsa("DND_RANDOM_ISA");
  return isa;
}

template <typename T>
void Fill(T* out, size_t n, uint64_t start, int kind, const Params& p) {
#if defined(__x86_64__) || defined(__i386__)
  switch (CurrentIsa()) {
    case dndisa::Isa::kAvx512: return FillAvx512(out, n, start, kind, p);
    case dndisa::Isa::kAvx2: return FillAvx2(out, n, start, kind, p);
    default: break;
  }
#endif
  FillBase(out, n, start, kind, p);
}

}  // namespace dndphilox

#pragma GCC pop_options
