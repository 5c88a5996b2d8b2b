// POST /api/v1/customer/import?channel={id}: CSV files in the layout of the
// public "Customer Support on Twitter" data set. The 9 real files in the
// shared data set import whole (and again: all duplicates); bad rows are
// reported by record number while good rows import; a missing column is a
// 422 naming it; roles, content type, channel and a ~32 MiB file.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { api, login, person, assertError, unique } from '../lib/api.mjs';

const DATA = '/work/shared/data/customer-support-twitter/';
const HEADER = 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n';

let admin;

async function channel() {
  const r = await api('POST', '/api/v1/customer/channels', {
    session: admin, json: { name: unique('csv'), kind: 'twitter' },
  });
  assert.equal(r.status, 201, r.text);
  return r.body.channel.id;
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
    test(`${name}: ${rows} imported, ${roots} conversations; again: all duplicates`, async () => {
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
