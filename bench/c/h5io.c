/* Floor for HDF5 figures: collective parallel write then read of a float32 rows x cols
 * dataset split along axis 0, the way dnd does it (MPI-IO driver, collective transfer,
 * contiguous layout, no fill). Slowest rank's time per rep, after a barrier.
 * Reads go into a buffer touched before the first rep: the fastest way, with no page
 * faults in the read (dnd pre-faults its fresh block inside its own timing).
 * usage: h5io FILE ROWS COLS REPS        -> {"write": [...], "read": [...]} from rank 0
 *        h5io FILE ROWS COLS REPS cold   -> {"read_cold": [...], "resident_after_drop": [...]}
 *        h5io FILE ROWS COLS REPS coldread -> the same, FILE as an earlier run left it
 *   cold: writes FILE once (untimed), then before each read drops FILE's pages from the
 *   page cache (fdatasync + posix_fadvise DONTNEED on every rank, as bench/c/dropcache.c),
 *   so every read comes from the disk; coldread does not write (one rep at a time, in
 *   turn with dnd's cold reads). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <hdf5.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* fdatasync + POSIX_FADV_DONTNEED on the file; returns its pages still resident after */
static long drop_cache(const char *file) {
  int fd = open(file, O_RDONLY);
  if (fd < 0) return -1;
  fdatasync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  off_t len = lseek(fd, 0, SEEK_END);
  long page = sysconf(_SC_PAGESIZE), pages = (len + page - 1) / page, n = 0;
  void *p = len > 0 ? mmap(0, len, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  unsigned char *v = malloc(pages + 1);
  if (p != MAP_FAILED && v && mincore(p, len, v) == 0)
    for (long i = 0; i < pages; ++i) n += v[i] & 1;
  if (p != MAP_FAILED) munmap(p, len);
  free(v);
  close(fd);
  return n;
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
  const char *file = argv[1];
  hsize_t rows = atoll(argv[2]), cols = atoll(argv[3]);
  int reps = atoi(argv[4]);
  hsize_t q = rows / size, r = rows % size;
  hsize_t cnt = rank < (int)r ? q + 1 : q, off = rank < (int)r ? rank * (q + 1) : rank * q + r;
  size_t n = cnt * cols;
  float *buf = mmap(0, n * 4 + 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  madvise(buf, n * 4 + 4, MADV_HUGEPAGE);
  for (size_t i = 0; i < n; ++i) buf[i] = (float)i;
  /* the read buffer: allocated and touched once, before any timed read */
  float *rbuf = mmap(0, n * 4 + 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(rbuf, 0, n * 4 + 4);
  int coldread = argc > 5 && strcmp(argv[5], "coldread") == 0;
  int cold = coldread || (argc > 5 && strcmp(argv[5], "cold") == 0);
  double *tw = calloc(reps, sizeof(double)), *tr = calloc(reps, sizeof(double));
  long *left = calloc(reps, sizeof(long));
  hsize_t dims[2] = {rows, cols}, start[2] = {off, 0}, count[2] = {cnt, cols};
  for (int rep = 0; rep < reps; ++rep) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t = MPI_Wtime();
    hid_t fapl, f, fs, ms, ds, dxpl;
    if (!cold || (rep == 0 && !coldread)) {
      fapl = H5Pcreate(H5P_FILE_ACCESS);
      H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
      f = H5Fcreate(file, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
      hid_t space = H5Screate_simple(2, dims, NULL);
      hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
      ds = H5Dcreate2(f, "/data", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      fs = H5Dget_space(ds);
      H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
      ms = H5Screate_simple(2, count, NULL);
      dxpl = H5Pcreate(H5P_DATASET_XFER);
      H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
      H5Dwrite(ds, H5T_NATIVE_FLOAT, ms, fs, dxpl, buf);
      H5Pclose(dxpl); H5Sclose(ms); H5Sclose(fs); H5Dclose(ds); H5Pclose(dcpl); H5Sclose(space); H5Fclose(f); H5Pclose(fapl);
      tw[rep] = slowest(MPI_Wtime() - t);
    }
    if (cold) {
      left[rep] = drop_cache(file);
      MPI_Allreduce(MPI_IN_PLACE, &left[rep], 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    t = MPI_Wtime();
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
    f = H5Fopen(file, H5F_ACC_RDONLY, fapl);
    ds = H5Dopen2(f, "/data", H5P_DEFAULT);
    fs = H5Dget_space(ds);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    ms = H5Screate_simple(2, count, NULL);
    dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
    H5Dread(ds, H5T_NATIVE_FLOAT, ms, fs, dxpl, rbuf);
    H5Pclose(dxpl); H5Sclose(ms); H5Sclose(fs); H5Dclose(ds); H5Fclose(f); H5Pclose(fapl);
    tr[rep] = slowest(MPI_Wtime() - t);
  }
  if (rank == 0 && cold) {
    printf("{\"read_cold\": [");
    for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", tr[i]);
    printf("], \"resident_after_drop\": [");
    for (int i = 0; i < reps; ++i) printf("%s%ld", i ? ", " : "", left[i]);
    printf("]}\n");
  } else   if (rank == 0) {
    printf("{\"write\": [");
    for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", tw[i]);
    printf("], \"read\": [");
    for (int i = 0; i < reps; ++i) printf("%s%.6g", i ? ", " : "", tr[i]);
    printf("]}\n");
  }
  MPI_Finalize();
  return 0;
}
