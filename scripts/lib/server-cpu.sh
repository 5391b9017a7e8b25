# postmaster_pid URL: the process id of the PostgreSQL server behind URL (a local server: read
# from its data directory's postmaster.pid).
postmaster_pid() {
    head -n 1 "$(psql "$1" -Atc 'SHOW data_directory')/postmaster.pid"
}

# server_cpu_ticks URL: CPU time (clock ticks) used so far by the PostgreSQL server behind URL, from
# the server's own side: the postmaster, every live child process, and every child that has
# exited (the kernel adds a waited-for child's time to its parent's cutime/cstime). Local servers
# only (it reads the data directory's postmaster.pid and /proc). Divide by `getconf CLK_TCK`.
server_cpu_ticks() {
    local postmaster total pid
    postmaster=$(postmaster_pid "$1")
    # after the parenthesised name, fields 12-15 are utime stime cutime cstime
    total=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$postmaster/stat")
    for pid in $(ps -o pid= --ppid "$postmaster"); do
        total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
