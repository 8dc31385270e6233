/* Floor for the statistics and fingerprint figures: one streaming pass that reads every
 * byte of a float32 block once and does the least arithmetic possible with it (a sum in
 * sixteen float32 lanes, compiled for this CPU: one vector add per 64 bytes), i.e. what
 * memory bandwidth allows one core.
 * usage: stream N REPS   -> prints {"seconds": [..]} (one figure per rep) */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char** argv) {
  size_t n = argc > 1 ? strtoull(argv[1], 0, 10) : (size_t)1 << 28;
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  float* a = aligned_alloc(64, n * sizeof(float));
  if (!a) return 1;
  uint32_t s = 1;
  for (size_t i = 0; i < n; i++) { /* touched and filled before timing, as dnd's block is */
    s = s * 1664525u + 1013904223u;
    a[i] = (float)(int32_t)s * 1e-9f;
  }
  printf("{\"seconds\": [");
  volatile double sink = 0;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    float acc[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
      for (int j = 0; j < 16; j++) acc[j] += a[i + j];
    for (; i < n; i++) acc[0] += a[i];
    double t = now() - t0;
    for (int j = 0; j < 16; j++) sink += acc[j];
    printf("%s%.6f", r ? ", " : "", t);
  }
  printf("]}\n");
  free(a);
  return 0;
}
