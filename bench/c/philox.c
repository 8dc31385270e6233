/* Floor for the random fill figure: the same Philox4x32-10 + Box-Muller as dnd's native
 * kernel, into freshly mapped memory advised for huge pages (as dnd allocates), float32.
 * usage: philox N REPS   -> prints {"samples_per_s": [..]} (one figure per rep) */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void philox(uint64_t ctr, uint64_t seed, uint32_t out[4]) {
  uint32_t c0 = (uint32_t)ctr, c1 = (uint32_t)(ctr >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
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
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

static double u53(uint32_t a, uint32_t b) { return ((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0); }

int main(int argc, char **argv) {
  size_t n = argc > 1 ? strtoull(argv[1], 0, 10) : 1 << 26;
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  printf("{\"samples_per_s\": [");
  for (int rep = 0; rep < reps; ++rep) {
    double t0 = now();
    float *a = mmap(0, n * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(a, n * 4, MADV_HUGEPAGE);
    for (size_t i = 0; i < n; i += 2) {
      uint32_t x[4];
      philox(i >> 1, 42, x);
      double r = sqrt(-2.0 * log(1.0 - u53(x[0], x[1]))), t = 6.283185307179586 * u53(x[2], x[3]);
      a[i] = (float)(r * cos(t));
      if (i + 1 < n) a[i + 1] = (float)(r * sin(t));
    }
    double dt = now() - t0;
    volatile float sink = a[n / 2];
    (void)sink;
    munmap(a, n * 4);
    printf("%s%.6g", rep ? ", " : "", n / dt);
  }
  printf("]}\n");
  return 0;
}
