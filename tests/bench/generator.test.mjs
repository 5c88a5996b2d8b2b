// `make bench-data` (bench/data.sh + bench/gen_company.sql) at SCALE=0.01 in
// a cluster of its own: the company the benchmark measures has the sizes
// issue 7 asks for at that scale, and the shapes that make the figures
// mean something (power-law follows, threads, the home reader's 200 people
// and 20 tags, report rollups equal to a rebuild, working bearer tokens).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const port = String(Number(process.env.PARLEY_TEST_PG_PORT ?? 55499) + 1000);
const dir = `var/test-bench${process.env.PARLEY_TEST_PG_PORT ?? ''}`;
const env = { ...process.env, SCALE: '0.01', BENCH_PG_DATA: `${dir}-pg`, BENCH_PG_PORT: port,
  BENCH_OUT: dir, BENCH_DB: 'parley_bench' };
const sql = (statement) => execFileSync('psql', ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1',
  '-h', '127.0.0.1', '-p', port, '-U', 'postgres', '-d', 'parley_bench', '-c', statement],
{ encoding: 'utf8' }).trim();
const num = (statement) => Number(sql(statement));

let output;
before(() => {
  output = execFileSync('bash', ['bench/data.sh'], { env, encoding: 'utf8', timeout: 120_000 });
});
after(() => {
  execFileSync('tools/pg.sh', ['stop', `${dir}-pg`], { stdio: 'ignore' });
  rmSync(`${dir}-pg`, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

test('the sizes are the issue\'s, scaled by 0.01', () => {
  assert.match(output, /bench-data: SCALE=0\.01: 1000 people, 10000 posts, 500 questions, 2000 answers, 1000 bookmarks, 5 communities, 500 customer messages/);
  assert.equal(num('SELECT count(*) FROM users'), 1000);
  assert.equal(num('SELECT count(*) FROM posts'), 10000);
  assert.equal(num('SELECT count(*) FROM questions'), 500);
  assert.equal(num('SELECT count(*) FROM answers'), 2000);
  assert.equal(num('SELECT count(*) FROM bookmarks'), 1000);
  assert.equal(num('SELECT count(*) FROM communities'), 5);
  assert.ok(num('SELECT count(*) FROM customer_messages') >= 500);
  assert.ok(num('SELECT count(*) FROM customer_links') > 0, 'conversations are linked to internal content');
});

test('people have departments and managers; follows are power-law; replies are threads', () => {
  assert.equal(num('SELECT count(*) FROM users WHERE department IS NULL'), 0);
  assert.ok(num('SELECT count(*) FROM users WHERE manager_id IS NOT NULL') > 900, 'almost everyone has a manager');
  // A few are followed by many: the top 1% of people hold a large share.
  const share = Number(sql(`WITH d AS (SELECT followee_id, count(*) AS n FROM follows GROUP BY 1)
    SELECT (SELECT sum(n) FROM (SELECT n FROM d ORDER BY n DESC LIMIT 10) t)::float / sum(n) FROM d`));
  assert.ok(share > 0.1, `the 10 most followed hold ${share} of follows`);
  assert.ok(num('SELECT count(*) FROM posts WHERE reply_to IS NOT NULL') > 1000, 'replies');
  assert.equal(num(`SELECT count(*) FROM posts r JOIN posts p ON p.id = r.reply_to
    WHERE r.root_id <> p.root_id OR r.created_at < p.created_at`), 0, 'a reply is in its parent\'s thread, after it');
  assert.ok(num('SELECT count(*) FROM post_mentions') > 0);
  assert.ok(num('SELECT count(*) FROM post_likes WHERE user_id = 4') >= 500, 'person 4 likes every 20th post');
  assert.equal(num(`SELECT count(*) FROM posts p
    WHERE like_count <> (SELECT count(*) FROM post_likes l WHERE l.post_id = p.id)`), 0, 'like counts add up');
  assert.ok(num('SELECT count(*) FROM post_tags') >= 10000);
});

test('the home reader follows 200 people and 20 tags; the rollups equal a rebuild', () => {
  assert.equal(num('SELECT count(*) FROM follows WHERE follower_id = 1'), 200);
  assert.equal(num('SELECT count(*) FROM tag_follows WHERE user_id = 1'), 20);
  const snapshot = (t) => sql(`SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM ${t} x`);
  const before = ['report_units', 'report_cells'].map(snapshot);
  sql('SELECT report_rebuild()');
  assert.deepEqual(['report_units', 'report_cells'].map(snapshot), before);
});

test('the bearer tokens it wrote are stored hashed, one per benchmark role', () => {
  const tokens = Object.fromEntries(readFileSync(`${dir}/tokens.env`, 'utf8').trim().split('\n')
    .map((l) => l.split(/=(.*)/s).slice(0, 2)));
  for (const [role, uid] of [['ADMIN', 1], ['ANALYST', 2], ['CM', 3], ['USER', 4]]) {
    const token = tokens[`BENCH_TOKEN_${role}`];
    assert.match(token, /^pat_[A-Za-z0-9_-]{43}$/);
    assert.equal(num(`SELECT count(*) FROM api_tokens WHERE user_id = ${uid} AND revoked_at IS NULL
      AND token_hash = '${blake2b256(token)}'`), 1, `${role}'s token is stored as its BLAKE2b-256`);
  }
  assert.match(tokens.BENCH_WEBHOOK_SECRET, /.{16,}/);
});

// BLAKE2b-256 in hex, as app/secret.c secret_token_hash stores a token
// (node's crypto has only blake2b512).
function blake2b256(text) {
  return execFileSync('python3', ['-c',
    'import hashlib,sys; print(hashlib.blake2b(sys.argv[1].encode(), digest_size=32).hexdigest())', text],
  { encoding: 'utf8' }).trim();
}
