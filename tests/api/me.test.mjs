// GET and PATCH /api/v1/me: the signed-in user, profile edits, skills,
// managers, and the authentication rules (cookie + CSRF, or bearer token).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { api, person, register, tokenFor, assertError, unique, PASSWORD } from '../lib/api.mjs';

const patch = (who, json, opts = {}) => api('PATCH', '/api/v1/me', { session: who.session, json, ...opts });
const getMe = (who) => api('GET', '/api/v1/me', { session: who.session });

describe('GET /api/v1/me', () => {
  test('with the cookie: {user, csrf_token}, the user with e-mail', async () => {
    const p = await person();
    const r = await getMe(p);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, p.id);
    assert.equal(r.body.user.handle, p.handle);
    assert.equal(r.body.user.email, p.email);
    assert.equal(r.body.user.role, 'employee');
    assert.equal(r.body.csrf_token, p.session.csrf, 'the same CSRF token login gave');
  });

  test('with a bearer token: 200 without any CSRF header; csrf_token is null', async () => {
    const p = await person();
    const token = await tokenFor(p.session);
    const r = await api('GET', '/api/v1/me', { token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, p.id);
    assert.equal(r.body.csrf_token, null);
  });

  test('without credentials: 401 unauthenticated', async () => {
    assertError(await api('GET', '/api/v1/me'), 401, 'unauthenticated', null);
  });

  test('with a made-up cookie, bearer token or another scheme: 401 unauthenticated', async () => {
    const fake = { cookie: 'x'.repeat(43), csrf: 'y' };
    assertError(await api('GET', '/api/v1/me', { session: fake }), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/me', { token: 'pat_' + 'A'.repeat(43) }), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/me', { headers: { authorization: 'Basic Zm91bmRlcjp4' } }),
      401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/me', { headers: { authorization: 'Bearer ' } }), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/me', { headers: { cookie: 'parley_session=' } }), 401, 'unauthenticated');
  });

  test('the session secret is not a bearer token, and a token is not a session cookie', async () => {
    const p = await person();
    const token = await tokenFor(p.session);
    assertError(await api('GET', '/api/v1/me', { token: p.session.cookie }), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/me', { session: { cookie: token } }), 401, 'unauthenticated');
  });

  test('a CSRF token is not a credential', async () => {
    const p = await person();
    const r = await api('GET', '/api/v1/me', { headers: { 'x-csrf-token': p.session.csrf } });
    assertError(r, 401, 'unauthenticated');
    const r2 = await api('GET', '/api/v1/me', { token: p.session.csrf });
    assertError(r2, 401, 'unauthenticated');
  });
});

describe('PATCH /api/v1/me: profile fields', () => {
  test('sets display_name, title, department, location and bio; GET shows them', async () => {
    const p = await person();
    const change = {
      display_name: 'Grace Hopper',
      title: 'Rear Admiral',
      department: 'Engineering',
      location: 'Arlington',
      bio: 'Wrote the first compiler.\nLikes nanoseconds.',
    };
    const r = await patch(p, change);
    assert.equal(r.status, 200, r.text);
    for (const [k, v] of Object.entries(change)) assert.equal(r.body.user[k], v, k);
    assert.equal(r.body.user.email, p.email);
    const g = await getMe(p);
    for (const [k, v] of Object.entries(change)) assert.equal(g.body.user[k], v, k);
  });

  test('fields left out keep their values; an empty object changes nothing', async () => {
    const p = await person();
    assert.equal((await patch(p, { title: 'Analyst', department: 'Finance' })).status, 200);
    const r = await patch(p, { location: 'Lyon' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.title, 'Analyst');
    assert.equal(r.body.user.department, 'Finance');
    assert.equal(r.body.user.location, 'Lyon');
    const e = await patch(p, {});
    assert.equal(e.status, 200, e.text);
    assert.equal(e.body.user.title, 'Analyst');
  });

  test('optional text can be cleared with ""; display_name cannot', async () => {
    const p = await person();
    await patch(p, { title: 'Temporary' });
    const r = await patch(p, { title: '' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.title, '');
    assertError(await patch(p, { display_name: '' }), 422, 'validation_failed', 'display_name');
  });

  for (const [key, max] of [['display_name', 100], ['title', 100], ['department', 100], ['location', 100],
    ['bio', 2000]]) {
    test(`${key}: ${max} code points are accepted, ${max + 1} are 422 field ${key}`, async () => {
      const p = await person();
      const ok = await patch(p, { [key]: 'é'.repeat(max) });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.user[key], 'é'.repeat(max));
      assertError(await patch(p, { [key]: 'x'.repeat(max + 1) }), 422, 'validation_failed', key);
    });
  }

  test('a NUL character in text is rejected (400 or 422) and nothing is stored', async () => {
    const p = await person();
    for (const body of [{ display_name: 'a\u0000b' }, { bio: '\u0000' }]) {
      const r = await patch(p, body);
      assert.ok(r.status === 400 || r.status === 422, `${r.status} ${r.text}`);
      assert.ok(r.body?.error, r.text);
    }
    const me = (await getMe(p)).body.user;
    assert.equal(me.display_name, p.display_name);
    assert.equal(me.bio, '');
  });

  test('a wrongly typed field is 422 with that field', async () => {
    const p = await person();
    assertError(await patch(p, { title: 42 }), 422, 'validation_failed', 'title');
    assertError(await patch(p, { bio: ['x'] }), 422, 'validation_failed', 'bio');
    assertError(await patch(p, { skills: 'Go' }), 422, 'validation_failed', 'skills');
    assertError(await patch(p, { manager: 12 }), 422, 'validation_failed', 'manager');
  });

  test('an unknown key (role) is 422 naming it, and the role does not change', async () => {
    const p = await person();
    const r = await patch(p, { role: 'admin' });
    assertError(r, 422, 'validation_failed', 'role');
    assert.equal((await getMe(p)).body.user.role, 'employee');
    assertError(await patch(p, { status: 'active' }), 422, 'validation_failed', 'status');
    assertError(await patch(p, { email: `${unique('x')}@example.com` }), 422, 'validation_failed', 'email');
  });

  test('a rejected PATCH changes nothing, not even the valid fields beside the bad one', async () => {
    const p = await person();
    await patch(p, { title: 'Before' });
    assertError(await patch(p, { title: 'After', bio: 'x'.repeat(2001) }), 422, 'validation_failed', 'bio');
    assertError(await patch(p, { title: 'After', manager: unique('nobody') }), 422, 'validation_failed', 'manager');
    assert.equal((await getMe(p)).body.user.title, 'Before');
  });

  test('the answer is {"user": User}', async () => {
    const p = await person();
    const r = await patch(p, { title: 'Shape' });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.user && typeof r.body.user === 'object');
    assert.equal(r.body.user.id, p.id);
  });
});

describe('PATCH /api/v1/me: skills', () => {
  test('are set in order, with duplicates removed ignoring case (first spelling and position kept)', async () => {
    const p = await person();
    const r = await patch(p, { skills: ['Go', 'PostgreSQL', 'go', 'Kore', 'POSTGRESQL', 'C'] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.user.skills.map((s) => s.name), ['Go', 'PostgreSQL', 'Kore', 'C']);
    for (const s of r.body.user.skills) assert.equal(s.endorsements, 0);
    assert.deepEqual((await getMe(p)).body.user.skills, r.body.user.skills);
  });

  test('a new list replaces the old one; leaving skills out keeps it; [] clears it', async () => {
    const p = await person();
    await patch(p, { skills: ['Rust', 'SQL'] });
    const r = await patch(p, { skills: ['SQL', 'Kubernetes'] });
    assert.deepEqual(r.body.user.skills.map((s) => s.name), ['SQL', 'Kubernetes']);
    const kept = await patch(p, { title: 'SRE' });
    assert.deepEqual(kept.body.user.skills.map((s) => s.name), ['SQL', 'Kubernetes']);
    const cleared = await patch(p, { skills: [] });
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual(cleared.body.user.skills, []);
  });

  test('non-ASCII skills keep their spelling and are de-duplicated ignoring case', async () => {
    const p = await person();
    const r = await patch(p, { skills: ['Élan', 'C++', 'c++', 'Café'] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.user.skills.map((s) => s.name), ['Élan', 'C++', 'Café']);
  });

  test('limits: at most 50 skills of 1 to 50 code points, each a string', async () => {
    const p = await person();
    const fifty = Array.from({ length: 50 }, (_, i) => `skill${i}`);
    const ok = await patch(p, { skills: fifty });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.user.skills.length, 50);
    assertError(await patch(p, { skills: [...fifty, 'one more'] }), 422, 'validation_failed', 'skills');
    assertError(await patch(p, { skills: ['x'.repeat(51)] }), 422, 'validation_failed', 'skills');
    assert.equal((await patch(p, { skills: ['ü'.repeat(50)] })).status, 200);
    assertError(await patch(p, { skills: [7] }), 422, 'validation_failed', 'skills');
    assertError(await patch(p, { skills: [null] }), 422, 'validation_failed', 'skills');
    assertError(await patch(p, { skills: [''] }), 422, 'validation_failed', 'skills');
  });
});

describe('PATCH /api/v1/me: manager', () => {
  test('is set by handle and shown as a UserRef', async () => {
    const boss = await person();
    await patch(boss, { title: 'Director', department: 'Sales' });
    const p = await person();
    const r = await patch(p, { manager: boss.handle });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.user.manager, {
      id: boss.id,
      handle: boss.handle,
      display_name: boss.display_name,
      title: 'Director',
      department: 'Sales',
    });
    assert.deepEqual((await getMe(p)).body.user.manager, r.body.user.manager);
  });

  test('an unknown handle is 422 field manager', async () => {
    const p = await person();
    assertError(await patch(p, { manager: unique('nobody') }), 422, 'validation_failed', 'manager');
  });

  test('oneself is 422 field manager', async () => {
    const p = await person();
    assertError(await patch(p, { manager: p.handle }), 422, 'validation_failed', 'manager');
    assert.equal((await getMe(p)).body.user.manager, null);
  });

  test('a cycle is 422: A reports to B, then B may not report to A', async () => {
    const a = await person();
    const b = await person();
    assert.equal((await patch(a, { manager: b.handle })).status, 200);
    assertError(await patch(b, { manager: a.handle }), 422, 'validation_failed', 'manager');
    assert.equal((await getMe(b)).body.user.manager, null);
  });

  test('a longer cycle is 422 too: A→B→C, then C may not report to A', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    assert.equal((await patch(a, { manager: b.handle })).status, 200);
    assert.equal((await patch(b, { manager: c.handle })).status, 200);
    assertError(await patch(c, { manager: a.handle }), 422, 'validation_failed', 'manager');
    // Reporting to someone outside the chain is fine.
    const d = await person();
    assert.equal((await patch(c, { manager: d.handle })).status, 200);
  });

  test('manager: null clears it; changing it to someone else replaces it', async () => {
    const [b1, b2, p] = [await person(), await person(), await person()];
    assert.equal((await patch(p, { manager: b1.handle })).body.user.manager.id, b1.id);
    assert.equal((await patch(p, { manager: b2.handle })).body.user.manager.id, b2.id);
    const keep = await patch(p, { title: 'No change to the manager' });
    assert.equal(keep.body.user.manager.id, b2.id);
    const r = await patch(p, { manager: null });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.manager, null);
    assert.equal((await getMe(p)).body.user.manager, null);
  });
});

describe('PATCH /api/v1/me: CSRF', () => {
  test('cookie without X-CSRF-Token: 403 csrf_failed, nothing changes', async () => {
    const p = await person();
    const r = await patch(p, { title: 'Hijacked' }, { csrf: false });
    assertError(r, 403, 'csrf_failed');
    assert.equal((await getMe(p)).body.user.title, '');
  });

  test('cookie with a forged X-CSRF-Token: 403 csrf_failed', async () => {
    const p = await person();
    assertError(await patch(p, { title: 'Hijacked' }, { csrf: 'forged' }), 403, 'csrf_failed');
    const csrf = p.session.csrf;
    const flipped = csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A');
    assertError(await patch(p, { title: 'Hijacked' }, { csrf: flipped }), 403, 'csrf_failed');
    // The session's own cookie secret is not its CSRF token.
    assertError(await patch(p, { title: 'Hijacked' }, { csrf: p.session.cookie }), 403, 'csrf_failed');
    assert.equal((await getMe(p)).body.user.title, '');
  });

  test('another session\'s CSRF token does not work', async () => {
    const p = await person();
    const q = await person();
    assertError(await patch(p, { title: 'Hijacked' }, { csrf: q.session.csrf }), 403, 'csrf_failed');
  });

  test('a bearer token needs no CSRF header: 200', async () => {
    const p = await person();
    const token = await tokenFor(p.session);
    const r = await api('PATCH', '/api/v1/me', { token, json: { title: 'Via token' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.title, 'Via token');
  });

  test('anonymous PATCH: 401 unauthenticated', async () => {
    assertError(await api('PATCH', '/api/v1/me', { json: { title: 'x' } }), 401, 'unauthenticated');
  });
});

test('me: blank display names are refused, "" as manager clears it', async () => {
  const a = await person();
  const b = await register();
  for (const name of ['   ', '\u00a0\u3000', '\t\n']) {
    const r = await api('PATCH', '/api/v1/me', { session: a.session, json: { display_name: name } });
    assertError(r, 422, 'validation_failed', 'display_name');
  }
  const handle = unique();
  const reg = await api('POST', '/api/v1/auth/register', { json: {
    handle, email: `${handle}@example.com`, password: PASSWORD, display_name: '  ' } });
  assertError(reg, 422, 'validation_failed', 'display_name');
  let r = await api('PATCH', '/api/v1/me', { session: a.session, json: { manager: b.handle } });
  assert.equal(r.body.user.manager.handle, b.handle);
  r = await api('PATCH', '/api/v1/me', { session: a.session, json: { manager: '' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.user.manager, null);
});
