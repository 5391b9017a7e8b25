# Sourced by scripts/test-hosts: `nepsim worker` processes on the worker hosts.
# Needs NEPSIM, HOSTS_TMP, WORKER_URL, WORKER_PW, LEASE, HEARTBEAT, hosts_sql, wait_for.

declare -A WPID=()    # label -> pid
declare -A WNS=()     # label -> namespace
declare -A WID=()     # label -> worker_id in nepsim.workers
declare -A WEXIT=()   # label -> exit status

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
# its worker_id.
hosts_worker_registered() { # LABEL
    local label=$1
    registered() {
        WID[$label]=$(hosts_sql "SELECT worker_id FROM nepsim.workers WHERE pid = ${WPID[$label]}
            AND host = '${WNS[$label]}' AND state = 'running' ORDER BY started_at DESC LIMIT 1")
        [ -n "${WID[$label]}" ]
    }
    wait_for 30 registered
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
    for label in "${!WPID[@]}"; do
        kill -KILL "${WPID[$label]}" 2>/dev/null && wait "${WPID[$label]}" 2>/dev/null
    done
}
