#!/usr/bin/env node
// `make bench-experts`: how well the expert finder names the person who
// actually answered. A Stack Exchange dump is imported (build/se_import);
// for a deterministic sample of questions with an accepted answer whose
// author has at least two answers, the accepted answers are moved aside
// (copied to a side table and deleted, so no query can see them); then, for
// each question, GET /api/v1/experts?q=<title>&limit=5 is asked and we
// report how often the hidden answer's author is in the top 5 (recall@5),
// first (recall@1), and the mean reciprocal rank (MRR@5), beside a
// popularity baseline (the same 5 people with most accepted answers, for
// every question), plus p50/p95 latency of the experts call and of
// GET /api/v1/search?q=<title>. Figures, not pass/fail. The moved answers
// are put back at the end.
//
// By default everything runs on a throwaway cluster (var/bench-experts-pg,
// database parley_experts, recreated each run) and a Parley started here.
// Environment:
//   BENCH_SE_DIR     dump directory (default: the shared history.meta dump)
//   BENCH_SAMPLE     questions in the sample (default 100)
//   BENCH_PORT       HTTP port of the Parley started here (default 18890)
//   BENCH_PG_PORT    port of the throwaway cluster (default 55497)
//   PARLEY_DATABASE  use this (migrated) database instead; the dump goes into
//                    a new community under a new site name, so nothing
//                    already there is touched
//   PARLEY_URL       with PARLEY_DATABASE: a Parley already serving it
//   BENCH_VERBOSE=1  list the misses
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { cpus, totalmem } from 'node:os';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = process.env.BENCH_SE_DIR ?? '/work/shared/data/stackexchange-history-meta';
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 100);
const PORT = Number(process.env.BENCH_PORT ?? 18890);
const PG_PORT = Number(process.env.BENCH_PG_PORT ?? 55497);
const PG_DATA = join(ROOT, 'var/bench-experts-pg');
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const run = randomBytes(3).toString('hex');

const given = process.env.PARLEY_DATABASE;
const DB = given ?? `host=127.0.0.1 port=${PG_PORT} dbname=parley_experts user=postgres`;
const URL_BASE = (given && process.env.PARLEY_URL) || `http://127.0.0.1:${PORT}`;
const COMMUNITY = given ? `bench-experts-${run}` : 'history-meta';
const SITE = given ? `bench${run}` : 'history.meta';

const cleanups = [];
const log = (...a) => console.error('bench-experts:', ...a);

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' }, ...opts });
}
function sql(statement) {
  return sh('psql', [DB, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', statement]).trim();
}
const sqlJson = (statement) => JSON.parse(sql(`SELECT coalesce(json_agg(t), '[]') FROM (${statement}) t`));

function freshDatabase() {
  sh('tools/pg.sh', ['start', PG_DATA, String(PG_PORT)]);
  cleanups.push(() => sh('tools/pg.sh', ['stop', PG_DATA]));
  sh('psql', ['-X', '-q', '-h', '127.0.0.1', '-p', String(PG_PORT), '-U', 'postgres', '-d', 'postgres',
    '-c', 'DROP DATABASE IF EXISTS parley_experts']);
  sh('tools/pg.sh', ['createdb', String(PG_PORT), 'parley_experts']);
  sh('tools/migrate.sh', [String(PG_PORT), 'parley_experts']);
}

function importDump() {
  const t0 = performance.now();
  const r = spawnSync(join(ROOT, 'build/se_import'),
    ['--db', DB, '--dir', DIR, '--community', COMMUNITY, '--site', SITE, '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`se_import failed:\n${r.stderr}`);
  const res = JSON.parse(r.stdout);
  log(`imported ${res.questions.created} questions, ${res.answers.created} answers, `
    + `${res.users.created} people in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}

// The sample: questions of the community with an accepted answer whose
// author wrote at least two answers there, in a fixed pseudo-random order
// (md5 of the external id), so every run asks the same questions.
function pickSample() {
  return sqlJson(`
    SELECT q.id, q.title, a.id AS answer_id, a.author_id, u.handle
      FROM questions q
      JOIN communities c ON c.id = q.community_id AND c.slug = '${COMMUNITY}'
      JOIN answers a ON a.id = q.accepted_answer_id AND a.deleted_at IS NULL
      JOIN users u ON u.id = a.author_id
     WHERE (SELECT count(*) FROM answers b JOIN questions bq ON bq.id = b.question_id
             WHERE b.author_id = a.author_id AND bq.community_id = c.id
               AND b.deleted_at IS NULL) >= 2
     ORDER BY md5(q.external_id)
     LIMIT ${SAMPLE}`);
}

// Moves the accepted answers aside: copied to a side table, then deleted
// (their questions' accepted_answer_id goes NULL by the foreign key), so no
// query of the finder can see them, whatever it filters on.
function hideAnswers(ids) {
  const list = ids.join(',');
  sql(`DROP TABLE IF EXISTS bench_hidden_answers;
    CREATE TABLE bench_hidden_answers AS SELECT * FROM answers WHERE id IN (${list});
    DELETE FROM answers WHERE id IN (${list});
    UPDATE questions q SET answer_count = answer_count - 1
      WHERE id IN (SELECT question_id FROM bench_hidden_answers) AND answer_count > 0`);
  cleanups.push(restoreAnswers);
  // A finder that keeps a materialised model must not remember them.
  for (const v of sql("SELECT schemaname || '.' || matviewname FROM pg_matviews").split('\n').filter(Boolean)) {
    sql(`REFRESH MATERIALIZED VIEW ${v}`);
  }
}

function restoreAnswers() {
  const cols = sql(`SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
    FROM information_schema.columns
    WHERE table_name = 'answers' AND table_schema = 'public' AND is_generated = 'NEVER'`);
  sql(`INSERT INTO answers (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM bench_hidden_answers;
    UPDATE questions q SET accepted_answer_id = h.id, answer_count = answer_count + 1
      FROM bench_hidden_answers h WHERE q.id = h.question_id;
    DROP TABLE bench_hidden_answers`);
  log('the hidden answers are back');
}

// The five authors with most answers of the community matching cond
// (SQL over questions q and answers a; written here, never from input).
function topFive(cond) {
  return sqlJson(`
    SELECT a.author_id, min(u.handle) AS handle, count(*) AS n
      FROM questions q JOIN answers a ON a.question_id = q.id
      JOIN communities c ON c.id = q.community_id AND c.slug = '${COMMUNITY}'
      JOIN users u ON u.id = a.author_id
     WHERE a.deleted_at IS NULL AND ${cond}
     GROUP BY a.author_id ORDER BY count(*) DESC, a.author_id LIMIT 5`);
}

async function startParley() {
  if (given && process.env.PARLEY_URL) return;
  const out = openSync(join(ROOT, 'var/bench-experts-kore.log'), 'w');
  const kore = spawn('kore', ['-f', '-q', '-n', '-r', '-c', `var/parley-${PORT}.conf`],
    { cwd: ROOT, env: { ...process.env, PARLEY_DATABASE: DB }, stdio: ['ignore', out, out] });
  cleanups.push(() => new Promise((done) => {
    kore.once('exit', done);
    kore.kill('SIGTERM');
  }));
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${URL_BASE}/healthz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Parley did not start on ${URL_BASE} (see var/bench-experts-kore.log)`);
}

async function call(method, path, { json, token, cookie, csrf } = {}) {
  const headers = {};
  if (json) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  if (cookie) headers.cookie = cookie;
  if (csrf) headers['x-csrf-token'] = csrf;
  const t0 = performance.now();
  const res = await fetch(URL_BASE + path, { method, headers, body: json ? JSON.stringify(json) : undefined });
  const text = await res.text();
  const ms = performance.now() - t0;
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body, text, ms, headers: res.headers };
}

// A bearer token of a new account (the finder's routes need one).
async function bearer() {
  const handle = `bench_${run}`;
  const password = 'correct horse battery staple';
  const reg = await call('POST', '/api/v1/auth/register',
    { json: { handle, email: `${handle}@example.com`, password, display_name: 'Bench' } });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${reg.text}`);
  const login = await call('POST', '/api/v1/auth/login', { json: { login: handle, password } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('parley_session=')).split(';')[0];
  const tok = await call('POST', '/api/v1/me/tokens', { json: { name: 'bench' }, cookie, csrf: login.body.csrf_token });
  if (tok.status !== 201) throw new Error(`token: ${tok.status} ${tok.text}`);
  return tok.body.token;
}

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

// recall@1, recall@5 and MRR@5 of ranked lists of user ids.
function score(rows) {
  const n = rows.length;
  let r1 = 0, r5 = 0, mrr = 0;
  for (const { rank } of rows) {
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 5) { r5++; mrr += 1 / rank; }
  }
  return n ? { r1: r1 / n, r5: r5 / n, mrr: mrr / n } : null;
}

async function evaluate(sample, token, baselines) {
  const finder = [], latExperts = [], latSearch = [], errors = new Map();
  const ranked = new Map(baselines.map((b) => [b.name, []]));
  for (const q of sample) {
    const title = encodeURIComponent(q.title);
    const e = await call('GET', `/api/v1/experts?q=${title}&limit=5`, { token });
    latExperts.push(e.ms);
    if (e.status === 200 && Array.isArray(e.body?.items)) {
      const ids = e.body.items.map((it) => it.user?.id);
      finder.push({ q, rank: ids.indexOf(q.author_id) + 1, got: e.body.items.map((it) => it.user?.handle) });
    } else {
      const key = `${e.status} ${e.body?.error?.message ?? e.text.slice(0, 80)}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
    for (const b of baselines) {
      ranked.get(b.name).push({ q, rank: b.top5.findIndex((p) => p.author_id === q.author_id) + 1 });
    }
    const s = await call('GET', `/api/v1/search?q=${title}`, { token });
    latSearch.push(s.ms);
    if (s.status !== 200) {
      const key = `search: ${s.status} ${s.body?.error?.message ?? s.text.slice(0, 80)}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  }
  return { finder, baselines: ranked, latExperts, latSearch, errors };
}

function report(sample, baselines, r) {
  const f = (x, w) => (x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(3)).padStart(w);
  const ms = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(1)).padStart(6);
  const line = (name, s, n) => console.log(`| ${name.padEnd(46)} | ${f(s?.r1 ?? null, 8)} | `
    + `${f(s?.r5 ?? null, 8)} | ${f(s?.mrr ?? null, 6)} | ${String(n).padStart(4)} |`);
  console.log(`machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; dump ${DIR}`);
  console.log(`sample: ${sample.length} questions with an accepted answer whose author has >= 2 answers;`
    + ' those accepted answers hidden');
  console.log();
  console.log(`| method                                         | recall@1 | recall@5 |  MRR@5 |    n |`);
  console.log('|------------------------------------------------|----------|----------|--------|------|');
  line('expert finder (GET /api/v1/experts?q=title)', score(r.finder), r.finder.length);
  for (const b of baselines) {
    line(b.name, score(r.baselines.get(b.name)), r.baselines.get(b.name).length);
    console.log(`  (${b.top5.map((p) => `${p.handle} ${p.n}`).join(', ')})`);
  }
  console.log();
  console.log('| latency, sequential (ms)                       |    p50 |    p95 |    n |');
  console.log('|------------------------------------------------|--------|--------|------|');
  console.log(`| GET /api/v1/experts?q=title&limit=5            | ${ms(pct(r.latExperts, 50))} | ${ms(pct(r.latExperts, 95))} | ${String(r.latExperts.length).padStart(4)} |`);
  console.log(`| GET /api/v1/search?q=title                     | ${ms(pct(r.latSearch, 50))} | ${ms(pct(r.latSearch, 95))} | ${String(r.latSearch.length).padStart(4)} |`);
  for (const [k, n] of r.errors) console.log(`errors: ${n} x ${k}`);
  if (VERBOSE) {
    for (const m of r.finder.filter((x) => x.rank === 0)) {
      console.log(`miss: "${m.q.title}" answered by ${m.q.handle}; finder: ${m.got.join(', ')}`);
    }
  }
}

async function main() {
  if (!given) freshDatabase();
  importDump();
  const sample = pickSample();
  if (sample.length === 0) throw new Error('no question qualifies for the sample');
  // Popularity baselines: the same five people for every question. The
  // first counts accepted answers over the whole dump, as "the people with
  // most accepted answers overall" (so it knows of the hidden ones: an
  // optimistic baseline); the second counts only the answers the finder
  // can still see.
  const baselines = [
    { name: 'popularity: top 5 by accepted answers overall', top5: topFive('q.accepted_answer_id = a.id') },
  ];
  hideAnswers(sample.map((q) => q.answer_id));
  baselines.push({ name: 'popularity: top 5 by visible answers', top5: topFive('true') });
  await startParley();
  const token = await bearer();
  const r = await evaluate(sample, token, baselines);
  report(sample, baselines, r);
}

let status = 0;
try {
  await main();
} catch (e) {
  log(e.message);
  status = 1;
} finally {
  for (const c of cleanups.reverse()) {
    try { await c(); } catch (e) { log(`cleanup: ${e.message}`); }
  }
}
process.exit(status);
