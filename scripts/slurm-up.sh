#!/usr/bin/env bash
# Starts a real Slurm (munged, slurmctld, slurmd) for the batch-script tests, with its
# configuration and state under $DND_SLURM_DIR (default /tmp/dnd-slurm), never /etc. No
# systemd or cgroups needed. Prints the SLURM_CONF to export. Idempotent.
#   bash scripts/slurm-up.sh                   one node: this machine
#   bash scripts/slurm-up.sh --cluster DIR     one slurmd per host of the simulated cluster
#                                              in DIR (scripts/cluster-up.sh): NodeName h1, h2, …
# Needs root (munged and slurmd run as root here) and scripts/setup.sh --test's packages.
set -euo pipefail
dir=${DND_SLURM_DIR:-/tmp/dnd-slurm}
cluster=""
if [ "${1:-}" = "--cluster" ]; then
  cluster=${2:?--cluster needs the directory of a cluster from scripts/cluster-up.sh}
  [ -s "$cluster/hosts" ] && [ -s "$cluster/net" ] || { printf '[slurm-up] %s is not a running cluster\n' "$cluster" >&2; exit 2; }
fi
conf=$dir/slurm.conf
export SLURM_CONF=$conf
say() { printf '[slurm-up] %s\n' "$*" >&2; }

for tool in slurmctld slurmd sbatch munged; do
  command -v $tool >/dev/null || { say "missing $tool: run bash scripts/setup.sh --test"; exit 1; }
done
[ "$(id -u)" = 0 ] || { say "needs root to start munged and slurmd"; exit 1; }

if [ -z "$cluster" ] && [ -f "$conf" ] && grep -q '^# mode: one node' "$conf" && scontrol ping 2>/dev/null | grep -q UP && sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix|alloc'; then
  echo "$conf"
  exit 0
fi

host=$(hostname)
mkdir -p "$dir"/{state,spool,log}
# munge: a key, a socket directory owned by munge, the daemon as user munge
if [ ! -s /etc/munge/munge.key ]; then
  (command -v mungekey >/dev/null && mungekey -c -f -k /etc/munge/munge.key) || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged
fi

cpus=$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -1)
mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)
if [ -n "$cluster" ]; then
  # slurmctld here, on this machine's address on the cluster's bridge; a slurmd per host
  net=$(cat "$cluster/net")
  mode="several nodes, the hosts of $cluster"
  ctld="SlurmctldHost=$host($net.254)"
  nodes=$(sed = "$cluster/hosts" | paste - - | while read -r i h; do echo "NodeName=$h NodeAddr=$net.$i CPUs=$cpus RealMemory=$((mem / $(wc -l < "$cluster/hosts"))) State=UNKNOWN"; done)
  partition_nodes=$(paste -sd, "$cluster/hosts")
  spool="$dir/spool/%n"
else
  mode="one node, this machine"
  ctld="SlurmctldHost=$host"
  nodes="NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN"
  partition_nodes=$host
  spool="$dir/spool"
fi
cat > "$conf" <<CONF
# written by dnd's scripts/slurm-up.sh for its tests
# mode: $mode
ClusterName=dnd-test
$ctld
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
MinJobAge=4
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MailProg=/bin/true
DebugFlags=NO_CONF_HASH
$nodes
PartitionName=debug Nodes=$partition_nodes Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE
CONF

pkill -x slurmctld 2>/dev/null || true
pkill -x slurmd 2>/dev/null || true
sleep 0.5
slurmctld -c -f "$conf"   # -c: discard saved state (a drained node would come back)
if [ -n "$cluster" ]; then
  while read -r h; do
    # the hosts share /tmp, but a node's TmpFS must be its own (PMIx makes the same
    # directory names there on every node): each slurmd reads a copy with its own TmpFS
    mkdir -p "$dir/spool/$h" "$dir/tmp/$h"
    { cat "$conf"; echo "TmpFS=$dir/tmp/$h"; } > "$dir/slurm-$h.conf"
    "$cluster/rsh" "$h" "slurmd -f '$dir/slurm-$h.conf' -N '$h'"   # inside the host's namespaces
  done < "$cluster/hosts"
  want=$(wc -l < "$cluster/hosts")
else
  slurmd -f "$conf"
  want=1
fi
for _ in $(seq 1 100); do
  if [ "$(sinfo -h -N -o %T 2>/dev/null | grep -cE '^(idle|mix|alloc)')" -ge "$want" ]; then
    echo "$conf"
    exit 0
  fi
  sleep 0.2
done
say "the node did not become idle; see $dir/log"
sinfo >&2 || true
tail -5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
exit 1
