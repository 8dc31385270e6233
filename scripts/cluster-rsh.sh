#!/bin/sh
# The rsh agent of the simulated cluster (scripts/cluster-up.sh): called as
#   cluster-rsh.sh DIR [rsh options] HOST CMD…
# it runs CMD inside HOST's network and UTS namespaces with a clean environment, as ssh
# would (HOME and PATH only; Open MPI passes what the ranks need on orted's command line).
dir=$1; shift
while [ $# -gt 0 ]; do case $1 in -*) shift ;; *) break ;; esac; done
host=$1; shift
name=$(cat "$dir/name")
grep -qx "$host" "$dir/hosts" || { echo "cluster-rsh: no host '$host' in $dir/hosts" >&2; exit 255; }
# nsenter rather than `ip netns exec`, which would also remount /sys (hiding the cgroup
# file system slurmd needs); the hosts share this machine's mounts, as a shared FS, except
# /tmp in ssh mode (DND_CLUSTER_SSH=1: a mount namespace of the host's own)
mnt=
[ -e "$dir/mnt/$host" ] && mnt=--mount="$dir/mnt/$host"
exec nsenter --net="/run/netns/$name-$host" --uts="$dir/uts/$host" $mnt \
  env -i HOME="${HOME:-/root}" PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin \
  sh -c "$*"
