#!/usr/bin/env bash
# `make run`: the private cluster, the migrations, then Parley in the
# foreground. Ctrl-C stops Parley, then its PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8888}
pgport=${PG_PORT:-$((port + 46544))}
db=${PARLEY_DB_NAME:-parley}

tools/pg.sh start var/pg "$pgport"
stop_pg() { tools/pg.sh stop var/pg; }
trap stop_pg EXIT
tools/pg.sh createdb "$pgport" "$db"
tools/migrate.sh "$pgport" "$db"

export PARLEY_DATABASE="host=127.0.0.1 port=$pgport dbname=$db user=postgres"
echo "parley: serving http://127.0.0.1:$port (PostgreSQL on 127.0.0.1:$pgport, database $db); Ctrl-C stops"
# Not exec: the EXIT trap must run after Kore has gone.
kore -f -n -r -c "var/parley-$port.conf" || true
