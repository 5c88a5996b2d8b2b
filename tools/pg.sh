#!/usr/bin/env bash
# A private PostgreSQL cluster under var/. PostgreSQL refuses to run as
# root, so the cluster belongs to the `postgres` system user and every
# command that touches it runs as that user. Listens on 127.0.0.1 only.
#
#   tools/pg.sh start DATADIR PORT   create if missing, start if stopped
#   tools/pg.sh stop DATADIR         fast shutdown, if running
#   tools/pg.sh port DATADIR         the port a running cluster listens on
#   tools/pg.sh createdb PORT NAME   create a database if missing
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=$1; shift
case "$cmd" in
start)
  data=$1 port=$2
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data"; fi
  chmod 700 "$data"
  if ! as_pg test -w "$data"; then
    echo "pg: the postgres user cannot write $data; every directory above it must be searchable (chmod o+x)" >&2
    exit 1
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "pg: creating a cluster in $data"
    as_pg "$PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
    cat >> "$data/postgresql.conf" <<CONF
# Parley's private cluster (tools/pg.sh); sized for a 2-core, 24 GiB machine.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 100
shared_buffers = 1GB
effective_cache_size = 8GB
work_mem = 16MB
maintenance_work_mem = 512MB
random_page_cost = 1.1
log_min_duration_statement = 500
log_line_prefix = '%m [%p] %q%u@%d '
CONF
  fi
  if as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "pg: already running on 127.0.0.1:$(sed -n 4p "$data/postmaster.pid")"
    exit 0
  fi
  as_pg "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $port" \
    -w -t 30 start >/dev/null
  echo "pg: started on 127.0.0.1:$port (log $data/server.log)"
  ;;
stop)
  data=$1
  if [ -f "$data/PG_VERSION" ] &&
     as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    echo "pg: stopped"
  fi
  ;;
port)
  as_pg "$PGBIN/pg_ctl" -D "$1" status >/dev/null 2>&1 || exit 1
  sed -n 4p "$1/postmaster.pid"
  ;;
createdb)
  port=$1 name=$2
  if ! psql -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
      -c "CREATE DATABASE \"$name\""
  fi
  ;;
*)
  echo "usage: $0 start DATADIR PORT | stop DATADIR | createdb PORT NAME" >&2
  exit 2
  ;;
esac
