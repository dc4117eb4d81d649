#!/usr/bin/env bash
# Make sure Redis and PostgreSQL answer on loopback before the test suite runs.
# Starts them when they are installed but stopped; says clearly what is missing otherwise.
set -euo pipefail

REDIS_PORT="${INGEST_TEST_REDIS_PORT:-6379}"
PG_PORT=5432

answers() {  # host port: true when something accepts TCP connections there
  python3 - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

wait_for() {  # name port
  for _ in $(seq 1 30); do
    answers 127.0.0.1 "$2" && return 0
    sleep 1
  done
  echo "ensure-services: $1 was started but does not answer on 127.0.0.1:$2" >&2
  exit 1
}

if ! answers 127.0.0.1 "$REDIS_PORT"; then
  if command -v redis-server >/dev/null; then
    echo "ensure-services: starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for Redis "$REDIS_PORT"
  else
    echo "ensure-services: Redis is not running on 127.0.0.1:$REDIS_PORT and redis-server is not installed." >&2
    echo "  Install it (Debian: apt-get install redis-server) or point INGEST_TEST_REDIS_HOST/PORT at one." >&2
    exit 1
  fi
fi

if ! answers 127.0.0.1 "$PG_PORT"; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    echo "ensure-services: starting PostgreSQL $version on 127.0.0.1:$PG_PORT"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for PostgreSQL "$PG_PORT"
  else
    echo "ensure-services: PostgreSQL is not running on 127.0.0.1:$PG_PORT and no cluster is installed." >&2
    echo "  Install it (Debian: apt-get install postgresql) or set INGEST_TEST_POSTGRES_URL." >&2
    exit 1
  fi
fi
echo "ensure-services: Redis and PostgreSQL answer on loopback"
