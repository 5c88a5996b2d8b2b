// POST /api/v1/customer/import?channel={id}: CSV files in the layout of the
// public "Customer Support on Twitter" data set. The 9 real files in the
// shared data set import whole (and again: all duplicates); bad rows are
// reported by record number while good rows import; a missing column is a
// 422 naming it; roles, content type, channel. Big files (made here from
// the real rows, tests/lib/twcs_csv.mjs): 1 MiB + 1 byte (the first size
// Kore keeps in a file; read in 256 KiB pieces), exactly 32 MiB (streams,
// every row imported, threads whole, other requests served meanwhile), a
// client that leaves mid-import (all rolled back), and 32 MiB + 1 byte
// (Kore's own 413).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { api, login, person, assertError, unique, BASE } from '../lib/api.mjs';
import { twcsCsv, TWCS_DIR, TWCS_HEADER } from '../lib/twcs_csv.mjs';
import { execFileSync } from 'node:child_process';
import { fresh } from '../lib/busy.mjs';

const DATA = `${TWCS_DIR}/`;
const HEADER = 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n';

let admin;

async function channel(withSecret = false) {
  const r = await api('POST', '/api/v1/customer/channels', {
    session: admin, json: { name: unique('csv'), kind: 'twitter' },
  });
  assert.equal(r.status, 201, r.text);
  return withSecret ? { id: r.body.channel.id, secret: r.body.webhook_secret } : r.body.channel.id;
}

const importCsv = (who, ch, raw, opts = {}) =>
  api('POST', `/api/v1/customer/import?channel=${ch}`, { session: who, raw, contentType: 'text/csv', ...opts });

before(async () => {
  admin = await login('founder');
});

// file, rows, rows without in_response_to_tweet_id (each opens a conversation)
const FILES = [
  ['twcs-AmazonHelp-100-outbound.csv', 68, 1],
  ['twcs-AmazonHelp-200-inbound.csv', 134, 134],
  ['twcs-AmazonHelp-preprocessed-183.csv', 131, 20],
  ['twcs-AppleSupport-100-outbound.csv', 72, 0],
  ['twcs-AppleSupport-200-inbound.csv', 134, 134],
  ['twcs-AppleSupport-preprocessed-116.csv', 76, 16],
  ['twcs-SpotifyCares-100-outbound.csv', 57, 0],
  ['twcs-SpotifyCares-200-inbound.csv', 143, 143],
  ['twcs-SpotifyCares-preprocessed-56.csv', 38, 11],
];

describe('POST /api/v1/customer/import: the 9 real files', () => {
  for (const [name, rows, roots] of FILES) {
    const skip = existsSync(DATA + name) ? false : `${DATA} is not here`;
    test(`${name}: ${rows} imported, ${roots} conversations; again: all duplicates`, { skip }, async () => {
      const ch = await channel();
      const body = readFileSync(DATA + name);
      const r = await importCsv(admin, ch, body);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { imported: rows, duplicates: 0, conversations: roots, rejected: [], rejected_total: 0 });
      const again = await importCsv(admin, ch, body);
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.body, { imported: 0, duplicates: rows, conversations: 0, rejected: [], rejected_total: 0 });
    });
  }
});

describe('POST /api/v1/customer/import: rows', () => {
  test('twcs layout: quoted newlines, float ids, True/False, both dates; replies thread', async () => {
    const ch = await channel();
    const csv = 'author_id,extra,tweet_id,inbound,created_at,text,in_response_to_tweet_id\r\n' +
      '115712,x,119237.0,True,Tue Oct 31 22:10:47 +0000 2017,"My order ""never"" came,\nhelp",\r\n' +
      'AmazonHelp,y,119238,False,2017-10-31T22:30:00Z,@115712 Sorry! DM us.,119237.0\r\n' +
      '\r\n' +
      'AmazonHelp,z,119239,0,2017-10-31 23:00:00+00:00,"@115712 Anything else?",119238';
    const r = await importCsv(admin, ch, csv);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { imported: 3, duplicates: 0, conversations: 1, rejected: [], rejected_total: 0 });
  });

  test('bad rows are listed by record number (header = 1); good rows import', async () => {
    const ch = await channel();
    const csv = HEADER +
      '1001,a,1,2017-10-31T10:00:00Z,first,,\n' + // 2
      '1002.5,a,1,2017-10-31T10:00:00Z,bad id,,\n' + // 3
      '1003,a,maybe,2017-10-31T10:00:00Z,bad inbound,,\n' + // 4
      '"1004",a,1,"two\nlines",ok text,,\n' + // 5 (bad date; spans two lines)
      '1005,a,0,Tue Oct 31 22:10:47 +0000 2017,"fine\nreply",,1001\n' + // 6
      '1006,a,1,2017-10-31T10:00:00Z,\xff\xfe not utf-8,,\n' + // 7 (replaced below)
      '1007,a,1\n' + // 8
      '1008,a,1,2017-10-31T10:00:00Z,,,\n' + // 9
      '1009,a,1,2017-10-31T10:00:00Z,last,,\n'; // 10
    const bytes = Buffer.from(csv.replace('\xff\xfe', 'XX'), 'utf8');
    const at = bytes.indexOf('XX');
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    const r = await importCsv(admin, ch, bytes);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.imported, 3);
    assert.equal(r.body.conversations, 2);
    assert.deepEqual(r.body.rejected.map((x) => x.row), [3, 4, 5, 7, 8, 9]);
    assert.equal(r.body.rejected_total, 6);
    for (const x of r.body.rejected) assert.equal(typeof x.reason, 'string');
    assert.match(r.body.rejected[0].reason, /tweet_id/);
    assert.match(r.body.rejected[1].reason, /inbound/);
    assert.match(r.body.rejected[2].reason, /created_at/);
    assert.match(r.body.rejected[3].reason, /UTF-8/);
    assert.ok(!JSON.stringify(r.body.rejected).includes('bad id'), 'reasons never quote the row');
  });

  test('hostile input: unterminated quote, NUL byte, long field', async () => {
    const ch = await channel();
    const big = 'x'.repeat(20000);
    const csv = HEADER +
      '2001,a,1,2017-10-31T10:00:00Z,ok,,\n' +
      `2002,a,1,2017-10-31T10:00:00Z,${big},,\n` +
      '2003,a,1,2017-10-31T10:00:00Z,nul\0byte,,\n' +
      '2004,a,1,2017-10-31T10:00:00Z,"never closed\n2005,a,1,2017-10-31T10:00:00Z,lost,,\n';
    const r = await importCsv(admin, ch, csv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.imported, 1);
    assert.deepEqual(r.body.rejected.map((x) => x.row), [3, 4, 5]);
  });

  test('duplicates inside one file count once', async () => {
    const ch = await channel();
    const line = '3001,a,1,2017-10-31T10:00:00Z,same,,\n';
    const r = await importCsv(admin, ch, HEADER + line + line);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.imported, 1);
    assert.equal(r.body.duplicates, 1);
  });
});

describe('POST /api/v1/customer/import: refusals', () => {
  let ch;
  before(async () => { ch = await channel(); });

  test('a missing required column is a 422 naming it; nothing is written', async () => {
    const r = await importCsv(admin, ch, 'tweet_id,author_id,created_at,text,in_response_to_tweet_id\n1,a,2017-10-31,hi,\n');
    assertError(r, 422, undefined, 'inbound');
    assertError(await importCsv(admin, ch, ''), 422, undefined, 'tweet_id');
  });

  test('wrong content type: 415', async () => {
    assertError(await importCsv(admin, ch, HEADER, { contentType: 'application/json' }), 415);
  });

  test('employees: 403; anonymous: 401; community managers may', async () => {
    const e = await person();
    assertError(await importCsv(e.session, ch, HEADER), 403);
    assertError(await api('POST', `/api/v1/customer/import?channel=${ch}`, { raw: HEADER, contentType: 'text/csv' }), 401);
    const cm = await person();
    const p = await api('PATCH', `/api/v1/admin/users/${cm.handle}`, { session: admin, json: { role: 'community_manager' } });
    assert.equal(p.status, 200, p.text);
    const r = await importCsv(cm.session, ch, HEADER + '4001,a,1,2017-10-31T10:00:00Z,cm,,\n');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.imported, 1);
  });

  test('unknown channel: 404; a malformed or missing one: 400', async () => {
    assertError(await importCsv(admin, 999999999, HEADER), 404);
    assertError(await importCsv(admin, 'abc', HEADER), 400, undefined, 'channel');
    assertError(await api('POST', '/api/v1/customer/import', { session: admin, raw: HEADER, contentType: 'text/csv' }), 400);
  });

  test('GET: 405; missing CSRF: 403', async () => {
    assert.equal((await api('GET', `/api/v1/customer/import?channel=${ch}`, { session: admin })).status, 405);
    assertError(await importCsv(admin, ch, HEADER, { csrf: false }), 403);
  });
});

// A signed webhook delivery of messages to a channel {id, secret}.
function deliver(ch, messages) {
  const raw = JSON.stringify(messages);
  const sig = 'sha256=' + createHmac('sha256', ch.secret).update(raw).digest('hex');
  return fresh('POST', `/api/v1/customer/channels/${ch.id}/messages`,
    { headers: { 'content-type': 'application/json', 'x-parley-signature': sig }, body: raw });
}

const live = (id) => ({ external_id: id, direction: 'inbound', author: '@live', text: `live ${id}`, sent_at: '2026-01-01T10:00:00Z' });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('POST /api/v1/customer/import: big files', () => {
  test('1 MiB + 1 byte, read in 256 KiB pieces: a quoted "" and a CRLF split between pieces, an invalid UTF-8 row rejected alone', async () => {
    const PIECE = 256 * 1024;
    const head = twcsCsv(PIECE - 300);
    let csv = head.csv.toString('latin1'); // bytes as they are
    let rows = head.rows, record = 1 + head.rows;
    // A root whose quoted text has its "" escape across the first piece
    // boundary (the first quote the last byte of the piece).
    const marker = unique('split');
    const pre = `900000001,cust1,True,2017-10-31T10:00:00Z,"${marker} `;
    const pad = 'p'.repeat(PIECE - 1 - csv.length - pre.length);
    csv += `${pre}${pad}""quoted"" and\nmore",,\n`;
    assert.equal(csv.indexOf('""quoted'), PIECE - 1);
    const splitText = `${marker} ${pad}"quoted" and\nmore`;
    rows++; record++;
    // Rows up to the second boundary, the last one ending in CRLF with the
    // CR the last byte of the piece.
    const filler = (id, len) => `${id},cust2,False,2017-10-31T11:00:00Z,${'f'.repeat(len)},,`;
    while (csv.length < 2 * PIECE - 200) { csv += filler(900001000 + record, 80) + '\n'; rows++; record++; }
    const last = filler(900001000 + record, 0);
    csv += filler(900001000 + record, 2 * PIECE - 1 - csv.length - last.length) + '\r\n';
    assert.equal(csv[2 * PIECE - 1], '\r');
    rows++; record++;
    // One row of bad UTF-8, then good rows to just past 1 MiB.
    const badRecord = ++record;
    csv += '900000002,cust3,True,2017-10-31T12:00:00Z,caf\xe9 \xff,,\n';
    while (csv.length < 1024 * 1024 + 1 - 100) { csv += filler(900001000 + record, 60) + '\n'; rows++; record++; }
    csv += '\n'.repeat(1024 * 1024 + 1 - csv.length);
    const body = Buffer.from(csv, 'latin1');
    assert.equal(body.length, 1024 * 1024 + 1);

    const ch = await channel();
    const r = await importCsv(admin, ch, body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.imported, rows);
    assert.equal(r.body.duplicates, 0);
    assert.deepEqual(r.body.rejected, [{ row: badRecord, reason: 'The row is not valid UTF-8.' }]);
    assert.equal(r.body.rejected_total, 1);
    // The split field came out whole.
    const list = await api('GET', `/api/v1/customer/conversations?channel=${ch}&q=${marker}`, { session: admin });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.items.length, 1);
    const one = await api('GET', `/api/v1/customer/conversations/${list.body.items[0].id}`, { session: admin });
    assert.equal(one.body.messages[0].text, splitText);
  });

  test('exactly 32 MiB of real rows streams in: every row imported, threads whole; other channels served meanwhile; again: all duplicates',
    { timeout: 300_000 }, async (t) => {
      const big = twcsCsv(32 * 1024 * 1024, { exact: true });
      assert.equal(big.csv.length, 32 * 1024 * 1024);
      const ch = await channel(true), other = await channel(true);
      const started = performance.now();
      let done = false;
      const imp = importCsv(admin, ch.id, big.csv).finally(() => { done = true; });
      // While it runs (in a task thread: the workers stay free): /healthz,
      // a delivery to another channel, and one to the importing channel
      // (which waits at most 2 s for the import's lock, then says 503:
      // nothing stored, the sender retries).
      const health = [], others = [], same = [];
      let secondTried = false;
      for (let i = 0; !done; i++) {
        // One after the other: a delivery waiting for the channel holds
        // its worker meanwhile.
        const h = await fresh('GET', '/healthz');
        const o = await deliver(other, [live(`o${i}`)]);
        const s = await deliver(ch, [live(`s${i}`)]);
        health.push(h.ms);
        assert.equal(h.status, 200);
        assert.equal(o.status, 200, o.text);
        others.push(o.ms);
        assert.ok(s.status === 200 || s.status === 503, `same channel: ${s.status} ${s.text}`);
        same.push(s);
        if (s.status === 503 && !secondTried) {
          secondTried = true;
          // A second import of the channel waits as long, then says so.
          const second = await importCsv(admin, ch.id, HEADER + '5001,a,1,2017-10-31T10:00:00Z,second,,\n');
          assertError(second, 503);
          assert.equal(second.headers.get('retry-after'), '2');
        }
        await new Promise((res) => setTimeout(res, 250));
      }
      const r = await imp;
      const seconds = (performance.now() - started) / 1000;
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { imported: big.rows, duplicates: 0, conversations: big.conversations, rejected: [], rejected_total: 0 });
      t.diagnostic(`32 MiB: ${big.rows} rows in ${seconds.toFixed(1)} s (${Math.round(big.rows / seconds)} rows/s); ` +
        `meanwhile /healthz median ${median(health).toFixed(0)} ms (max ${Math.max(...health).toFixed(0)}), ` +
        `another channel's delivery median ${median(others).toFixed(0)} ms (max ${Math.max(...others).toFixed(0)}), ` +
        `same channel: ${same.filter((x) => x.status === 503).length} of ${same.length} answered 503 ` +
        `(median ${median(same.map((x) => x.ms)).toFixed(0)} ms)`);
      // A delivery that was told 503 stored nothing: sent again, it is new.
      for (const [i, s] of same.entries()) {
        const again = await deliver(ch, [live(`s${i}`)]);
        assert.equal(again.status, 200, again.text);
        assert.equal(JSON.parse(again.text).accepted, s.status === 503 ? 1 : 0, `delivery s${i} (first ${s.status})`);
      }
      // The longest real thread (of the first copy) is one conversation.
      const q = encodeURIComponent(big.sample.subject.slice(0, 40));
      const list = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}&q=${q}&limit=100`, { session: admin });
      assert.equal(list.status, 200, list.text);
      const conv = list.body.items.find((c) => c.subject === big.sample.subject && c.opened_at === big.sample.opened_at);
      assert.ok(conv, `conversation ${big.sample.opened_at} "${big.sample.subject}"`);
      assert.equal(conv.message_count, big.sample.ids.length);
      const one = await api('GET', `/api/v1/customer/conversations/${conv.id}`, { session: admin });
      assert.deepEqual(one.body.messages.map((m) => m.external_id).sort(), big.sample.ids);

      const t2 = performance.now();
      const again = await importCsv(admin, ch.id, big.csv);
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.body, { imported: 0, duplicates: big.rows, conversations: 0, rejected: [], rejected_total: 0 });
      t.diagnostic(`re-import (all duplicates): ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    });

  test('a client that goes away mid-import: everything rolled back, the channel free again', { timeout: 120_000 }, async () => {
    const big = twcsCsv(12 * 1024 * 1024);
    const ch = await channel(true);
    assert.equal((await deliver(ch, [live('before')])).status, 200);
    const req = request(`${BASE}/api/v1/customer/import?channel=${ch.id}`, {
      method: 'POST', agent: false,
      headers: { 'content-type': 'text/csv', cookie: `parley_session=${admin.cookie}`, 'x-csrf-token': admin.csrf },
    });
    const imp = new Promise((resolve) => {
      req.on('response', (res) => resolve(new Error(`answered ${res.statusCode}`)));
      req.on('error', (e) => resolve(e));
    });
    // Cut off 300 ms after the upload: the import (seconds) is under way.
    req.end(big.csv, () => setTimeout(() => req.destroy(), 300));
    assert.match((await imp).message, /socket hang up|aborted|ECONNRESET/, 'the import was cut off');
    // The task stops at its next batch and rolls back: the channel takes
    // deliveries again, and holds nothing of the file.
    let r;
    for (let i = 0; i < 100; i++) {
      r = await deliver(ch, [live('after')]);
      if (r.status === 200) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.equal(r.status, 200, r.text);
    const list = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}&limit=100`, { session: admin });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items.map((c) => c.subject).sort(), ['live after', 'live before']);
    // It had stored rows: their conversations took ids, then went away.
    const [after, before] = list.body.items;
    assert.ok(after.id - before.id > 1000, `ids ${before.id} .. ${after.id}`);
    assert.equal((await fresh('GET', '/healthz')).status, 200);
  });

  test('32 MiB + 1 byte: 413 from Kore itself, before our code (a bare 413: no JSON envelope)', async () => {
    const ch = await channel();
    const size = 32 * 1024 * 1024 + 1;
    const body = Buffer.concat([Buffer.from(TWCS_HEADER), Buffer.alloc(size - TWCS_HEADER.length, '\n')]);
    // Kore answers on the headers and closes the connection: a client
    // still sending the body may see the reset before the answer, so this
    // one asks first (Expect: 100-continue) and sends the body only if
    // told to go on.
    const r = await new Promise((resolve, reject) => {
      const req = request(`${BASE}/api/v1/customer/import?channel=${ch}`, {
        method: 'POST', agent: false,
        headers: { 'content-type': 'text/csv', 'content-length': size, expect: '100-continue',
          cookie: `parley_session=${admin.cookie}`, 'x-csrf-token': admin.csrf },
      }, (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], text }));
      });
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    assert.equal(r.status, 413, r.text);
    assert.equal(r.type, undefined);
    // The channel is untouched.
    const list = await api('GET', `/api/v1/customer/conversations?channel=${ch}`, { session: admin });
    assert.deepEqual(list.body.items, []);
  });
});

describe('POST /api/v1/customer/import: many at once', () => {
  test('six imports at once: at most 2 run per worker (the others wait their turn), all answered in full', { timeout: 180_000 }, async (t) => {
    const file = twcsCsv(3 * 1024 * 1024);
    const chs = await Promise.all(Array.from({ length: 6 }, () => channel()));
    // A running import holds its channel's advisory lock (905, channel) for
    // its whole transaction: the locks held say how many run.
    const ids = chs.join(',');
    const running = () => Number(execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-c',
      `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 905 AND objid IN (${ids}) AND granted`],
      { encoding: 'utf8' }).trim());
    let settled = 0;
    const all = chs.map((ch) => importCsv(admin, ch, file.csv).finally(() => { settled++; }));
    const seen = [];
    while (settled < all.length) {
      seen.push(running());
      await new Promise((res) => setTimeout(res, 100));
    }
    const rs = await Promise.all(all);
    for (const r of rs) {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.body.imported, r.body.duplicates, r.body.conversations], [file.rows, 0, file.conversations]);
    }
    t.diagnostic(`imports running, sampled every 100 ms: ${seen.join(' ')}`);
    // Two workers (the test configuration) x BGTASK_RUNNING_MAX.
    assert.ok(Math.max(...seen) <= 4, `at most 4 at once, saw ${Math.max(...seen)}`);
    assert.ok(Math.max(...seen) >= 2, 'they did run side by side');
  });
});
