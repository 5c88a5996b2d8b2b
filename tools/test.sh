#!/usr/bin/env bash
# `make test`: unit tests (ASan/UBSan), then the API, browser, bench-data and
# resilience suites against a real Parley on a throwaway PostgreSQL cluster. Ends with
# one summary line: "total: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

port=${TEST_PORT:-18888}
pgport=${TEST_PG_PORT:-55499}
# TEST_ONLY="tests/api/x.test.mjs ..." runs just those files (after the
# first-admin test, which the others rely on), skipping the unit tests; with
# another TEST_PORT/TEST_PG_PORT several such runs share a checkout.
only=${TEST_ONLY:-}
suffix=""
[ "$port" != 18888 ] && suffix="-$port"
data=var/test-pg$suffix
log=var/test-kore$suffix.log
out=var/test-output$suffix
mkdir -p var "$out"
# One run at a time per port: the ports and the cluster are shared.
exec 9>"var/test$suffix.lock"
flock 9
passed=0 failed=0

count_node() {   # adds a node --test spec report's totals
  local p f
  p=$(grep -E '^ℹ pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
  f=$(grep -E '^ℹ fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
  # A test cancelled by its timeout did not pass.
  c=$(grep -E '^ℹ cancelled [0-9]+' "$1" | tail -1 | awk '{print $3}')
  f=$(( ${f:-0} + ${c:-0} ))
  if [ -z "$p" ]; then f=$(( ${f:-0} + 1 )); fi   # the runner itself failed
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
}

echo "== unit (AddressSanitizer, UBSan)"
if [ -z "$only" ] && ls build/tests/test_* >/dev/null 2>&1; then
  prove -v build/tests/test_* 2>&1 | tee "$out/unit.txt"
  passed=$((passed + $(grep -cE '^ok ' "$out/unit.txt")))
  failed=$((failed + $(grep -cE '^not ok ' "$out/unit.txt")))
  grep -q '^Result: PASS' "$out/unit.txt" || failed=$((failed + 1))
fi

kore_pid=""
cleanup() {
  if [ -n "$kore_pid" ]; then kill -TERM "$kore_pid" 2>/dev/null; wait "$kore_pid" 2>/dev/null; fi
  tools/pg.sh stop "$data" >/dev/null 2>&1
}
trap cleanup EXIT

echo "== starting a throwaway PostgreSQL and Parley on :$port"
tools/pg.sh stop "$data" >/dev/null 2>&1
rm -rf "$data"
tools/pg.sh start "$data" "$pgport" || exit 1
tools/pg.sh createdb "$pgport" parley_test || exit 1
tools/migrate.sh "$pgport" parley_test || exit 1
make --no-print-directory "var/parley-$port.conf" >/dev/null

export PARLEY_DATABASE="host=127.0.0.1 port=$pgport dbname=parley_test user=postgres"
export PARLEY_EMAIL_DOMAINS="example.com, example.org"
export PARLEY_URL="http://127.0.0.1:$port"
export PARLEY_TEST_PG_DATA="$data" PARLEY_TEST_PG_PORT="$pgport"
kore -f -n -r -c "var/parley-$port.conf" > "$log" 2>&1 &
kore_pid=$!
for _ in $(seq 1 100); do
  curl -fs "$PARLEY_URL/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

run_node() {   # name, then paths
  local name=$1; shift
  echo "== $name"
  node --test --test-reporter=spec --test-concurrency=1 "$@" 2>&1 | tee "$out/$name.txt"
  count_node "$out/$name.txt"
}
# The first-account test must meet an empty database.
run_node first-admin tests/api/first_admin.test.mjs
if [ -n "$only" ]; then
  # shellcheck disable=SC2086
  run_node only $only
else
run_node api $(ls tests/api/*.test.mjs | grep -v first_admin)
run_node browser tests/browser/
# make bench-data at SCALE=0.01, in a cluster of its own.
run_node bench tests/bench/
# Last: it stops and starts PostgreSQL under the running server.
run_node resilience tests/resilience/
fi

if grep -E 'sandbox violation|died|seccomp violation' "$log"; then
  echo "kore log: a worker died (see $log)"
  failed=$((failed + 1))
fi
echo
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
