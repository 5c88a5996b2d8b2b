#!/usr/bin/env bash
# `make bench-data SCALE=1`: a realistic company in its own database
# (parley_bench) on the benchmark's private cluster (var/bench-data-pg,
# never the dev or test database), migrated with tools/migrate.sh and
# filled set-based by bench/gen_company.sql. SCALE=1: 100k people, 1M
# posts, 50k questions, 200k answers, 100k bookmarks, 500 communities,
# 50k customer messages; SCALE=0.1 / 0.01 for quick runs.
#
# Leaves, under $BENCH_OUT (default var/bench/, never in the repo):
# tokens.env (plaintext bearer tokens of the benchmark people, stored
# hashed as app/secret.c does: hex BLAKE2b-256 of the token) and data.env
# (what was loaded).
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
cd "$(dirname "$0")/.."
. bench/cluster.sh
scale=${SCALE:-1}
n() { awk -v s="$scale" -v b="$1" -v m="${2:-1}" 'BEGIN { v = int(b * s + 0.5); if (v < m) v = m; print v }'; }
users=$(n 100000 100) posts=$(n 1000000 1000) communities=$(n 500 5)
questions=$(n 50000 50) answers=$(n 200000 200) qvotes=$(n 100000 100)
avotes=$(n 400000 400) bookmarks=$(n 100000 100) messages=$(n 50000 40)
follows=20

bench_cluster_start
psql -X -q -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d postgres \
  -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
tools/pg.sh createdb "$BENCH_PG_PORT" "$BENCH_DB"
t0=$(date +%s.%N)
tools/migrate.sh "$BENCH_PG_PORT" "$BENCH_DB" >/dev/null
t1=$(date +%s.%N)
echo "bench-data: SCALE=$scale: $users people, $posts posts, $questions questions," \
  "$answers answers, $bookmarks bookmarks, $communities communities, $messages customer messages"
psql -X -q -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d "$BENCH_DB" \
  -v users="$users" -v posts="$posts" -v communities="$communities" \
  -v questions="$questions" -v answers="$answers" -v qvotes="$qvotes" \
  -v avotes="$avotes" -v bookmarks="$bookmarks" -v messages="$messages" \
  -v follows="$follows" -f bench/gen_company.sql >"$BENCH_OUT/gen.log"
t2=$(date +%s.%N)
# The report rollups, once, from the loaded tables (0015's repair tool).
psql -X -q -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d "$BENCH_DB" \
  -c 'SET synchronous_commit = off' -c 'SELECT report_rebuild()' >/dev/null
t3=$(date +%s.%N)

# Bearer tokens: pat_ + base64url of 32 random bytes, stored as the hex
# BLAKE2b-256 of the whole token (app/secret.c secret_token_hash).
python3 - "$BENCH_PG_PORT" "$BENCH_DB" "$BENCH_OUT/tokens.env" <<'PY'
import base64, hashlib, os, subprocess, sys
port, db, out = sys.argv[1:4]
who = {"ADMIN": 1, "ANALYST": 2, "CM": 3, "USER": 4}
env, sql = [], []
for name, uid in who.items():
    tok = "pat_" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    h = hashlib.blake2b(tok.encode(), digest_size=32).hexdigest()
    sql.append(f"INSERT INTO api_tokens (user_id, name, token_hash) VALUES ({uid}, 'bench', '{h}');")
    env.append(f"BENCH_TOKEN_{name}={tok}")
subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", port,
                "-U", "postgres", "-d", db, "-c", "\n".join(sql)], check=True)
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, ("\n".join(env) + "\n").encode())
os.close(fd)
PY
secret=$(psql -X -tA -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d "$BENCH_DB" \
  -c 'SELECT webhook_secret FROM customer_channels WHERE id = 1')
echo "BENCH_WEBHOOK_SECRET=$secret" >>"$BENCH_OUT/tokens.env"
cat >"$BENCH_OUT/data.env" <<ENV
BENCH_SCALE=$scale
BENCH_USERS=$users
BENCH_POSTS=$posts
BENCH_QUESTIONS=$questions
ENV
psql -X -q -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d "$BENCH_DB" -c "
  SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts,
    (SELECT count(*) FROM posts WHERE reply_to IS NOT NULL) AS replies,
    (SELECT count(*) FROM follows) AS follows, (SELECT count(*) FROM questions) AS questions,
    (SELECT count(*) FROM answers) AS answers, (SELECT count(*) FROM bookmarks) AS bookmarks,
    (SELECT count(*) FROM community_members) AS members,
    (SELECT count(*) FROM customer_messages) AS cust_msgs,
    (SELECT count(*) FROM customer_links) AS links,
    pg_size_pretty(pg_database_size(current_database())) AS size"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
  printf "bench-data: migrate %.1f s, load %.1f s, report_rebuild %.1f s; total %.1f s\n", b - a, c - b, d - c, d - a }'
echo "bench-data: database $BENCH_DB on 127.0.0.1:$BENCH_PG_PORT ($BENCH_PG_DATA, left running); tokens in $BENCH_OUT/tokens.env"
