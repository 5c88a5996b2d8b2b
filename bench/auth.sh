#!/usr/bin/env bash
# Foundation benchmark: sign-in latency (argon2id in a Kore task thread),
# GET /api/v1/me and /healthz throughput with wrk at 64 connections, and
# what concurrent sign-ins do to the latency of other requests.
# Figures, not pass/fail. Uses its own cluster (var/bench-pg) and port.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-18889} pgport=${BENCH_PG_PORT:-55498} dur=${BENCH_SECONDS:-10}
data=var/bench-pg url="http://127.0.0.1:$port"
make --no-print-directory app.so "var/parley-$port.conf" >/dev/null
tools/pg.sh start "$data" "$pgport" >/dev/null
tools/pg.sh createdb "$pgport" parley_bench
tools/migrate.sh "$pgport" parley_bench >/dev/null
export PARLEY_DATABASE="host=127.0.0.1 port=$pgport dbname=parley_bench user=postgres"
kore -f -q -n -r -c "var/parley-$port.conf" >var/bench-kore.log 2>&1 &
kpid=$!
trap 'kill -TERM $kpid 2>/dev/null; wait $kpid 2>/dev/null; tools/pg.sh stop $data >/dev/null' EXIT
until curl -fs "$url/healthz" >/dev/null 2>&1; do sleep 0.1; done

h="bench_$RANDOM$RANDOM"
curl -fs -H 'content-type: application/json' "$url/api/v1/auth/register" \
  -d "{\"handle\":\"$h\",\"email\":\"$h@example.com\",\"password\":\"correct horse battery\",\"display_name\":\"Bench\"}" >/dev/null
login_body="{\"login\":\"$h\",\"password\":\"correct horse battery\"}"
csrf=$(curl -fs -c var/bench-cookies -H 'content-type: application/json' "$url/api/v1/auth/login" -d "$login_body" |
  sed -E 's/.*"csrf_token":"([^"]+)".*/\1/')
token=$(curl -fs -b var/bench-cookies -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  "$url/api/v1/me/tokens" -d '{"name":"bench"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo
echo "sign-in latency, 20 sequential logins (ms):"
for i in $(seq 1 20); do
  curl -s -o /dev/null -w '%{time_total}\n' -H 'content-type: application/json' "$url/api/v1/auth/login" -d "$login_body"
done | sort -n | awk '{a[NR]=$1*1000} END {printf "  min %.1f  p50 %.1f  max %.1f\n", a[1], a[int(NR/2)], a[NR]}'

cat > var/bench-login.lua <<LUA
wrk.method = "POST"
wrk.body = '$login_body'
wrk.headers["content-type"] = "application/json"
LUA
run() {  # name, wrk args...
  local name=$1; shift
  wrk -t2 -c64 -d"${dur}s" --latency "$@" 2>&1 |
    awk -v n="$name" '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
      END {printf "| %-34s | %10s | %8s | %8s |\n", n, r, p50, p99}'
}
echo
echo "| endpoint (64 connections, ${dur}s)     |      req/s |      p50 |      p99 |"
echo "|------------------------------------|------------|----------|----------|"
run "GET /healthz" "$url/healthz"
run "GET /api/v1/me (bearer)" -H "authorization: Bearer $token" "$url/api/v1/me"
# Other requests while 4 clients sign in back to back.
wrk -t1 -c4 -d"$((dur + 2))s" -s var/bench-login.lua "$url/api/v1/auth/login" >var/bench-logins.txt 2>&1 &
wpid=$!
sleep 1
run "GET /api/v1/me during 4 sign-in loops" -H "authorization: Bearer $token" "$url/api/v1/me"
wait $wpid
echo "  (sign-ins completed meanwhile: $(awk '/requests in/ {print $1}' var/bench-logins.txt))"
echo
echo "worker RSS after the run (KiB): $(ps -o rss= --ppid $kpid | tr '\n' ' ')"
