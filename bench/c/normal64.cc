// Accuracy of dnd's float64 normal arithmetic (src/native/normal64.h) against long double
// (x87, 64-bit significand: its rounding is 2^-11 of a double ulp, far below what is
// measured). Arguments as Box-Muller gives them: x = 1 - u in [2^-53, 1], t = 2 pi u in
// [0, 2 pi) with u a multiple of 2^-53, drawn from splitmix64, plus edge arguments (x near
// 1 and near 2^-53, t at the doubles nearest k pi/2 and pi/4 and around them). Prints the
// largest error in ulp (and its argument) of log, sin, cos and of the normal
// sqrt(-2 log x) cos t (and sin t); the same normal with glibc's functions, for scale.
//   g++ -O2 -std=c++17 -ffp-contract=off -o normal64 bench/c/normal64.cc && ./normal64 [N]
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "../../src/native/normal64.h"

static uint64_t state = 0x9E3779B97F4A7C15ULL;
static uint64_t SplitMix() {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// |got - ref| in units of the last place of the double nearest ref
static double Ulps(double got, long double ref) {
  double r = static_cast<double>(ref);
  if (r == 0.0) return got == 0.0 ? 0.0 : INFINITY;
  int e;
  std::frexp(r, &e);
  long double ulp = std::ldexp(1.0L, e - 53);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - ref) / ulp);
}

struct Max {
  double ulps = 0, arg = 0;
  void Add(double u, double a) {
    if (u > ulps) ulps = u, arg = a;
  }
};

static Max lg, sn, cs, nc, ns, gc;

static void CheckLog(double x) {
  lg.Add(Ulps(dndnormal64::Log(x), logl(static_cast<long double>(x))), x);
}

static void CheckSinCos(double t) {
  double s, c;
  dndnormal64::SinCos(t, s, c);
  long double tl = t;
  sn.Add(Ulps(s, sinl(tl)), t);
  cs.Add(Ulps(c, cosl(tl)), t);
}

static void CheckNormal(double x, double t) {
  double r = std::sqrt(-2.0 * dndnormal64::Log(x)), s, c;
  dndnormal64::SinCos(t, s, c);
  long double rl = sqrtl(-2.0L * logl(static_cast<long double>(x)));
  nc.Add(Ulps(r * c, rl * cosl(static_cast<long double>(t))), t);
  ns.Add(Ulps(r * s, rl * sinl(static_cast<long double>(t))), t);
  gc.Add(Ulps(std::sqrt(-2.0 * std::log(x)) * std::cos(t), rl * cosl(static_cast<long double>(t))), t);  // glibc, for scale
}

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 100000000L;
  const double two_pi = 6.283185307179586476925286766559, u53 = 1.0 / 9007199254740992.0;
  for (long i = 0; i < n; ++i) {
    double x = 1.0 - static_cast<double>(SplitMix() >> 11) * u53;
    double t = two_pi * (static_cast<double>(SplitMix() >> 11) * u53);
    CheckLog(x);
    CheckSinCos(t);
    if (i % 4 == 0) CheckNormal(x, t);
  }
  long edges = 0;
  for (int k = 0; k < 1000000; ++k, edges += 2) {  // x near 1 and at the smallest arguments
    CheckLog(1.0 - k * u53);
    CheckLog((k + 1) * u53);
  }
  for (int q = 0; q <= 8; ++q) {  // t around k pi/4 (the reduction's and quadrants' edges)
    double c = static_cast<double>(q * 0.78539816339744830961566084581988L);
    for (int d = -100000; d <= 100000; ++d, ++edges) {
      double t = c + d * std::ldexp(1.0, std::ilogb(c > 0 ? c : 1.0) - 52);
      if (t >= 0 && t < two_pi) CheckSinCos(t);
    }
  }
  std::printf("{\"samples\": %ld, \"edge_arguments\": %ld,\n", n, edges);
  std::printf(" \"log\": [%.3f, %.17g], \"sin\": [%.3f, %.17g], \"cos\": [%.3f, %.17g],\n", lg.ulps, lg.arg, sn.ulps, sn.arg, cs.ulps, cs.arg);
  std::printf(" \"normal_cos\": [%.3f, %.17g], \"normal_sin\": [%.3f, %.17g],\n \"glibc_normal_cos\": [%.3f, %.17g]}\n", nc.ulps, nc.arg, ns.ulps, ns.arg, gc.ulps, gc.arg);
  return 0;
}
