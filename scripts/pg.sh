#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests and benchmarks of the PostgreSQL backend, from Debian's packages
# (installed on first use). Not for production: it trusts every connection, and listens on 127.0.0.1 only.
#
#   scripts/pg.sh start   creates the cluster, its role `thidua` and database `thidua` if missing, starts it if it
#                         does not run (a postmaster.pid left by a killed server or a restarted machine is cleared),
#                         and prints its URL as the last line of stdout: URL=$(scripts/pg.sh start | tail -1)
#   scripts/pg.sh stop    stops it if it runs
#   scripts/pg.sh url     prints its URL
#   scripts/pg.sh drop PREFIX...
#                         drops, if it runs, the databases whose names begin with a PREFIX: the ones the tests and
#                         benchmarks make for themselves
#
# THIDUA_PG_DIR is its data folder (default /var/tmp/thidua-pg-<checkout>, a disk folder the postgres user can
# reach; it must own it), THIDUA_PG_PORT its port (default 54329); its unix socket is in the data folder. Logs go
# to stderr, and the server's to server.log there. fsync stays on, as in production, so measured commits cost
# what they would there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGBIN=/usr/lib/postgresql/15/bin
PORT="${THIDUA_PG_PORT:-54329}"
DATA="$(realpath -m "${THIDUA_PG_DIR:-/var/tmp/thidua-pg-$(printf %s "$ROOT" | cksum | cut -d' ' -f1)}")"
URL="postgres://thidua@127.0.0.1:$PORT/thidua"

log() { printf 'pg.sh: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# PostgreSQL refuses to run as root: its programs run as the `postgres` system user, from a folder it may enter.
as_postgres() {
  (cd / && if [ "$(id -un)" = postgres ]; then "$@"; else as_root runuser -u postgres -- "$@"; fi)
}

# The pid in the data folder's postmaster.pid, if there is one.
postmaster_pid() {
  local pid
  pid="$(as_root head -n1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && echo "$pid"
}

# Whether this cluster's server runs: pg_ctl's answer, checked against the process itself (a postmaster works in
# its data folder), since a stale postmaster.pid may name a live process that is not ours after a restart.
running() {
  local pid
  pid="$(postmaster_pid)" || return 1
  [ "$(as_root readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$DATA" ] || return 1
  as_postgres "$PGBIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

psql_admin() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@"; }

# The role and the database the tests use; cheap enough to check at every start.
ensure_database() {
  if [ "$(psql_admin -tAc "select 1 from pg_roles where rolname = 'thidua'")" != 1 ]; then
    log "create role thidua"
    psql_admin -c "create role thidua login superuser" >&2
  fi
  if [ "$(psql_admin -tAc "select 1 from pg_database where datname = 'thidua'")" != 1 ]; then
    log "create database thidua"
    psql_admin -c "create database thidua owner thidua" >&2
  fi
}

start() {
  if running; then
    local port
    port="$(as_root sed -n 4p "$DATA/postmaster.pid")"
    if [ "$port" != "$PORT" ]; then
      log "the cluster in $DATA already runs on port $port, not $PORT: stop it first"
      exit 1
    fi
    ensure_database
    echo "$URL"
    return
  fi

  if [ ! -x "$PGBIN/initdb" ]; then
    log "apt-get install postgresql-15"
    # Debian's package would also create and start a cluster of its own on 5432; this script needs none.
    as_root mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.d/thidua.conf >/dev/null
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  fi

  if ! as_root test -f "$DATA/PG_VERSION"; then
    log "initdb $DATA"
    as_root mkdir -p "$(dirname "$DATA")" "$DATA"
    as_root chown postgres:postgres "$DATA"
    as_root chmod 700 "$DATA"
    # The C locale compares text byte by byte, as SQLite does, and lower()/upper() fold ASCII only, as SQLite's.
    as_postgres "$PGBIN/initdb" -D "$DATA" --username=postgres --auth=trust --encoding=UTF8 --locale=C >&2
    as_postgres tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# The throwaway cluster of scripts/pg.sh: anyone on this machine may connect, as anyone.
local all all trust
host all all 127.0.0.1/32 trust
EOF
  fi
  # Checked at every start, so a cluster whose first start was interrupted after initdb still gets it.
  if ! as_root grep -qx "include 'thidua.conf'" "$DATA/postgresql.conf"; then
    echo "include 'thidua.conf'" | as_postgres tee -a "$DATA/postgresql.conf" >/dev/null
  fi

  # Rewritten at every start, so a change of THIDUA_PG_PORT or of the folder takes effect.
  as_postgres tee "$DATA/thidua.conf" >/dev/null <<EOF
# Written by scripts/pg.sh at each start.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA'
fsync = on
max_connections = 200
EOF

  # Not running, so a postmaster.pid (and the socket's lock) is left from a server that was killed or a machine
  # that restarted: PostgreSQL would refuse to start if its pid now belongs to another process.
  if as_root test -f "$DATA/postmaster.pid"; then
    log "removing the stale postmaster.pid"
    as_root rm -f "$DATA/postmaster.pid" "$DATA/.s.PGSQL.$PORT.lock" "$DATA/.s.PGSQL.$PORT"
  fi

  log "starting PostgreSQL 15 on 127.0.0.1:$PORT (log: $DATA/server.log)"
  if ! as_postgres "$PGBIN/pg_ctl" start -D "$DATA" -l "$DATA/server.log" -w -t 60 >&2; then
    log "PostgreSQL did not start; the end of $DATA/server.log:"
    as_root tail -n 20 "$DATA/server.log" >&2 || true
    exit 1
  fi
  ensure_database
  echo "$URL"
}

stop() {
  if running; then
    log "stopping PostgreSQL in $DATA"
    as_postgres "$PGBIN/pg_ctl" stop -D "$DATA" -m fast -w >&2
  else
    log "not running"
  fi
}

drop_databases() {
  local prefix name
  running || return 0
  for prefix in "$@"; do
    psql "$URL" -Atc "select datname from pg_database where starts_with(datname, '$prefix')" |
      while read -r name; do psql "$URL" -qc "drop database if exists \"$name\" with (force)"; done
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  drop) shift; drop_databases "$@" ;;
  *)
    echo "usage: $0 start|stop|url|drop PREFIX..." >&2
    exit 2
    ;;
esac
