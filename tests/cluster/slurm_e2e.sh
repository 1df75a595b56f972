#!/usr/bin/env bash
# End to end on a real scheduler: a single-node SLURM cluster on this machine (munged,
# slurmctld, slurmd; no cgroups), the job script of `revsim plan --emit slurm` for a small
# comparison submitted to it, and the merged folder compared byte for byte with the same
# comparison run unsharded. Installs slurm-wlm and munge with apt-get when missing (needs root).
# If SLURM cannot start here, it says why and runs the GNU parallel plan instead (see
# docs/CLUSTER.md). Stops every daemon it started, whatever happens.
#
# Usage: tests/cluster/slurm_e2e.sh [REVSIM_BINARY]   (default: target/release/revsim)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
REVSIM=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/revsim}")
WORK=$(mktemp -d /tmp/revsim-slurm-XXXXXX)
chmod 755 "$WORK" # the munge user reaches its folder inside
PIDS=()
# Small: 6 runs per scenario at scale 5000, as 3 shards.
COMMAND=(compare scenarios/baseline.ron scenarios/kronstadt_early_thaw.ron --runs 6 --scale 5000 --seed 11)
CTLD_PORT=${REVSIM_SLURMCTLD_PORT:-16817}
SLURMD_PORT=${REVSIM_SLURMD_PORT:-16818}

log() { echo "slurm_e2e: $*" >&2; }

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

install_missing() {
    local missing=()
    command -v munged >/dev/null || missing+=(munge)
    command -v slurmctld >/dev/null || missing+=(slurm-wlm)
    command -v parallel >/dev/null || missing+=(parallel)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# munged with its own socket and key in $WORK, run as the munge user.
start_munge() {
    local dir=$WORK/munge run=$WORK/munge-run
    mkdir -p "$dir" "$run"
    if [ -r /etc/munge/munge.key ]; then cp /etc/munge/munge.key "$dir/munge.key"; else mungekey -c -k "$dir/munge.key"; fi
    chown -R munge:munge "$dir" "$run"
    chmod 700 "$dir"
    chmod 755 "$run"
    chmod 600 "$dir/munge.key"
    runuser -u munge -- munged --foreground --key-file="$dir/munge.key" --socket="$run/socket" \
        --pid-file="$dir/munged.pid" --seed-file="$dir/seed" --log-file="$dir/munged.log" 2>"$WORK/munged.err" &
    PIDS+=($!)
    for _ in $(seq 50); do [ -S "$run/socket" ] && return 0; sleep 0.1; done
    SLURM_FAILURE="munged did not start: $(grep -i error "$WORK/munged.err" | head -3 | tr '\n' ' ')"
    return 1
}

write_conf() {
    local host mem
    host=$(hostname -s)
    mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
    mkdir -p "$WORK/state" "$WORK/spool" "$WORK/log"
    cat >"$WORK/slurm.conf" <<EOF
ClusterName=revsim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$WORK/munge-run/socket
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1,sched_interval=1,kill_invalid_depend
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$WORK/slurm.conf
}

start_slurm() {
    write_conf
    slurmctld -D -f "$SLURM_CONF" >"$WORK/log/slurmctld.out" 2>&1 &
    PIDS+=($!)
    slurmd -D -f "$SLURM_CONF" >"$WORK/log/slurmd.out" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then return 0; fi
        sleep 0.2
    done
    SLURM_FAILURE="the node never became idle; slurmctld: $(tail -3 "$WORK/log/slurmctld.log" "$WORK/log/slurmctld.out" 2>/dev/null | tr '\n' ' ') slurmd: $(tail -3 "$WORK/log/slurmd.log" "$WORK/log/slurmd.out" 2>/dev/null | tr '\n' ' ')"
    return 1
}

# Submits the emitted script and waits until the merge job has left the queue.
run_slurm_plan() {
    "$REVSIM" plan --emit slurm --shards 3 "${COMMAND[@]}" --out "$WORK/merged" >"$WORK/plan.sh"
    local submitted jobs
    submitted=$(bash "$WORK/plan.sh")
    log "$submitted"
    jobs=$(echo "$submitted" | sed -n 's/^submitted shards \([0-9]*\) .* merge \([0-9]*\);.*/\1 \2/p')
    [ -n "$jobs" ] || { log "the plan did not submit"; return 1; }
    # A failed shard leaves the merge's dependency unsatisfiable: SLURM cancels it (kill_invalid_depend).
    for _ in $(seq 600); do
        [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
        sleep 0.5
    done
    # Every task of the array and the merge must have completed (finished jobs stay known for MinJobAge).
    local states
    states=$(for j in $jobs; do scontrol -o show job "$j"; done | grep -o 'JobState=[A-Z_]*' | sort | uniq -c)
    if [ -n "$(squeue -h -o %i)" ] || echo "$states" | grep -qv 'JobState=COMPLETED'; then
        log "the jobs did not all complete: $states"
        squeue >&2 || true
        cat "$WORK"/merged.shards/logs/*.log >&2 2>/dev/null || true
        return 1
    fi
    log "jobs: $(echo "$states" | tr -s ' \n' ' ')"
}

run_parallel_plan() {
    "$REVSIM" plan --emit parallel --shards 3 "${COMMAND[@]}" --out "$WORK/merged" >"$WORK/plan.sh"
    JOBS=2 bash "$WORK/plan.sh" >&2
}

# The merged folder against the unsharded command, byte for byte except the manifests (whose
# times, command line, --jobs and list of shards differ by nature); the manifests minus those fields.
compare_with_unsharded() {
    "$REVSIM" "${COMMAND[@]}" --quiet --out "$WORK/unsharded" >/dev/null 2>&1
    if [ ! -d "$WORK/merged" ]; then
        log "no merged folder; logs:"
        cat "$WORK"/merged.shards/logs/* >&2 2>/dev/null || true
        return 1
    fi
    diff -r -x manifest.json "$WORK/unsharded" "$WORK/merged"
    local files
    files=$(cd "$WORK/unsharded" && find . -type f | wc -l)
    # The manifests: equal but for times, command line, jobs and the list of shards.
    local volatile='"(started|finished|wall_seconds|command_line|jobs)"'
    for m in $(cd "$WORK/unsharded" && find . -name manifest.json); do
        diff <(grep -vE "$volatile" "$WORK/unsharded/$m" | sed 's/,$//') \
            <(sed '/"merged_from"/,/\]/d' "$WORK/merged/$m" | grep -vE "$volatile" | sed 's/,$//')
    done
    log "ok: $files files of the merged folder are identical to the unsharded comparison's"
}

main() {
    [ -x "$REVSIM" ] || { log "no revsim binary at $REVSIM (build with cargo build --release)"; exit 1; }
    install_missing
    SLURM_FAILURE=""
    if start_munge && start_slurm; then
        log "SLURM is up ($(sinfo -h -o '%N %c CPUs %m MB %t'))"
        run_slurm_plan
    else
        log "SLURM cannot start here: $SLURM_FAILURE; running the GNU parallel plan instead"
        run_parallel_plan
    fi
    compare_with_unsharded
}

main "$@"
