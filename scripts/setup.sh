#!/usr/bin/env bash
# Installs what dnd needs and builds it; idempotent, quick when there is nothing to do.
#   bash scripts/setup.sh          MPI + parallel HDF5 + npm packages + build
#   bash scripts/setup.sh --test   and what the tests need too (h5dump, h5py, Slurm + munge,
#                                  iproute2 + util-linux + openssh for the simulated cluster)
#   bash scripts/setup.sh --bench  the tests' packages and the benchmark's Python peer
#                                  (Debian's mpi4py and MPI build of h5py: bench/py/peer.py)
# System packages come from apt only when missing and only when we are root: a cluster
# user with `module load openmpi hdf5` already has them and is never sent through apt.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
want_bench=0
[ "${1:-}" = "--test" ] && want_test=1
[ "${1:-}" = "--bench" ] && want_test=1 && want_bench=1

say() { printf '[setup] %s\n' "$*" >&2; }

missing=()
need() { # need <apt-package> <check command...>
  local pkg=$1; shift
  if ! "$@" >/dev/null 2>&1; then missing+=("$pkg"); fi
}

need openmpi-bin command -v mpiexec
need libopenmpi-dev command -v mpicc
need libhdf5-openmpi-dev sh -c 'pkg-config --exists hdf5-openmpi || command -v h5pcc'
need pkg-config command -v pkg-config
need g++ command -v g++
need make command -v make
if [ $want_test = 1 ]; then
  need hdf5-tools command -v h5dump
  need python3-h5py /usr/bin/python3 -c 'import h5py, numpy'
  need tmux command -v tmux   # drives dnd px through a real terminal
  need man-db command -v man  # reads the man pages of the installed package
  # a real single-node Slurm for the batch-script tests (started by scripts/slurm-up.sh)
  need slurm-wlm sh -c 'command -v slurmctld && command -v slurmd && command -v sbatch'
  need slurm-wlm-basic-plugins sh -c 'ls /usr/lib/*/slurm-wlm/select_cons_tres.so'
  need munge command -v munged
  # the simulated cluster of the multi-host tests (scripts/cluster-up.sh)
  need iproute2 command -v ip
  need util-linux sh -c 'command -v unshare && command -v nsenter'
  # its ssh mode (DND_CLUSTER_SSH=1): an sshd per host, Open MPI starting daemons through ssh
  need openssh-server test -x /usr/sbin/sshd
  need openssh-client sh -c 'command -v ssh && command -v ssh-keygen'
  # MPICH beside Open MPI: the suite builds a second binding against it (build-mpich/,
  # test/mpich/*.test.ts). Open MPI stays the default: see pin_openmpi below.
  need mpich command -v mpiexec.mpich
  need libmpich-dev command -v mpicc.mpich
  need libhdf5-mpich-dev pkg-config --exists hdf5-mpich
fi
if [ $want_bench = 1 ]; then
  need python3-mpi4py /usr/bin/python3 -c 'import mpi4py'
  need python3-h5py-mpi sh -c 'ls /usr/lib/python3/dist-packages/h5py/_debian_h5py_mpi'
fi

# Debian switches the unsuffixed names (mpicc, mpiexec, h5pcc) between installed MPIs with
# update-alternatives. Installing MPICH must not move them: every default build and job
# here means Open MPI. Pinned only in the run that installs MPICH, so a choice an
# administrator made later is left alone.
pin_openmpi() {
  command -v update-alternatives >/dev/null || return 0
  local group target
  for pair in mpi:/usr/bin/mpicc.openmpi mpirun:/usr/bin/mpirun.openmpi h5pcc:/usr/bin/h5pcc.openmpi; do
    group=${pair%%:*} target=${pair#*:}
    if [ -x "$target" ] && update-alternatives --list "$group" 2>/dev/null | grep -qx "$target"; then
      update-alternatives --set "$group" "$target" >/dev/null
    fi
  done
}

if [ ${#missing[@]} -gt 0 ]; then
  # shellcheck disable=SC2207
  missing=($(printf '%s\n' "${missing[@]}" | sort -u))
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if printf '%s\n' "${missing[@]}" | grep -qx mpich; then pin_openmpi; fi
  else
    say "missing: ${missing[*]}"
    say "install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) or load them (e.g. module load openmpi hdf5)"
    exit 1
  fi
fi

# npm packages: again only when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

bash scripts/build.sh
