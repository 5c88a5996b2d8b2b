#!/usr/bin/env bash
# `make run`: the private cluster, the migrations, then Parley in the
# foreground. Ctrl-C (or SIGTERM) stops Parley, then its PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8888}
pgport=${PG_PORT:-$((port + 46544))}
db=${PARLEY_DB_NAME:-parley}

# Stop PostgreSQL on the way out only if this run started it: another
# `make run` of the same checkout may be using it.
started_pg=1
tools/pg.sh port var/pg >/dev/null 2>&1 && started_pg=0
tools/pg.sh start var/pg "$pgport"
# A cluster already running (another `make run` of this checkout) keeps its
# port; use whatever it listens on.
pgport=$(tools/pg.sh port var/pg)
kore_pid=""
shutdown() {
  trap - INT TERM EXIT
  if [ -n "$kore_pid" ] && kill -0 "$kore_pid" 2>/dev/null; then
    kill -TERM "$kore_pid" 2>/dev/null || true
    wait "$kore_pid" 2>/dev/null || true
  fi
  if [ "$started_pg" = 1 ]; then tools/pg.sh stop var/pg; fi
}
trap shutdown INT TERM EXIT
tools/pg.sh createdb "$pgport" "$db"
tools/migrate.sh "$pgport" "$db"

export PARLEY_DATABASE="host=127.0.0.1 port=$pgport dbname=$db user=postgres"
echo "parley: serving http://127.0.0.1:$port (PostgreSQL on 127.0.0.1:$pgport, database $db); Ctrl-C stops"
kore -f -n -r -c "var/parley-$port.conf" &
kore_pid=$!
wait "$kore_pid" || true
