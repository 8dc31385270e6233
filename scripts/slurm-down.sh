#!/usr/bin/env bash
# Stops what scripts/slurm-up.sh started (slurmctld, slurmd, munged).
set -uo pipefail
dir=${DND_SLURM_DIR:-/tmp/dnd-slurm}
export SLURM_CONF=$dir/slurm.conf
scontrol shutdown >/dev/null 2>&1 || true
for _ in $(seq 1 50); do pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break; sleep 0.1; done
pkill -x slurmctld 2>/dev/null || true
pkill -x slurmd 2>/dev/null || true
pkill -x munged 2>/dev/null || true
# gone before we return: a slurm-up right after must not find a dying munged and skip it
for _ in $(seq 1 50); do pgrep -x munged >/dev/null || pgrep -x slurmd >/dev/null || break; sleep 0.1; done
exit 0
