// The load generator of bench/webhook.sh (which starts a private Parley and
// passes BENCH_URL and BENCH_WORKERS, the pids of its workers).
//
// Webhook scenarios: BENCH_CONNECTIONS keep-alive connections (default 8)
// send signed deliveries back to back for BENCH_SECONDS (default 10) each;
// messages/s counts the messages the server answered for (accepted or,
// for replays, duplicates). Messages are the real rows of the shared
// "Customer Support on Twitter" set (or rows in its layout when it is
// absent) with fresh ids, threaded as in the data (about 40% are replies to
// tweets that never come: orphans that stay, as in real traffic).
// Then a CSV import of BENCH_CSV_MIB (default 32) MiB of the same rows:
// seconds, rows/s, the importing worker's peak RSS, /healthz meanwhile.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { twcsRows, twcsCsv } from '../tests/lib/twcs_csv.mjs';

const BASE = process.env.BENCH_URL ?? 'http://127.0.0.1:18889';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const CSV_MIB = Number(process.env.BENCH_CSV_MIB ?? 32);
const WORKERS = (process.env.BENCH_WORKERS ?? '').trim().split(/\s+/).filter(Boolean);
const agent = new Agent({ keepAlive: true, maxSockets: CONNS });

// One HTTP request: {status, text, ms}. fresh: a connection of its own.
function http(method, path, { headers = {}, body, fresh = false } = {}) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(BASE + path, { method, headers, agent: fresh ? false : agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString(), ms: performance.now() - t }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const json = (method, path, body, headers = {}) =>
  http(method, path, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
    .then((r) => ({ ...r, body: r.text ? JSON.parse(r.text) : null }));

// An admin (the first account of the fresh database), signed in.
const handle = `bench_${process.pid}`;
const password = 'correct horse battery staple';
let r = await json('POST', '/api/v1/auth/register', { handle, email: `${handle}@example.com`, password, display_name: 'Bench' });
if (r.status !== 201) throw new Error(`register: ${r.text}`);
const signin = await new Promise((resolve, reject) => {
  const req = request(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
    const chunks = [];
    res.on('data', (d) => chunks.push(d));
    res.on('end', () => resolve({ res, body: JSON.parse(Buffer.concat(chunks).toString()) }));
  });
  req.on('error', reject);
  req.end(JSON.stringify({ login: handle, password }));
});
const admin = {
  cookie: signin.res.headers['set-cookie'].find((c) => c.startsWith('parley_session=')).split(';')[0],
  'x-csrf-token': signin.body.csrf_token,
};
const authed = (method, path, body, contentType = 'application/json') =>
  http(method, path, { headers: { 'content-type': contentType, ...admin },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });

async function newChannel(name) {
  const res = await authed('POST', '/api/v1/customer/channels', { name, kind: 'twitter' });
  if (res.status !== 201) throw new Error(`channel: ${res.text}`);
  const b = JSON.parse(res.text);
  return { id: b.channel.id, secret: b.webhook_secret };
}

// Messages in the webhook's shape, from the real rows: copy k of row i gets
// the external id `${k}-${i}`, its parent the same copy's id of its parent.
const src = twcsRows();
const index = new Map(src.map((x, i) => [x.id, i]));
let serial = 0;
function messages(n) {
  const out = [];
  for (let j = 0; j < n; j++, serial++) {
    const k = Math.floor(serial / src.length), row = src[serial % src.length];
    const parent = row.parent ? `${k}-${index.get(row.parent) ?? `x${row.parent}`}` : undefined;
    out.push({ external_id: `${k}-${serial % src.length}`, in_reply_to_external_id: parent,
      direction: row.inbound ? 'inbound' : 'outbound', author: row.author, text: row.text,
      sent_at: new Date(row.at + k * 3600000).toISOString().replace('.000Z', 'Z') });
  }
  return out;
}
function signed(ch, msgs) {
  const raw = JSON.stringify(msgs.length === 1 ? msgs[0] : msgs);
  return { ch, raw, count: msgs.length,
    sig: 'sha256=' + createHmac('sha256', ch.secret).update(raw).digest('hex') };
}
const deliver = (d) => http('POST', `/api/v1/customer/channels/${d.ch.id}/messages`,
  { headers: { 'content-type': 'application/json', 'x-parley-signature': d.sig }, body: d.raw });

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN; };

// CONNS loops send next() back to back for SECONDS: {msgs, reqs, errors, p50, p99}.
async function run(next, { replay = false } = {}) {
  const end = performance.now() + SECONDS * 1000;
  const lat = [];
  let msgs = 0, reqs = 0, errors = 0, wrong = 0;
  const sent = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNS }, async () => {
    while (performance.now() < end) {
      const d = next();
      if (d === null) break;
      const res = await deliver(d);
      reqs++;
      lat.push(res.ms);
      if (res.status !== 200) { errors++; continue; }
      const b = JSON.parse(res.text);
      msgs += b.accepted + b.duplicates;
      if (replay ? b.accepted !== 0 : b.duplicates !== 0) wrong++;
      sent.push(d);
    }
  }));
  const secs = (performance.now() - started) / 1000;
  return { rate: msgs / secs, reqs, errors, wrong, p50: pct(lat, 0.5), p99: pct(lat, 0.99), sent };
}

const rows = [];
const row = (name, x) => {
  rows.push(`| ${name.padEnd(44)} | ${String(Math.round(x.rate)).padStart(9)} | ${String(x.reqs).padStart(6)} | ` +
    `${x.p50.toFixed(1).padStart(7)} | ${x.p99.toFixed(1).padStart(7)} | ${String(x.errors + x.wrong).padStart(6)} |`);
};

const chans = [];
for (let i = 0; i < 5; i++) chans.push(await newChannel(`bench ${i}`));
const one = chans[0], four = chans.slice(1, 5);

// Warm-up (prepared statements, caches): not counted.
for (let i = 0; i < 20; i++) await deliver(signed(chans[4], messages(10)));

const arrays1 = await run(() => signed(one, messages(100)));
row('arrays of 100 new messages, 1 channel', arrays1);
let turn = 0;
const arrays4 = await run(() => signed(four[turn++ % 4], messages(100)));
row('arrays of 100 new messages, 4 channels', arrays4);
const single1 = await run(() => signed(one, messages(1)));
row('single new messages, 1 channel', single1);
const single4 = await run(() => signed(four[turn++ % 4], messages(1)));
row('single new messages, 4 channels', single4);
let at = 0;
const replays = await run(() => arrays1.sent[at++ % arrays1.sent.length], { replay: true });
row('replays of the arrays of 100 (duplicates)', replays);

console.log(`\nwebhook deliveries: ${CONNS} keep-alive connections, ${SECONDS} s per line, messages/s = messages answered for`);
console.log('(accepted, or duplicates for replays); latency per delivery in ms; errors = non-200 answers or wrong counts\n');
console.log('| scenario                                     | messages/s |   reqs |     p50 |     p99 | errors |');
console.log('|----------------------------------------------|-----------:|-------:|--------:|--------:|-------:|');
for (const x of rows) console.log(x);

// The CSV import.
const vmhwm = (pid) => {
  try { return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)[1]); } catch { return NaN; }
};
const rss = (pid) => {
  try { return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]); } catch { return NaN; }
};
const before = Object.fromEntries(WORKERS.map((p) => [p, rss(p)]));
// Resets the peaks (VmHWM) so that they tell the import's own.
for (const p of WORKERS) {
  try { writeFileSync(`/proc/${p}/clear_refs`, '5'); } catch { /* then: the peak since the start */ }
}
const big = twcsCsv(CSV_MIB * 1024 * 1024, { exact: true });
const ch = await newChannel('bench import');
let done = false;
const t0 = performance.now();
const imp = authed('POST', `/api/v1/customer/import?channel=${ch.id}`, big.csv, 'text/csv').finally(() => { done = true; });
// /healthz every 200 ms while the import runs, on a keep-alive connection
// and on new ones (two loops, so that one held up cannot stop the other).
const probe = async (out, fresh) => {
  while (!done) {
    out.push((await http('GET', '/healthz', { fresh })).ms);
    await new Promise((res) => setTimeout(res, 200));
  }
};
const health = [], healthKeepAlive = [];
await Promise.all([probe(healthKeepAlive, false), probe(health, true)]);
const ir = await imp;
const secs = (performance.now() - t0) / 1000;
const ib = JSON.parse(ir.text);
const t1 = performance.now();
const again = JSON.parse((await authed('POST', `/api/v1/customer/import?channel=${ch.id}`, big.csv, 'text/csv')).text);
const secs2 = (performance.now() - t1) / 1000;
console.log(`\nCSV import of ${(big.csv.length / 1048576).toFixed(0)} MiB (${big.rows} real rows, ${big.conversations} conversations), one request:`);
console.log(`  new:        ${secs.toFixed(1)} s, ${Math.round(big.rows / secs)} rows/s (imported ${ib.imported}, rejected ${ib.rejected_total})`);
console.log(`  re-import:  ${secs2.toFixed(1)} s, ${Math.round(big.rows / secs2)} rows/s (duplicates ${again.duplicates})`);
console.log(`  workers' RSS before (KiB): ${WORKERS.map((p) => before[p]).join(' ')}; peak during the imports (VmHWM, KiB): ${WORKERS.map(vmhwm).join(' ')}`);
console.log(`  /healthz during the import (ms): keep-alive connection p50 ${pct(healthKeepAlive, 0.5).toFixed(0)} max ${Math.max(...healthKeepAlive).toFixed(0)}` +
  ` (${healthKeepAlive.length}); new connections p50 ${pct(health, 0.5).toFixed(0)} max ${Math.max(...health).toFixed(0)} (${health.length})`);
agent.destroy();
