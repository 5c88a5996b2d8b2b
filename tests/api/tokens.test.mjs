// Personal access tokens: POST/GET /api/v1/me/tokens and
// DELETE /api/v1/me/tokens/{id}. A token is shown once, stored hashed, listed
// without its secret, works as a bearer credential and stops at revocation.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { api, person, tokenFor, assertError } from '../lib/api.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

const create = (who, name = 'laptop', opts = {}) =>
  api('POST', '/api/v1/me/tokens', { session: who.session, json: { name }, ...opts });
const list = (opts) => api('GET', '/api/v1/me/tokens', opts);
const revoke = (id, opts) => api('DELETE', `/api/v1/me/tokens/${id}`, opts);

describe('POST /api/v1/me/tokens', () => {
  test('201 {id, name, token, created_at} with a "pat_" token', async () => {
    const p = await person();
    const r = await create(p, 'CI script');
    assert.equal(r.status, 201, r.text);
    assert.ok(Number.isInteger(r.body.id) && r.body.id > 0);
    assert.equal(r.body.name, 'CI script');
    assert.equal(typeof r.body.token, 'string');
    assert.ok(r.body.token.startsWith('pat_'), r.body.token);
    assert.match(r.body.token, /^pat_[A-Za-z0-9_-]{43}$/, 'pat_ and 32 random bytes in base64url');
    assert.match(r.body.created_at, RFC3339_UTC);
  });

  test('every token is different', async () => {
    const p = await person();
    const a = await create(p, 'same name');
    const b = await create(p, 'same name');
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.token, b.body.token);
    assert.notEqual(a.body.id, b.body.id);
  });

  test('the token works as a bearer credential on GET /api/v1/me', async () => {
    const p = await person();
    const { body } = await create(p);
    const r = await api('GET', '/api/v1/me', { token: body.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, p.id);
    assert.equal(r.body.user.handle, p.handle);
  });

  test('name is required, 1 to 100 code points, text', async () => {
    const p = await person();
    assertError(await api('POST', '/api/v1/me/tokens', { session: p.session, json: {} }),
      422, 'validation_failed', 'name');
    assertError(await create(p, ''), 422, 'validation_failed', 'name');
    assertError(await create(p, 'x'.repeat(101)), 422, 'validation_failed', 'name');
    assertError(await create(p, 12), 422, 'validation_failed', 'name');
    const ok = await create(p, 'ü'.repeat(100));
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.name, 'ü'.repeat(100));
  });

  test('with the cookie but no X-CSRF-Token: 403 csrf_failed', async () => {
    const p = await person();
    assertError(await create(p, 'x', { csrf: false }), 403, 'csrf_failed');
    assertError(await create(p, 'x', { csrf: 'forged' }), 403, 'csrf_failed');
    const l = await list({ session: p.session });
    assert.deepEqual(l.body.items, [], 'no token was created');
  });

  test('a bearer token can create another token without CSRF', async () => {
    const p = await person();
    const token = await tokenFor(p.session);
    const r = await api('POST', '/api/v1/me/tokens', { token, json: { name: 'from a token' } });
    assert.equal(r.status, 201, r.text);
    assert.equal((await api('GET', '/api/v1/me', { token: r.body.token })).body.user.id, p.id);
  });

  test('anonymous: 401 unauthenticated', async () => {
    assertError(await api('POST', '/api/v1/me/tokens', { json: { name: 'x' } }), 401, 'unauthenticated');
  });
});

describe('GET /api/v1/me/tokens', () => {
  test('lists one\'s tokens, newest first, without their secrets, as a page', async () => {
    const p = await person();
    const a = await create(p, 'first');
    const b = await create(p, 'second');
    const r = await list({ session: p.session });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['items', 'next_cursor']);
    assert.equal(r.body.next_cursor, null, 'one page: next_cursor is null');
    assert.deepEqual(r.body.items.map((t) => t.id), [b.body.id, a.body.id]);
    assert.deepEqual(r.body.items.map((t) => t.name), ['second', 'first']);
    for (const t of r.body.items) {
      assert.ok(!('token' in t) && !('token_hash' in t), `no secret in ${JSON.stringify(t)}`);
      assert.match(t.created_at, RFC3339_UTC);
      assert.ok(t.last_used_at === null || RFC3339_UTC.test(t.last_used_at), 'last_used_at');
    }
    assert.ok(!r.text.includes(a.body.token), 'the raw answer does not contain the first secret');
    assert.ok(!r.text.includes(b.body.token), 'the raw answer does not contain the second secret');
    assert.ok(!r.text.includes(a.body.token.slice(4)), 'nor the secret without its prefix');
  });

  test('last_used_at is set once the token has been used', async () => {
    const p = await person();
    const { body } = await create(p, 'used');
    const before = (await list({ session: p.session })).body.items.find((t) => t.id === body.id);
    assert.equal(before.last_used_at, null);
    assert.equal((await api('GET', '/api/v1/me', { token: body.token })).status, 200);
    const after = (await list({ session: p.session })).body.items.find((t) => t.id === body.id);
    assert.match(after.last_used_at ?? '', RFC3339_UTC);
  });

  test('shows only one\'s own tokens', async () => {
    const p = await person();
    const q = await person();
    await create(q, 'theirs');
    const mine = await create(p, 'mine');
    const r = await list({ session: p.session });
    assert.deepEqual(r.body.items.map((t) => t.id), [mine.body.id]);
  });

  test('works with a bearer token too', async () => {
    const p = await person();
    const token = await tokenFor(p.session, 'lister');
    const r = await list({ token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.items.length, 1);
    assert.ok(!r.text.includes(token));
  });

  test('anonymous: 401 unauthenticated', async () => {
    assertError(await list({}), 401, 'unauthenticated');
  });
});

describe('DELETE /api/v1/me/tokens/{id}', () => {
  test('204, then the token is 401 and gone from the list; revoking again is 404', async () => {
    const p = await person();
    const { body } = await create(p, 'short-lived');
    assert.equal((await api('GET', '/api/v1/me', { token: body.token })).status, 200);
    const r = await revoke(body.id, { session: p.session });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assertError(await api('GET', '/api/v1/me', { token: body.token }), 401, 'unauthenticated');
    assertError(await api('PATCH', '/api/v1/me', { token: body.token, json: { title: 'x' } }), 401, 'unauthenticated');
    const l = await list({ session: p.session });
    assert.ok(!l.body.items.some((t) => t.id === body.id), 'revoked tokens are not listed');
    assertError(await revoke(body.id, { session: p.session }), 404, 'not_found');
  });

  test('revoking one token leaves the others working', async () => {
    const p = await person();
    const a = await create(p, 'a');
    const b = await create(p, 'b');
    assert.equal((await revoke(a.body.id, { session: p.session })).status, 204);
    assert.equal((await api('GET', '/api/v1/me', { token: b.body.token })).status, 200);
  });

  test('another user\'s token id is 404, and their token still works', async () => {
    const owner = await person();
    const other = await person();
    const { body } = await create(owner, 'precious');
    assertError(await revoke(body.id, { session: other.session }), 404, 'not_found');
    const viaToken = await revoke(body.id, { token: await tokenFor(other.session) });
    assertError(viaToken, 404, 'not_found');
    const r = await api('GET', '/api/v1/me', { token: body.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, owner.id);
  });

  test('a token can revoke itself', async () => {
    const p = await person();
    const { body } = await create(p, 'self-destruct');
    assert.equal((await revoke(body.id, { token: body.token })).status, 204);
    assertError(await api('GET', '/api/v1/me', { token: body.token }), 401, 'unauthenticated');
  });

  for (const id of ['abc', '0', '-1', '01', '1.5', '99999999999999999999', '9223372036854775807']) {
    test(`id ${JSON.stringify(id)} is a JSON 404 not_found`, async () => {
      const p = await person();
      const r = await revoke(encodeURIComponent(id), { session: p.session });
      assertError(r, 404, 'not_found');
      assert.match(r.headers.get('content-type'), /^application\/json/);
      assert.notEqual(r.body.error.message, 'No such API route.');
    });
  }

  test('with the cookie but no X-CSRF-Token: 403 csrf_failed, and the token survives', async () => {
    const p = await person();
    const { body } = await create(p, 'kept');
    assertError(await revoke(body.id, { session: p.session, csrf: false }), 403, 'csrf_failed');
    assert.equal((await api('GET', '/api/v1/me', { token: body.token })).status, 200);
  });

  test('anonymous: 401 unauthenticated', async () => {
    assertError(await revoke(1, {}), 401, 'unauthenticated');
  });
});
