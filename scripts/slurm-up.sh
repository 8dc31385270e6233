#!/usr/bin/env bash
# Starts a real single-node Slurm (munged, slurmctld, slurmd) for the batch-script tests,
# with its configuration and state under $DND_SLURM_DIR (default /tmp/dnd-slurm), never
# /etc. No systemd or cgroups needed. Prints the SLURM_CONF to export. Idempotent.
# Needs root (munged and slurmd run as root here) and scripts/setup.sh --test's packages.
set -euo pipefail
dir=${DND_SLURM_DIR:-/tmp/dnd-slurm}
conf=$dir/slurm.conf
export SLURM_CONF=$conf
say() { printf '[slurm-up] %s\n' "$*" >&2; }

for tool in slurmctld slurmd sbatch munged; do
  command -v $tool >/dev/null || { say "missing $tool: run bash scripts/setup.sh --test"; exit 1; }
done
[ "$(id -u)" = 0 ] || { say "needs root to start munged and slurmd"; exit 1; }

if [ -f "$conf" ] && scontrol ping 2>/dev/null | grep -q UP && sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix|alloc'; then
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
cat > "$conf" <<CONF
# written by dnd's scripts/slurm-up.sh for its tests: one node, this machine
ClusterName=dnd-test
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
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
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE
CONF

pkill -x slurmctld 2>/dev/null || true
pkill -x slurmd 2>/dev/null || true
sleep 0.5
slurmctld -c -f "$conf"   # -c: discard saved state (a drained node would come back)
slurmd -f "$conf"
for _ in $(seq 1 100); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "$conf"
    exit 0
  fi
  sleep 0.2
done
say "the node did not become idle; see $dir/log"
sinfo >&2 || true
tail -5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
exit 1
