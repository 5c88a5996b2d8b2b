// Bookmarks (API.md "Bookmarks"): saving (URL rules, the same page twice),
// reading one, the list with its owner/tag/words filters and keyset pages,
// popular links, editing and deleting, and Netscape bookmark files: every
// one of the 20 real exports in the shared data set is imported, and an
// export imported by someone else gives the same bookmarks back. Private
// bookmarks are never shown to anyone but their owner; those a moderator hid
// are placeholders for everyone else. Hidden flags are set directly in the
// database (PARLEY_DATABASE, set by tools/test.sh); moderation.test.mjs
// hides through the API.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { api, person, tokenFor, assertError, BASE } from '../lib/api.mjs';
import { probeWhile } from '../lib/busy.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DATA = '/work/shared/data/netscape-bookmarks';
const MiB = 1024 * 1024;
const TRICKY = '<script>"\\\u2028\u2029 </title>&amp; \'é😀';

const save = (who, json, opts = {}) => api('POST', '/api/v1/bookmarks', { session: who.session, json, ...opts });
const getOne = (who, id) => api('GET', `/api/v1/bookmarks/${id}`, { session: who.session });
const patch = (who, id, json, opts = {}) => api('PATCH', `/api/v1/bookmarks/${id}`, { session: who.session, json, ...opts });
const remove = (who, id, opts = {}) => api('DELETE', `/api/v1/bookmarks/${id}`, { session: who.session, ...opts });
const list = (who, qs = '') => api('GET', `/api/v1/bookmarks${qs}`, { session: who.session });
const popular = (who, qs = '') => api('GET', `/api/v1/bookmarks/popular${qs}`, { session: who.session });
const importFile = (who, raw, opts = {}) =>
  api('POST', '/api/v1/bookmarks/import', { session: who.session, raw, contentType: 'text/html', ...opts });
const exportFile = (who) => api('GET', '/api/v1/bookmarks/export', { session: who.session });

const newUrl = (path = '') => `https://x${randomBytes(6).toString('hex')}.example.net/${path}`;
const file = (name) => readFileSync(`${DATA}/${name}`);

// POSTs only the request headers and resolves with the status of the
// answer that comes back before any body is sent.
function headersOnly(path, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${BASE}${path}`, { method: 'POST', headers });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
      req.destroy();
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

function sql(statement) {
  assert.ok(process.env.PARLEY_DATABASE, 'PARLEY_DATABASE names the test database');
  return execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1',
    '-c', statement], { encoding: 'utf8' }).trim();
}

async function saved(who, json) {
  const r = await save(who, { title: 'A page', ...json });
  assert.equal(r.status, 201, r.text);
  return r.body.bookmark;
}

// Every page of a list (at most maxPages), following next_cursor; asserts
// no bookmark appears twice.
async function all(who, qs = '', limit = 100, maxPages = 1000) {
  const items = [];
  let cursor = null;
  for (let n = 0; n < maxPages; n++) {
    const sep = qs ? '&' : '?';
    const r = await list(who, `${qs}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= limit);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (cursor === null) break;
  }
  assert.equal(new Set(items.map((b) => b.id)).size, items.length, 'no bookmark appears twice');
  return items;
}

const mine = (who, qs = '') => all(who, `?owner=${who.handle}${qs}`);

function assertBookmark(b, label = 'bookmark') {
  assert.deepEqual(Object.keys(b).sort(), ['created_at', 'description', 'hidden', 'id', 'owner', 'private', 'saved_by',
    'tags', 'title', 'url'], `${label}: keys`);
  assert.ok(Number.isInteger(b.id) && b.id > 0, `${label}: id`);
  assert.deepEqual(Object.keys(b.owner).sort(), ['department', 'display_name', 'handle', 'id', 'title'], `${label}: owner`);
  assert.match(b.created_at, RFC3339_UTC, `${label}: created_at`);
  assert.ok(Array.isArray(b.tags), `${label}: tags`);
  assert.equal(typeof b.private, 'boolean');
  assert.equal(typeof b.hidden, 'boolean');
  assert.ok(Number.isInteger(b.saved_by) && b.saved_by >= 1, `${label}: saved_by ${b.saved_by}`);
}

describe('POST /api/v1/bookmarks', () => {
  test('201 {bookmark} with every field; the URL is kept as written, tags lower-cased', async () => {
    const a = await person();
    const url = newUrl('Some/Path?Q=1#frag');
    const r = await save(a, { url, title: 'My page', description: 'Why it matters', tags: ['PostgreSQL', 'howto'] });
    assert.equal(r.status, 201, r.text);
    const b = r.body.bookmark;
    assertBookmark(b);
    assert.equal(b.url, url);
    assert.equal(b.title, 'My page');
    assert.equal(b.description, 'Why it matters');
    assert.deepEqual(b.tags, ['postgresql', 'howto']);
    assert.equal(b.private, false);
    assert.equal(b.hidden, false);
    assert.equal(b.saved_by, 1);
    assert.equal(b.owner.handle, a.handle);
    assert.ok(Math.abs(Date.parse(b.created_at) - Date.now()) < 10 * 60 * 1000);
    const g = await getOne(a, b.id);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body, { bookmark: b });
  });

  test('only url and title are required; description defaults to "", tags to [], private to false', async () => {
    const a = await person();
    const b = await saved(a, { url: newUrl() });
    assert.equal(b.description, '');
    assert.deepEqual(b.tags, []);
    assert.equal(b.private, false);
  });

  test('the same page twice for one owner is 409 with existing_id (case, default port, slash, fragment)', async () => {
    const a = await person();
    const host = `X${randomBytes(5).toString('hex')}.Example.NET`;
    const first = await saved(a, { url: `https://${host}` });
    for (const url of [`https://${host}/`, `HTTPS://${host.toLowerCase()}:443/`, `https://${host}/#top`,
      `https://${host}#x`]) {
      const r = await save(a, { url, title: 'again' });
      assertError(r, 409, 'conflict', 'url');
      assert.equal(r.body.error.existing_id, first.id, url);
    }
    const other = await save(a, { url: `http://${host}/`, title: 'http is another page' });
    assert.equal(other.status, 201, other.text);
    const path = await save(a, { url: `https://${host}/a`, title: 'another path' });
    assert.equal(path.status, 201, path.text);
    assert.equal((await mine(a)).length, 3);
  });

  test('url: javascript:, data:, ftp:, place:, relative, host-less, spaces and controls are 422 field url', async () => {
    const a = await person();
    const cases = {
      'javascript:alert(1)': /javascript:/,
      'JAVASCRIPT:alert(1)': /javascript:/,
      'data:text/html,<script>alert(1)</script>': /data:/,
      'ftp://ftp.example.com/file': /ftp:/,
      'place:sort=8&maxResults=10': /place:/,
      'file:///etc/passwd': /file:/,
      '/relative/path': /absolute/,
      '?lY47tw': /absolute/,
      'example.com/page': /absolute/,
      '//example.com/page': /absolute/,
      'http://': /host/,
      'https:///path': /host/,
      'http://user:secret@example.com/': /user name or password/,
      'http://example.com:99999/': /port/,
      'https://example.com/a b': /spaces/,
      ' https://example.com/': /spaces/,
      'https://example.com/\n': /control/,
      'https://example.com/\u0000': /NUL|control/,
    };
    for (const [url, why] of Object.entries(cases)) {
      const r = await save(a, { url, title: 'bad' });
      assertError(r, 422, 'validation_failed', 'url');
      assert.match(r.body.error.message, why, JSON.stringify(url));
      assert.ok(!r.text.includes('alert(1)') && !r.text.includes('secret'), 'the error does not echo the URL');
    }
    assert.equal((await mine(a)).length, 0);
  });

  test('url: 2048 bytes are accepted, 2049 are 422; missing, empty or not a string is 422', async () => {
    const a = await person();
    const base = newUrl();
    const exact = base + 'é'.repeat((2048 - Buffer.byteLength(base)) / 2 | 0);
    const url2048 = exact + 'a'.repeat(2048 - Buffer.byteLength(exact));
    assert.equal(Buffer.byteLength(url2048), 2048);
    const ok = await save(a, { url: url2048, title: 'long' });
    assert.equal(ok.status, 201, ok.text.slice(0, 200));
    assert.equal(ok.body.bookmark.url, url2048);
    const r = await save(a, { url: `${url2048}b`, title: 'too long' });
    assertError(r, 422, 'validation_failed', 'url');
    assert.match(r.body.error.message, /2048/);
    for (const url of [undefined, null, '', 42, ['http://x.com/'], { u: 1 }]) {
      assertError(await save(a, { url, title: 't' }), 422, 'validation_failed', 'url');
    }
  });

  test('title 1-500 code points, not blank; description at most 10000; private a boolean', async () => {
    const a = await person();
    const t500 = await save(a, { url: newUrl(), title: '😀'.repeat(500) });
    assert.equal(t500.status, 201, t500.text.slice(0, 200));
    assert.equal(t500.body.bookmark.title, '😀'.repeat(500));
    for (const title of [undefined, null, '', '   ', '\u00a0\u3000', 'x'.repeat(501), 7, true]) {
      assertError(await save(a, { url: newUrl(), title }), 422, 'validation_failed', 'title');
    }
    const d = await save(a, { url: newUrl(), title: 't', description: 'é'.repeat(10000) });
    assert.equal(d.status, 201);
    for (const description of ['d'.repeat(10001), 5, ['x']]) {
      assertError(await save(a, { url: newUrl(), title: 't', description }), 422, 'validation_failed', 'description');
    }
    for (const priv of ['true', 1, 0, 'yes']) {
      assertError(await save(a, { url: newUrl(), title: 't', private: priv }), 422, 'validation_failed', 'private');
    }
    assertError(await save(a, { url: newUrl(), title: 't', colour: 'red' }), 422, 'validation_failed', 'colour');
    assert.equal((await mine(a)).length, 2);
  });

  test('tags: at most 20 valid tags, lower-cased, repeats dropped; anything else is 422 field tags', async () => {
    const a = await person();
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const b = await saved(a, { url: newUrl(), tags: twenty });
    assert.deepEqual(b.tags, twenty);
    const d = await saved(a, { url: newUrl(), tags: ['Dup', 'dup', 'DUP', 'other'] });
    assert.deepEqual(d.tags, ['dup', 'other'], 'repeats (in any case) are dropped');
    const u = await saved(a, { url: newUrl(), tags: ['Ünïcode_ok', 'dev_ops', 'x'] });
    assert.deepEqual(u.tags, ['Ünïcode_ok', 'dev_ops', 'x']);
    const bad = ['two words', '#hash', 'dash-ed', '123', '', 'x'.repeat(51), 'a.b', 'tag\u0000'];
    for (const tag of bad) {
      assertError(await save(a, { url: newUrl(), title: 't', tags: [tag] }), 422, 'validation_failed', 'tags');
    }
    for (const tags of ['a,b', 7, { a: 1 }, [1], [null], [['a']], Array.from({ length: 21 }, (_, i) => `t${i}`)]) {
      assertError(await save(a, { url: newUrl(), title: 't', tags }), 422, 'validation_failed', 'tags');
    }
    assert.equal((await mine(a)).length, 3);
  });

  test('markup, quotes, U+2028 and emoji round-trip as valid JSON', async () => {
    const a = await person();
    const b = await saved(a, { url: newUrl(`?q=${encodeURIComponent(TRICKY)}`), title: TRICKY, description: `${TRICKY}\n${TRICKY}` });
    assert.equal(b.title, TRICKY);
    assert.equal(b.description, `${TRICKY}\n${TRICKY}`);
    const g = await getOne(a, b.id);
    assert.equal(g.body.bookmark.title, TRICKY);
    assert.ok(!g.text.includes('\u2028'), 'U+2028 is escaped in the JSON text');
  });

  test('bad bodies: malformed JSON 400, invalid UTF-8 400, not an object 400, wrong type 415, over 1 MiB 413', async () => {
    const a = await person();
    assertError(await save(a, undefined, { raw: '{"url": "http://x.com/",', contentType: 'application/json' }),
      400, 'malformed_json');
    const utf8 = Buffer.concat([Buffer.from(`{"url":"${newUrl()}","title":"x`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    assertError(await save(a, undefined, { raw: utf8, contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await save(a, undefined, { raw: '["url"]', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await save(a, undefined, { raw: `url=${newUrl()}&title=x`, contentType: 'application/x-www-form-urlencoded' }),
      415, 'unsupported_media_type');
    assertError(await save(a, { url: newUrl(), title: 'x', description: 'd'.repeat(MiB + 1) }), 413, 'payload_too_large');
    assert.equal((await mine(a)).length, 0);
  });

  test('authentication: 401 without a session, 403 without the CSRF header, a bearer token needs none', async () => {
    const a = await person();
    assertError(await api('POST', '/api/v1/bookmarks', { json: { url: newUrl(), title: 't' } }), 401, 'unauthenticated');
    assertError(await save(a, { url: newUrl(), title: 't' }, { csrf: false }), 403, 'csrf_failed');
    const token = await tokenFor(a.session);
    const r = await api('POST', '/api/v1/bookmarks', { token, json: { url: newUrl(), title: 'by token' } });
    assert.equal(r.status, 201, r.text);
    assertError(await api('GET', '/api/v1/bookmarks'), 401, 'unauthenticated');
    assertError(await api('PUT', '/api/v1/bookmarks', { session: a.session, json: {} }), 405, 'method_not_allowed');
    assertError(await api('GET', '/api/v1/bookmarks/popular'), 401);
    assertError(await api('GET', '/api/v1/bookmarks/export'), 401);
    assertError(await api('POST', '/api/v1/bookmarks/import', { raw: '', contentType: 'text/html' }), 401);
    assertError(await api('GET', `/api/v1/bookmarks/${r.body.bookmark.id}`), 401);
  });
});

describe('who sees what', () => {
  test('others\' private bookmarks never appear: not by id, not in any list, filter or page', async () => {
    const a = await person();
    const b = await person();
    const tag = `secret_${randomBytes(4).toString('hex')}`;
    const word = `zorblax${randomBytes(4).toString('hex')}`;
    const priv = await saved(a, { url: newUrl(), title: `Private ${word}`, tags: [tag], private: true });
    const pub = await saved(a, { url: newUrl(), title: `Public ${word}`, tags: [tag] });
    assert.equal(priv.private, true);
    // The owner sees both everywhere.
    assert.equal((await getOne(a, priv.id)).status, 200);
    assert.deepEqual((await mine(a)).map((x) => x.id), [pub.id, priv.id]);
    assert.deepEqual((await all(a, `?tag=${tag}`)).map((x) => x.id), [pub.id, priv.id]);
    assert.deepEqual((await all(a, `?q=${word}`)).map((x) => x.id), [pub.id, priv.id]);
    assert.deepEqual((await all(a, '', 1, 2)).map((x) => x.id), [pub.id, priv.id], 'the owner\'s newest, one page each');
    // Anyone else: never the private one.
    assertError(await getOne(b, priv.id), 404, 'not_found');
    assert.equal((await getOne(b, pub.id)).status, 200);
    assert.deepEqual((await mine(b)).map((x) => x.id), []);
    assert.deepEqual((await all(b, `?owner=${a.handle}`, 1)).map((x) => x.id), [pub.id]);
    assert.deepEqual((await all(b, `?tag=${tag}`)).map((x) => x.id), [pub.id]);
    assert.deepEqual((await all(b, `?q=${word}`)).map((x) => x.id), [pub.id]);
    assert.deepEqual((await all(b, `?owner=${a.handle}&tag=${tag}&q=${word}`)).map((x) => x.id), [pub.id]);
    const everything = await all(b, '', 100, 5);
    assert.ok(everything.some((x) => x.id === pub.id));
    assert.ok(!everything.some((x) => x.private && x.owner.id !== b.id), 'no one else\'s private bookmark in the list');
    const ex = await exportFile(b);
    assert.ok(!ex.text.includes(word), 'not in someone else\'s export');
    // PATCH and DELETE: 404 for the private one (no leak), 403 for the public one.
    assertError(await patch(b, priv.id, { title: 'mine now' }), 404, 'not_found');
    assertError(await remove(b, priv.id), 404, 'not_found');
    assertError(await patch(b, pub.id, { title: 'mine now' }), 403, 'forbidden');
    assertError(await remove(b, pub.id), 403, 'forbidden');
    assert.equal((await getOne(a, pub.id)).body.bookmark.title, `Public ${word}`);
    assert.equal((await getOne(a, priv.id)).body.bookmark.title, `Private ${word}`);
  });

  test('a hidden bookmark is whole only for its owner, a placeholder for others (and counts for no one)', async () => {
    const a = await person();
    const b = await person();
    const url = newUrl();
    const hid = await saved(a, { url, title: 'To hide' });
    const other = await saved(b, { url, title: 'Same page' });
    assert.equal(other.saved_by, 2);
    sql(`UPDATE bookmarks SET hidden = true WHERE id = ${hid.id}`);
    const own = await getOne(a, hid.id);
    assert.equal(own.status, 200);
    assert.equal(own.body.bookmark.hidden, true);
    assert.equal(own.body.bookmark.title, 'To hide');
    assert.equal(own.body.bookmark.saved_by, 2, 'its owner still counts it');
    const seen = await getOne(b, hid.id);
    assert.equal(seen.status, 200);
    for (const k of ['url', 'title', 'description']) assert.equal(seen.body.bookmark[k], '', k);
    assert.deepEqual(seen.body.bookmark.tags, []);
    assert.ok(!seen.text.includes(url), 'the address is nowhere in the answer');
    assert.deepEqual((await all(b, `?owner=${a.handle}`)).map((x) => [x.id, x.title]), [[hid.id, '']]);
    assert.deepEqual((await mine(a)).map((x) => x.id), [hid.id]);
    assert.equal((await getOne(b, other.id)).body.bookmark.saved_by, 1, 'the hidden save no longer counts');
    assertError(await patch(b, hid.id, { title: 'x' }), 404);
    assert.match((await exportFile(a)).text, /To hide/);
  });

  test('ids: unknown is 404, a non-number does not route', async () => {
    const a = await person();
    assertError(await getOne(a, 999999999999), 404, 'not_found');
    assertError(await patch(a, 999999999999, { title: 'x' }), 404, 'not_found');
    assertError(await remove(a, 999999999999), 404, 'not_found');
    assert.equal((await getOne(a, 'abc')).status, 404);
    assert.equal((await getOne(a, '99999999999999999999999')).status, 404);
  });
});

describe('GET /api/v1/bookmarks', () => {
  test('newest first; keyset pages never repeat or skip, even while bookmarks are added', async () => {
    const a = await person();
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push((await saved(a, { url: newUrl(`${i}`), title: `n${i}` })).id);
    const first = await list(a, `?owner=${a.handle}&limit=3`);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.items.map((b) => b.id), ids.slice(4).reverse());
    assert.equal(typeof first.body.next_cursor, 'string');
    await saved(a, { url: newUrl('late'), title: 'late' });     // must not shift the pages
    const second = await list(a, `?owner=${a.handle}&limit=3&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    assert.deepEqual(second.body.items.map((b) => b.id), ids.slice(1, 4).reverse());
    const third = await list(a, `?owner=${a.handle}&limit=3&cursor=${encodeURIComponent(second.body.next_cursor)}`);
    assert.deepEqual(third.body.items.map((b) => b.id), [ids[0]]);
    assert.equal(third.body.next_cursor, null);
    for (const b of first.body.items) assertBookmark(b);
  });

  test('imported dates order the list; the owner handle ignores case', async () => {
    const a = await person();
    const html = ['<DL><p>',
      `<DT><A HREF="${newUrl('old')}" ADD_DATE="1000000000">Old</A>`,
      `<DT><A HREF="${newUrl('new')}" ADD_DATE="1500000000">New</A>`,
      `<DT><A HREF="${newUrl('mid')}" ADD_DATE="1200000000">Mid</A>`, '</DL>'].join('\n');
    assert.equal((await importFile(a, html)).body.imported, 3);
    const items = await all(a, `?owner=${a.handle.toUpperCase()}`, 2);
    assert.deepEqual(items.map((b) => b.title), ['New', 'Mid', 'Old']);
    assert.deepEqual(items.map((b) => b.created_at), ['2017-07-14T02:40:00Z', '2008-01-10T21:20:00Z', '2001-09-09T01:46:40Z']);
  });

  test('tag and q filters; words match title, description and address', async () => {
    const a = await person();
    const w = `quux${randomBytes(4).toString('hex')}`;
    const tag = `f_${randomBytes(4).toString('hex')}`;
    const t1 = await saved(a, { url: newUrl(), title: `Kayaks ${w}`, tags: [tag] });
    const t2 = await saved(a, { url: newUrl(), title: 'Other', description: `mentions ${w} here` });
    const t3 = await saved(a, { url: newUrl(`${w}/page`), title: 'Third', tags: [tag, 'x'] });
    assert.deepEqual((await all(a, `?tag=${tag.toUpperCase()}`)).map((b) => b.id), [t3.id, t1.id]);
    assert.deepEqual((await all(a, `?tag=%23${tag}`)).map((b) => b.id), [t3.id, t1.id], 'a leading # is allowed');
    assert.deepEqual((await all(a, `?q=${w}`)).map((b) => b.id), [t3.id, t2.id, t1.id]);
    assert.deepEqual((await all(a, `?q=${w}&tag=${tag}&owner=${a.handle}`)).map((b) => b.id), [t3.id, t1.id]);
    assert.deepEqual((await all(a, `?q=${encodeURIComponent(`"kayak ${w}"`)}`)).map((b) => b.id), [t1.id], 'a phrase, stemmed');
    assert.deepEqual((await all(a, `?q=${w}%20-kayak`)).map((b) => b.id), [t3.id, t2.id], 'a word excluded');
    assert.deepEqual((await list(a, '?q=%20%20&tag=&owner=&limit=1')).body.items.length, 1, 'blank filters are no filters');
  });

  test('bad parameters: unknown owner 404, invalid tag 422, long q 422, tampered cursor 400, limit 422', async () => {
    const a = await person();
    assertError(await list(a, '?owner=nobody_like_this_here'), 404, 'not_found', 'owner');
    assertError(await list(a, '?owner=%ff'), 422, 'validation_failed', 'owner');
    assertError(await list(a, '?tag=two%20words'), 422, 'validation_failed', 'tag');
    assertError(await list(a, '?tag=123'), 422, 'validation_failed', 'tag');
    assertError(await list(a, `?q=${'w'.repeat(201)}`), 422, 'validation_failed', 'q');
    assertError(await list(a, `?q=${'w'.repeat(1000)}`), 422, 'validation_failed', 'q');
    assert.equal((await list(a, `?q=${'é'.repeat(200)}`)).status, 200);
    for (const limit of ['0', '101', '-1', 'x', '1.5']) {
      assertError(await list(a, `?limit=${limit}`), 422, 'validation_failed', 'limit');
    }
    for (let i = 0; i < 2; i++) await saved(a, { url: newUrl(), title: 't' });
    const page = await list(a, `?owner=${a.handle}&limit=1`);
    const cursor = page.body.next_cursor;
    assert.equal(typeof cursor, 'string');
    const flipped = cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A');
    for (const bad of [flipped, 'garbage', cursor.slice(1), `${cursor}x`]) {
      assertError(await list(a, `?owner=${a.handle}&cursor=${encodeURIComponent(bad)}`), 400, 'bad_request', 'cursor');
    }
  });
});

describe('saved_by and popular links', () => {
  test('saved_by counts people who saved the page publicly (plus oneself for a private one)', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    const url = newUrl('shared');
    const x = await saved(a, { url, title: 'x' });
    assert.equal(x.saved_by, 1);
    const y = await saved(b, { url: url.replace('https://x', 'HTTPS://X'), title: 'y' });
    assert.equal(y.saved_by, 2, 'the same page in other letters');
    const z = await saved(c, { url, title: 'z', private: true });
    assert.equal(z.saved_by, 3, 'the private saver counts for itself');
    assert.equal((await getOne(a, x.id)).body.bookmark.saved_by, 2, 'and for no one else');
    assert.equal((await patch(b, y.id, { private: true })).body.bookmark.saved_by, 2);
    assert.equal((await getOne(a, x.id)).body.bookmark.saved_by, 1);
    assert.equal((await patch(b, y.id, { private: false })).body.bookmark.saved_by, 2);
    assert.equal((await remove(a, x.id)).status, 204);
    assert.equal((await getOne(b, y.id)).body.bookmark.saved_by, 1);
    const key = url.toLowerCase();
    assert.equal(sql(`SELECT saved_by FROM bookmark_urls WHERE url_key = '${key}'`), '1');
    assert.equal(sql('SELECT count(*) FROM (SELECT url_key, count(*) AS n FROM bookmarks WHERE NOT private AND NOT hidden '
      + 'GROUP BY url_key) t FULL JOIN bookmark_urls u USING (url_key) WHERE t.n IS DISTINCT FROM u.saved_by'), '0',
    'bookmark_urls agrees with the bookmarks everywhere');
  });

  test('popular: most savers first, ties newest first, the most common title, the most used tags', async () => {
    const people = [];
    for (let i = 0; i < 8; i++) people.push(await person());
    const [outsider] = people.splice(7, 1);
    const older = newUrl('older');
    const newer = newUrl('newer');
    const titles = ['Common title', 'Common title', 'Rare title', 'Common title', 'Latest title', 'Common title', 'Latest title'];
    for (const [i, p] of people.entries()) {
      await saved(p, { url: older, title: titles[i], tags: i < 5 ? ['alpha', 'beta'] : ['beta'] });
    }
    for (const p of people) await saved(p, { url: newer, title: 'Newer', tags: ['gamma'] });
    await saved(outsider, { url: newer, title: 'Private title', tags: ['private_only'], private: true });
    await saved(outsider, { url: newUrl('single'), title: 'Single' });
    const r = await popular(outsider, '?limit=100');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.next_cursor, null);
    const urls = r.body.items.map((i) => i.url);
    const io = urls.indexOf(older);
    const inew = urls.indexOf(newer);
    assert.ok(io >= 0 && inew >= 0, 'both are popular');
    assert.equal(io, inew + 1, 'seven savers each: the one saved most recently first');
    const n = r.body.items[inew];
    assert.deepEqual(Object.keys(n).sort(), ['first_saved_at', 'saved_by', 'saved_by_me', 'tags', 'title', 'url']);
    assert.equal(n.saved_by, 7, 'the private save does not count');
    assert.deepEqual(n.tags, ['gamma']);
    assert.equal(n.saved_by_me, true);
    const o = r.body.items[io];
    assert.equal(o.title, 'Common title');
    assert.deepEqual(o.tags, ['beta', 'alpha']);
    assert.equal(o.saved_by_me, false);
    assert.match(o.first_saved_at, RFC3339_UTC);
    for (let i = 1; i < r.body.items.length; i++) {
      assert.ok(r.body.items[i - 1].saved_by >= r.body.items[i].saved_by, 'ordered by savers');
    }
    const one = await popular(outsider, '?limit=1');
    assert.equal(one.body.items.length, 1);
    assert.equal(one.body.next_cursor, null);
    assertError(await popular(outsider, '?limit=101'), 422, 'validation_failed', 'limit');
    assertError(await popular(outsider, '?cursor=nonsense'), 400, 'bad_request', 'cursor');
    assertError(await api('POST', '/api/v1/bookmarks/popular', { session: outsider.session, raw: '' }), 405);
  });
});

describe('PATCH and DELETE /api/v1/bookmarks/{id}', () => {
  test('the owner changes any field; {} changes nothing; a new URL must be a new page (409 existing_id)', async () => {
    const a = await person();
    const b = await saved(a, { url: newUrl(), title: 'Before', description: 'd', tags: ['one'] });
    const taken = await saved(a, { url: newUrl(), title: 'Taken' });
    const same = await patch(a, b.id, {});
    assert.equal(same.status, 200, same.text);
    assert.deepEqual(same.body.bookmark, b);
    const url = newUrl('moved');
    const r = await patch(a, b.id, { url, title: 'After', description: '', tags: ['Two', 'three'], private: true });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual({ ...r.body.bookmark, saved_by: 0 }, { ...b, url, title: 'After', description: '', tags: ['two', 'three'],
      private: true, saved_by: 0 });
    assert.equal((await patch(a, b.id, { tags: [] })).body.bookmark.tags.length, 0);
    const clash = await patch(a, b.id, { url: `${taken.url}#same-page` });
    assertError(clash, 409, 'conflict', 'url');
    assert.equal(clash.body.error.existing_id, taken.id);
    assert.equal((await patch(a, b.id, { url: `${url}#frag` })).status, 200, 'its own page with a fragment');
    assertError(await patch(a, b.id, { url: 'javascript:alert(1)' }), 422, 'validation_failed', 'url');
    assertError(await patch(a, b.id, { title: '' }), 422, 'validation_failed', 'title');
    assertError(await patch(a, b.id, { title: ' ' }), 422, 'validation_failed', 'title');
    assertError(await patch(a, b.id, { tags: ['bad tag'] }), 422, 'validation_failed', 'tags');
    assertError(await patch(a, b.id, { private: 'no' }), 422, 'validation_failed', 'private');
    assertError(await patch(a, b.id, { owner: 1 }), 422, 'validation_failed', 'owner');
    assertError(await patch(a, b.id, undefined, { raw: '{', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await patch(a, b.id, { title: 'x' }, { csrf: false }), 403, 'csrf_failed');
    assert.equal((await getOne(a, b.id)).body.bookmark.title, 'After');
  });

  test('DELETE: 204 for the owner, then gone; the URL can be saved again', async () => {
    const a = await person();
    const url = newUrl();
    const b = await saved(a, { url });
    assertError(await remove(a, b.id, { csrf: false }), 403, 'csrf_failed');
    assert.equal((await remove(a, b.id)).status, 204);
    assertError(await getOne(a, b.id), 404);
    assertError(await remove(a, b.id), 404);
    assert.equal((await save(a, { url, title: 'again' })).status, 201);
  });
});

// What each real export holds: bookmarks imported, rejected (lines), and
// spot checks. netscape_extended has two <A> elements; the second is a
// thumbnail link inside the first one's description, not a bookmark.
const FILES = [
  ['netscape-bookmark-parser/chromium_flat.htm', 9, []],
  ['netscape-bookmark-parser/chromium_nested.htm', 18, []],
  ['netscape-bookmark-parser/delicious.htm', 5, []],
  ['netscape-bookmark-parser/empty.htm', 0, []],
  ['netscape-bookmark-parser/firefox_flat.htm', 21, [10, 11, 55]],
  ['netscape-bookmark-parser/firefox_nested.htm', 21, [10, 11, 72]],
  ['netscape-bookmark-parser/internet_explorer_11_flat.htm', 18, []],
  ['netscape-bookmark-parser/internet_explorer_11_nested.htm', 27, []],
  ['netscape-bookmark-parser/netscape_basic.htm', 2, []],
  ['netscape-bookmark-parser/netscape_extended.htm', 1, []],
  ['netscape-bookmark-parser/netscape_multiline.htm', 3, []],
  ['netscape-bookmark-parser/scuttle.htm', 4, []],
  ['netscape-bookmark-parser/shaarli.htm', 5, [9]],
  ['netscape-bookmark-parser/shaarli_legacy.htm', 2, []],
  ['netscape-bookmark-parser/shaarli_markdown.htm', 0, [9, 23, 34]],
  ['shaarli/internet_explorer_encoding.htm', 1, []],
  ['shaarli/lowercase_doctype.htm', 2, []],
  ['shaarli/netscape_nodate.htm', 1, []],
  ['shaarli/no_doctype.htm', 2, []],
  ['shaarli/same_date.htm', 3, []],
];

describe('POST /api/v1/bookmarks/import: the 20 real exports', () => {
  for (const [name, imported, rejectedLines] of FILES) {
    test(`${name}: ${imported} imported, rejected at lines [${rejectedLines}]; again: all duplicates`, async () => {
      const a = await person();
      const body = file(name);
      const anchors = (body.toString('latin1').match(/<a\s/gi) ?? []).length;
      const r = await importFile(a, body);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.body).sort(), ['duplicates', 'imported', 'rejected', 'rejected_total']);
      assert.equal(r.body.imported, imported);
      assert.equal(r.body.duplicates, 0);
      assert.deepEqual(r.body.rejected.map((x) => x.line), rejectedLines);
      assert.equal(r.body.rejected_total, rejectedLines.length);
      for (const x of r.body.rejected) assert.match(x.reason, /http|absolute/);
      const extra = name.endsWith('netscape_extended.htm') ? 1 : 0;
      assert.equal(imported + rejectedLines.length + extra, anchors, 'every <A> is accounted for');
      const items = await mine(a);
      assert.equal(items.length, imported);
      for (const b of items) {
        assertBookmark(b, name);
        assert.match(b.url, /^https?:\/\//);
        assert.ok(b.title.length > 0);
      }
      const again = await importFile(a, body);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.imported, 0);
      assert.equal(again.body.duplicates, imported);
      assert.equal((await mine(a)).length, imported);
    });
  }

  test('netscape_basic: private flag, both date forms, tags and description land in the bookmarks', async () => {
    const a = await person();
    assert.equal((await importFile(a, file('netscape-bookmark-parser/netscape_basic.htm'))).body.imported, 2);
    const [pub, priv] = await mine(a);
    assert.deepEqual([pub.url, pub.title, pub.private, pub.created_at, pub.tags, pub.description],
      ['http://public.tld', 'Public stuff', false, '2016-02-25T20:55:48Z', ['public', 'hello', 'world'], '']);
    assert.deepEqual([priv.url, priv.title, priv.private, priv.created_at, priv.tags, priv.description],
      ['https://private.tld', 'Secret stuff', true, '2000-10-10T10:55:36Z', ['private', 'secret'],
        'Super-secret stuff you\'re not supposed to know about']);
    const b = await person();
    assert.ok(!(await all(b, `?owner=${a.handle}`)).some((x) => x.private));
  });

  test('chromium_nested and firefox_nested: folders become tags, browser containers do not', async () => {
    const a = await person();
    assert.equal((await importFile(a, file('netscape-bookmark-parser/chromium_nested.htm'))).body.imported, 18);
    const byUrl = Object.fromEntries((await mine(a)).map((b) => [b.url, b]));
    assert.deepEqual(byUrl['https://www.kernel.org/'].tags, ['linux_unix_os_other_stuff']);
    assert.deepEqual(byUrl['https://checkio.org/'].tags, ['dev', 'python']);
    assert.deepEqual(byUrl['https://cozy.io/en/'].tags, ['self_hosting']);
    assert.deepEqual(byUrl['http://www.jabber.org/'].tags, [], 'the toolbar folder is no tag');
    assert.equal(byUrl['https://checkio.org/'].created_at, '2016-06-15T17:30:20Z');
    assert.deepEqual((await mine(a, '&tag=python')).map((b) => b.url).sort(),
      ['http://www.sphinx-doc.org/en/stable/', 'https://checkio.org/', 'https://tox.readthedocs.io/en/latest/']);
    const f = await person();
    assert.equal((await importFile(f, file('netscape-bookmark-parser/firefox_nested.htm'))).body.imported, 21);
    const hg = (await mine(f)).find((b) => b.url === 'http://hginit.com/');
    assert.deepEqual(hg.tags, ['hg', 'mercurial', 'version', 'control', 'scm', 'python', 'tutorial', 'dev']);
    assert.equal(hg.description, 'A friendly introduction to the Mercurial DVCS by Joel Spolsky');
    assert.equal(hg.title, 'Hg Init: a Mercurial tutorial by Joel Spolsky');
  });

  test('multi-line descriptions and Scuttle\'s attributes', async () => {
    const a = await person();
    await importFile(a, file('netscape-bookmark-parser/netscape_multiline.htm'));
    await importFile(a, file('netscape-bookmark-parser/scuttle.htm'));
    const byUrl = Object.fromEntries((await mine(a)).map((b) => [b.url, b]));
    assert.equal(byUrl['http://multi.li.ne/3'].description,
      'List:\n- item1\n- item2\n\nParagraph number one.\n\nParagraph\nnumber\ntwo.');
    const eu = byUrl['http://eurovoc.europa.eu/drupal/?q=navigation&cl=en'];
    assert.equal(eu.description, 'Multilingual Thesaurus of the European Union');
    assert.deepEqual(eu.tags, ['dictionary']);
  });
});

describe('POST /api/v1/bookmarks/import: any file', () => {
  test('Windows-1252 bytes (not UTF-8) are read as Windows-1252; CRLF; entities decoded', async () => {
    const a = await person();
    const url = newUrl();
    const body = Buffer.concat([
      Buffer.from(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\r\n<DL><p>\r\n<DT><A HREF="${url}?a=1&amp;b=2" TAGS="Caf`),
      Buffer.from([0xe9]), Buffer.from('">Caf'), Buffer.from([0xe9, 0x20, 0x93]), Buffer.from('quoted'),
      Buffer.from([0x94, 0x20, 0x80]), Buffer.from(' &lt;tag&gt; &#233;&eacute;</A>\r\n<DD>Line 1\r\nLine 2\r\n</DL><p>\r\n')]);
    const r = await importFile(a, body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.imported, 1);
    const [b] = await mine(a);
    assert.equal(b.url, `${url}?a=1&b=2`);
    assert.equal(b.title, 'Café “quoted” € <tag> éé');
    assert.deepEqual(b.tags, ['café']);
    assert.equal(b.description, 'Line 1\nLine 2');
  });

  test('bad lines are rejected one by one with their line and reason; duplicates in the file are counted', async () => {
    const a = await person();
    const dup = newUrl('dup');
    const lines = [
      '<!DOCTYPE NETSCAPE-Bookmark-file-1>',                      // 1
      '<DL><p>',                                                  // 2
      `<DT><A HREF="${newUrl('ok')}">Good</A>`,                   // 3
      '<DT><A HREF="javascript:alert(document.cookie)">JS</A>',  // 4
      '<DT><A HREF="place:sort=8">Most visited</A>',             // 5
      '<DT><A HREF="data:text/html,hi">Data</A>',                // 6
      '<DT><A HREF="ftp://files.example.com/">FTP</A>',          // 7
      '<DT><A HREF="/relative">Relative</A>',                    // 8
      `<DT><A HREF="${newUrl('x'.repeat(2100))}">Long</A>`,       // 9
      `<DT><A HREF="${dup}" TAGS="a">Dup 1</A>`,                  // 10
      `<DT><A HREF="${dup.toUpperCase().replace('/DUP', '/dup')}#x" TAGS="b">Dup 2</A>`, // 11
      `<DT><A HREF="${newUrl('unclosed')}>Broken`,                // 12
      `<DT><A HREF="${newUrl('ok2')}">Good 2</A>`,                // 13
      '</DL><p>'];
    const r = await importFile(a, lines.join('\n'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.imported, 3);
    assert.equal(r.body.duplicates, 1);
    assert.deepEqual(r.body.rejected.map((x) => x.line), [4, 5, 6, 7, 8, 9, 12]);
    const reasons = r.body.rejected.map((x) => x.reason);
    assert.match(reasons[0], /javascript:/);
    assert.match(reasons[1], /place:/);
    assert.match(reasons[2], /data:/);
    assert.match(reasons[3], /ftp:/);
    assert.match(reasons[4], /absolute/);
    assert.match(reasons[5], /2048/);
    assert.match(reasons[6], /not closed/);
    assert.ok(!r.text.includes('document.cookie'), 'reasons never echo the file');
    const d = (await mine(a)).find((b) => b.title === 'Dup 1');
    assert.deepEqual(d.tags, ['a', 'b'], 'the duplicate\'s tags join the first');
    const again = await importFile(a, lines.join('\n'));
    assert.deepEqual([again.body.imported, again.body.duplicates], [0, 4]);
  });

  test('empty file: 200 with nothing imported; text, HTML pages and binary junk: 422', async () => {
    const a = await person();
    for (const raw of ['', '   \r\n', Buffer.from([0xef, 0xbb, 0xbf])]) {
      const r = await importFile(a, raw);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { imported: 0, duplicates: 0, rejected: [], rejected_total: 0 });
    }
    const junk = randomBytes(64 * 1024);
    for (let i = 0; i < junk.length; i++) if (junk[i] === 0x3c) junk[i] = 0x20;   // no '<' at all
    for (const raw of ['Dear colleagues, here are my bookmarks: none.', '<html><body><h1>Hi</h1><p>x</p></body></html>', junk]) {
      const r = await importFile(a, raw);
      assertError(r, 422, 'validation_failed', null);
      assert.match(r.body.error.message, /not a bookmark file/);
    }
    assert.equal((await mine(a)).length, 0);
  });

  test('content type must be text/html (415); CSRF; over 32 MiB is 413', async () => {
    const a = await person();
    const body = file('netscape-bookmark-parser/netscape_basic.htm');
    for (const contentType of ['application/json', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x']) {
      assertError(await importFile(a, body, { contentType }), 415, 'unsupported_media_type');
    }
    assertError(await importFile(a, body, { contentType: undefined }), 415, 'unsupported_media_type');
    assert.equal((await importFile(a, body, { contentType: 'text/html; charset=utf-8' })).status, 200);
    assertError(await importFile(a, body, { csrf: false }), 403, 'csrf_failed');
    // Kore answers from the headers alone and closes, so send only them.
    const big = await headersOnly('/api/v1/bookmarks/import', {
      'content-type': 'text/html', 'content-length': String(32 * MiB + 1),
      cookie: `parley_session=${a.session.cookie}`, 'x-csrf-token': a.session.csrf });
    assert.equal(big, 413);
    assert.equal((await mine(a)).length, 2);
  });

  test('a file of 32 MiB (nearly 100000 bookmarks) is imported in one go', async () => {
    const a = await person();
    const host = `x${randomBytes(6).toString('hex')}.example.net`;
    const parts = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n'];
    let size = parts[0].length;
    const pad = 'p'.repeat(300);
    let n = 0;
    while (n < 90000) {
      const line = `<DT><A HREF="https://${host}/${n}" ADD_DATE="${1500000000 + n}" TAGS="bulk">Page ${n} ${pad}</A>\n`;
      if (size + line.length > 32 * MiB - 16) break;
      parts.push(line);
      size += line.length;
      n++;
    }
    parts.push('</DL>\n');
    const started = Date.now();
    const r = await importFile(a, parts.join(''));
    const ms = Date.now() - started;
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.body.imported, n);
    console.log(`# imported ${n} bookmarks (${(size / MiB).toFixed(1)} MiB) in ${ms} ms`);
    const first = await list(a, `?owner=${a.handle}&limit=1`);
    assert.equal(first.body.items[0].title, `Page ${n - 1} ${pad}`);
    assert.equal(sql(`SELECT count(*) FROM bookmarks b JOIN users u ON u.id = b.owner_id WHERE u.handle = '${a.handle}'`),
      String(n));
    // The shared test database stays small for the suites after this one.
    sql(`DELETE FROM bookmarks WHERE owner_id = ${a.id}`);
    assert.equal(sql(`SELECT count(*) FROM bookmark_urls WHERE url_key LIKE 'https://${host}/%'`), '0');
  });
});

describe('GET /api/v1/bookmarks/export', () => {
  test('a Netscape bookmark file with all of one\'s own bookmarks, escaped', async () => {
    const a = await person();
    const b = await person();
    const url = newUrl(`?q=${encodeURIComponent('"<&>\'')}`);
    await saved(a, { url, title: TRICKY, description: 'one\ntwo', tags: ['x', 'y'], private: true });
    await saved(b, { url: newUrl(), title: 'Not yours' });
    const r = await exportFile(a);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(r.headers.get('content-disposition'), /attachment; filename="bookmarks.html"/);
    assert.ok(r.headers.get('content-security-policy'), 'the security headers too');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.ok(r.text.startsWith('<!DOCTYPE NETSCAPE-Bookmark-file-1>\n'));
    assert.match(r.text, /<META HTTP-EQUIV="Content-Type" CONTENT="text\/html; charset=UTF-8">/);
    assert.match(r.text, /<TITLE>Bookmarks<\/TITLE>/);
    assert.match(r.text, /<H1>Bookmarks<\/H1>/);
    assert.match(r.text, /<DL><p>/);
    assert.match(r.text, /PRIVATE="1" TAGS="x,y">&lt;script&gt;&quot;\\/);
    assert.ok(!r.text.includes('<script>'), 'nothing unescaped');
    assert.match(r.text, /<DD>one\ntwo\n/);
    assert.ok(!r.text.includes('Not yours'));
    assertError(await api('POST', '/api/v1/bookmarks/export', { session: a.session, raw: '' }), 405);
    const empty = await exportFile(await person());
    assert.equal(empty.status, 200);
    assert.match(empty.text, /<DL><p>\n<\/DL><p>\n$/);
  });

  test('export, then import into another account: the same urls, titles, descriptions, tags, flags and dates', async () => {
    const a = await person();
    await importFile(a, file('netscape-bookmark-parser/firefox_nested.htm'));
    await importFile(a, file('netscape-bookmark-parser/netscape_basic.htm'));
    await importFile(a, file('netscape-bookmark-parser/netscape_multiline.htm'));
    await saved(a, { url: newUrl(`a?b=${encodeURIComponent(TRICKY)}#frag`), title: TRICKY,
      description: `${TRICKY}\n\nsecond paragraph`, tags: ['é_tag', 'x'], private: true });
    await saved(a, { url: newUrl(), title: 'No tags, no description' });
    const before = await mine(a);
    const ex = await exportFile(a);
    assert.equal(ex.status, 200);
    const b = await person();
    const r = await importFile(b, ex.text);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.imported, r.body.duplicates, r.body.rejected], [before.length, 0, []]);
    const after = await mine(b);
    const shape = (x) => ({ url: x.url, title: x.title, description: x.description, tags: x.tags, private: x.private,
      created_at: x.created_at });
    assert.deepEqual(after.map(shape), before.map(shape));
    assert.ok(after.every((x) => x.owner.handle === b.handle));
  });
});

describe('POST /api/v1/bookmarks/import: the server stays free', () => {
  test('/healthz answers quickly (< 1 s) on new connections while a 12 MiB import runs', { timeout: 120_000 }, async (t) => {
    const a = await person();
    const host = `x${randomBytes(6).toString('hex')}.example.net`;
    const pad = 'p'.repeat(300);
    const parts = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n'];
    let n = 0;
    for (let size = 0; size < 12 * MiB; n++) {
      const line = `<DT><A HREF="https://${host}/${n}" ADD_DATE="${1500000000 + n}" TAGS="busy">Page ${n} ${pad}</A>\n`;
      parts.push(line);
      size += line.length;
    }
    parts.push('</DL>\n');
    const started = performance.now();
    const { result: r, probes } = await probeWhile(importFile(a, parts.join('')));
    const ms = performance.now() - started;
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.body.imported, n);
    t.diagnostic(`${n} bookmarks in ${ms.toFixed(0)} ms; /healthz meanwhile: ${probes.map((p) => p.ms.toFixed(0)).join(' ')} ms`);
    // The import was under way for several probes, and none waited for it.
    assert.ok(probes.length >= 3, `${probes.length} probes while the import ran`);
    for (const p of probes) {
      assert.equal(p.status, 200);
      assert.ok(p.ms < 1000, `/healthz took ${p.ms.toFixed(0)} ms during the import`);
    }
    sql(`DELETE FROM bookmarks WHERE owner_id = ${a.id}`);
  });
});
