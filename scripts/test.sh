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

# Files that need the machine to themselves: they start Slurm or a simulated cluster (one
# of each at a time: slurm-up.sh restarts the daemons), drive a terminal with timed keys,
# time a watchdog or a kill, or depend on the memory left free. Everything else runs two
# files at a time: most of a test's time is spent waiting for processes to start and end,
# and so these files (MPICH group included) took 330 s + 281 s alone here, against 839 s one at a time.
# The MPICH group (test/mpich) runs a second binding built against MPICH (build-mpich/:
# the tests build it, a no-op when up to date, and select it with DND_NATIVE_DIR); Open
# MPI in build/Release stays the default. It drives a terminal and kills ranks: alone too.
alone='e2e/failures e2e/hosts e2e/lifeline e2e/memory e2e/px e2e/px-hosts e2e/slurm e2e/slurm-nodes mpich/core mpich/failures'
together=()
for f in test/unit/*.test.ts test/e2e/*.test.ts test/mpich/*.test.ts; do
  name=${f#test/}
  name=${name%.test.ts}
  case " $alone " in *" $name "*) continue ;; esac
  together+=("$f")
done
say "unit, end-to-end and MPICH tests, two files at a time (node --test)"
node --import tsx --test --test-concurrency=2 "${together[@]}"

say "tests that need the machine alone, one at a time"
node --import tsx --test --test-concurrency=1 $(for n in $alone; do echo "test/$n.test.ts"; done)

if [ "${DND_SKIP_BIG:-0}" = "1" ]; then
  say "big group skipped (DND_SKIP_BIG=1)"
  exit 0
fi
say "big group (test/big: above 2^31 bytes per pair, ~9 GB peak, serially)"
start=$SECONDS
node --import tsx --test --test-concurrency=1 test/big/*.test.ts
say "big group took $((SECONDS - start)) s"
