#!/usr/bin/env bash
# A one-node Slurm cluster on loopback, for the Slurm executor's tests and for trying pipelines
# locally: installs Debian's slurmctld, slurmd and munge when missing, writes a slurm.conf whose
# single node offers SLURM_LOCAL_CPUS task slots (default 8, more than the machine's cores: tasks
# share them), and starts munged, slurmctld and slurmd. Idempotent; `stop` shuts the daemons down.
# Job credentials live 30 s instead of Slurm's default 120 (`cred_expire`), which is also how long
# a requeued job waits before it may start again.
#
#   sudo packages/dataflow/scripts/slurm-cluster.sh [start|stop|status]
set -euo pipefail

action="${1:-start}"
cpus="${SLURM_LOCAL_CPUS:-8}"
state="${SLURM_LOCAL_STATE:-/var/lib/pretrain-slurm}"
conf=/etc/slurm/slurm.conf
node="$(hostname -s)"

stop() {
  pkill -x slurmd 2>/dev/null || true
  pkill -x slurmctld 2>/dev/null || true
}

if [ "$action" = stop ]; then stop; exit 0; fi
if [ "$action" = status ]; then sinfo -N -l; exit 0; fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge
fi

# munge: a key, then the daemon (it refuses to start twice, which is fine)
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged --force

mkdir -p "$state/ctld" "$state/d" /var/log/slurm
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
cat > "$conf" <<CONF
ClusterName=pretrain-local
SlurmctldHost=${node}(127.0.0.1)
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
AuthInfo=cred_expire=30
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MaxArraySize=100001
JobRequeue=1
MinJobAge=600
KillWait=5
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory_mb} State=UNKNOWN
PartitionName=local Nodes=${node} Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF

stop
sleep 1
/usr/sbin/slurmctld -i
/usr/sbin/slurmd
for _ in $(seq 1 30); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "slurm: node ${node} up with ${cpus} task slots"
    exit 0
  fi
  sleep 1
done
echo "slurm: the node did not come up; logs in /var/log/slurm" >&2
tail -20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
