# Sourced by scripts/test-hosts: the PostgreSQL server of host nepsim-db, with TLS made here.
# Needs HOSTS_TMP (the run's temporary directory), HOSTS_DB_NS, HOSTS_DB_ADDR, HOSTS_SUBNET.

HOSTS_DB_NAME=db.nepsim.test
HOSTS_PG_PORT=5432

hosts_pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$dir/initdb" ] || { echo "error: no PostgreSQL server in /usr/lib/postgresql/*/bin" >&2; return 1; }
    echo "$dir"
}

# A CA and a server certificate for db.nepsim.test (and the address, as an IP SAN), signed by it.
hosts_tls_make() {
    local dir=$HOSTS_TMP/tls
    mkdir -p "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=nepsim test CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -subj "/CN=$HOSTS_DB_NAME" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s,IP:%s\nextendedKeyUsage=serverAuth\n' "$HOSTS_DB_NAME" "$HOSTS_DB_ADDR" >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
    # A second CA nobody trusts, for the negative check.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=some other CA" -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" 2>/dev/null
    chown postgres: "$dir/server.key" "$dir/server.crt"
    chmod 600 "$dir/server.key"
    chmod 644 "$dir/ca.crt" "$dir/other-ca.crt"
}

# A fresh cluster: listens only on the namespace address, SCRAM passwords, TLS only from the
# subnet (hostssl lines; no plain host line), the superuser only through the Unix socket.
hosts_pg_init() {
    local bin=$1 data=$HOSTS_TMP/pg/data sock=$HOSTS_TMP/pg/sock
    mkdir -p "$data" "$sock"
    touch "$HOSTS_TMP/logs/postgresql.log"
    chown -R postgres: "$HOSTS_TMP/pg" "$HOSTS_TMP/logs/postgresql.log"
    chmod 700 "$data"
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres -E UTF8 --no-instructions \
        --auth-local=peer --auth-host=reject >"$HOSTS_TMP/logs/initdb.log" 2>&1
    cat >>"$data/postgresql.conf" <<EOF

# nepsim test-hosts
listen_addresses = '$HOSTS_DB_ADDR'
port = $HOSTS_PG_PORT
unix_socket_directories = '$sock'
password_encryption = 'scram-sha-256'
ssl = on
ssl_cert_file = '$HOSTS_TMP/tls/server.crt'
ssl_key_file = '$HOSTS_TMP/tls/server.key'
ssl_min_protocol_version = 'TLSv1.2'
# A worker host cut off in the middle of a transaction holds its task row's lock until the
# server gives up on the connection: notice dead peers in seconds, not the kernel's two hours.
tcp_keepalives_idle = 5
tcp_keepalives_interval = 2
tcp_keepalives_count = 3
tcp_user_timeout = 10000
idle_in_transaction_session_timeout = '60s'
log_connections = on
log_disconnections = off
log_line_prefix = '%m [%p] %q%u@%d '
fsync = off
full_page_writes = off
EOF
    cat >"$data/pg_hba.conf" <<EOF
# TYPE   DATABASE  USER             ADDRESS          METHOD
local    all       postgres                          peer
hostssl  nepsim    nepsim           $HOSTS_SUBNET    scram-sha-256
hostssl  nepsim    +nepsim_worker   $HOSTS_SUBNET    scram-sha-256
hostssl  nepsim    +nepsim_analyst  $HOSTS_SUBNET    scram-sha-256
EOF
}

# pg_ctl inside the namespace (the postmaster it starts inherits it, so it can bind the address).
hosts_pg_ctl() {
    local bin=$1
    shift
    ip netns exec "$HOSTS_DB_NS" runuser -u postgres -- "$bin/pg_ctl" -D "$HOSTS_TMP/pg/data" \
        -l "$HOSTS_TMP/logs/postgresql.log" -w -t 60 "$@" >>"$HOSTS_TMP/logs/pg_ctl.log" 2>&1
}

# SQL as the superuser through the Unix socket (no password, no network): the script's own view
# of the database, used for setup and for watching what the workers do.
hosts_sql() {
    runuser -u postgres -- psql -h "$HOSTS_TMP/pg/sock" -p "$HOSTS_PG_PORT" -d "${HOSTS_SQL_DB:-nepsim}" \
        -X -A -t -q -v ON_ERROR_STOP=1 -c "$1" 2>/dev/null
}
