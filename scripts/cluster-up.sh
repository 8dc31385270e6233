#!/usr/bin/env bash
# Starts a simulated cluster of N hosts on this machine for the multi-host tests:
#   bash scripts/cluster-up.sh 3        -> hosts h1 h2 h3
# Each host is a network namespace plus a UTS namespace (its own hostname) with its own
# address on a private test subnet, all joined by a bridge that also carries this machine's
# own address on that subnet (where mpiexec runs). The file system is shared, as on a
# cluster with a shared home/scratch. Hosts are entered through an rsh agent
# ($DIR/rsh HOST CMD…, for OMPI_MCA_plm_rsh_agent), no sshd needed.
# Prints $DIR/env: the variables that point Open MPI (and dnd) at the cluster; traffic is
# pinned to the test subnet, so nothing leaves these addresses.
# Settings: DND_CLUSTER_DIR (default /tmp/dnd-cluster), DND_CLUSTER_NAME (prefix of
# namespaces and links, default dnd), DND_CLUSTER_NET (first three octets, default 10.213.0),
# DND_CLUSTER_SLOTS (ranks per host in the hostfile, default 2).
# DND_CLUSTER_SSH=1: hosts as real nodes are: each has its own /tmp (a mount namespace with
# a tmpfs of its own on /tmp) and its own sshd, and Open MPI starts its daemons through
# ssh, with a key, a client config and known_hosts generated in $DIR/ssh (nothing in
# ~/.ssh is read or written). DND_CLUSTER_DIR must then be outside /tmp, and so must
# anything the hosts share (inputs, outputs), except this checkout and the paths in
# DND_CLUSTER_SHARED (colon-separated), which stay visible on every host.
# Needs root. scripts/cluster-down.sh removes everything again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-2}
dir=${DND_CLUSTER_DIR:-/tmp/dnd-cluster}
name=${DND_CLUSTER_NAME:-dnd}
net=${DND_CLUSTER_NET:-10.213.0}
slots=${DND_CLUSTER_SLOTS:-2}
ssh_mode=${DND_CLUSTER_SSH:-0}
say() { printf '[cluster-up] %s\n' "$*" >&2; }

[[ $n =~ ^[1-9]$ ]] || { say "hosts: 1..9, got '$n'"; exit 2; }
[[ $name =~ ^[a-z][a-z0-9]{0,7}$ ]] || { say "DND_CLUSTER_NAME: 1-8 lower-case letters/digits, got '$name'"; exit 2; }
[ "$(id -u)" = 0 ] || { say "needs root (network namespaces)"; exit 1; }
for tool in ip unshare nsenter; do command -v $tool >/dev/null || { say "missing $tool: run bash scripts/setup.sh --test"; exit 1; }; done
if [ -e "$dir/hosts" ]; then say "a cluster is already up in $dir: bash scripts/cluster-down.sh first"; exit 1; fi
case $ssh_mode in 0|1) ;; *) say "DND_CLUSTER_SSH: 0 or 1, got '$ssh_mode'"; exit 2 ;; esac
if [ "$ssh_mode" = 1 ]; then
  case "$(realpath -m "$dir")/" in /tmp/*) say "DND_CLUSTER_SSH=1: DND_CLUSTER_DIR ($dir) must be outside /tmp, which each host has of its own"; exit 2 ;; esac
  for tool in /usr/sbin/sshd ssh ssh-keygen; do command -v $tool >/dev/null || { say "missing $tool: apt-get install openssh-server openssh-client"; exit 1; }; done
fi

# if anything below fails, undo what was done
trap 'say "failed; tearing down"; DND_CLUSTER_DIR=$dir DND_CLUSTER_NAME=$name bash "$here/cluster-down.sh" >/dev/null 2>&1 || true' ERR

mkdir -p "$dir/uts"
echo "$name" > "$dir/name"
echo "$net" > "$dir/net"
if [ "$ssh_mode" = 1 ]; then
  # persistent mount namespaces are bound on files in a private mount (else a bind could
  # propagate into the namespace it names)
  mkdir -p "$dir/mnt" "$dir/ssh" "$dir/bin"
  mount --bind "$dir/mnt" "$dir/mnt"
  mount --make-private "$dir/mnt"
  # sshd's privilege-separation directory (Debian's package makes it at boot)
  if [ ! -d /run/sshd ]; then mkdir -p /run/sshd && touch "$dir/made-run-sshd"; fi
  ssh-keygen -q -t ed25519 -N '' -C dnd-cluster -f "$dir/ssh/id"
  cp "$dir/ssh/id.pub" "$dir/ssh/authorized_keys"
  : > "$dir/ssh/known_hosts"
  : > "$dir/ssh/config"
fi
br=${name}br0
ip link add "$br" type bridge
ip addr add "$net.254/24" dev "$br"
ip link set "$br" up
: > "$dir/hostfile"
for i in $(seq 1 "$n"); do
  h=h$i ns=$name-h$i
  ip netns add "$ns"
  ip link add "$name-h$i" type veth peer name eth0 netns "$ns"
  ip link set "$name-h$i" master "$br" up
  ip -n "$ns" addr add "$net.$i/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  # a persistent UTS namespace: bind-mounted on a file, entered later with nsenter --uts
  touch "$dir/uts/$h"
  unshare --uts="$dir/uts/$h" hostname "$h"
  if [ "$ssh_mode" = 1 ]; then
    # a /tmp of its own: a tmpfs in the host's own mount namespace
    touch "$dir/mnt/$h"
    # What the hosts share although it lies under /tmp (the checkout dnd runs from, when it
    # was cloned there, as CI does; DND_CLUSTER_SHARED adds paths, colon-separated): bound
    # aside before the tmpfs covers /tmp, then moved back onto the same path inside it.
    shared=()
    for p in "$(cd "$here/.." && pwd)" ${DND_CLUSTER_SHARED:+${DND_CLUSTER_SHARED//:/ }}; do
      case "$(realpath -m "$p")/" in /tmp/*) shared+=("$(realpath -m "$p")") ;; esac
    done
    mkdir -p "$dir/keep/$h"
    unshare --mount="$dir/mnt/$h" --propagation private bash -c '
      set -euo pipefail
      keep=$1 fsname=$2; shift 2
      i=0
      for p in "$@"; do mkdir -p "$keep/$i"; mount --bind "$p" "$keep/$i"; i=$((i + 1)); done
      mount -t tmpfs -o mode=1777,size=1g "$fsname" /tmp
      i=0
      for p in "$@"; do mkdir -p "$p"; mount --move "$keep/$i" "$p"; i=$((i + 1)); done
    ' _ "$dir/keep/$h" "$ns-tmp" "${shared[@]}"
    ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$dir/ssh/host-$h"
    cat > "$dir/ssh/sshd-$h.conf" <<SSHD
ListenAddress $net.$i
HostKey $dir/ssh/host-$h
PidFile $dir/ssh/sshd-$h.pid
AuthorizedKeysFile $dir/ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
LogLevel ERROR
SSHD
    echo "$h $(cut -d' ' -f1,2 "$dir/ssh/host-$h.pub")" >> "$dir/ssh/known_hosts"
    printf 'Host %s\n  HostName %s\n  HostKeyAlias %s\n' "$h" "$net.$i" "$h" >> "$dir/ssh/config"
    nsenter --net="/run/netns/$ns" --uts="$dir/uts/$h" --mount="$dir/mnt/$h" /usr/sbin/sshd -f "$dir/ssh/sshd-$h.conf" -E "$dir/ssh/sshd-$h.log"
  fi
  echo "$h" >> "$dir/hosts"
  echo "$h slots=$slots" >> "$dir/hostfile"
done

# the rsh agent Open MPI calls as `rsh HOST CMD…`
cat > "$dir/rsh" <<AGENT
#!/bin/sh
exec "$here/cluster-rsh.sh" "$dir" "\$@"
AGENT
chmod 755 "$dir/rsh"

agent=$dir/rsh
if [ "$ssh_mode" = 1 ]; then
  cat >> "$dir/ssh/config" <<CONFIG
Host *
  User root
  IdentityFile $dir/ssh/id
  IdentitiesOnly yes
  UserKnownHostsFile $dir/ssh/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  UpdateHostKeys no
  BatchMode yes
  ConnectTimeout 5
  LogLevel ERROR
CONFIG
  # named ssh, as Open MPI expects of an ssh agent; the config keeps ~/.ssh out of it
  printf '#!/bin/sh\nexec ssh -F "%s" "$@"\n' "$dir/ssh/config" > "$dir/bin/ssh"
  chmod 755 "$dir/bin/ssh"
  agent=$dir/bin/ssh
  # every sshd answers before the cluster is announced
  for i in $(seq 1 "$n"); do
    for _ in $(seq 1 50); do "$agent" "h$i" true 2>/dev/null && break; sleep 0.1; done
    "$agent" "h$i" true || { say "sshd on h$i does not answer"; false; }
  done
fi

# the hosts share this machine's cores, but mpiexec believes each has its own slots and lets
# waiting ranks busy-poll, starving the rank doing the work: an HDF5 write across two hosts
# took 4.9 s instead of 0.8 s (bench/hdf5-hosts.mjs). Ranks yield the core while they wait.
cat > "$dir/env" <<ENV
OMPI_MCA_mpi_yield_when_idle=1
OMPI_MCA_plm_rsh_agent=$agent
OMPI_MCA_oob_tcp_if_include=$net.0/24
OMPI_MCA_btl_tcp_if_include=$net.0/24
DND_HOSTFILE=$dir/hostfile
ENV
trap - ERR
echo "$dir/env"
