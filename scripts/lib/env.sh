# Sourced by the scripts: puts a Swift toolchain on PATH or says what to do.
if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        export PATH=/opt/swift/usr/bin:$PATH
    else
        echo "error: no Swift toolchain found. Install Swift 6.x (swift.org/install) and put it on PATH." >&2
        exit 1
    fi
fi
