# Sourced by the scripts: installs what nepsim needs from Debian's packages when it is missing:
# the PostgreSQL server (for the local database and the tests), libpq-dev (the client library
# nepsim links) and pkg-config (which finds libpq's headers for the build).
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -e /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: nepsim needs ${missing[*]} (PostgreSQL server, libpq headers, pkg-config); install them with your package manager" >&2
        exit 1
    fi
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "== installing ${missing[*]} (Debian packages)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The HTML report's browser check renders it in headless Chromium; CI always runs it, people
# running the tests get it with NEPSIM_INSTALL_CHROMIUM=1 (otherwise that one test is skipped).
if { [ -n "${CI:-}" ] || [ -n "${NEPSIM_INSTALL_CHROMIUM:-}" ]; } \
    && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
    && command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "== installing chromium (headless check of the HTML report)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi
