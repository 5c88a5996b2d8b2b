// API.md "Conventions": security headers on every response, JSON content
// type, the error envelope, 404/405/413/415, malformed JSON and invalid
// UTF-8, text that round-trips, errors that never echo input, the static
// files and the pagination shape.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { api, BASE, person, tokenFor, assertError, unique } from '../lib/api.mjs';

const MiB = 1024 * 1024;

function assertSecurityHeaders(r, label) {
  const h = r.headers;
  const csp = h.get('content-security-policy');
  assert.ok(csp, `${label}: content-security-policy`);
  assert.match(csp, /frame-ancestors 'none'/, `${label}: CSP frame-ancestors`);
  assert.match(csp, /script-src 'self'(;|$)/, `${label}: CSP script-src 'self' only`);
  assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), `${label}: no unsafe-* in the CSP`);
  assert.equal(h.get('x-content-type-options'), 'nosniff', `${label}: x-content-type-options`);
  assert.match(h.get('x-frame-options') ?? '', /^(DENY|SAMEORIGIN)$/i, `${label}: x-frame-options`);
  assert.ok(h.get('referrer-policy'), `${label}: referrer-policy`);
  assert.equal(h.get('strict-transport-security'), null, `${label}: no HSTS on plain HTTP`);
}

function assertJsonType(r, label) {
  assert.match(r.headers.get('content-type') ?? '', /^application\/json; ?charset=utf-8$/i,
    `${label}: content-type ${r.headers.get('content-type')}`);
}

function assertEnvelope(r, label) {
  assertJsonType(r, label);
  assert.ok(r.body && typeof r.body.error === 'object', `${label}: envelope in ${r.text}`);
  const keys = Object.keys(r.body.error);
  for (const k of ['code', 'message', 'field']) assert.ok(keys.includes(k), `${label}: error.${k}`);
  for (const k of keys) assert.ok(['code', 'message', 'field', 'existing_id'].includes(k), `${label}: error.${k}`);
  assert.match(r.body.error.code, /^[a-z][a-z0-9_]*$/, `${label}: snake_case code`);
  assert.ok(r.body.error.message.length > 0, `${label}: a message`);
  assert.ok(r.body.error.field === null || typeof r.body.error.field === 'string', `${label}: field`);
}

// One raw HTTP/1.1 request on a fresh connection, so that the path reaches
// the server exactly as written (fetch would normalise "/../").
function raw(method, path, { headers = {}, body } = {}) {
  const url = new URL(BASE);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(url.port || 80), url.hostname);
    const chunks = [];
    sock.setTimeout(10000, () => { sock.destroy(); reject(new Error(`timeout on ${path}`)); });
    sock.on('data', (d) => chunks.push(d));
    const done = () => {
      const all = Buffer.concat(chunks).toString('latin1');
      const split = all.indexOf('\r\n\r\n');
      const head = split < 0 ? all : all.slice(0, split);
      const [statusLine, ...lines] = head.split('\r\n');
      const hdrs = new Map(lines.map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
      }));
      resolve({ status: Number(statusLine.split(' ')[1]), headers: hdrs, text: split < 0 ? '' : all.slice(split + 4) });
    };
    sock.on('end', done);
    // A reset after the answer arrived still leaves a complete answer.
    sock.on('error', (e) => (chunks.length ? done() : reject(e)));
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const len = body === undefined ? '' : `content-length: ${Buffer.byteLength(body)}\r\n`;
    sock.write(`${method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: close\r\n${extra}${len}\r\n${body ?? ''}`);
  });
}

const loginRaw = (body, contentType = 'application/json') =>
  api('POST', '/api/v1/auth/login', { raw: body, contentType });

describe('security headers and content type', () => {
  test('every kind of response carries the security headers and no HSTS', async () => {
    const p = await person();
    const token = await tokenFor(p.session);
    const tokens = await api('GET', '/api/v1/me/tokens', { token });
    const id = tokens.body.items[0].id;
    const cases = {
      'GET /healthz 200': await api('GET', '/healthz'),
      'HEAD /healthz': await api('HEAD', '/healthz'),
      'GET /api/v1/me 200': await api('GET', '/api/v1/me', { token }),
      'GET /api/v1/me 401': await api('GET', '/api/v1/me'),
      'unknown API route 404': await api('GET', '/api/v1/no/such/route'),
      'wrong method 405': await api('GET', '/api/v1/auth/login'),
      'text/plain 415': await loginRaw('{}', 'text/plain'),
      'malformed JSON 400': await loginRaw('{'),
      'validation 422': await api('POST', '/api/v1/auth/login', { json: {} }),
      'oversized body 413': await loginRaw('x'.repeat(MiB + 1)),
      'DELETE token 204': await api('DELETE', `/api/v1/me/tokens/${id}`, { token }),
      'static / 200': await api('GET', '/'),
      'static 404': await api('GET', `/${unique('nothing')}.html`),
      'static POST 405': await api('POST', '/'),
    };
    for (const [label, r] of Object.entries(cases)) assertSecurityHeaders(r, label);
  });

  test('a static file revalidated with If-None-Match (304) carries them too', async () => {
    const first = await api('GET', '/');
    const etag = first.headers.get('etag');
    assert.ok(etag, 'static files have an ETag');
    const r = await api('GET', '/', { headers: { 'if-none-match': etag } });
    assert.equal(r.status, 304);
    assertSecurityHeaders(r, '304');
  });

  test('API answers are application/json; charset=utf-8, success and error alike', async () => {
    const p = await person();
    for (const [label, r] of Object.entries({
      healthz: await api('GET', '/healthz'),
      me: await api('GET', '/api/v1/me', { session: p.session }),
      patch: await api('PATCH', '/api/v1/me', { session: p.session, json: { title: 'x' } }),
      tokens: await api('GET', '/api/v1/me/tokens', { session: p.session }),
      401: await api('GET', '/api/v1/me'),
      404: await api('GET', '/api/v1/nope'),
      405: await api('PUT', '/api/v1/auth/register', { json: {} }),
      422: await api('POST', '/api/v1/auth/register', { json: {} }),
    })) {
      assertJsonType(r, label);
      assert.doesNotThrow(() => JSON.parse(r.text), label);
    }
  });

  test('GET /healthz: 200 {"status":"ok","db":"ok"}', async () => {
    const r = await api('GET', '/healthz');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { status: 'ok', db: 'ok' });
  });
});

describe('routing errors', () => {
  for (const path of ['/api/v1/nope', '/api/v2/me', '/api/v1/me/extra', '/api/v1/me/tokens/1/extra',
    '/api/v1/admin/users', '/api/', '/api/v1/ME']) {
    test(`unknown API path ${path}: 404 JSON envelope, code not_found`, async () => {
      const r = await api('GET', path);
      assertError(r, 404, 'not_found', null);
      assertEnvelope(r, path);
    });
  }

  test('unknown API paths are JSON 404 for every method', async () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await api(m, '/api/v1/nope', { json: {} });
      assertError(r, 404, 'not_found');
    }
  });

  test('GET /api/v1/auth/login: 405 method_not_allowed with Allow: POST', async () => {
    const r = await api('GET', '/api/v1/auth/login');
    assertError(r, 405, 'method_not_allowed', null);
    assert.equal(r.headers.get('allow'), 'POST');
  });

  test('other wrong methods: 405 with the Allow header', async () => {
    const reg = await api('DELETE', '/api/v1/auth/register');
    assertError(reg, 405, 'method_not_allowed');
    assert.equal(reg.headers.get('allow'), 'POST');
    const h = await api('POST', '/healthz', { json: {} });
    assertError(h, 405, 'method_not_allowed');
    assert.deepEqual(h.headers.get('allow').split(',').map((s) => s.trim()).sort(), ['GET', 'HEAD']);
    const p = await person();
    const me = await api('DELETE', '/api/v1/me', { session: p.session });
    assertError(me, 405, 'method_not_allowed');
    assert.deepEqual(me.headers.get('allow').split(',').map((s) => s.trim()).sort(), ['GET', 'PATCH']);
  });
});

describe('request bodies', () => {
  test('Content-Type text/plain on a JSON route: 415 unsupported_media_type', async () => {
    const body = JSON.stringify({ login: 'someone', password: 'whatever12' });
    assertError(await loginRaw(body, 'text/plain'), 415, 'unsupported_media_type');
    assertError(await loginRaw(body, 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    assertError(await loginRaw(body, 'application/jsonp'), 415, 'unsupported_media_type');
    const reg = await api('POST', '/api/v1/auth/register', {
      raw: JSON.stringify({ handle: unique('ct'), email: `${unique('ct')}@example.com`,
        password: 'long enough password', display_name: 'X' }),
      contentType: 'text/plain',
    });
    assertError(reg, 415, 'unsupported_media_type');
  });

  test('no Content-Type at all: 415', async () => {
    const r = await api('POST', '/api/v1/auth/login', { raw: '{"login":"a","password":"b"}' });
    // fetch adds text/plain;charset=UTF-8 to a string body; send bytes to have none.
    assertError(r, 415, 'unsupported_media_type');
    const bytes = await api('POST', '/api/v1/auth/login', { raw: Buffer.from('{"login":"a","password":"b"}') });
    assertError(bytes, 415, 'unsupported_media_type');
  });

  test('application/json with a charset parameter is accepted', async () => {
    const r = await loginRaw(JSON.stringify({ login: unique('ghost'), password: 'whatever12' }),
      'application/json; charset=utf-8');
    assertError(r, 401, 'invalid_credentials');
  });

  for (const [label, body] of [
    ['truncated object', '{"login": "x", '],
    ['trailing garbage', '{"login": "x"} x'],
    ['single quotes', "{'login': 'x'}"],
    ['a bare word', 'login'],
    ['an empty body', ''],
  ]) {
    test(`malformed JSON (${label}): 400 malformed_json`, async () => {
      assertError(await loginRaw(body), 400, 'malformed_json', null);
    });
  }

  for (const [label, body] of [['an array', '[{"login":"x","password":"y"}]'], ['a string', '"x"'],
    ['a number', '42'], ['null', 'null']]) {
    test(`a JSON body that is ${label}, not an object: 400`, async () => {
      const r = await loginRaw(body);
      assertError(r, 400);
      assert.ok(['malformed_json', 'bad_request'].includes(r.body.error.code), r.text);
    });
  }

  test('deeply nested JSON is rejected with 400 and the server stays up', async () => {
    const depth = 100000;
    const r = await loginRaw('{"login":' + '['.repeat(depth) + ']'.repeat(depth) + ',"password":"x"}');
    assertError(r, 400, 'malformed_json');
    assert.equal((await api('GET', '/healthz')).status, 200);
  });

  for (const [label, bytes] of [
    ['0xff', [0xff]],
    ['an overlong "/" (0xc0 0xaf)', [0xc0, 0xaf]],
    ['an overlong 3-byte form (0xe0 0x80 0xaf)', [0xe0, 0x80, 0xaf]],
    ['a UTF-16 surrogate (0xed 0xa0 0x80)', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF (0xf4 0x90 0x80 0x80)', [0xf4, 0x90, 0x80, 0x80]],
    ['a truncated sequence (0xe2 0x82)', [0xe2, 0x82]],
    ['a lone continuation byte (0x80)', [0x80]],
  ]) {
    test(`invalid UTF-8 inside a JSON string, ${label}: 400 invalid_utf8`, async () => {
      const body = Buffer.concat([Buffer.from('{"login":"ab'), Buffer.from(bytes),
        Buffer.from('cd","password":"correct horse battery staple"}')]);
      const r = await api('POST', '/api/v1/auth/login', { raw: body, contentType: 'application/json' });
      assertError(r, 400, 'invalid_utf8');
    });
  }

  test('invalid UTF-8 on an authenticated PATCH is 400 too, and nothing is written', async () => {
    const p = await person();
    const body = Buffer.concat([Buffer.from('{"title":"x'), Buffer.from([0xc0, 0xaf]), Buffer.from('y"}')]);
    const r = await api('PATCH', '/api/v1/me', { session: p.session, raw: body, contentType: 'application/json' });
    assertError(r, 400, 'invalid_utf8');
    assert.equal((await api('GET', '/api/v1/me', { session: p.session })).body.user.title, '');
  });

  test('a body over 1 MiB: 413 payload_too_large as JSON', async () => {
    const r = await loginRaw('{"login":"' + 'a'.repeat(MiB) + '","password":"x"}');
    assertError(r, 413, 'payload_too_large', null);
    assertEnvelope(r, '413');
    const p = await person();
    const big = await api('PATCH', '/api/v1/me', { session: p.session, json: { bio: 'b'.repeat(2 * MiB) } });
    assertError(big, 413, 'payload_too_large');
  });

  test('a body of exactly 1 MiB is read (not 413)', async () => {
    const json = JSON.stringify({ login: unique('ghost'), password: 'whatever12' });
    const body = json + ' '.repeat(MiB - Buffer.byteLength(json));
    assert.equal(Buffer.byteLength(body), MiB);
    assertError(await loginRaw(body), 401, 'invalid_credentials');
  });
});

describe('text', () => {
  test('markup, quotes, backslashes and U+2028/U+2029 round-trip through PATCH /me unchanged', async () => {
    const p = await person();
    const tricky = '<script>alert("x")</script>"\\\u2028\u2029 </title>&amp; \'é😀';
    const bio = `${tricky}\n\t${tricky}\r\n{"json":"in json"}\\u0041`;
    const r = await api('PATCH', '/api/v1/me', { session: p.session, json: { display_name: tricky, bio } });
    assert.equal(r.status, 200, r.text);
    assert.doesNotThrow(() => JSON.parse(r.text), 'valid JSON');
    assert.equal(r.body.user.display_name, tricky);
    assert.equal(r.body.user.bio, bio);
    const g = await api('GET', '/api/v1/me', { session: p.session });
    assert.doesNotThrow(() => JSON.parse(g.text), 'valid JSON');
    assert.equal(g.body.user.display_name, tricky);
    assert.equal(g.body.user.bio, bio);
  });

  test('JSON \\u escapes (including a surrogate pair) are decoded', async () => {
    const p = await person();
    const body = '{"title":"\\u00e9\\ud83d\\ude00\\u2028"}';
    const r = await api('PATCH', '/api/v1/me', { session: p.session, raw: body, contentType: 'application/json' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.title, 'é😀\u2028');
  });
});

describe('errors never echo the input', () => {
  const MARK = 'EchoMark7f3a';

  test('a failed login does not repeat the login or the password', async () => {
    const password = `${MARK}-secret-password`;
    const r = await api('POST', '/api/v1/auth/login', { json: { login: `${MARK}_login`, password } });
    assertError(r, 401, 'invalid_credentials');
    assert.ok(!r.text.includes(MARK), r.text);
  });

  test('a rejected registration does not repeat the password, the handle or the e-mail', async () => {
    const password = `${MARK}-secret-password`;
    for (const body of [
      { handle: `${MARK}!!`, email: `${MARK}@example.com`, password, display_name: MARK },
      { handle: unique('ok'), email: `${MARK}-not-an-address`, password, display_name: MARK },
      { handle: unique('ok'), email: `${MARK}@evil.test`, password, display_name: MARK },
      { handle: unique('ok'), email: `${unique('e')}@example.com`, password, display_name: MARK.repeat(20) },
    ]) {
      const r = await api('POST', '/api/v1/auth/register', { json: body });
      assertError(r, 422);
      assert.ok(!r.text.includes(MARK), r.text);
    }
  });

  test('malformed JSON, wrong types and unknown routes are not echoed', async () => {
    const r1 = await loginRaw(`{"password": "${MARK}", `);
    assertError(r1, 400, 'malformed_json');
    assert.ok(!r1.text.includes(MARK), r1.text);
    const r2 = await api('POST', '/api/v1/auth/login', { json: { login: [MARK], password: MARK } });
    assertError(r2, 422);
    assert.ok(!r2.text.includes(MARK), r2.text);
    const r3 = await api('GET', `/api/v1/${MARK}?q=${MARK}`);
    assertError(r3, 404, 'not_found');
    assert.ok(!r3.text.includes(MARK), r3.text);
    const p = await person();
    const r4 = await api('PATCH', '/api/v1/me', { session: p.session, json: { manager: `${MARK}x` } });
    assertError(r4, 422, 'validation_failed', 'manager');
    assert.ok(!r4.text.includes(MARK), r4.text);
    const r5 = await api('PATCH', '/api/v1/me', { session: p.session, json: { [MARK]: 1 } });
    assertError(r5, 422, 'validation_failed');
    assert.ok(!r5.text.includes(MARK), r5.text);
  });
});

describe('static files', () => {
  test('/ is served as text/html with the CSP', async () => {
    const r = await api('GET', '/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/i);
    assert.match(r.text, /<html|<!doctype html/i);
    assertSecurityHeaders(r, '/');
  });

  test('an unknown static path is a 404', async () => {
    const r = await api('GET', `/${unique('missing')}.js`);
    assert.equal(r.status, 404);
  });

  for (const path of [
    '/../../etc/passwd',
    '/../../../../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/./../etc/passwd',
    '//etc/passwd',
    '/../package.json',
    '/../conf/parley.conf.in',
    '/../app/parley.h',
    '/vendor/../package.json',
    '/vendor/../../etc/passwd',
    '/vendor/..%2f..%2fpackage.json',
    '/index.html/../../package.json',
    '/.git/config',
    '/vendor/.package-lock.json',
  ]) {
    test(`${path} does not escape the asset roots: 404`, async () => {
      const r = await raw('GET', path);
      assert.equal(r.status, 404, `${path}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.ok(!r.text.includes('root:'), 'no /etc/passwd');
      assert.ok(!r.text.includes('"name": "parley"'), 'no package.json');
      assert.ok(!r.text.includes('route'), 'no configuration');
    });
  }
});

describe('pagination shape', () => {
  test('a list answers {"items": [...], "next_cursor": null} on its last page', async () => {
    const p = await person();
    const empty = await api('GET', '/api/v1/me/tokens', { session: p.session });
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.body, { items: [], next_cursor: null });
    await tokenFor(p.session, 'one');
    const one = await api('GET', '/api/v1/me/tokens', { session: p.session });
    assert.deepEqual(Object.keys(one.body).sort(), ['items', 'next_cursor']);
    assert.ok(Array.isArray(one.body.items));
    assert.equal(one.body.items.length, 1);
    assert.equal(one.body.next_cursor, null);
  });
});
