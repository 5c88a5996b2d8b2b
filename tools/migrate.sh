#!/usr/bin/env bash
# Applies the forward-only migrations in sql/ that are not yet recorded in
# schema_migrations, each in its own transaction, under an advisory lock so
# that two servers starting together cannot race.
#   tools/migrate.sh PORT DBNAME
set -euo pipefail
cd "$(dirname "$0")/.."
port=$1 db=$2

{
  echo '\set ON_ERROR_STOP on'
  echo 'SET client_min_messages = warning;'
  echo 'SELECT pg_advisory_lock(7226000) \g /dev/null'
  echo 'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());'
  for f in sql/[0-9]*.sql; do
    v=$(basename "$f" .sql)
    if ! [[ $v =~ ^[0-9]{4}_[a-z0-9_]+$ ]]; then
      echo "migrate: bad migration name $f" >&2; exit 1
    fi
    echo "SELECT NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = '$v') AS pending \\gset"
    echo '\if :pending'
    echo "\\echo migrate: applying $v"
    echo 'BEGIN;'
    echo "\\i $f"
    echo "INSERT INTO schema_migrations (version) VALUES ('$v');"
    echo 'COMMIT;'
    echo '\endif'
  done
  echo 'SELECT pg_advisory_unlock(7226000) \g /dev/null'
} | psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d "$db" -f -
