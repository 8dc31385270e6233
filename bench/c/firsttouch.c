/* Floor for the first touch of fresh memory: NBYTES of a new anonymous mapping made
 * resident, one way per process: MADV_POPULATE_WRITE without and with huge-page advice,
 * and memset (faults one page at a time) without advice.
 *   firsttouch NBYTES populate|populate_huge|memset  ->  {"<way>": s}
 * One way per process, each started on settled memory by the caller (bench/big.mjs):
 * ways run one after another in one process gave the later ones the guest pages the
 * earlier ones had just unmapped, already backed by the hypervisor (memset third: 0.8 s
 * for 1 GiB, against 1.1-1.7 s on its own; populate first: 1.7 s, against 0.5 s). */
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
  if (argc != 3) {
    fprintf(stderr, "usage: firsttouch NBYTES populate|populate_huge|memset\n");
    return 2;
  }
  size_t n = (size_t)atof(argv[1]);
  const char *way = argv[2];
  double t;
  if (strcmp(way, "populate") == 0) t = touch(n, 0, 1);
  else if (strcmp(way, "populate_huge") == 0) t = touch(n, 1, 1);
  else if (strcmp(way, "memset") == 0) t = touch(n, 0, 0);
  else {
    fprintf(stderr, "firsttouch: unknown way %s\n", way);
    return 2;
  }
  printf("{\"%s\": %.6g}\n", way, t);
  return 0;
}
