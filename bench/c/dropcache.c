/* Drops one file's pages from the page cache, for the cold-cache read figures: syncs it
 * (dirty pages cannot be dropped) and asks the kernel to forget its clean pages with
 * posix_fadvise(POSIX_FADV_DONTNEED); other files' cache is left alone (no drop_caches,
 * which needs root and would disturb everyone else on a shared machine). Prints how many
 * of the file's pages were resident before and after (mincore), so a figure can show that
 * the read really was cold.
 * usage: dropcache FILE -> {"pages": N, "resident_before": B, "resident_after": A} */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static long resident(int fd, size_t len, long *pages) {
  long page = sysconf(_SC_PAGESIZE);
  *pages = (long)((len + page - 1) / page);
  if (len == 0) return 0;
  void *p = mmap(0, len, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return -1;
  unsigned char *v = malloc(*pages);
  long n = 0;
  if (v && mincore(p, len, v) == 0)
    for (long i = 0; i < *pages; ++i) n += v[i] & 1;
  else
    n = -1;
  free(v);
  munmap(p, len);
  return n;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: dropcache FILE\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    perror(argv[1]);
    return 1;
  }
  long pages, before = resident(fd, st.st_size, &pages);
  if (fdatasync(fd) != 0) perror("fdatasync");
  int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  long after = resident(fd, st.st_size, &pages);
  close(fd);
  printf("{\"pages\": %ld, \"resident_before\": %ld, \"resident_after\": %ld}\n", pages, before, after);
  return rc != 0;
}
