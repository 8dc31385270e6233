#!/usr/bin/env bash
# The whole test suite (called by `npm test` after setup): type-check, lint, man pages in
# sync with the commands, then unit tests and end-to-end tests under a real mpiexec, then
# the big group (test/big: more than 2^31 bytes between a pair of ranks, ~9 GB peak), one
# file at a time after everything else: 32 s on a quiet 2-core machine of ours, 303 s on
# the same machine under a load average of 10-19. DND_SKIP_BIG=1 leaves it out.
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

if [ "${DND_SKIP_BIG:-0}" = "1" ]; then
  say "big group skipped (DND_SKIP_BIG=1)"
  exit 0
fi
say "big group (test/big: above 2^31 bytes per pair, ~9 GB peak, serially)"
start=$SECONDS
node --import tsx --test --test-concurrency=1 test/big/*.test.ts
say "big group took $((SECONDS - start)) s"
