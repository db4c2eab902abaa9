#!/usr/bin/env bash
# A throw-away PostgreSQL server for the grading tests.
#   tools/postgres-for-tests.sh start   # idempotent: install if needed, initdb once, start if stopped
#   tools/postgres-for-tests.sh url     # print the database URL (postgresql://...)
#   tools/postgres-for-tests.sh stop    # idempotent
# Listens on 127.0.0.1 only, on a fixed port (PENINSULA_PG_PORT, default 55432); the cluster lives in
# PENINSULA_PG_DIR (default /tmp/peninsula-pg). As root, the server runs as the `postgres` OS user
# (PostgreSQL refuses to run as root). Installs nothing when the binaries are already present.
set -euo pipefail

PORT="${PENINSULA_PG_PORT:-55432}"
BASE="${PENINSULA_PG_DIR:-/tmp/peninsula-pg}"
DATA="$BASE/data"
LOG="$BASE/server.log"
DB="${PENINSULA_PG_DB:-peninsula_test}"

find_bindir() {
  if [[ -n "${PG_BINDIR:-}" && -x "$PG_BINDIR/postgres" ]]; then echo "$PG_BINDIR"; return 0; fi
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$candidate/postgres" ]] && { echo "$candidate"; return 0; }
  done
  command -v postgres >/dev/null 2>&1 && { dirname "$(command -v postgres)"; return 0; }
  return 1
}

ensure_installed() {
  if ! find_bindir >/dev/null; then
    if [[ "$(id -u)" != 0 ]]; then
      echo "postgres-for-tests: PostgreSQL is not installed and I am not root; install it" >&2
      exit 1
    fi
    echo "postgres-for-tests: installing PostgreSQL (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

as_owner() {  # run a command as the OS user owning the cluster
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() { echo "postgresql://postgres@127.0.0.1:$PORT/$DB"; }

running() {
  local bindir; bindir="$(find_bindir)" || return 1
  [[ -f "$DATA/PG_VERSION" ]] && as_owner "$bindir/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  ensure_installed
  local bindir; bindir="$(find_bindir)"
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  fi
  mkdir -p "$BASE"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$BASE"
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    as_owner "$bindir/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  if ! running; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      echo "postgres-for-tests: port $PORT is taken by another program (set PENINSULA_PG_PORT)" >&2
      exit 1
    fi
    as_owner "$bindir/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $BASE -c fsync=off" start >/dev/null
  fi
  if ! as_owner "$bindir/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
  fi
  url
}

stop() {
  local bindir
  bindir="$(find_bindir)" || return 0
  if running; then
    as_owner "$bindir/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
