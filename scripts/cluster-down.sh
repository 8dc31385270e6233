#!/usr/bin/env bash
# Removes the simulated cluster of scripts/cluster-up.sh: ends every process inside its
# hosts (sshd too), deletes the namespaces, links and bridge, unmounts the UTS namespace
# files and each host's mount namespace (its own /tmp, in ssh mode), and removes
# DND_CLUSTER_DIR. Safe to run twice, or after a half-finished cluster-up.
set -uo pipefail
dir=${DND_CLUSTER_DIR:-/tmp/dnd-cluster}
name=${DND_CLUSTER_NAME:-$(cat "$dir/name" 2>/dev/null || echo dnd)}
[[ $name =~ ^[a-z][a-z0-9]{0,7}$ ]] || { echo "[cluster-down] bad DND_CLUSTER_NAME '$name'" >&2; exit 2; }

nss=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$name-h[0-9]+$" || true)
# processes first: a host's namespace lives on while anything runs in it
for ns in $nss; do
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
done
for _ in $(seq 1 50); do
  left=""
  for ns in $nss; do left+=$(ip netns pids "$ns" 2>/dev/null || true); done
  [ -z "$left" ] && break
  sleep 0.1
done
for ns in $nss; do ip netns del "$ns" 2>/dev/null; done
for l in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^$name-h[0-9]+$|^${name}br0$" || true); do
  ip link del "$l" 2>/dev/null
done
if [ -d "$dir/uts" ]; then
  for f in "$dir"/uts/*; do
    [ -e "$f" ] || continue
    umount "$f" 2>/dev/null
  done
fi
# ssh mode: each host's mount namespace (with its /tmp) ends with its file's bind mount
if [ -d "$dir/mnt" ]; then
  for f in "$dir"/mnt/*; do
    [ -e "$f" ] || continue
    umount "$f" 2>/dev/null
  done
  umount "$dir/mnt" 2>/dev/null
fi
# /run/sshd, if this cluster made it and no live sshd (zombies of ours aside) needs it
if [ -e "$dir/made-run-sshd" ] && ! pgrep -x -r R,S,D,T sshd >/dev/null; then rmdir /run/sshd 2>/dev/null; fi
rm -rf "$dir"
exit 0
