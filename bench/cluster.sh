# Sourced by bench/data.sh and bench/run.sh: the benchmark's private
# PostgreSQL cluster (tools/pg.sh) with settings for a 2-core, 24 GiB
# machine. ALTER SYSTEM writes them to postgresql.auto.conf; a restart
# applies the ones that need it.
BENCH_PG_DATA=${BENCH_PG_DATA:-var/bench-data-pg}
BENCH_PG_PORT=${BENCH_PG_PORT:-55510}
BENCH_DB=${BENCH_DB:-parley_bench}
# Tokens, logs and results; another BENCH_OUT (with its own BENCH_PG_DATA,
# BENCH_PG_PORT and BENCH_PORT) runs a second copy beside the first.
BENCH_OUT=${BENCH_OUT:-var/bench}
mkdir -p "$BENCH_OUT"

# name=value pairs; stated in bench/RESULTS.md.
BENCH_PG_SETTINGS="shared_buffers=4GB effective_cache_size=16GB work_mem=16MB
maintenance_work_mem=1GB max_connections=200 synchronous_commit=on
max_wal_size=8GB checkpoint_timeout=15min wal_buffers=64MB random_page_cost=1.1
effective_io_concurrency=200 max_worker_processes=4 max_parallel_workers=2
max_parallel_workers_per_gather=1 jit=off log_min_duration_statement=-1"

bench_psql() {
  psql -X -q -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres "$@"
}

bench_cluster_start() {
  local kv
  tools/pg.sh start "$BENCH_PG_DATA" "$BENCH_PG_PORT" >/dev/null
  BENCH_PG_PORT=$(tools/pg.sh port "$BENCH_PG_DATA")
  for kv in $BENCH_PG_SETTINGS; do
    bench_psql -d postgres -c "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'"
  done
  bench_psql -d postgres -tAc 'SELECT pg_reload_conf()' >/dev/null
  sleep 0.3
  if [ "$(bench_psql -d postgres -tAc 'SELECT bool_or(pending_restart) FROM pg_settings')" = t ]; then
    tools/pg.sh stop "$BENCH_PG_DATA" >/dev/null
    tools/pg.sh start "$BENCH_PG_DATA" "$BENCH_PG_PORT" >/dev/null
  fi
}
