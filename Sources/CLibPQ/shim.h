// libpq, the PostgreSQL C client library (Debian: libpq-dev; pkg-config adds its include path).
#include <libpq-fe.h>
