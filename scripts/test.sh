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
# and two at a time took the rest from ~470 s to ~330 s here.
alone='failures hosts lifeline memory px px-hosts slurm slurm-nodes'
together=()
for f in test/unit/*.test.ts test/e2e/*.test.ts; do
  name=$(basename "$f" .test.ts)
  case " $alone " in *" $name "*) [ "${f#test/unit}" = "$f" ] && continue ;; esac
  together+=("$f")
done
say "unit and end-to-end tests, two files at a time (node --test)"
node --import tsx --test --test-concurrency=2 "${together[@]}"

say "end-to-end tests that need the machine alone, one at a time"
node --import tsx --test --test-concurrency=1 $(for n in $alone; do echo "test/e2e/$n.test.ts"; done)

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
