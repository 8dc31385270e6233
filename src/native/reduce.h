// One-pass reductions over a typed block: statistics moments and the fingerprint lanes.
// Kept apart from the N-API glue (reduce.cc) so the kernels stand alone.
//
// Statistics: count of NaN, +inf and -inf, min and max over the non-NaN values, and, over
// the finite values x, double-double sums (hi + lo) of x, of d = x - shift and of d^2:
// Ogita-Rump-Oishi's Sum2 (TwoSum on the high part, the errors summed apart) with the
// square split exactly by an FMA. Results are as accurate as if computed in about 106-bit
// arithmetic, which is what lets the TypeScript side promise the same mean and std for
// every rank count and split (src/dnd/stats.ts explains the argument, the shift and the
// limits). Each block of kBlock elements first runs a vectorised pass that assumes finite
// values and is redone element by element (AddOne) when its sums say otherwise; float32
// blocks first try a cheaper exact scheme (Float32Block), and 8- and 16-bit integers are
// summed exactly as integers (SmallIntMoments).
//
// Fingerprint: the definition lives in src/dnd/checksum.ts (its doc comment); this is the
// same arithmetic (4- and 8-byte elements in explicit vectors, the others element by
// element), checked against a JS reference in the unit tests.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

#include "isa.h"

// The error-free transformations below (TwoSum, the square's FMA split) need each product
// rounded on its own: no contraction of a*b+c into an FMA, which GNU mode allows by default
// and which would make the sums depend on the instruction set.
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")

namespace dndreduce {

struct MomentSums {
  uint64_t nan = 0, pinf = 0, ninf = 0;
  // finite values whose shifted square is not finite (|x - shift| above ~1.3e154)
  uint64_t overflow = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  // sum of x; sum of d = x - shift; sum of d^2 (each double-double: hi + lo)
  double s0hi = 0, s0lo = 0, s1hi = 0, s1lo = 0, s2hi = 0, s2lo = 0;
};

// Independent accumulators: enough to hide the adders' latency, few enough to stay in
// vector registers (16 doubles: two AVX-512 or four AVX2 registers per quantity).
constexpr int kLanes = 16;
// Elements per block: a block stays in L1 while its partial sums are checked.
constexpr size_t kBlock = 2048;
// Bytes ahead of the current element to prefetch.
constexpr size_t kPrefetch = 4096;

#define DND_INLINE inline __attribute__((always_inline))

DND_INLINE void TwoSum(double& s, double x, double& err) {
  double t = s + x;
  double bp = t - s;
  err += (s - (t - bp)) + (x - bp);
  s = t;
}

// Every value as one double, exactly (ints up to 32 bits, float32, float64).
template <typename T>
DND_INLINE double AsDouble(T v) {
  return static_cast<double>(v);
}

// One element, the careful way: counts NaN and infinities, leaves them out of the sums.
DND_INLINE void AddOne(double x, double shift, MomentSums& m) {
  const double inf = std::numeric_limits<double>::infinity();
  if (x != x) {
    m.nan++;
    return;
  }
  if (x < m.min) m.min = x;
  if (x > m.max) m.max = x;
  if (x == inf) {
    m.pinf++;
    return;
  }
  if (x == -inf) {
    m.ninf++;
    return;
  }
  TwoSum(m.s0hi, x, m.s0lo);
  double d = x - shift;
  double q = d * d;
  if (!(std::fabs(q) <= std::numeric_limits<double>::max())) {
    m.overflow++;
    return;
  }
  TwoSum(m.s1hi, d, m.s1lo);
  m.s2lo += __builtin_fma(d, d, -q);
  TwoSum(m.s2hi, q, m.s2lo);
}

// The fast path of a block, assuming every value finite: the lanes' sums turn NaN or
// infinite when one is not (or when a square overflows), and the caller then redoes the
// block with AddOne. Returns false in that case.
template <typename T>
DND_INLINE bool FastBlock(const T* p, size_t n, double shift, MomentSums& out) {
  double mn[kLanes], mx[kLanes], s0[kLanes], e0[kLanes], s1[kLanes], e1[kLanes], s2[kLanes], e2[kLanes];
  for (int j = 0; j < kLanes; ++j) {
    mn[j] = std::numeric_limits<double>::infinity();
    mx[j] = -std::numeric_limits<double>::infinity();
    s0[j] = e0[j] = s1[j] = e1[j] = s2[j] = e2[j] = 0;
  }
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    // the hardware prefetcher alone falls behind this much arithmetic per byte
    // (measured: 1.7 ns/element from memory against 0.4 from L2, without this)
    for (size_t k = 0; k < sizeof(T) * kLanes; k += 64) __builtin_prefetch(reinterpret_cast<const char*>(p + i) + kPrefetch + k);
    for (int j = 0; j < kLanes; ++j) {
      double x = AsDouble(p[i + j]);
      mn[j] = x < mn[j] ? x : mn[j];
      mx[j] = x > mx[j] ? x : mx[j];
      TwoSum(s0[j], x, e0[j]);
      double d = x - shift;
      TwoSum(s1[j], d, e1[j]);
      double q = d * d;
      e2[j] += __builtin_fma(d, d, -q);
      TwoSum(s2[j], q, e2[j]);
    }
  }
  double check = 0;
  for (int j = 0; j < kLanes; ++j) check += s0[j] + e0[j] + s1[j] + e1[j] + s2[j] + e2[j];
  if (!(std::fabs(check) <= std::numeric_limits<double>::max())) return false;
  MomentSums m = out;
  for (int j = 0; j < kLanes; ++j) {  // lanes fold in a fixed order
    if (mn[j] < m.min) m.min = mn[j];
    if (mx[j] > m.max) m.max = mx[j];
    TwoSum(m.s0hi, s0[j], m.s0lo);
    m.s0lo += e0[j];
    TwoSum(m.s1hi, s1[j], m.s1lo);
    m.s1lo += e1[j];
    TwoSum(m.s2hi, s2[j], m.s2lo);
    m.s2lo += e2[j];
  }
  for (; i < n; ++i) AddOne(AsDouble(p[i]), shift, m);
  out = m;
  return true;
}

// The biased exponent field of a float32's bits (sign cleared).
DND_INLINE int Float32Field(uint32_t bits) { return static_cast<int>(bits >> 23); }

// A full block of float32 values that span few binades (almost all data), with a third of
// FastBlock's floating-point operations, which are what bound it (1.2 -> 0.4 ns a value
// here). Pass 1 reads the block (it then stays in L1) for its min, max and its largest and
// smallest non-zero magnitudes (the largest is that of the min or the max: a NaN, which
// those comparisons leave out, turns the lanes' sums of d into NaN, and the block is then
// refused after pass 2). When every value is finite, the shift is a float32 and all
// of them (the shift too) are multiples of 2^bottom below 2^top with top + 8 - bottom <= 53,
// each d = x - shift and each lane's plain sum of d (2^7 terms below 2^(top + 1)) are exact
// in double: the sum of d needs no error terms, and the sum of x is the sum of d plus
// kBlock * shift. The squares keep their exact FMA-split errors. Each lane's sum of them
// starts at a power of two c that no square of the block exceeds, so the running sum is
// never below the addend and Fast2Sum (one addition and one subtraction; its error and the
// square's in one FMA) is exact where TwoSum needs six operations; c comes off exactly at
// the end. That is Sum2 with c as a first term: its error bound grows by at most c, and
// c < 4 * dmax^2 <= 4 * (the block's sum of squares), so the accuracy stays FastBlock's
// (~106 bits, within a factor of five). The lanes' sums go on, one double-double per lane,
// in Float32Lanes across the blocks of a run and are folded once, at its end: per block a
// fold of 16 lanes into one double-double took ~7% of the time. Returns false, having
// added nothing, when the block does not qualify; the caller then takes FastBlock.
typedef double F64x4 __attribute__((vector_size(32)));

// Float32Block's sums across blocks: per lane (four vectors of 4) a double-double of d and
// one of d^2 (c taken off), the min and max, and how many blocks went in. The sum of x is
// the sum of d plus blocks * kBlock * shift, added by Float32Fold.
struct Float32Lanes {
  F64x4 s1hi[4] = {}, s1lo[4] = {}, s2hi[4] = {}, s2lo[4] = {};
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  uint64_t blocks = 0;
};

DND_INLINE void TwoSumV(F64x4& s, const F64x4& x, F64x4& err) {
  F64x4 t = s + x;
  F64x4 bp = t - s;
  err += (s - (t - bp)) + (x - bp);
  s = t;
}

// Float32Block's lanes into the sums, in a fixed order, once at the end of a run.
DND_INLINE void Float32Fold(const Float32Lanes& lanes, double shift, MomentSums& out) {
  if (lanes.blocks == 0) return;
  MomentSums m = out;
  if (lanes.min < m.min) m.min = lanes.min;
  if (lanes.max > m.max) m.max = lanes.max;
  for (int j = 0; j < 16; ++j) {
    const double hi1 = lanes.s1hi[j / 4][j % 4], lo1 = lanes.s1lo[j / 4][j % 4];
    TwoSum(m.s0hi, hi1, m.s0lo);
    m.s0lo += lo1;
    TwoSum(m.s1hi, hi1, m.s1lo);
    m.s1lo += lo1;
    TwoSum(m.s2hi, lanes.s2hi[j / 4][j % 4], m.s2lo);
    m.s2lo += lanes.s2lo[j / 4][j % 4];
  }
  // the shift, blocks * kBlock times: an integer below 2^53 times a double, split exactly
  const double count = static_cast<double>(lanes.blocks * kBlock);
  const double ks = count * shift;
  TwoSum(m.s0hi, ks, m.s0lo);
  m.s0lo += __builtin_fma(count, shift, -ks);
  out = m;
}

DND_INLINE bool Float32Block(const float* p, double shift, Float32Lanes& lanes) {
  // pass 1 in explicit vectors (GCC's vector extensions): 16 lanes, two vectors of 8
  typedef uint32_t U32x8 __attribute__((vector_size(32)));
  typedef float F32x8 __attribute__((vector_size(32)));
  const float inf = std::numeric_limits<float>::infinity();
  U32x8 small[2];
  F32x8 mn[2], mx[2];
  for (int v = 0; v < 2; ++v) {
    small[v] = U32x8{} - 1;
    mn[v] = F32x8{} + inf;
    mx[v] = F32x8{} - inf;
  }
  // no prefetch here: pass 2 of the blocks before asked for this one (measured: 0.89x the
  // time from memory against both passes prefetching, one block ahead)
  for (size_t i = 0; i < kBlock; i += 16) {
    for (int v = 0; v < 2; ++v) {
      F32x8 x;
      U32x8 u;
      __builtin_memcpy(&x, p + i + 8 * v, sizeof x);
      __builtin_memcpy(&u, &x, sizeof u);
      u &= 0x7fffffffu;
      U32x8 nz = u - 1;  // 0 wraps to the largest: zeros do not count as small
      small[v] = nz < small[v] ? nz : small[v];
      mn[v] = x < mn[v] ? x : mn[v];
      mx[v] = x > mx[v] ? x : mx[v];
    }
  }
  uint32_t lo = UINT32_MAX;
  float fmn = inf, fmx = -inf;
  for (int j = 0; j < 16; ++j) {  // lanes fold in a fixed order
    lo = small[j / 8][j % 8] < lo ? small[j / 8][j % 8] : lo;
    fmn = mn[j / 8][j % 8] < fmn ? mn[j / 8][j % 8] : fmn;
    fmx = mx[j / 8][j % 8] > fmx ? mx[j / 8][j % 8] : fmx;
  }
  // the largest magnitude, that of the min or the max (both infinite when all are NaN)
  const float amn = std::fabs(fmn), amx = std::fabs(fmx);
  uint32_t hi, hmx;
  __builtin_memcpy(&hi, &amn, 4);
  __builtin_memcpy(&hmx, &amx, 4);
  hi = hmx > hi ? hmx : hi;
  if (hi >= 0x7f800000u) return false;  // an infinity (a NaN shows after pass 2)
  const float kf = static_cast<float>(shift);
  if (static_cast<double>(kf) != shift) return false;
  uint32_t k;
  __builtin_memcpy(&k, &kf, 4);
  k &= 0x7fffffffu;
  // a float32 with field f is below 2^(f - 126) and a multiple of 2^(max(f, 1) - 150)
  const int top = (Float32Field(hi) > Float32Field(k) ? Float32Field(hi) : Float32Field(k)) - 126;
  int bottom = top;  // all zero: nothing below
  if (lo != UINT32_MAX) bottom = (Float32Field(lo + 1) > 1 ? Float32Field(lo + 1) : 1) - 150;
  if (k != 0) {
    const int kb = (Float32Field(k) > 1 ? Float32Field(k) : 1) - 150;
    bottom = kb < bottom ? kb : bottom;
  }
  // |d| < 2^(top + 1); a lane adds kBlock / kF32Lanes = 2^7 of them
  constexpr int kF32Lanes = 16;
  static_assert(kBlock / kF32Lanes == 128, "the exactness bound counts 2^7 terms a lane");
  if (top + 8 - bottom > 53) return false;
  const double dmax = static_cast<double>(fmx) - shift > shift - static_cast<double>(fmn) ? static_cast<double>(fmx) - shift : shift - static_cast<double>(fmn);
  int e;
  std::frexp(dmax, &e);  // dmax < 2^e, so every d^2 rounds to at most 2^(2e)
  const double c = std::ldexp(1.0, 2 * e);
  // pass 2, from L1: 16 lanes in four vectors of 4 doubles
  constexpr int kV = kF32Lanes / 4;
  F64x4 s1[kV], s2[kV], e2[kV];
  for (int v = 0; v < kV; ++v) {
    s1[v] = F64x4{};
    s2[v] = F64x4{} + c;
    e2[v] = F64x4{};
  }
  for (size_t i = 0; i < kBlock; i += kF32Lanes) {
    // four blocks ahead, while this one is summed from L1 (pass 1 then reads cache)
    __builtin_prefetch(p + 4 * kBlock + i);
    for (int v = 0; v < kV; ++v) {
      const float* q = p + i + 4 * v;
      F64x4 d = F64x4{q[0], q[1], q[2], q[3]} - shift;
      s1[v] += d;
      F64x4 s = s2[v] + d * d;
      F64x4 t = s - s2[v];
      // d^2 - t: the square's rounding error and Fast2Sum's, in one FMA
      F64x4 r = {__builtin_fma(d[0], d[0], -t[0]), __builtin_fma(d[1], d[1], -t[1]), __builtin_fma(d[2], d[2], -t[2]), __builtin_fma(d[3], d[3], -t[3])};
      e2[v] += r;
      s2[v] = s;
    }
  }
  const F64x4 any = (s1[0] + s1[1]) + (s1[2] + s1[3]);
  for (int j = 0; j < 4; ++j)
    if (any[j] != any[j]) return false;  // a NaN
  if (fmn < lanes.min) lanes.min = fmn;
  if (fmx > lanes.max) lanes.max = fmx;
  for (int v = 0; v < kV; ++v) {
    TwoSumV(lanes.s1hi[v], s1[v], lanes.s1lo[v]);
    TwoSumV(lanes.s2hi[v], s2[v] - c, lanes.s2lo[v]);  // exact: c <= s2, and c a multiple of its ulp
    lanes.s2lo[v] += e2[v];
  }
  lanes.blocks++;
  return true;
}

#ifdef __SIZEOF_INT128__
// An exact integer (below 2^100) into a double-double sum: its nearest double, then the
// remainder (an integer below 2^47, exact in a double).
DND_INLINE void AddExact(__int128 v, double& hi, double& lo) {
  const double h = static_cast<double>(v);
  TwoSum(hi, h, lo);
  lo += static_cast<double>(v - static_cast<__int128>(h));
}

// 8- and 16-bit integers with an integer shift K (|K| <= 2^31), the exact way: chunks of
// 2^20 values summed as integers (x and x^2 in int64, which the compiler vectorises as it
// likes: integer sums do not depend on their order), then sum d = sum x - n K and
// sum d^2 = sum x^2 - 2 K sum x + n K^2 in 128 bits, each chunk's added to the
// double-double sums. Returns false (nothing added) for any other shift.
template <typename T>
DND_INLINE bool SmallIntMoments(const T* p, size_t n, double shift, MomentSums& out) {
  static_assert(std::is_integral_v<T> && sizeof(T) <= 2, "2^20 squares must fit int64");
  if (!(std::fabs(shift) <= 2147483648.0) || shift != std::trunc(shift)) return false;
  const int64_t k = static_cast<int64_t>(shift);
  constexpr size_t kChunk = size_t{1} << 20;
  MomentSums m = out;
  for (size_t b = 0; b < n; b += kChunk) {
    const size_t len = n - b < kChunk ? n - b : kChunk;
    const T* q = p + b;
    int64_t sum = 0, sq = 0;
    T mn = q[0], mx = q[0];
    if constexpr (sizeof(T) == 1) {
      // 2^15 squares of 8-bit values stay below 2^31: 32-bit lanes, 8 to a vector with AVX2
      for (size_t j = 0; j < len; j += 1 << 15) {
        const size_t end = len - j < (1 << 15) ? len : j + (1 << 15);
        int32_t s32 = 0, q32 = 0;
        for (size_t i = j; i < end; ++i) {
          const int32_t v = q[i];
          s32 += v;
          q32 += v * v;
          mn = q[i] < mn ? q[i] : mn;
          mx = q[i] > mx ? q[i] : mx;
        }
        sum += s32;
        sq += q32;
      }
    } else {
      for (size_t i = 0; i < len; ++i) {
        const int64_t v = q[i];
        sum += v;
        sq += v * v;  // below 2^32
        mn = q[i] < mn ? q[i] : mn;
        mx = q[i] > mx ? q[i] : mx;
      }
    }
    const __int128 cnt = static_cast<__int128>(len);
    AddExact(sum, m.s0hi, m.s0lo);
    AddExact(sum - cnt * k, m.s1hi, m.s1lo);
    AddExact(sq - 2 * static_cast<__int128>(k) * sum + cnt * k * k, m.s2hi, m.s2lo);
    if (mn < m.min) m.min = mn;
    if (mx > m.max) m.max = mx;
  }
  out = m;
  return true;
}
#endif

template <typename T>
DND_INLINE void MomentsKernel(const T* p, size_t n, double shift, MomentSums& out) {
#ifdef __SIZEOF_INT128__
  if constexpr (std::is_integral_v<T> && sizeof(T) <= 2)
    if (SmallIntMoments(p, n, shift, out)) return;
#endif
  [[maybe_unused]] Float32Lanes lanes;
  for (size_t b = 0; b < n; b += kBlock) {
    size_t len = n - b < kBlock ? n - b : kBlock;
    if constexpr (std::is_same_v<T, float>)
      if (len == kBlock && Float32Block(p + b, shift, lanes)) continue;
    if (!FastBlock(p + b, len, shift, out))
      for (size_t i = 0; i < len; ++i) AddOne(AsDouble(p[b + i]), shift, out);
  }
  if constexpr (std::is_same_v<T, float>) Float32Fold(lanes, shift, out);
}

// int64 values above 2^53 do not fit one double: each is split into a high part (its
// value with the low 11 bits cleared, exact in 53 bits) and the low 11 bits, and both
// parts (and the three terms of the square) go into the double-double sums. Min and max
// are found exactly and rounded once, at the end, to the nearest double.
DND_INLINE void MomentsInt64(const int64_t* p, size_t n, MomentSums& out) {
  if (n == 0) return;
  int64_t mn = p[0], mx = p[0];
  for (size_t i = 0; i < n; ++i) {
    int64_t v = p[i];
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
    double h = static_cast<double>(v & ~int64_t{0x7ff});
    double l = static_cast<double>(v & int64_t{0x7ff});
    TwoSum(out.s0hi, h, out.s0lo);
    TwoSum(out.s0hi, l, out.s0lo);
    double hh = h * h;
    out.s2lo += __builtin_fma(h, h, -hh);
    TwoSum(out.s2hi, hh, out.s2lo);
    double hl = 2 * h * l;
    out.s2lo += __builtin_fma(2 * h, l, -hl);
    TwoSum(out.s2hi, hl, out.s2lo);
    TwoSum(out.s2hi, l * l, out.s2lo);  // l * l < 2^22: exact
  }
  out.s1hi = out.s0hi;  // int64 blocks are not shifted: d = x
  out.s1lo = out.s0lo;
  if (static_cast<double>(mn) < out.min) out.min = static_cast<double>(mn);
  if (static_cast<double>(mx) > out.max) out.max = static_cast<double>(mx);
}

// ---- fingerprint ----

DND_INLINE uint32_t Fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// The 32-bit word an element contributes (see src/dnd/checksum.ts).
template <typename T>
DND_INLINE uint32_t Word(const T* p, size_t i) {
  if constexpr (sizeof(T) == 8) {
    uint64_t u;
    __builtin_memcpy(&u, p + i, 8);
    return Fmix32(static_cast<uint32_t>(u)) ^ static_cast<uint32_t>(u >> 32);
  } else if constexpr (sizeof(T) == 4) {
    uint32_t u;
    __builtin_memcpy(&u, p + i, 4);
    return u;
  } else if constexpr (sizeof(T) == 2) {
    uint16_t u;
    __builtin_memcpy(&u, p + i, 2);
    return u;
  } else {
    uint8_t u;
    __builtin_memcpy(&u, p + i, 1);
    return u;
  }
}

// Elements [from, to) of a segment (global indices lo0 + i that do not cross 2^32), one by
// one, into sa and sb.
template <typename T>
DND_INLINE void FingerprintScalar(const T* q, size_t from, size_t to, uint32_t lo0, uint32_t hiMix, uint32_t& sa, uint32_t& sb) {
  for (size_t i = from; i < to; ++i) {
    uint32_t gi = Fmix32((lo0 + static_cast<uint32_t>(i)) ^ hiMix);
    uint32_t w = Word(q, i);
    sa += Fmix32(w ^ gi);
    sb += Fmix32((w ^ 0x27d4eb2fu) + gi);
  }
}

// One segment of 4- or 8-byte elements, with
// explicit vectors of W bytes (16: SSE2 or NEON, 32: AVX2, 64: AVX-512) and kChains
// independent chains. The lanes are sums mod 2^32, so how the elements are spread over
// vector lanes and chains does not change them. Why not the compiler's own vectorisation
// of the scalar loop: that kept about two iterations of the ~30-deep chain of shifts and
// multiplies in flight (0.74 ns an element here, AVX2); four chains written side by side
// give the out-of-order core independent work (0.45 ns; bench/README.md, "Statistics and
// fingerprints").
// GCC's vector extensions (__builtin_shuffle); other compilers (clang, which dnd is not
// built or tested with) take the scalar loop, which gives the same lanes.
#if defined(__GNUC__) && !defined(__clang__)
#define DND_FINGERPRINT_VECTORS 1
// the 8-byte split below takes a value's low word from the lower address
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "FingerprintSegmentV assumes little-endian words");
constexpr int kChains = 4;
template <int W>
struct U32Vec {
  typedef uint32_t type __attribute__((vector_size(W)));
  // the same, for loads from any address of any element type: one vector load each (a
  // memcpy into the words' array was compiled as a copy through the stack, 0.70 ns an
  // element against 0.45)
  typedef uint32_t unaligned __attribute__((vector_size(W), aligned(1), may_alias));
};

// Fmix32 on every lane of a vector lvalue. A macro, not a function: a vector argument or
// result makes GCC note that its calling convention differs between instruction sets.
#define DND_FMIX32V(h) \
  do {                 \
    h ^= h >> 16;      \
    h *= 0x85ebca6bu;  \
    h ^= h >> 13;      \
    h *= 0xc2b2ae35u;  \
    h ^= h >> 16;      \
  } while (0)

template <int W, typename T>
DND_INLINE void FingerprintSegmentV(const T* q, size_t seg, uint32_t lo0, uint32_t hiMix, uint32_t& a, uint32_t& b) {
  using V = typename U32Vec<W>::type;
  using VU = typename U32Vec<W>::unaligned;
  constexpr int L = W / 4;  // elements per vector
  constexpr size_t kStep = static_cast<size_t>(L) * kChains;
  static constexpr uint32_t kLane[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  // 8-byte elements: two vectors of (low, high) word pairs are split into their low words and their high words
  static constexpr uint32_t kEven[16] = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
  static constexpr uint32_t kOdd[16] = {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31};
  // one index vector for all chains (chain c adds c * L): fewer registers to keep
  V idx, even, odd, sa[kChains] = {}, sb[kChains] = {};
  __builtin_memcpy(&idx, kLane, W);
  __builtin_memcpy(&even, kEven, W);
  __builtin_memcpy(&odd, kOdd, W);
  idx += lo0;
  size_t i = 0;
  for (; i + kStep <= seg; i += kStep) {
    // as in FastBlock: the prefetcher alone falls behind; 256 elements between prefetches
    if (i % 256 < kStep)
      for (size_t k = 0; k < sizeof(T) * 256; k += 64) __builtin_prefetch(reinterpret_cast<const char*>(q + i) + kPrefetch + k);
    V g[kChains], w[kChains];
    for (int c = 0; c < kChains; ++c) {
      g[c] = (idx + static_cast<uint32_t>(c * L)) ^ hiMix;
      DND_FMIX32V(g[c]);
    }
    idx += static_cast<uint32_t>(kStep);
    for (int c = 0; c < kChains; ++c) {  // the words of the elements (Word())
      if constexpr (sizeof(T) == 4) {
        w[c] = *reinterpret_cast<const VU*>(q + i + c * L);
      } else {
        V p0 = *reinterpret_cast<const VU*>(q + i + c * L), p1 = *reinterpret_cast<const VU*>(q + i + c * L + L / 2);
        V lo = __builtin_shuffle(p0, p1, even);
        DND_FMIX32V(lo);
        w[c] = lo ^ __builtin_shuffle(p0, p1, odd);
      }
    }
    for (int c = 0; c < kChains; ++c) {
      V h = w[c] ^ g[c];
      DND_FMIX32V(h);
      sa[c] += h;
    }
    for (int c = 0; c < kChains; ++c) {
      V h = (w[c] ^ 0x27d4eb2fu) + g[c];
      DND_FMIX32V(h);
      sb[c] += h;
    }
  }
  uint32_t ra = 0, rb = 0;
  for (int c = 0; c < kChains; ++c)
    for (int j = 0; j < L; ++j) {
      ra += sa[c][j];
      rb += sb[c][j];
    }
  FingerprintScalar(q, i, seg, lo0, hiMix, ra, rb);  // the tail
  a += ra;
  b += rb;
}
#else
#define DND_FINGERPRINT_VECTORS 0
#endif

// Adds the hashes of `len` elements starting at local element `local`, whose global flat
// indices start at `global`, into lanes a and b (mod 2^32). W: vector bytes of the ISA.
template <int W, typename T>
DND_INLINE void FingerprintRun(const T* p, size_t local, uint64_t global, size_t len, uint32_t& a, uint32_t& b) {
  size_t done = 0;
  while (done < len) {
    uint64_t g = global + done;
    // the high word of the index is fixed within a segment that does not cross 2^32
    uint64_t room = (uint64_t{1} << 32) - (g & 0xffffffffu);
    size_t seg = static_cast<size_t>(room < len - done ? room : len - done);
    uint32_t hiMix = Fmix32(static_cast<uint32_t>(g >> 32) + 0x9e3779b9u);
    uint32_t lo0 = static_cast<uint32_t>(g);
    const T* q = p + local + done;
#if DND_FINGERPRINT_VECTORS
    if constexpr (sizeof(T) == 4 || sizeof(T) == 8) {
      FingerprintSegmentV<W>(q, seg, lo0, hiMix, a, b);
    } else
#endif
    {
      uint32_t sa = 0, sb = 0;
      constexpr size_t kChunk = 256;  // elements between prefetches (see FastBlock)
      for (size_t c = 0; c < seg; c += kChunk) {
        for (size_t k = 0; k < sizeof(T) * kChunk; k += 64) __builtin_prefetch(reinterpret_cast<const char*>(q + c) + kPrefetch + k);
        FingerprintScalar(q, c, seg - c < kChunk ? seg : c + kChunk, lo0, hiMix, sa, sb);
      }
      a += sa;
      b += sb;
    }
    done += seg;
  }
}

// ---- dispatch: the same kernels compiled for AVX-512, AVX2+FMA and the baseline ----
// (the binding is built on one machine and may run on another of a cluster; the CPU is
// asked at run time, so no -march flag is needed)

#define DND_KERNELS(TARGET, SUFFIX, W)                                                                \
  template <typename T>                                                                               \
  TARGET void Moments##SUFFIX(const T* p, size_t n, double shift, MomentSums& m) {                    \
    MomentsKernel(p, n, shift, m);                                                                    \
  }                                                                                                   \
  template <typename T>                                                                               \
  TARGET void Fingerprint##SUFFIX(const T* p, size_t local, uint64_t global, size_t len, uint32_t& a, \
                                  uint32_t& b) {                                                      \
    FingerprintRun<W>(p, local, global, len, a, b);                                                   \
  }

#if defined(__x86_64__) || defined(__i386__)
DND_KERNELS(__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma"))), Avx512, 64)
DND_KERNELS(__attribute__((target("avx2,fma"))), Avx2, 32)
#endif
DND_KERNELS(, Base, 16)

using dndisa::Isa;

// DND_REDUCE_ISA=avx2|base picks a lesser kernel (the unit tests compare all of them).
inline Isa CurrentIsa() {
  static const Isa isa = dndisa::DetectIsa("DND_REDUCE_ISA");
  return isa;
}

template <typename T>
void ComputeMoments(const T* p, size_t n, double shift, MomentSums& m) {
#if defined(__x86_64__) || defined(__i386__)
  switch (CurrentIsa()) {
    case Isa::kAvx512: return MomentsAvx512(p, n, shift, m);
    case Isa::kAvx2: return MomentsAvx2(p, n, shift, m);
    default: break;
  }
#endif
  MomentsBase(p, n, shift, m);
}

template <typename T>
void ComputeFingerprint(const T* p, size_t local, uint64_t global, size_t len, uint32_t& a, uint32_t& b) {
#if defined(__x86_64__) || defined(__i386__)
  switch (CurrentIsa()) {
    case Isa::kAvx512: return FingerprintAvx512(p, local, global, len, a, b);
    case Isa::kAvx2: return FingerprintAvx2(p, local, global, len, a, b);
    default: break;
  }
#endif
  FingerprintBase(p, local, global, len, a, b);
}

}  // namespace dndreduce

#pragma GCC pop_options
