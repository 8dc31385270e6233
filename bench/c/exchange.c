/* Floor for resplit and redistribute: the same exchanges in C on a float32 rows x cols
 * array split along axis 0 (Heat's chunk()), blocks allocated with huge-page advice as
 * dnd does. Each figure is the slowest rank's time of one collective, after a barrier.
 *   exchange resplit ROWS COLS REPS       0 -> 1 with Alltoallw(subarray) and pack+Alltoallv
 *   exchange redistribute ROWS COLS REPS [T0]  balanced -> rank 0 holds half (or T0 rows),
 *                                         one Alltoallv
 *   exchange resplit_none ROWS COLS REPS  uint8, split along axis 1 as COLS-2 + 2 columns
 *                                         (2 ranks) -> every rank holds all: Alltoallw of
 *                                         subarrays, above 2^31 elements per pair when big
 * Each exchange receives into a freshly allocated block (inside the timing), and again
 * (the methods with `_reused`) into the block the same method's previous rep received
 * into, as dnd's library does in a loop (a released block's pages go to the next block
 * of its size, src/dnd/memory.ts): the first rep allocates it, later reps only write it.
 * DND_HUGEPAGES=off: no huge-page advice (fresh memory is cheaper without it on some
 * machines, see src/dnd/memory.ts); default on. DND_PREFAULT=1: every block is pre-faulted
 * (MADV_POPULATE_WRITE) when allocated, as dnd allocates a block about to be written whole,
 * instead of taking its page faults inside MPI's copy. DND_MOVE=1 (redistribute, one rep):
 * the rows a rank keeps reach its new block as pages (mremap with MREMAP_DONTUNMAP) instead
 * of through MPI's copy, as dnd's in-place moves do (src/native/memory.cc, movePages): the
 * new block is placed so that they sit where they did in a page, and only the rest of it is
 * advised and pre-faulted. The old block's kept rows are gone after that: one rep only.
 * Prints one JSON line from rank 0: {"<method>": [seconds per rep], ...} */
#define _GNU_SOURCE
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <stdint.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4 /* Linux 5.7; older kernels refuse it and the rows are copied */
#endif

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels refuse it and the copy faults instead */
#endif

static void *alloc_bytes(size_t n) {
  if (n == 0) n = 1;
  void *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  const char *h = getenv("DND_HUGEPAGES");
  madvise(p, n, h && strcmp(h, "off") == 0 ? MADV_NOHUGEPAGE : MADV_HUGEPAGE);
  const char *pf = getenv("DND_PREFAULT");
  if (pf && strcmp(pf, "1") == 0) madvise(p, n, MADV_POPULATE_WRITE);
  return p;
}

static float *alloc(size_t n) { return alloc_bytes(n * 4); }

/* advice (DND_HUGEPAGES) and, with DND_PREFAULT=1, first touch of [p, p + n), whole pages inside */
static void touch_range(char *p, size_t n) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1), b = ((uintptr_t)p + n) & ~(page - 1);
  if (b <= a) return;
  const char *h = getenv("DND_HUGEPAGES");
  madvise((void *)a, b - a, h && strcmp(h, "off") == 0 ? MADV_NOHUGEPAGE : MADV_HUGEPAGE);
  const char *pf = getenv("DND_PREFAULT");
  if (pf && strcmp(pf, "1") == 0) madvise((void *)a, b - a, MADV_POPULATE_WRITE);
}

/* n bytes from src to dst, which sit at the same place in a page: whole pages moved, the ends copied */
static void move_bytes(char *dst, char *src, size_t n) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t s0 = ((uintptr_t)src + page - 1) & ~(page - 1), s1 = ((uintptr_t)src + n) & ~(page - 1);
  if (s1 <= s0) { memcpy(dst, src, n); return; }
  memcpy(dst, src, s0 - (uintptr_t)src);
  memcpy(dst + (s1 - (uintptr_t)src), (char *)s1, (uintptr_t)src + n - s1);
  if (mremap((void *)s0, s1 - s0, s1 - s0, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, dst + (s0 - (uintptr_t)src)) == MAP_FAILED)
    memcpy(dst + (s0 - (uintptr_t)src), (char *)s0, s1 - s0);
}

static void chunk(long n, int p, int size, long *off, long *cnt) {
  long q = n / size, r = n % size;
  if (p < r) { *cnt = q + 1; *off = p * (q + 1); }
  else { *cnt = q; *off = p * q + r; }
}

/* packs column block p of my rcnt x cols rows, row by row, at pack + sd[p], for every p */
static void pack_columns(float *pack, const float *old, long rcnt, long cols, int size, const int *sd) {
  for (int p = 0; p < size; ++p) {
    long qo, qc;
    chunk(cols, p, size, &qo, &qc);
    float *dst = pack + sd[p];
    for (long i = 0; i < rcnt; ++i) memcpy(dst + i * qc, old + i * cols + qo, qc * 4);
  }
}

static double slowest(double t) {
  double m;
  MPI_Allreduce(&t, &m, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return m;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const char *mode = argv[1];
  long rows = atol(argv[2]), cols = atol(argv[3]);
  int reps = atoi(argv[4]);
  long roff, rcnt;
  if (strcmp(mode, "resplit_none") == 0) {
    /* rank p holds columns [coff, coff + ccnt) of all rows; afterwards every rank holds all */
    long cnt[2] = {cols - 2, 2}, off[2] = {0, cols - 2};
    long ccnt = cnt[rank], coff = off[rank];
    unsigned char *own = alloc_bytes(rows * ccnt);
    for (long i = 0; i < rows; ++i) for (long j = 0; j < ccnt; ++j) own[i * ccnt + j] = (unsigned char)((i * cols + coff + j) % 251);
    MPI_Datatype st[2], rt[2];
    int ones[2] = {1, 1}, zero[2] = {0, 0};
    int ssz[2] = {(int)rows, (int)ccnt}, rsz[2] = {(int)rows, (int)cols}, st0[2] = {0, 0};
    for (int p = 0; p < 2; ++p) {
      int rsub[2] = {(int)rows, (int)cnt[p]}, rst[2] = {0, (int)off[p]};
      MPI_Type_create_subarray(2, ssz, ssz, st0, MPI_ORDER_C, MPI_UINT8_T, &st[p]);
      MPI_Type_commit(&st[p]);
      MPI_Type_create_subarray(2, rsz, rsub, rst, MPI_ORDER_C, MPI_UINT8_T, &rt[p]);
      MPI_Type_commit(&rt[p]);
    }
    double *t = calloc(reps, sizeof(double));
    for (int rep = 0; rep < reps; ++rep) {
      MPI_Barrier(MPI_COMM_WORLD);
      double t0 = MPI_Wtime();
      unsigned char *all = alloc_bytes(rows * cols);
      MPI_Alltoallw(own, ones, zero, st, all, ones, zero, rt, MPI_COMM_WORLD);
      t[rep] = slowest(MPI_Wtime() - t0);
      munmap(all, rows * cols);
    }
    if (rank == 0) {
      printf("{\"alltoallw_subarray\": [");
      for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", t[i]);
      printf("]}\n");
    }
    MPI_Finalize();
    return 0;
  }
  chunk(rows, rank, size, &roff, &rcnt);
  float *old = alloc(rcnt * cols);
  for (long i = 0; i < rcnt * cols; ++i) old[i] = (float)(roff * cols + i);
  double *t1 = calloc(reps, sizeof(double)), *t2 = calloc(reps, sizeof(double));
  double *t3 = calloc(reps, sizeof(double)), *t4 = calloc(reps, sizeof(double));
  if (strcmp(mode, "resplit") == 0) {
    long coff, ccnt;
    chunk(cols, rank, size, &coff, &ccnt);
    float *new, *pack;
    MPI_Datatype *st = malloc(size * sizeof(MPI_Datatype)), *rt = malloc(size * sizeof(MPI_Datatype));
    int *ones = malloc(size * sizeof(int)), *zero = calloc(size, sizeof(int));
    int *sc = malloc(size * sizeof(int)), *sd = malloc(size * sizeof(int)), *rc = malloc(size * sizeof(int)), *rd = malloc(size * sizeof(int));
    for (int p = 0; p < size; ++p) {
      long po, pc, qo, qc;
      chunk(cols, p, size, &qo, &qc);  /* p's new columns */
      chunk(rows, p, size, &po, &pc);  /* p's old rows */
      int ssz[2] = {(int)rcnt, (int)cols}, ssub[2] = {(int)rcnt, (int)qc}, sst[2] = {0, (int)qo};
      int rsz[2] = {(int)rows, (int)ccnt}, rsub[2] = {(int)pc, (int)ccnt}, rst[2] = {(int)po, 0};
      ones[p] = (rcnt > 0 && qc > 0) ? 1 : 0;
      if (ones[p]) { MPI_Type_create_subarray(2, ssz, ssub, sst, MPI_ORDER_C, MPI_FLOAT, &st[p]); MPI_Type_commit(&st[p]); }
      else st[p] = MPI_FLOAT;
      int rone = (pc > 0 && ccnt > 0);
      if (rone) { MPI_Type_create_subarray(2, rsz, rsub, rst, MPI_ORDER_C, MPI_FLOAT, &rt[p]); MPI_Type_commit(&rt[p]); }
      else rt[p] = MPI_FLOAT;
      rc[p] = rone;
      sc[p] = (int)(rcnt * qc);
      rd[p] = (int)(po * ccnt);
    }
    int *rcw = malloc(size * sizeof(int));
    memcpy(rcw, rc, size * sizeof(int));
    for (int p = 0; p < size; ++p) { long po, pc; chunk(rows, p, size, &po, &pc); rc[p] = (int)(pc * ccnt); }
    sd[0] = 0;
    for (int p = 1; p < size; ++p) sd[p] = sd[p - 1] + sc[p - 1];
    for (int rep = 0; rep < reps; ++rep) {
      /* like dnd, each exchange receives into a freshly allocated block */
      MPI_Barrier(MPI_COMM_WORLD);
      double t = MPI_Wtime();
      new = alloc(rows * ccnt);
      MPI_Alltoallw(old, ones, zero, st, new, rcw, zero, rt, MPI_COMM_WORLD);
      t1[rep] = slowest(MPI_Wtime() - t);
      munmap(new, (rows * ccnt ? rows * ccnt : 1) * 4);
      MPI_Barrier(MPI_COMM_WORLD);
      t = MPI_Wtime();
      new = alloc(rows * ccnt);
      pack = alloc(rcnt * cols);
      pack_columns(pack, old, rcnt, cols, size, sd);
      MPI_Alltoallv(pack, sc, sd, MPI_FLOAT, new, rc, rd, MPI_FLOAT, MPI_COMM_WORLD);
      t2[rep] = slowest(MPI_Wtime() - t);
      munmap(new, (rows * ccnt ? rows * ccnt : 1) * 4);
      munmap(pack, (rcnt * cols ? rcnt * cols : 1) * 4);
    }
    /* the same methods into the block (and pack buffer) their previous rep used */
    float *kept = NULL, *keptw = NULL, *keptpack = NULL;
    for (int rep = 0; rep < reps; ++rep) {
      MPI_Barrier(MPI_COMM_WORLD);
      double t = MPI_Wtime();
      if (!keptw) keptw = alloc(rows * ccnt);
      MPI_Alltoallw(old, ones, zero, st, keptw, rcw, zero, rt, MPI_COMM_WORLD);
      t3[rep] = slowest(MPI_Wtime() - t);
      MPI_Barrier(MPI_COMM_WORLD);
      t = MPI_Wtime();
      if (!kept) { kept = alloc(rows * ccnt); keptpack = alloc(rcnt * cols); }
      pack_columns(keptpack, old, rcnt, cols, size, sd);
      MPI_Alltoallv(keptpack, sc, sd, MPI_FLOAT, kept, rc, rd, MPI_FLOAT, MPI_COMM_WORLD);
      t4[rep] = slowest(MPI_Wtime() - t);
    }
    if (rank == 0) {
      printf("{\"alltoallw_subarray\": [");
      for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", t1[i]);
      printf("], \"pack_alltoallv\": [");
      for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", t2[i]);
      printf("], \"alltoallw_subarray_reused\": [");
      for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", t3[i]);
      printf("], \"pack_alltoallv_reused\": [");
      for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", t4[i]);
      printf("]}\n");
    }
  } else {
    /* balanced -> rank 0 holds half the rows, the rest spread over the others */
    long *target = malloc(size * sizeof(long)), *toff = malloc(size * sizeof(long));
    if (size == 1) target[0] = rows;
    else {
      target[0] = argc > 5 ? atol(argv[5]) : rows / 2;
      for (int p = 1; p < size; ++p) { long o, c; chunk(rows - target[0], p - 1, size - 1, &o, &c); target[p] = c; }
    }
    toff[0] = 0;
    for (int p = 1; p < size; ++p) toff[p] = toff[p - 1] + target[p - 1];
    float *new;
    int *sc = malloc(size * sizeof(int)), *sd = malloc(size * sizeof(int)), *rc = malloc(size * sizeof(int)), *rd = malloc(size * sizeof(int));
    for (int q = 0; q < size; ++q) {
      long a = roff > toff[q] ? roff : toff[q], b = (roff + rcnt) < (toff[q] + target[q]) ? (roff + rcnt) : (toff[q] + target[q]);
      sc[q] = b > a ? (int)((b - a) * cols) : 0;
      sd[q] = b > a ? (int)((a - roff) * cols) : 0;
      long po, pc;
      chunk(rows, q, size, &po, &pc);
      a = po > toff[rank] ? po : toff[rank];
      b = (po + pc) < (toff[rank] + target[rank]) ? (po + pc) : (toff[rank] + target[rank]);
      rc[q] = b > a ? (int)((b - a) * cols) : 0;
      rd[q] = b > a ? (int)((a - toff[rank]) * cols) : 0;
    }
    const char *mv = getenv("DND_MOVE");
    int move = mv && strcmp(mv, "1") == 0;
    for (int rep = 0; rep < reps; ++rep) {
      MPI_Barrier(MPI_COMM_WORLD);
      double t = MPI_Wtime();
      size_t nbytes = (target[rank] * cols ? target[rank] * cols : 1) * 4;
      if (move && sc[rank] > 0) {
        /* the kept rows move as pages: the block placed so that they line up with the old ones */
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        char *base = mmap(0, nbytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        size_t want = (uintptr_t)(old + sd[rank]) % page, at = ((uintptr_t)base + (size_t)rd[rank] * 4) % page;
        new = (float *)(base + (want + page - at) % page);
        size_t kept = (size_t)sc[rank] * 4;
        touch_range((char *)new, (size_t)rd[rank] * 4);
        touch_range((char *)(new + rd[rank]) + kept, nbytes - (size_t)rd[rank] * 4 - kept);
        int s_self = sc[rank], r_self = rc[rank];
        sc[rank] = rc[rank] = 0;
        MPI_Alltoallv(old, sc, sd, MPI_FLOAT, new, rc, rd, MPI_FLOAT, MPI_COMM_WORLD);
        sc[rank] = s_self;
        rc[rank] = r_self;
        move_bytes((char *)(new + rd[rank]), (char *)(old + sd[rank]), kept);
        t1[rep] = slowest(MPI_Wtime() - t);
        munmap(base, nbytes + page);
        continue;
      }
      new = alloc(target[rank] * cols); /* fresh, as dnd's */
      MPI_Alltoallv(old, sc, sd, MPI_FLOAT, new, rc, rd, MPI_FLOAT, MPI_COMM_WORLD);
      t1[rep] = slowest(MPI_Wtime() - t);
      munmap(new, nbytes);
    }
    float *kept = NULL;
    for (int rep = 0; rep < reps; ++rep) {
      MPI_Barrier(MPI_COMM_WORLD);
      double t = MPI_Wtime();
      if (!kept) kept = alloc(target[rank] * cols); /* fresh the first time, then reused */
      MPI_Alltoallv(old, sc, sd, MPI_FLOAT, kept, rc, rd, MPI_FLOAT, MPI_COMM_WORLD);
      t3[rep] = slowest(MPI_Wtime() - t);
    }
    if (rank == 0) {
      printf("{\"alltoallv\": [");
      for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", t1[i]);
      printf("], \"alltoallv_reused\": [");
      for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", t3[i]);
      printf("]}\n");
    }
  }
  MPI_Finalize();
  return 0;
}
