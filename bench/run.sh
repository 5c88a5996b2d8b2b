#!/usr/bin/env bash
# `make bench`: Parley against the `make bench-data` database, endpoint by
# endpoint: wrk -t2 -c64 (a 3 s warm-up, then BENCH_SECONDS, default 10)
# beside the same endpoint's SQL alone under pgbench -c64 -j2 for as long.
#
# The SQL is not copied by hand: with log_statement = all, each endpoint is
# requested once and the statements its handler sent (token lookup
# included) are taken from the server log with their parameters inlined
# (bench/sqlcapture.mjs), then replayed by pgbench -M simple. Prints a
# markdown table (also var/bench/results.md), the workers' memory and the
# PostgreSQL settings.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS="-c client_min_messages=warning"
. bench/cluster.sh
port=${BENCH_PORT:-18910} dur=${BENCH_SECONDS:-10} warm=${BENCH_WARMUP:-3}
url="http://127.0.0.1:$port" out=var/bench
[ -f $out/tokens.env ] || { echo "bench: no data; run make bench-data SCALE=... first" >&2; exit 2; }
. $out/tokens.env
. $out/data.env

make --no-print-directory app.so "var/parley-$port.conf" >/dev/null
bench_cluster_start
bench_psql -d "$BENCH_DB" -tAc 'SELECT 1' >/dev/null
export PARLEY_DATABASE="host=127.0.0.1 port=$BENCH_PG_PORT dbname=$BENCH_DB user=postgres"
export PARLEY_EMAIL_DOMAINS="bench.example"
kore -f -q -n -r -c "var/parley-$port.conf" >$out/kore.log 2>&1 &
kpid=$!
cleanup() {
  bench_psql -d postgres -c "ALTER SYSTEM RESET log_statement" -c 'SELECT pg_reload_conf()' >/dev/null 2>&1 || true
  kill -TERM $kpid 2>/dev/null; wait $kpid 2>/dev/null || true
}
trap cleanup EXIT
until curl -fs "$url/healthz" >/dev/null 2>&1; do sleep 0.1; done

# ---- what to measure -------------------------------------------------------
# The question page: a question with answers near the top of the power law.
qid=$(bench_psql -d "$BENCH_DB" -tAc "SELECT id FROM questions WHERE answer_count BETWEEN 8 AND 12 ORDER BY id LIMIT 1")
run_id=$(date +%s)
node bench/webhook_bodies.mjs "$BENCH_WEBHOOK_SECRET" "$run_id" 200000 >$out/webhook-bodies.txt
cap_line=$(tail -n 1 $out/webhook-bodies.txt)

cat >$out/done.lua <<'LUA'
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("WRK %.0f %.2f %.2f %.2f %d %d\n", summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.requests))
end
LUA
cat - $out/done.lua >$out/post.lua <<'LUA'
wrk.method = "POST"
wrk.body = '{"body":"Benchmark post about deploy and postgres #topic7"}'
wrk.headers["content-type"] = "application/json"
LUA
cat - $out/done.lua >$out/webhook.lua <<LUA
local n = 0
function setup(thread) thread:set("tid", n); n = n + 1 end
local bodies, sigs, i = {}, {}, 0
function init(args)
  local k = 0
  for line in io.lines("$out/webhook-bodies.txt") do
    if k % 2 == tid then
      local t = line:find("\t")
      sigs[#sigs + 1] = line:sub(1, t - 1); bodies[#bodies + 1] = line:sub(t + 1)
    end
    k = k + 1
  end
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/customer/channels/1/messages",
    {["content-type"] = "application/json", ["x-parley-signature"] = "sha256=" .. sigs[i]}, bodies[i])
end
LUA

# name | method | path | token | wrk script
endpoints="healthz|GET|/healthz||
me|GET|/api/v1/me|$BENCH_TOKEN_USER|
home|GET|/api/v1/timeline/home|$BENCH_TOKEN_ADMIN|
question|GET|/api/v1/questions/$qid|$BENCH_TOKEN_USER|
tag|GET|/api/v1/tags/topic7/posts|$BENCH_TOKEN_USER|
search|GET|/api/v1/search?q=postgres+latency|$BENCH_TOKEN_USER|
experts|GET|/api/v1/experts?q=kubernetes|$BENCH_TOKEN_USER|
post|POST|/api/v1/posts|$BENCH_TOKEN_USER|$out/post.lua
webhook|POST|/api/v1/customer/channels/1/messages||$out/webhook.lua
report|GET|/api/v1/reports/collaboration?group_by=department|$BENCH_TOKEN_ANALYST|"
label() {
  case $1 in
  healthz) echo "GET /healthz" ;; me) echo "GET /api/v1/me" ;;
  home) echo "home timeline (200 people, 20 tags)" ;; question) echo "question page ($2 answers)" ;;
  tag) echo "tag stream #topic7" ;; search) echo "search q=postgres latency" ;;
  experts) echo "experts q=kubernetes" ;; post) echo "POST /api/v1/posts" ;;
  webhook) echo "signed webhook (1 new message each)" ;; report) echo "collaboration report by dept" ;;
  esac
}

# ---- the SQL each handler runs ----------------------------------------------
log=$BENCH_PG_DATA/server.log
off=$(stat -c %s "$log")
bench_psql -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c 'SELECT pg_reload_conf()' >/dev/null
sleep 0.5
while IFS='|' read -r name method path token script; do
  bench_psql -d "$BENCH_DB" -tAc "SELECT 'bench-mark:$name'" >/dev/null
  args=(-s -o $out/cap-$name.json -w '%{http_code}' -X "$method")
  [ -n "$token" ] && args+=(-H "authorization: Bearer $token")
  case $name in
  post) args+=(-H 'content-type: application/json' -d '{"body":"Benchmark post about deploy and postgres #topic7"}') ;;
  webhook) args+=(-H 'content-type: application/json' -H "x-parley-signature: sha256=${cap_line%%	*}" -d "${cap_line#*	}") ;;
  esac
  code=$(curl "${args[@]}" "$url$path")
  case $code in 2??) ;; *) echo "bench: $name answered $code: $(head -c 300 $out/cap-$name.json)" >&2 ;; esac
done <<<"$endpoints"
bench_psql -d "$BENCH_DB" -tAc "SELECT 'bench-mark:end'" >/dev/null
bench_psql -d postgres -c "ALTER SYSTEM RESET log_statement" -c 'SELECT pg_reload_conf()' >/dev/null
mkdir -p $out/sql
tail -c +$((off + 1)) "$log" | node bench/sqlcapture.mjs $out/sql "$run_id"
answers=$(node -e 'const j=require("./var/bench/cap-question.json");console.log((j.answers||[]).length)' 2>/dev/null || echo "?")

# ---- load ------------------------------------------------------------------
wrk_run() {  # name method path token script -> "rps p50 p95 p99 non2xx total"
  local a=(-t2 -c64 --latency -s "${5:-$out/done.lua}")
  [ -n "$4" ] && a+=(-H "authorization: Bearer $4")
  wrk "${a[@]}" -d"${warm}s" "$url$3" >/dev/null 2>&1
  wrk "${a[@]}" -d"${dur}s" "$url$3" 2>&1 | awk '/^WRK/ {print $2, $3, $4, $5, $6, $7}'
}
pgb_run() {  # name -> "tps p50 p95 p99 failures"
  local f=$out/sql/$1.sql d
  [ -s "$f" ] || { echo "- - - - -"; return; }
  d=$(mktemp -d)
  (cd "$d" && pgbench -n -M simple -c64 -j2 -T"$warm" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres \
     -f "$OLDPWD/$f" "$BENCH_DB" >/dev/null 2>&1 || true
   pgbench -n -M simple -c64 -j2 -T"$dur" -l -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres \
     -f "$OLDPWD/$f" "$BENCH_DB" >out.txt 2>err.txt || true
   tps=$(awk '/^tps/ {printf "%.0f", $3}' out.txt)
   fail=$(grep -c -i "error" err.txt || true)
   cat pgbench_log.* 2>/dev/null | awk '{print $3 / 1000}' | sort -n |
     awk -v t="${tps:--}" -v f="$fail" '{a[NR] = $1} END {
       if (NR == 0) { print t, "-", "-", "-", f; exit }
       printf "%s %.2f %.2f %.2f %s\n", t, a[int(NR * .5) + 1], a[int(NR * .95) + 1], a[int(NR * .99) + 1], f }')
  rm -rf "$d"
}

res=$out/results.md
{
  echo "| endpoint (64 connections, ${dur} s) | Parley req/s | p50 ms | p95 ms | p99 ms | non-2xx | SQL alone tps | p50 ms | p99 ms | Parley/SQL (time per request) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >$res
cat $res
while IFS='|' read -r name method path token script; do
  read -r rps p50 p95 p99 bad total <<<"$(wrk_run "$name" "$method" "$path" "$token" "$script")"
  read -r tps sp50 sp95 sp99 sfail <<<"$(pgb_run "$name")"
  ratio=$(awk -v r="$rps" -v t="$tps" 'BEGIN { if (r > 0 && t > 0) printf "%.2f", t / r; else print "-" }')
  line="| $(label "$name" "$answers") | $rps | $p50 | $p95 | $p99 | $bad/$total | $tps | $sp50 | $sp99 | $ratio |"
  echo "$line" | tee -a $res
done <<<"$endpoints"

echo
{
  echo
  echo "Worker memory after the run (kore workers, /proc/<pid>/status):"
  for p in $(ps -o pid= --ppid $kpid); do
    echo "  pid $p $(tr '\0' ' ' </proc/$p/cmdline | cut -c1-30): $(awk '/^VmRSS|^VmHWM/ {printf "%s %s %s  ", $1, $2, $3}' /proc/$p/status)"
  done
  echo
  echo "PostgreSQL settings (var/bench-data-pg, ALTER SYSTEM): $(echo $BENCH_PG_SETTINGS)"
  echo "Data: SCALE=$BENCH_SCALE ($BENCH_USERS people, $BENCH_POSTS posts, $BENCH_QUESTIONS questions);" \
    "machine $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; commit $(git rev-parse --short HEAD);" \
    "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a $res
