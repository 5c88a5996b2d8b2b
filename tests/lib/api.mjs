// Helpers for the black-box suites: a fetch wrapper that speaks the
// contract (JSON, cookie sessions with CSRF, bearer tokens), and factories
// for unique users. The server is started by tools/test.sh.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export const BASE = process.env.PARLEY_URL ?? 'http://127.0.0.1:18888';
export const PASSWORD = 'correct horse battery staple';

// api(method, path, {json, raw, contentType, token, session, csrf, headers})
// -> {status, headers, body (parsed JSON or null), text}
export async function api(method, path, opts = {}) {
  const headers = { ...(opts.headers ?? {}) };
  let body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  } else if (opts.raw !== undefined) {
    body = opts.raw;
    if (opts.contentType) headers['content-type'] = opts.contentType;
  }
  if (opts.contentType && opts.json !== undefined) headers['content-type'] = opts.contentType;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const s = opts.session;
  if (s) {
    headers.cookie = `parley_session=${s.cookie}`;
    if (opts.csrf !== false && s.csrf && method !== 'GET') headers['x-csrf-token'] = opts.csrf ?? s.csrf;
  }
  const res = await fetch(BASE + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed = null;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json') && text) {
    parsed = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export function unique(prefix = 'u') {
  return `${prefix}_${randomBytes(5).toString('hex')}`.slice(0, 30);
}

export async function register(fields = {}) {
  const handle = fields.handle ?? unique();
  const user = {
    handle,
    email: fields.email ?? `${handle}@example.com`,
    password: fields.password ?? PASSWORD,
    display_name: fields.display_name ?? `Person ${handle}`,
  };
  const r = await api('POST', '/api/v1/auth/register', { json: user });
  assert.equal(r.status, 201, `register ${handle}: ${r.text}`);
  return { ...user, id: r.body.user.id, user: r.body.user };
}

// Signs in; returns {cookie, csrf, user}.
export async function login(login, password = PASSWORD) {
  const r = await api('POST', '/api/v1/auth/login', { json: { login, password } });
  assert.equal(r.status, 200, `login ${login}: ${r.text}`);
  const set = r.headers.getSetCookie().find((c) => c.startsWith('parley_session='));
  assert.ok(set, 'login sets the session cookie');
  return { cookie: set.split(';')[0].split('=')[1], csrf: r.body.csrf_token, user: r.body.user };
}

// A registered, signed-in user: {handle, id, session}.
export async function person(fields = {}) {
  const u = await register(fields);
  return { ...u, session: await login(u.handle, u.password) };
}

// A bearer token for a session.
export async function tokenFor(session, name = 'test') {
  const r = await api('POST', '/api/v1/me/tokens', { session, json: { name } });
  assert.equal(r.status, 201, r.text);
  return r.body.token;
}

export function assertError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.ok(r.body && r.body.error, `error envelope in ${r.text}`);
  if (code) assert.equal(r.body.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.body.error.field, field, r.text);
  assert.equal(typeof r.body.error.message, 'string');
}
