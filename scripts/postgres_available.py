"""Exit 0 if the PostgreSQL server of the given URL accepts connections, else print why and
exit 1."""

import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=5).close()
except psycopg.Error as exc:
    print(f"PostgreSQL unreachable: {exc}".strip(), file=sys.stderr)
    sys.exit(1)
