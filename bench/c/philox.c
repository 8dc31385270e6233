/* Floor of the random fill figure: the fastest way we know to do the same work here.
 * Philox4x32-10 counter blocks (the same counters, key and word use as dnd, see
 * src/native/philox.cc) and Box-Muller on two 53-bit uniforms per block, in double
 * precision, stored as float32, with its own branch-free polynomial log and sin/cos
 * (below, 1-2 ulp from glibc in double), so the whole batch (structure of arrays, 256
 * blocks) is vector code (bench/fill.mjs builds it with -O3 -march=native
 * -mprefer-vector-width=512 -fno-math-errno). It never calls glibc and so does less than
 * dnd, whose values are glibc's: dnd checks each float32 against the rounding midpoints
 * and redoes the rare close ones with glibc (src/native/philox.h). `philox check` prints
 * how far this arithmetic is from glibc's.
 *
 * usage: philox N REPS   -> {"samples": N, "<mode>": [samples/s per rep], ...}
 *   modes, each N float32 values per rep:
 *     warm          - the same buffer every rep (kernel alone, no page faults)
 *     fresh_huge    - fresh mmap + MADV_HUGEPAGE, faults taken by the fill (as before)
 *     fresh_small   - fresh mmap + MADV_NOHUGEPAGE, faults taken by the fill
 *     populate_huge / populate_small - fresh mmap, advice, MADV_POPULATE_WRITE, then fill
 *       (dnd's way: pre-fault, then write; src/native/memory.cc)
 *     libm_warm     - the same batching with glibc log + sincos (dnd 0.1.0's float64 arithmetic)
 *   `philox check N` compares this kernel's doubles with glibc's. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define BATCH 256

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

typedef struct {
  uint32_t w0[BATCH], w1[BATCH], w2[BATCH], w3[BATCH];
} Words;

static inline void philox_batch(uint64_t ctr0, uint64_t seed, Words *restrict o) {
  const uint32_t key0 = (uint32_t)seed, key1 = (uint32_t)(seed >> 32);
  for (int j = 0; j < BATCH; ++j) {
    uint64_t ctr = ctr0 + j;
    uint32_t c0 = (uint32_t)ctr, c1 = (uint32_t)(ctr >> 32), c2 = 0, c3 = 0, k0 = key0, k1 = key1;
    for (int r = 0; r < 10; ++r) {
      uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
      uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
      c1 = (uint32_t)p1;
      c3 = (uint32_t)p0;
      c0 = n0;
      c2 = n2;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    o->w0[j] = c0;
    o->w1[j] = c1;
    o->w2[j] = c2;
    o->w3[j] = c3;
  }
}

/* (int32_t) casts: both parts fit, and a signed conversion is one vector instruction in AVX2 too */
static inline double u53(uint32_t a, uint32_t b) { return ((int32_t)(a >> 5) * 67108864.0 + (int32_t)(b >> 6)) * (1.0 / 9007199254740992.0); }

/* log(x) for x in (0, 1] (x >= 2^-53 here): x = 2^k m, m in [sqrt(1/2), sqrt(2)),
 * log m = 2 atanh(s), s = (m - 1) / (m + 1), odd series in s (fdlibm's e_log.c constants). */
typedef union {
  double d;
  uint64_t u;
} Bits;

static inline double vlog(double x) {
  uint64_t ix = ((Bits){.d = x}).u;
  /* shift so that m lands in [sqrt(1/2), sqrt(2)): add the offset of sqrt(1/2) to the exponent */
  uint64_t t = ix - 0x3fe6a09e667f3bcdULL;
  /* k = t >> 52 as a signed shift, written with unsigned shifts and the 2^52 trick for the
   * conversion: AVX2 has neither a 64-bit arithmetic shift nor an int64 -> double conversion,
   * and without them the loop is not vectorised there. v = k + 2048 in [0, 4096). */
  uint64_t v = (t ^ 0x8000000000000000ULL) >> 52;
  double dk = ((Bits){.u = v | 0x4330000000000000ULL}).d - (4503599627370496.0 + 2048.0);
  double m = ((Bits){.u = ix - ((v << 52) ^ 0x8000000000000000ULL)}).d;
  double f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
  double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  double t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  double hfsq = 0.5 * f * f, R = t2 + t1;
  return dk * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + R) + dk * 1.90821492927058770002e-10)) - f);
}

/* sin and cos of t in [0, 2 pi): q = nearest multiple of pi/2, r = t - q pi/2 in three
 * parts (exact for q <= 4), fdlibm's kernel polynomials on |r| <= pi/4, then the quadrant. */
static inline void vsincos(double t, double *s, double *c) {
  /* q = round(t * 2/pi) by the 1.5 * 2^52 trick (its low bits are q as an integer) */
  double kd = t * 6.36619772367581382433e-01 + 0x1.8p52;
  uint64_t quadrant = ((Bits){.d = kd}).u & 3;
  double q = kd - 0x1.8p52;
  double r = t - q * 1.57079632673412561417e+00; /* pio2_1: 33 bits, q <= 4: exact */
  r = r - q * 6.07710050630396597660e-11;        /* pio2_2, 33 bits */
  r = r - q * 2.02226624879595063154e-21;        /* pio2_2t = pi/2 - pio2_1 - pio2_2 */  double z = r * r, v = z * r;
  double ps = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
  double sn = r + v * (-1.66666666666666324348e-01 + z * ps);
  double pc = 4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * (2.48015872894767294178e-05 + z * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11))));
  double cs = 1.0 - 0.5 * z + z * z * pc;
  double sa = (quadrant & 1) ? cs : sn, ca = (quadrant & 1) ? sn : cs;
  *s = (quadrant & 2) ? -sa : sa;
  *c = ((quadrant + 1) & 2) ? -ca : ca;
}

static void fill_own(float *restrict a, size_t n, uint64_t seed) {
  Words w __attribute__((aligned(64)));
  for (size_t i = 0; i < n; i += 2 * BATCH) {
    philox_batch(i >> 1, seed, &w);
    size_t m = (n - i) / 2 < BATCH ? (n - i) / 2 : BATCH;
    float *restrict d = a + i;
    for (size_t j = 0; j < m; ++j) {
      double r = __builtin_sqrt(-2.0 * vlog(1.0 - u53(w.w0[j], w.w1[j])));
      double sn, cs;
      vsincos(6.283185307179586476925286766559 * u53(w.w2[j], w.w3[j]), &sn, &cs);
      d[2 * j] = (float)(r * cs);
      d[2 * j + 1] = (float)(r * sn);
    }
  }
}

static void fill_libm(float *restrict a, size_t n, uint64_t seed) {
  Words w __attribute__((aligned(64)));
  double u[BATCH], t[BATCH], s[BATCH], c[BATCH];
  for (size_t i = 0; i < n; i += 2 * BATCH) {
    philox_batch(i >> 1, seed, &w);
    size_t m = (n - i) / 2 < BATCH ? (n - i) / 2 : BATCH;
    for (size_t j = 0; j < m; ++j) {
      u[j] = 1.0 - u53(w.w0[j], w.w1[j]);
      t[j] = 6.283185307179586476925286766559 * u53(w.w2[j], w.w3[j]);
    }
    for (size_t j = 0; j < m; ++j) {
      u[j] = log(u[j]);
      sincos(t[j], &s[j], &c[j]);
    }
    for (size_t j = 0; j < m; ++j) {
      double r = sqrt(-2.0 * u[j]);
      a[i + 2 * j] = (float)(r * c[j]);
      a[i + 2 * j + 1] = (float)(r * s[j]);
    }
  }
}

static double ulps(double x, double ref) {
  if (x == ref) return 0;
  return fabs(x - ref) / fabs(nextafter(ref, INFINITY) - ref);
}

static int check(size_t n) {
  double worst_log = 0, worst_sin = 0, worst_cos = 0;
  size_t diff32 = 0, diff64 = 0;
  Words w;
  for (size_t i = 0; i < n; i += 2 * BATCH) {
    philox_batch(i >> 1, 42, &w);
    for (int j = 0; j < BATCH; ++j) {
      double x = 1.0 - u53(w.w0[j], w.w1[j]), t = 6.283185307179586476925286766559 * u53(w.w2[j], w.w3[j]);
      double l = vlog(x), s, c, ls, lc;
      vsincos(t, &s, &c);
      sincos(t, &ls, &lc);
      double e = ulps(l, log(x));
      if (e > worst_log) worst_log = e;
      if ((e = ulps(s, ls)) > worst_sin) worst_sin = e;
      if ((e = ulps(c, lc)) > worst_cos) worst_cos = e;
      double r0 = sqrt(-2.0 * log(x)), r1 = sqrt(-2.0 * l);
      diff32 += ((float)(r0 * lc) != (float)(r1 * c)) + ((float)(r0 * ls) != (float)(r1 * s));
      diff64 += (r0 * lc != r1 * c) + (r0 * ls != r1 * s);
    }
  }
  printf("{\"values\": %zu, \"max_ulp_vs_glibc\": {\"log\": %.3g, \"sin\": %.3g, \"cos\": %.3g}, \"float32_values_differing\": %zu, \"float64_values_differing\": %zu}\n", n,
         worst_log, worst_sin, worst_cos, diff32, diff64);
  return 0;
}

typedef enum { WARM, FRESH_HUGE, FRESH_SMALL, POP_HUGE, POP_SMALL, LIBM_WARM, NMODES } Mode;
static const char *names[] = {"warm", "fresh_huge", "fresh_small", "populate_huge", "populate_small", "libm_warm"};

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "check") == 0) return check(argc > 2 ? strtoull(argv[2], 0, 10) : 1 << 24);
  size_t n = argc > 1 ? strtoull(argv[1], 0, 10) : 1 << 25;
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  n &= ~(size_t)(2 * BATCH - 1); /* whole batches: the floor needs no edge handling */
  size_t bytes = n * 4;
  float *warm = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(warm, 0, bytes);
  double rates[NMODES][64];
  volatile float sink = 0;
  if (reps > 64) reps = 64;
  /* modes interleaved rep by rep, so that a busy moment of a shared machine hits all alike */
  for (int rep = 0; rep < reps; ++rep) {
    for (int m = 0; m < NMODES; ++m) {
      double t0 = now();
      float *a = warm;
      if (m != WARM && m != LIBM_WARM) {
        a = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        int huge = m == FRESH_HUGE || m == POP_HUGE;
        madvise(a, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
        if (m == POP_HUGE || m == POP_SMALL) madvise(a, bytes, MADV_POPULATE_WRITE);
      }
      if (m == LIBM_WARM) fill_libm(a, n, 42);
      else fill_own(a, n, 42);
      rates[m][rep] = n / (now() - t0);
      sink += a[n / 2];
      if (a != warm) munmap(a, bytes);
    }
  }
  printf("{\"samples\": %zu", n);
  for (int m = 0; m < NMODES; ++m) {
    printf(", \"%s\": [", names[m]);
    for (int r = 0; r < reps; ++r) printf("%s%.6g", r ? ", " : "", rates[m][r]);
    printf("]");
  }
  printf("}\n");
  return sink == 12345.0f;
}
