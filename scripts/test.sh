#!/usr/bin/env bash
# The whole test suite (called by `npm test` after setup): type-check, lint, man pages in
# sync with the commands, then unit tests and end-to-end tests under a real mpiexec.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n[test] %s\n' "$*" >&2; }

say "type-check (tsc --noEmit, src and tests)"
npx --no-install tsc -p tsconfig.test.json

say "lint (eslint)"
npx --no-install eslint --max-warnings 0 .

say "man pages match the commands' metadata"
if [ -d .git ] && ! git diff --quiet -- man/; then
  git --no-pager diff --stat -- man/ >&2
  echo "man/ is out of date: run npm run build and commit man/" >&2
  exit 1
fi

say "unit and end-to-end tests (node --test)"
# one file at a time: MPI jobs of up to 4 ranks share 2 cores
node --import tsx --test --test-concurrency=1 test/unit/*.test.ts test/e2e/*.test.ts

say "MPICH: a second binding built against MPICH (build-mpich/), core set under Hydra"
# the tests build it (scripts/build.sh --native-dir build-mpich, a no-op when up to date)
# and select it with DND_NATIVE_DIR; Open MPI in build/Release stays the default
node --import tsx --test --test-concurrency=1 test/mpich/*.test.ts
