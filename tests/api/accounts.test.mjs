// Accounts and sessions (API.md "Accounts and sessions"): register, login,
// lockout and logout, black-box against the real server. The first account
// (the admin) is created by first_admin.test.mjs; every account made here is
// an employee.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { api, register, login, person, assertError, unique, PASSWORD } from '../lib/api.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const USERREF_KEYS = ['department', 'display_name', 'handle', 'id', 'title'];

const reg = (body, opts = {}) => api('POST', '/api/v1/auth/register', { json: body, ...opts });
const signIn = (login_, password) => api('POST', '/api/v1/auth/login', { json: { login: login_, password } });

function fields(overrides = {}) {
  const handle = overrides.handle ?? unique('acc');
  return {
    handle,
    email: `${handle}@example.com`,
    password: PASSWORD,
    display_name: `Person ${handle}`,
    ...overrides,
  };
}

describe('POST /api/v1/auth/register', () => {
  test('201 with the whole User, email included, role employee', async () => {
    const f = fields({ display_name: 'Ada Lovelace' });
    const r = await reg(f);
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8$/i);
    const u = r.body.user;
    assert.ok(Number.isInteger(u.id) && u.id > 0, 'id is a JSON integer');
    assert.equal(u.handle, f.handle);
    assert.equal(u.email, f.email);
    assert.equal(u.display_name, 'Ada Lovelace');
    assert.equal(u.role, 'employee');
    assert.equal(u.status, 'active');
    for (const k of ['title', 'department', 'location', 'bio']) assert.equal(u[k], '', k);
    assert.deepEqual(u.skills, []);
    assert.equal(u.manager, null);
    assert.equal(u.followers, 0);
    assert.equal(u.following, 0);
    assert.match(u.created_at, RFC3339_UTC);
    assert.ok(Math.abs(Date.parse(u.created_at) - Date.now()) < 10 * 60 * 1000, 'created_at is now');
    for (const k of USERREF_KEYS) assert.ok(k in u, `User has ${k}`);
    assert.ok(!r.text.includes(PASSWORD), 'the password is never echoed');
    assert.ok(!('password' in u) && !('password_hash' in u));
  });

  test('the new account can sign in at once', async () => {
    const f = fields();
    assert.equal((await reg(f)).status, 201);
    const r = await signIn(f.handle, f.password);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.handle, f.handle);
  });

  test('an address in another allowed domain, in any case, registers', async () => {
    const h = unique('acc');
    const r = await reg(fields({ handle: h, email: `${h}@Example.ORG` }));
    assert.equal(r.status, 201, r.text);
  });

  test('handles are unique ignoring case: "Bob_x…" then "bob_x…" is 409', async () => {
    const base = unique('bob');
    const first = await reg(fields({ handle: 'B' + base.slice(1), email: `${base}.1@example.com` }));
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.user.handle, base, 'the handle is stored lower-cased');
    const r = await reg(fields({ handle: base, email: `${base}.2@example.com` }));
    assertError(r, 409, 'conflict', 'handle');
    const upper = await reg(fields({ handle: base.toUpperCase(), email: `${base}.3@example.com` }));
    assertError(upper, 409, 'conflict', 'handle');
  });

  test('e-mail addresses are unique ignoring case: 409 field email', async () => {
    const a = fields();
    assert.equal((await reg(a)).status, 201);
    const r = await reg(fields({ email: a.email.toUpperCase() }));
    assertError(r, 409, 'conflict', 'email');
    const same = await reg(fields({ email: a.email }));
    assertError(same, 409, 'conflict', 'email');
  });

  test('a rejected registration writes nothing (the handle stays free)', async () => {
    const f = fields({ password: 'short' });
    assertError(await reg(f), 422, 'validation_failed', 'password');
    assert.equal((await reg(fields({ handle: f.handle }))).status, 201);
  });

  for (const [why, handle] of [
    ['too short', 'ab'],
    ['too long (31)', 'a'.repeat(31)],
    ['a hyphen', 'bad-handle'],
    ['a space', 'bad handle'],
    ['punctuation', 'bad!handle'],
    ['a dot', 'bad.handle'],
    ['non-ASCII letters', 'héllo_wörld'],
    ['empty', ''],
  ]) {
    test(`a handle with ${why} is 422 field handle`, async () => {
      const r = await reg(fields({ handle, email: `${unique('e')}@example.com` }));
      assertError(r, 422, 'validation_failed', 'handle');
    });
  }

  test('a 30-character handle is accepted; 3 characters too', async () => {
    const long = (unique('h') + 'x'.repeat(30)).slice(0, 30);
    assert.equal((await reg(fields({ handle: long }))).status, 201);
    const short = await reg(fields({ handle: unique('s').slice(-3), email: `${unique('e')}@example.com` }));
    assert.ok(short.status === 201 || short.status === 409, short.text);
  });

  for (const email of ['not-an-email', 'two@@example.com', '@example.com', 'someone@', 'someone@example',
    'some one@example.com', 'a@b@example.com']) {
    test(`e-mail ${JSON.stringify(email)} is 422 field email`, async () => {
      const r = await reg(fields({ email }));
      assertError(r, 422, 'validation_failed', 'email');
    });
  }

  test('a domain outside PARLEY_EMAIL_DOMAINS is 422 domain_not_allowed (field email)', async () => {
    const h = unique('dom');
    const r = await reg(fields({ handle: h, email: `${h}@evil.test` }));
    assertError(r, 422, 'domain_not_allowed', 'email');
    // A look-alike of an allowed domain is not allowed either.
    const r2 = await reg(fields({ handle: h, email: `${h}@example.com.evil.test` }));
    assertError(r2, 422, 'domain_not_allowed', 'email');
    const r3 = await reg(fields({ handle: h, email: `${h}@sub.example.com` }));
    assertError(r3, 422, 'domain_not_allowed', 'email');
  });

  test('a password of 9 code points is 422 field password', async () => {
    assertError(await reg(fields({ password: '123456789' })), 422, 'validation_failed', 'password');
  });

  test('lengths count code points: 9 two-byte characters (18 bytes) are too short', async () => {
    assertError(await reg(fields({ password: 'é'.repeat(9) })), 422, 'validation_failed', 'password');
  });

  test('lengths count code points: 10 multi-byte characters make a valid password that signs in', async () => {
    const password = 'éééééééééé';
    assert.equal([...password].length, 10);
    const f = fields({ password });
    const r = await reg(f);
    assert.equal(r.status, 201, r.text);
    const s = await signIn(f.handle, password);
    assert.equal(s.status, 200, s.text);
    // Four-byte characters (emoji) count as one code point each.
    const emoji = '😀'.repeat(10);
    const g = fields({ password: emoji });
    assert.equal((await reg(g)).status, 201);
    assert.equal((await signIn(g.handle, emoji)).status, 200);
  });

  test('the longest password (1024 code points of 4 bytes) is kept whole; 1025 code points are 422', async () => {
    const password = '😀'.repeat(1024);
    const f = fields({ password });
    const r = await reg(f);
    assert.equal(r.status, 201, r.text);
    assert.equal((await signIn(f.handle, password)).status, 200);
    // A password that differs only in its last code point must not sign in.
    assertError(await signIn(f.handle, '😀'.repeat(1023) + 'x'), 401, 'invalid_credentials');
    assertError(await reg(fields({ password: 'x'.repeat(1025) })), 422, 'validation_failed', 'password');
  });

  test('a display_name of 101 code points is 422; 100 multi-byte ones are accepted', async () => {
    assertError(await reg(fields({ display_name: 'x'.repeat(101) })), 422, 'validation_failed', 'display_name');
    const r = await reg(fields({ display_name: 'ü'.repeat(100) }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.user.display_name, 'ü'.repeat(100));
    assertError(await reg(fields({ display_name: '' })), 422, 'validation_failed', 'display_name');
  });

  for (const missing of ['handle', 'email', 'password', 'display_name']) {
    test(`a body without ${missing} is 422 field ${missing}`, async () => {
      const f = fields();
      delete f[missing];
      assertError(await reg(f), 422, 'validation_failed', missing);
    });
    test(`${missing}: null is 422 field ${missing}`, async () => {
      assertError(await reg(fields({ [missing]: null })), 422, 'validation_failed', missing);
    });
  }

  for (const [key, value] of [
    ['handle', 5],
    ['handle', ['abc']],
    ['email', { at: 'example.com' }],
    ['password', 1234567890],
    ['display_name', true],
  ]) {
    test(`${key}: ${JSON.stringify(value)} (wrong type) is 422 field ${key}`, async () => {
      assertError(await reg(fields({ [key]: value })), 422, 'validation_failed', key);
    });
  }

  test('an empty object is 422 (the first missing field)', async () => {
    assertError(await reg({}), 422, 'validation_failed', 'handle');
  });
});

describe('POST /api/v1/auth/login', () => {
  test('by handle: 200 {user, csrf_token} and the session cookie (HttpOnly, SameSite=Lax, Path=/)', async () => {
    const u = await register();
    const r = await signIn(u.handle, u.password);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, u.id);
    assert.equal(r.body.user.email, u.email, 'one sees one\'s own e-mail');
    assert.equal(typeof r.body.csrf_token, 'string');
    assert.ok(r.body.csrf_token.length >= 20, 'an unguessable CSRF token');
    const cookies = r.headers.getSetCookie();
    const c = cookies.find((x) => x.startsWith('parley_session='));
    assert.ok(c, `session cookie in ${cookies}`);
    const attrs = c.split(';').map((s) => s.trim().toLowerCase());
    assert.ok(attrs.includes('httponly'), c);
    assert.ok(attrs.includes('samesite=lax'), c);
    assert.ok(attrs.includes('path=/'), c);
    const value = c.split(';')[0].slice('parley_session='.length);
    assert.ok(value.length >= 20, 'an unguessable session secret');
    assert.notEqual(value, r.body.csrf_token, 'the CSRF token is not the session secret');
    assert.ok(!r.text.includes(value), 'the session secret is not in the body');
  });

  test('the cookie signs the user in', async () => {
    const u = await register();
    const s = await login(u.handle);
    const me = await api('GET', '/api/v1/me', { session: s });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.user.id, u.id);
  });

  test('by e-mail, in any case, and by handle in any case', async () => {
    const u = await register();
    const byEmail = await signIn(u.email.toUpperCase(), u.password);
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.equal(byEmail.body.user.id, u.id);
    const byHandle = await signIn(u.handle.toUpperCase(), u.password);
    assert.equal(byHandle.status, 200, byHandle.text);
    assert.equal(byHandle.body.user.id, u.id);
  });

  test('each login is a new session with its own CSRF token', async () => {
    const u = await register();
    const a = await login(u.handle);
    const b = await login(u.handle);
    assert.notEqual(a.cookie, b.cookie);
    assert.notEqual(a.csrf, b.csrf);
  });

  test('an unknown login and a wrong password answer identically: 401 invalid_credentials', async () => {
    const u = await register();
    const wrong = await signIn(u.handle, 'not the password at all');
    const unknown = await signIn(unique('ghost'), 'not the password at all');
    assertError(wrong, 401, 'invalid_credentials', null);
    assertError(unknown, 401, 'invalid_credentials', null);
    assert.equal(wrong.text, unknown.text, 'same body');
    assert.equal(wrong.headers.getSetCookie().length, 0, 'no cookie on failure');
    assert.equal(unknown.headers.getSetCookie().length, 0, 'no cookie on failure');
    const unknownEmail = await signIn(`${unique('ghost')}@example.com`, 'not the password at all');
    assert.equal(unknownEmail.status, 401);
    assert.equal(unknownEmail.text, wrong.text);
  });

  test('missing or wrongly typed fields are 422 with the field', async () => {
    const f = (body) => api('POST', '/api/v1/auth/login', { json: body });
    assertError(await f({ password: PASSWORD }), 422, 'validation_failed', 'login');
    assertError(await f({ login: 'someone' }), 422, 'validation_failed', 'password');
    assertError(await f({ login: 7, password: PASSWORD }), 422, 'validation_failed', 'login');
    assertError(await f({ login: 'someone', password: ['x'] }), 422, 'validation_failed', 'password');
  });

  test('5 wrong passwords, then the 6th attempt (even the right password) is 429 rate_limited with Retry-After', async () => {
    const u = await register();
    const bystander = await register();
    for (let i = 1; i <= 5; i++) {
      assertError(await signIn(u.handle, `wrong password ${i}`), 401, 'invalid_credentials');
    }
    const r = await signIn(u.handle, u.password);
    assertError(r, 429, 'rate_limited');
    const retry = r.headers.get('retry-after');
    assert.match(retry ?? '', /^[0-9]+$/, `Retry-After is a whole number of seconds: ${retry}`);
    assert.ok(Number(retry) >= 1 && Number(retry) <= 900, `Retry-After ${retry} within 15 minutes`);
    assert.equal(r.headers.getSetCookie().length, 0, 'no session while locked out');
    // Still locked, and a wrong password is 429 as well (not 401).
    assertError(await signIn(u.handle, 'wrong again'), 429, 'rate_limited');
    // Other logins are unaffected.
    const other = await signIn(bystander.handle, bystander.password);
    assert.equal(other.status, 200, other.text);
  });

  test('unknown logins are throttled the same way (no way to tell them apart)', async () => {
    const ghost = unique('ghost');
    for (let i = 1; i <= 5; i++) assertError(await signIn(ghost, `guess ${i}`), 401, 'invalid_credentials');
    const r = await signIn(ghost, 'guess 6');
    assertError(r, 429, 'rate_limited');
    assert.match(r.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
  });

  test('four failures do not lock the account out', async () => {
    const u = await register();
    for (let i = 1; i <= 4; i++) assertError(await signIn(u.handle, `wrong ${i}`), 401, 'invalid_credentials');
    const r = await signIn(u.handle, u.password);
    assert.equal(r.status, 200, r.text);
  });
});

describe('POST /api/v1/auth/logout', () => {
  test('204 with no body, and the old cookie is 401 on GET /me afterwards', async () => {
    const p = await person();
    const r = await api('POST', '/api/v1/auth/logout', { session: p.session });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    const cleared = r.headers.getSetCookie().find((c) => c.startsWith('parley_session='));
    assert.ok(cleared, 'the cookie is cleared');
    assert.match(cleared, /max-age=0|expires=thu, 01 jan 1970/i);
    const me = await api('GET', '/api/v1/me', { session: p.session });
    assertError(me, 401, 'unauthenticated');
    // The old CSRF token does not bring the session back either.
    const again = await api('POST', '/api/v1/auth/logout', { session: p.session });
    assertError(again, 401, 'unauthenticated');
  });

  test('without the X-CSRF-Token header: 403 csrf_failed, and the session survives', async () => {
    const p = await person();
    const r = await api('POST', '/api/v1/auth/logout', { session: p.session, csrf: false });
    assertError(r, 403, 'csrf_failed');
    const me = await api('GET', '/api/v1/me', { session: p.session });
    assert.equal(me.status, 200, me.text);
  });

  test('with a wrong X-CSRF-Token: 403 csrf_failed', async () => {
    const p = await person();
    const r = await api('POST', '/api/v1/auth/logout', { session: p.session, csrf: 'x'.repeat(43) });
    assertError(r, 403, 'csrf_failed');
  });

  test('signing out ends only that session', async () => {
    const p = await person();
    const other = await login(p.handle);
    assert.equal((await api('POST', '/api/v1/auth/logout', { session: p.session })).status, 204);
    const me = await api('GET', '/api/v1/me', { session: other });
    assert.equal(me.status, 200, me.text);
  });

  test('anonymous: 401 unauthenticated', async () => {
    assertError(await api('POST', '/api/v1/auth/logout'), 401, 'unauthenticated');
  });
});

test('login: the handle and the e-mail address share one lockout budget', async () => {
  const u = await register();
  for (let i = 0; i < 3; i++) {
    const r = await api('POST', '/api/v1/auth/login', { json: { login: u.handle, password: 'wrong password!' } });
    assertError(r, 401, 'invalid_credentials');
  }
  for (let i = 0; i < 2; i++) {
    const r = await api('POST', '/api/v1/auth/login', { json: { login: u.email.toUpperCase(), password: 'wrong password!' } });
    assertError(r, 401, 'invalid_credentials');
  }
  const locked = await api('POST', '/api/v1/auth/login', { json: { login: u.email, password: u.password } });
  assertError(locked, 429, 'rate_limited');
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
});
