# Sourced by scripts/test-hosts: three "hosts" on this machine made of network namespaces.
#
#   nepsim-db   bridge hbr0 10.231.0.1/24 (PostgreSQL, the coordinator)
#   nepsim-w1   eth0 10.231.0.2/24 --veth-- port hw1 on hbr0
#   nepsim-w2   eth0 10.231.0.3/24 --veth-- port hw2 on hbr0
#
# Every device lives inside the namespaces (the veth pairs are created there directly), so the
# host's own network is never touched: no address, route or device is added outside them, and
# with no default route in any namespace no packet can leave the machine.

HOSTS_SUBNET=10.231.0.0/24
HOSTS_DB_NS=nepsim-db
HOSTS_DB_ADDR=10.231.0.1
declare -A HOSTS_ADDR=([nepsim-w1]=10.231.0.2 [nepsim-w2]=10.231.0.3)
# The bridge port (in nepsim-db) of each worker host's cable.
declare -A HOSTS_PORT=([nepsim-w1]=hw1 [nepsim-w2]=hw2)
HOSTS_ALL_NS=(nepsim-db nepsim-w1 nepsim-w2)

# Removes the namespaces (and with them their veths and bridge) left by an earlier run, first
# killing the processes still inside them (ours: nothing else uses these names).
hosts_net_remove() {
    local ns pids
    for ns in "${HOSTS_ALL_NS[@]}"; do
        ip netns list 2>/dev/null | grep -qw "^$ns" || continue
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        if [ -n "$pids" ]; then
            # shellcheck disable=SC2086
            kill -KILL $pids 2>/dev/null || true
        fi
        ip netns del "$ns" 2>/dev/null || true
    done
}

hosts_net_create() {
    local ns
    for ns in "${HOSTS_ALL_NS[@]}"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    ip -n "$HOSTS_DB_NS" link add hbr0 type bridge
    ip -n "$HOSTS_DB_NS" addr add "$HOSTS_DB_ADDR/24" dev hbr0
    ip -n "$HOSTS_DB_NS" link set hbr0 up
    for ns in nepsim-w1 nepsim-w2; do
        ip -n "$ns" link add eth0 type veth peer name "${HOSTS_PORT[$ns]}" netns "$HOSTS_DB_NS"
        ip -n "$ns" addr add "${HOSTS_ADDR[$ns]}/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$HOSTS_DB_NS" link set "${HOSTS_PORT[$ns]}" master hbr0
        ip -n "$HOSTS_DB_NS" link set "${HOSTS_PORT[$ns]}" up
    done
}

# Pulls a worker host's cable out (its bridge port goes down: the host keeps its address and
# route, its packets go nowhere, as with a dead switch port) or plugs it back in.
hosts_link() { ip -n "$HOSTS_DB_NS" link set "${HOSTS_PORT[$1]}" "$2"; }

# Routes of a namespace, one line each, without the kernel's "proto kernel scope link" noise.
hosts_routes() { ip -n "$1" -4 route show | sed 's/ proto kernel.*//'; }
