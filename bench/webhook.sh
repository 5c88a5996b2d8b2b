#!/usr/bin/env bash
# Customer intake benchmark (issue 5): signed webhook deliveries (messages/s
# for arrays of 100 new messages to one channel and to 4 channels, single
# messages, replays) and the CSV import (rows/s, the worker's peak memory,
# /healthz meanwhile). The load generator is bench/webhook.mjs (node,
# keep-alive connections); the rows are the real ones of the shared
# "Customer Support on Twitter" set, with fresh ids (tests/lib/twcs_csv.mjs).
# Figures, not pass/fail. Uses its own database on the bench cluster
# (var/bench-pg, made afresh each run) and its own port.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-18889} pgport=${BENCH_PG_PORT:-55498}
data=${BENCH_PG_DATA:-var/bench-pg} db=parley_webhook_bench
url="http://127.0.0.1:$port"
make --no-print-directory app.so "var/parley-$port.conf" >/dev/null
tools/pg.sh start "$data" "$pgport" >/dev/null
psql -X -q -h 127.0.0.1 -p "$pgport" -U postgres -c "DROP DATABASE IF EXISTS $db" postgres
tools/pg.sh createdb "$pgport" "$db"
tools/migrate.sh "$pgport" "$db" >/dev/null
export PARLEY_DATABASE="host=127.0.0.1 port=$pgport dbname=$db user=postgres"
export PARLEY_EMAIL_DOMAINS="example.com"
kore -f -q -n -r -c "var/parley-$port.conf" >var/bench-webhook-kore.log 2>&1 &
kpid=$!
trap 'kill -TERM $kpid 2>/dev/null; wait $kpid 2>/dev/null; tools/pg.sh stop $data >/dev/null' EXIT
until curl -fs "$url/healthz" >/dev/null 2>&1; do sleep 0.1; done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start;" \
  "commit $(git rev-parse --short HEAD 2>/dev/null || echo none); PostgreSQL, Parley (2 workers) and the load generator share the cores"
BENCH_URL=$url BENCH_WORKERS="$(ps -o pid= --ppid $kpid | tr '\n' ' ')" node bench/webhook.mjs
