{
  # Flags come from the installed MPI and parallel HDF5 (scripts/native-flags.mjs asks
  # mpicc --showme / pkg-config / h5pcc), so a cluster's `module load` build works too.
  # Two modules: mpi_napi (MPI, memory, random, reductions) is what every rank loads; mpi_h5 (parallel
  # HDF5) is loaded only by jobs that touch files, since libhdf5 and its dependencies
  # (curl, ssl, ldap) cost each rank's start-up about 20 ms (measured on our 2-core machines).
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "OMPI_SKIP_MPICXX=1", "MPICH_SKIP_MPICXX=1", "H5_USE_110_API"],
    "cflags_cc": ["-O3", "-std=c++17", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"]
  },
  "targets": [
    {
      "target_name": "mpi_napi",
      "sources": [
        "src/native/module.cc",
        "src/native/errors.cc",
        "src/native/collectives.cc",
        "src/native/quick-sockets.cc",
        "src/native/memory.cc",
        "src/native/philox.cc",
        "src/native/reduce.cc",
        "src/native/signals.cc",
        "src/native/lifeline.cc",
        "src/native/crc32.cc"
      ],
      # sqrt without errno: otherwise each sqrt is a branch (to set errno on a negative,
      # which never happens here) and the random fill's float32 loop is not vectorised
      # (src/native/philox.h). IEEE results are the same; nothing here reads errno.
      "cflags_cc": ["-fno-math-errno"],
      "include_dirs": ["<!@(node scripts/native-flags.mjs cflags mpi)"],
      "libraries": ["<!@(node scripts/native-flags.mjs libs mpi)"]
    },
    {
      "target_name": "mpi_h5",
      "sources": [
        "src/native/h5module.cc",
        "src/native/errors.cc",
        "src/native/hdf5.cc",
        "src/native/hdf5-tree.cc",
        "src/native/hdf5-map.cc",
        "src/native/direct-write.cc",
        "src/native/interrupt.cc"
      ],
      "include_dirs": ["<!@(node scripts/native-flags.mjs cflags)"],
      "libraries": ["<!@(node scripts/native-flags.mjs libs)"]
    }
  ]
}
