/* Floor for the first touch of fresh memory: NBYTES of a new anonymous mapping made
 * resident, each way on its own fresh mapping: MADV_POPULATE_WRITE without and with
 * huge-page advice, and memset (faults one page at a time) without advice.
 *   firsttouch NBYTES  ->  {"populate": s, "populate_huge": s, "memset": s}           */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double touch(size_t n, int huge, int populate) {
  char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  madvise(p, n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  double t = now();
  if (!populate || madvise(p, n, MADV_POPULATE_WRITE) != 0) memset(p, 0, n);
  t = now() - t;
  munmap(p, n);
  return t;
}

int main(int argc, char **argv) {
  size_t n = (size_t)atof(argv[1]);
  double a = touch(n, 0, 1), b = touch(n, 1, 1), c = touch(n, 0, 0);
  printf("{\"populate\": %.6g, \"populate_huge\": %.6g, \"memset\": %.6g}\n", a, b, c);
  return 0;
}
