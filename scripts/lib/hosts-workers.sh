# Sourced by scripts/test-hosts: `nepsim worker` processes on the worker hosts, and the CPU quota
# that makes those hosts slow enough for a task to be caught in flight.
# Needs NEPSIM, HOSTS_TMP, WORKER_URL, WORKER_PW, LEASE, HEARTBEAT, hosts_sql, wait_for.

declare -A WPID=()    # label -> pid
declare -A WNS=()     # label -> namespace
declare -A WID=()     # label -> worker_id in nepsim.workers
declare -A WEXIT=()   # label -> exit status
declare -A PACER=()   # label -> pid of the SIGSTOP/SIGCONT pacer (when no CPU cgroup is available)
HOSTS_THROTTLE=none
HOSTS_CPU_PERCENT=100
HOSTS_CGROUP_ROOT=

# Starts a worker in a namespace, under the namespace's host name (its own UTS namespace), so
# that nepsim.workers.host and runs.worker_id name the host. Credentials: a PGPASSFILE or
# PGPASSWORD, exported in a subshell, never on a command line; the URL has no password.
hosts_worker_start() { # LABEL NAMESPACE passfile|password
    local label=$1 ns=$2
    (
        export NEPSIM_DATABASE_URL=$WORKER_URL
        if [ "$3" = passfile ]; then
            export PGPASSFILE=$HOSTS_TMP/creds/worker.pgpass
        else
            export PGPASSWORD=$WORKER_PW
        fi
        exec ip netns exec "$ns" unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "$ns" \
            "$NEPSIM" worker --concurrency 1 --lease-seconds "$LEASE" --heartbeat-seconds "$HEARTBEAT"
    ) >"$HOSTS_TMP/logs/worker-$label.log" 2>&1 &
    WPID[$label]=$!
    WNS[$label]=$ns
}

# Waits until the worker has registered (its row in nepsim.workers, by pid and host), records
# its worker_id, then slows it down. Connecting (TLS, SCRAM) runs at full speed.
hosts_worker_registered() { # LABEL
    local label=$1
    registered() {
        WID[$label]=$(hosts_sql "SELECT worker_id FROM nepsim.workers WHERE pid = ${WPID[$label]}
            AND host = '${WNS[$label]}' AND state = 'running' ORDER BY started_at DESC LIMIT 1")
        [ -n "${WID[$label]}" ]
    }
    wait_for 30 registered || return 1
    hosts_throttle "$label"
}

# Waits (up to SECONDS) for a worker to exit and records its status in WEXIT.
hosts_worker_wait() { # LABEL SECONDS
    local pid=${WPID[$1]}
    gone() { [ ! -e "/proc/$pid" ] || [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ]; }
    wait_for "$2" gone || return 1
    wait "$pid" 2>/dev/null
    WEXIT[$1]=$?
}

hosts_workers_kill_all() {
    local label
    for label in "${!PACER[@]}"; do kill "${PACER[$label]}" 2>/dev/null; done
    for label in "${!WPID[@]}"; do
        kill -KILL "${WPID[$label]}" 2>/dev/null && wait "${WPID[$label]}" 2>/dev/null
    done
}

# --- slow hosts ------------------------------------------------------------------------------

# Measures this machine's single-thread rate, then picks the CPU share that makes a task of
# TASK_SIZE runs take about TASK_SECONDS on a worker host: a CPU cgroup per host (cgroup v2
# cpu.max or v1 cpu.cfs_quota_us), else a SIGSTOP/SIGCONT pacer.
hosts_calibrate() {
    local rate quota ns
    rate=$("$NEPSIM" simulate "$SCENARIO" --runs 4000 --seed 1 --threads 1 2>&1 >/dev/null \
        | sed -n 's/.*(\([0-9]*\) runs\/s).*/\1/p')
    [ -n "$rate" ] || rate=20000
    # Measured: a throttled worker spends about 3.5 times the simulation's CPU per task (encoding and
    # sending the COPY rows, TLS, queries, the heartbeat, the runtime).
    HOSTS_CPU_PERCENT=$(awk -v n="$TASK_SIZE" -v r="$rate" -v t="$TASK_SECONDS" \
        'BEGIN { p = 100 * 3.5 * n / r / t; if (p < 1) p = 1; if (p > 100) p = 100; printf "%.1f", p }')
    quota=$(awk -v p="$HOSTS_CPU_PERCENT" 'BEGIN { printf "%d", p * 1000 }')
    if [ -n "${HOSTS_PACER:-}" ]; then
        :
    elif [ -w /sys/fs/cgroup/cgroup.subtree_control ] && grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control; then
        HOSTS_CGROUP_ROOT=/sys/fs/cgroup
        for ns in nepsim-w1 nepsim-w2; do
            mkdir -p "$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns" && echo "$quota 100000" >"$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns/cpu.max" \
                || { HOSTS_CGROUP_ROOT=; break; }
        done
        [ -n "$HOSTS_CGROUP_ROOT" ] && HOSTS_THROTTLE="cgroup v2 cpu.max"
    fi
    if [ -z "$HOSTS_CGROUP_ROOT" ] && [ -z "${HOSTS_PACER:-}" ] && [ -w /sys/fs/cgroup/cpu ] && [ -e /sys/fs/cgroup/cpu/cgroup.procs ]; then
        HOSTS_CGROUP_ROOT=/sys/fs/cgroup/cpu
        for ns in nepsim-w1 nepsim-w2; do
            mkdir -p "$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns" \
                && echo 100000 >"$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns/cpu.cfs_period_us" \
                && echo "$quota" >"$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns/cpu.cfs_quota_us" \
                || { HOSTS_CGROUP_ROOT=; break; }
        done
        [ -n "$HOSTS_CGROUP_ROOT" ] && HOSTS_THROTTLE="cgroup v1 cpu.cfs_quota_us"
    fi
    [ -n "$HOSTS_CGROUP_ROOT" ] || HOSTS_THROTTLE="SIGSTOP/SIGCONT pacer"
    HOSTS_RATE=$rate
}

hosts_throttle() { # LABEL
    local label=$1 pid=${WPID[$1]} ns=${WNS[$1]}
    if [ -n "$HOSTS_CGROUP_ROOT" ]; then
        echo "$pid" >"$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns/cgroup.procs"
    else
        local on off
        # Each resume costs a fork of sleep and a scheduler round: the worker gets about 2.5 times
        # its share of "on" time (measured), so give it less.
        on=$(awk -v p="$HOSTS_CPU_PERCENT" 'BEGIN { printf "%.4f", 0.2 * p / 100 / 2.5 }')
        off=$(awk -v p="$HOSTS_CPU_PERCENT" 'BEGIN { printf "%.3f", 0.2 * (1 - p / 100) }')
        ( while kill -CONT "$pid" 2>/dev/null; do sleep "$on"; kill -STOP "$pid" 2>/dev/null; sleep "$off"; done ) &
        PACER[$label]=$!
    fi
}

# Removes the CPU cgroups (once their processes are gone).
hosts_cgroups_remove() {
    local root dir tries
    for root in /sys/fs/cgroup /sys/fs/cgroup/cpu; do
        for dir in "$root"/nepsim-hosts-*; do
            [ -d "$dir" ] || continue
            for tries in 1 2 3 4 5 6 7 8 9 10; do
                rmdir "$dir" 2>/dev/null && break
                sleep 0.2
            done
        done
    done
}

# Full speed again on every worker host (once the faults have been played).
hosts_unthrottle() {
    local ns label
    if [ -n "$HOSTS_CGROUP_ROOT" ]; then
        for ns in nepsim-w1 nepsim-w2; do
            if [ -e "$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns/cpu.max" ]; then
                echo "max 100000" >"$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns/cpu.max"
            else
                echo -1 >"$HOSTS_CGROUP_ROOT/nepsim-hosts-$ns/cpu.cfs_quota_us"
            fi
        done
    fi
    for label in "${!PACER[@]}"; do
        kill "${PACER[$label]}" 2>/dev/null
        wait "${PACER[$label]}" 2>/dev/null
        kill -CONT "${WPID[$label]}" 2>/dev/null
    done
    PACER=()
}
