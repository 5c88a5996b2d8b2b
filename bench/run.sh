#!/usr/bin/env bash
# `make bench`: Parley against the `make bench-data` database, endpoint by
# endpoint: wrk -t2 -c64 (a 3 s warm-up, then BENCH_SECONDS, default 10)
# beside the same endpoint's SQL alone under pgbench, twice, as long each:
# -c64 -j2 -M simple (the same concurrency as wrk) and -c<workers> -j2
# -M prepared, 2 by default (what Parley really puts on PostgreSQL: its
# workers use KORE_PGSQL_SYNC, one busy connection each, with prepared
# statements).
#
# The SQL is not copied by hand: with log_statement = all, each endpoint is
# requested once and the statements its handler sent (token lookup
# included) are taken from the server log with their parameters inlined
# (bench/sqlcapture.mjs), then replayed by pgbench. Prints a markdown
# table (also $BENCH_OUT/results.md, default var/bench), the workers'
# memory and the PostgreSQL settings.
#
# What the run wrote (its posts, its webhook messages: both carry the run
# id) is taken back at exit, so that the next run measures the same data.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS="-c client_min_messages=warning"
. bench/cluster.sh
port=${BENCH_PORT:-18910} dur=${BENCH_SECONDS:-10} warm=${BENCH_WARMUP:-3}
url="http://127.0.0.1:$port" out=$BENCH_OUT
[ -f $out/tokens.env ] || { echo "bench: no data; run make bench-data SCALE=... first" >&2; exit 2; }
. $out/tokens.env
. $out/data.env

make --no-print-directory app.so "var/parley-$port.conf" >/dev/null
# KORE_PGSQL_SYNC: a worker has at most one query in flight, so Parley puts
# as many concurrent queries on PostgreSQL as it has workers.
workers=$(awk '$1 == "workers" {print $2}' "var/parley-$port.conf")
bench_cluster_start
bench_psql -d "$BENCH_DB" -tAc 'SELECT 1' >/dev/null
# Data loaded by an older checkout gets this one's migrations (the app
# built below expects them).
tools/migrate.sh "$BENCH_PG_PORT" "$BENCH_DB" >/dev/null
export PARLEY_DATABASE="host=127.0.0.1 port=$BENCH_PG_PORT dbname=$BENCH_DB user=postgres"
export PARLEY_EMAIL_DOMAINS="bench.example"
kore -f -q -n -r -c "var/parley-$port.conf" >$out/kore.log 2>&1 &
kpid=$!
run_id=$(date +%s) uid=
# The bench posts go to a tag nobody follows, so that no timeline or tag
# stream measured here grows with them; the run id finds them afterwards.
post_body="{\"body\":\"Benchmark post $run_id about deploy and postgres #benchwrite\"}"

# (Called from the EXIT trap, where set -e does not hold: hence the returns.)
# Takes back what this run wrote, through Parley and pgbench alike, that a
# later run would measure: the webhook's messages (external ids
# "<run>-...") are deleted with their conversations, all new ones, in one transaction under
# customer_ingest's channel lock. Only conversations that hold nothing but
# the run's messages and have no customer_links are touched, so no foreign
# key (customer_messages.conversation_id, customer_links) is left dangling
# and no report trigger fires.
forget_run() {
  local cust
  # The run's posts stay: they are the bench user's, tagged #benchwrite,
  # which nobody follows and no measured read shows (home reads as the
  # admin, who follows neither; the tag stream is #topic7). Soft-deleting
  # them fires the report rollups' per-row triggers: 2+ minutes for a
  # run's ~30k posts, past the bench's 10-minute budget.
  cust=$(bench_psql -d "$BENCH_DB" -v ON_ERROR_STOP=1 -tA <<SQL
BEGIN;
SELECT pg_advisory_xact_lock(905, 1) \g /dev/null
CREATE TEMP TABLE gone ON COMMIT DROP AS
  SELECT m.id, m.conversation_id FROM customer_messages m
  WHERE m.channel_id = 1 AND m.external_id LIKE '$run_id-%'
    AND NOT EXISTS (SELECT 1 FROM customer_links l WHERE l.conversation_id = m.conversation_id)
    AND NOT EXISTS (SELECT 1 FROM customer_messages o
      WHERE o.conversation_id = m.conversation_id AND o.external_id NOT LIKE '$run_id-%');
DELETE FROM customer_messages m USING gone g WHERE m.id = g.id;
WITH c AS (DELETE FROM customer_conversations
  WHERE id IN (SELECT conversation_id FROM gone) RETURNING 1)
SELECT (SELECT count(*) FROM gone) || ' customer messages and '
  || count(*) || ' conversations deleted' FROM c;
COMMIT;
SQL
) || return
  bench_psql -d "$BENCH_DB" -c 'VACUUM ANALYZE customer_messages, customer_conversations' || return
  echo "bench: cleaned up run $run_id: $cust"
}
cleanup() {
  bench_psql -d postgres -c "ALTER SYSTEM RESET log_statement" -c 'SELECT pg_reload_conf()' >/dev/null 2>&1 || true
  kill -TERM $kpid 2>/dev/null; wait $kpid 2>/dev/null || true
  [[ ! $uid =~ ^[0-9]+$ ]] || forget_run || echo "bench: cleaning up run $run_id failed" >&2
}
trap cleanup EXIT
until curl -fs "$url/healthz" >/dev/null 2>&1; do sleep 0.1; done
uid=$(curl -fs -H "authorization: Bearer $BENCH_TOKEN_USER" "$url/api/v1/me" |
  node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).user.id)')

# ---- what to measure -------------------------------------------------------
# The question page: a question with answers near the top of the power law.
qid=$(bench_psql -d "$BENCH_DB" -tAc "SELECT id FROM questions WHERE answer_count BETWEEN 8 AND 12 ORDER BY id LIMIT 1")
node bench/webhook_bodies.mjs "$BENCH_WEBHOOK_SECRET" "$run_id" 200000 >$out/webhook-bodies.txt
cap_line=$(tail -n 1 $out/webhook-bodies.txt)

cat >$out/done.lua <<'LUA'
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("WRK %.0f %.2f %.2f %.2f %d %d %d\n", summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.timeout,
    summary.requests))
end
LUA
cat - $out/done.lua >$out/post.lua <<LUA
wrk.method = "POST"
wrk.body = '$post_body'
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

# name | method | path | token | wrk script | connections (64 unless given;
# the 1-connection rows show what one person waits, without a queue)
endpoints="healthz|GET|/healthz||
me|GET|/api/v1/me|$BENCH_TOKEN_USER|
home|GET|/api/v1/timeline/home|$BENCH_TOKEN_ADMIN|
question|GET|/api/v1/questions/$qid|$BENCH_TOKEN_USER|
tag|GET|/api/v1/tags/topic7/posts|$BENCH_TOKEN_USER|
search|GET|/api/v1/search?q=postgres+latency|$BENCH_TOKEN_USER|
experts|GET|/api/v1/experts?q=kubernetes|$BENCH_TOKEN_USER|
search1|GET|/api/v1/search?q=postgres+latency|$BENCH_TOKEN_USER||1
experts1|GET|/api/v1/experts?q=kubernetes|$BENCH_TOKEN_USER||1
post|POST|/api/v1/posts|$BENCH_TOKEN_USER|$out/post.lua
webhook|POST|/api/v1/customer/channels/1/messages||$out/webhook.lua
report|GET|/api/v1/reports/collaboration?group_by=department|$BENCH_TOKEN_ANALYST|"
label() {
  case $1 in
  healthz) echo "GET /healthz" ;; me) echo "GET /api/v1/me" ;;
  home) echo "home timeline (200 people, 20 tags)" ;; question) echo "question page ($2 answers)" ;;
  tag) echo "tag stream #topic7" ;; search) echo "search q=postgres latency" ;;
  experts) echo "experts q=kubernetes" ;;
  search1) echo "search, 1 connection" ;; experts1) echo "experts, 1 connection" ;; post) echo "POST /api/v1/posts" ;;
  webhook) echo "signed webhook (1 new message each)" ;; report) echo "collaboration report by dept" ;;
  esac
}

# ---- the SQL each handler runs ----------------------------------------------
log=$BENCH_PG_DATA/server.log
off=$(stat -c %s "$log")
bench_psql -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c 'SELECT pg_reload_conf()' >/dev/null
sleep 0.5
while IFS='|' read -r name method path token script conns; do
  [ -z "$conns" ] || continue  # the same request as a 64-connection row
  bench_psql -d "$BENCH_DB" -tAc "SELECT 'bench-mark:$name'" >/dev/null
  args=(-s -o $out/cap-$name.json -w '%{http_code}' -X "$method")
  [ -n "$token" ] && args+=(-H "authorization: Bearer $token")
  case $name in
  post) args+=(-H 'content-type: application/json' -d "$post_body") ;;
  webhook) args+=(-H 'content-type: application/json' -H "x-parley-signature: sha256=${cap_line%%	*}" -d "${cap_line#*	}") ;;
  esac
  code=$(curl "${args[@]}" "$url$path")
  case $code in 2??) ;; *) echo "bench: $name answered $code: $(head -c 300 $out/cap-$name.json)" >&2 ;; esac
done <<<"$endpoints"
bench_psql -d "$BENCH_DB" -tAc "SELECT 'bench-mark:end'" >/dev/null
bench_psql -d postgres -c "ALTER SYSTEM RESET log_statement" -c 'SELECT pg_reload_conf()' >/dev/null
mkdir -p $out/sql
tail -c +$((off + 1)) "$log" | node bench/sqlcapture.mjs $out/sql "$run_id"
answers=$(node -e 'console.log((require(process.argv[1]).answers || []).length)' \
  "$(realpath "$out/cap-question.json")" 2>/dev/null || echo "?")

# ---- load ------------------------------------------------------------------
# wrk leaves requests that time out out of its percentiles: with 10 s
# slow endpoints are measured, and the timeouts column shows any left.
wrk_run() {  # name method path token script conns -> "rps p50 p95 p99 non2xx timeouts total"
  local c=${6:-64} a
  a=(-t$((c < 2 ? c : 2)) -c"$c" --latency --timeout 10s -s "${5:-$out/done.lua}")
  [ -n "$4" ] && a+=(-H "authorization: Bearer $4")
  wrk "${a[@]}" -d"${warm}s" "$url$3" >/dev/null 2>&1
  wrk "${a[@]}" -d"${dur}s" "$url$3" 2>&1 | awk '/^WRK/ {print $2, $3, $4, $5, $6, $7, $8}'
}
pgb_run() {  # name mode clients -> "tps p50 p95 p99 failures"
  local f d o
  f=$(realpath -m "$out/sql/$1.sql")  # pgbench runs in a directory of its own (its -l logs)
  [ -s "$f" ] || { echo "- - - - -"; return; }
  d=$(mktemp -d)
  o=(-n -M "$2" -c"$3" -j2 -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -f "$f" "$BENCH_DB")
  (cd "$d" && pgbench "${o[@]}" -T"$warm" >/dev/null 2>&1 || true
   pgbench "${o[@]}" -T"$dur" -l >out.txt 2>err.txt || true
   tps=$(awk '/^tps/ {printf "%.0f", $3}' out.txt)
   fail=$(grep -c -i "error" err.txt || true)
   cat pgbench_log.* 2>/dev/null | awk '{print $3 / 1000}' | sort -n |
     awk -v t="${tps:--}" -v f="$fail" '{a[NR] = $1} END {
       if (NR == 0) { print t, "-", "-", "-", f; exit }
       printf "%s %.2f %.2f %.2f %s\n", t, a[int(NR * .5) + 1], a[int(NR * .95) + 1], a[int(NR * .99) + 1], f }')
  rm -rf "$d"
}

ratio() {  # SQL tps, Parley req/s -> how many times longer a request takes in Parley
  awk -v t="$1" -v r="$2" 'BEGIN { if (r > 0 && t > 0) printf "%.2f", t / r; else print "-" }'
}
res=$out/results.md
{
  echo "| endpoint (wrk 64 connections, ${dur} s) | Parley req/s | p50 ms | p95 ms | p99 ms | non-2xx | timeouts" \
    "| SQL alone, 64 conns simple: tps | p50 ms | p99 ms | Parley/SQL at 64 conns" \
    "| SQL alone, $workers conns prepared: tps | p50 ms | p99 ms | Parley/SQL at $workers conns |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >$res
cat $res
while IFS='|' read -r name method path token script conns; do
  read -r rps p50 p95 p99 bad lost total <<<"$(wrk_run "$name" "$method" "$path" "$token" "$script" "$conns")"
  if [ -n "$conns" ]; then
    echo "| $(label "$name") | $rps | $p50 | $p95 | $p99 | $bad/$total | $lost |||||||||" | tee -a $res
    continue
  fi
  read -r tps sp50 sp95 sp99 sfail <<<"$(pgb_run "$name" simple 64)"
  read -r tps2 s2p50 s2p95 s2p99 s2fail <<<"$(pgb_run "$name" prepared "$workers")"
  echo "| $(label "$name" "$answers") | $rps | $p50 | $p95 | $p99 | $bad/$total | $lost" \
    "| $tps | $sp50 | $sp99 | $(ratio "$tps" "$rps") | $tps2 | $s2p50 | $s2p99 | $(ratio "$tps2" "$rps") |" | tee -a $res
done <<<"$endpoints"

echo
{
  echo
  echo "non-2xx: responses >= 400 of all completed; timeouts: requests with no answer within"
  echo "wrk's --timeout 10s, left out of its percentiles. SQL alone: the statements each handler"
  echo "sent, replayed by pgbench -j2 for as long: at 64 connections -M simple (the concurrency"
  echo "wrk puts on Parley), and at $workers connections -M prepared (what Parley puts on PostgreSQL:"
  echo "$workers workers, one busy connection each, KORE_PGSQL_SYNC, prepared statements; the capture has"
  echo "its parameters inlined as literals, so each statement is prepared once per pgbench"
  echo "connection and run as is). Parley/SQL: SQL tps / Parley req/s, how many times longer"
  echo "a request takes than its SQL alone."
  echo
  echo "Worker memory after the run (kore workers, /proc/<pid>/status):"
  for p in $(pgrep -P "$(cat var/kore-$port.pid 2>/dev/null || echo $kpid)"); do
    echo "  pid $p $(tr '\0' ' ' </proc/$p/cmdline | cut -c1-30): $(awk '/^VmRSS|^VmHWM/ {printf "%s %s %s  ", $1, $2, $3}' /proc/$p/status)"
  done
  echo
  echo "PostgreSQL settings ($BENCH_PG_DATA, ALTER SYSTEM): $(echo $BENCH_PG_SETTINGS)"
  echo "Data: SCALE=$BENCH_SCALE ($BENCH_USERS people, $BENCH_POSTS posts, $BENCH_QUESTIONS questions);" \
    "machine $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; commit $(git rev-parse --short HEAD);" \
    "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a $res
