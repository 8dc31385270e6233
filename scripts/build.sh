#!/usr/bin/env bash
# Builds what changed: the native binding (node-gyp), the TypeScript (tsc), the oclif
# manifest and the man pages (generated from the commands' own metadata).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[build] %s\n' "$*" >&2; }

# The native binding. It follows the MPI chosen at build time ($MPICC, else `mpicc` on PATH;
# HDF5: the parallel build for that MPI, or $HDF5_PKG / $H5PCC): scripts/native-flags.mjs
# answers with the choice, its identity and the flags, and that answer is kept beside the
# modules (native-build.json) as the stamp. A different answer (another MPI on PATH after
# `module load`, another MPICC) rebuilds, as does a changed source.
#   bash scripts/build.sh                          everything; the binding in build/Release
#   MPICC=mpicc.mpich bash scripts/build.sh --native-dir build-mpich
#                                                  only a second copy of the binding, in that
#                                                  directory (select it with DND_NATIVE_DIR)
native_dir=build/Release
native_only=0
if [ "${1:-}" = "--native-dir" ]; then
  native_dir=${2:?--native-dir needs a directory}
  native_only=1
fi
mkdir -p build
flags_new=$(mktemp "${TMPDIR:-/tmp}/dnd-native-flags.XXXXXX")
trap 'rm -f "$flags_new"' EXIT
node scripts/native-flags.mjs json >"$flags_new"
stamp_native=$native_dir/native-build.json
native_built=0
if [ ! -f $native_dir/mpi_napi.node ] || [ ! -f $native_dir/mpi_h5.node ] || ! cmp -s "$flags_new" $stamp_native \
  || [ -n "$(find binding.gyp scripts/native-flags.mjs scripts/mpi-probe.mjs src/native -newer $native_dir/mpi_napi.node \( -name '*.cc' -o -name '*.h' -o -name '*.gyp' -o -name '*.mjs' \) 2>/dev/null | head -1)" ]; then
  native_built=1
  say "native binding (node-gyp) in $native_dir: $(node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`${b.mpi.name} ${b.mpi.version} (${b.mpi.via}), HDF5 ${b.hdf5.version} (${b.hdf5.via})`)' "$flags_new")"
  export DND_NATIVE_FLAGS_FILE=$flags_new
  log=$PWD/build/native-$(basename "$native_dir").log
  if [ $native_only = 0 ]; then
    npx --no-install node-gyp rebuild --loglevel=error >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
  else
    # node-gyp always builds into ./build: build in a staging directory whose sources are
    # links to ours, then keep only the modules
    stage=$native_dir/.gyp
    rm -rf "$stage" && mkdir -p "$stage"
    for f in binding.gyp src scripts node_modules package.json; do ln -s "$PWD/$f" "$stage/$f"; done
    (cd "$stage" && npx --no-install node-gyp rebuild --loglevel=error >/dev/null 2>"$log") || { cat "$log" >&2; exit 1; }
    cp "$stage"/build/Release/mpi_napi.node "$stage"/build/Release/mpi_h5.node "$native_dir"/
    rm -rf "$stage"
  fi
  unset DND_NATIVE_FLAGS_FILE
  cat "$flags_new" >$stamp_native
  rm -f "$log"
fi
[ $native_only = 1 ] && exit 0

stamp=dist/.stamp
if [ ! -f $stamp ] || [ -n "$(find src bin scripts package.json tsconfig.json tsconfig.build.json -newer $stamp -type f 2>/dev/null | head -1)" ]; then
  say "typescript"
  # compile beside the old build and swap only on success: a failed compile never
  # leaves the checkout without a working CLI
  rm -rf dist.new dist.old
  npx --no-install tsc -p tsconfig.build.json --outDir dist.new
  if [ -d dist ]; then mv dist dist.old; fi
  mv dist.new dist
  rm -rf dist.old
  say "oclif bundled (dist/vendor)"
  node scripts/bundle-oclif.mjs
  say "rank program bundle (dist/rank)"
  node scripts/bundle-rank.mjs
  say "data commands bundled (dist/commands)"
  node scripts/bundle-commands.mjs
  say "V8 code caches of the CommonJS bundles"
  node scripts/code-cache.mjs
  say "oclif manifest and man pages"
  node scripts/gen-manifest.mjs
  node scripts/gen-man.mjs
  touch $stamp
elif [ $native_built = 1 ]; then
  # the caches are written after warm-up runs that load the binding: made without it (npm's
  # `prepare` in a fresh clone runs before this script builds it) they hold the load alone
  say "V8 code caches of the CommonJS bundles (warm-up runs on the new binding)"
  node scripts/code-cache.mjs
fi
