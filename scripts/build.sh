#!/usr/bin/env bash
# Builds what changed: the native binding (node-gyp), the TypeScript (tsc), the oclif
# manifest and the man pages (generated from the commands' own metadata).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[build] %s\n' "$*" >&2; }

node_bin=build/Release/mpi_napi.node
if [ ! -f $node_bin ] || [ ! -f build/Release/mpi_h5.node ] || [ -n "$(find binding.gyp scripts/native-flags.mjs src/native -newer $node_bin \( -name '*.cc' -o -name '*.h' -o -name '*.gyp' -o -name '*.mjs' \) 2>/dev/null | head -1)" ]; then
  say "native binding (node-gyp)"
  npx --no-install node-gyp rebuild --loglevel=error >/dev/null 2>build-native.log || { cat build-native.log >&2; exit 1; }
  rm -f build-native.log
fi

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
  say "oclif manifest and man pages"
  node scripts/gen-manifest.mjs
  node scripts/gen-man.mjs
  touch $stamp
fi
