// PATCH /api/v1/admin/users/{handle}: roles and suspension, admins only.
// The admin is `founder`, the first account, created by first_admin.test.mjs.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, person, tokenFor, assertError, unique, PASSWORD } from '../lib/api.mjs';

let founder;        // {cookie, csrf, user}
let founderToken;

const adminPatch = (handle, json, opts = { session: founder }) =>
  api('PATCH', `/api/v1/admin/users/${handle}`, { json, ...opts });
const signIn = (login_, password = PASSWORD) =>
  api('POST', '/api/v1/auth/login', { json: { login: login_, password } });

before(async () => {
  founder = await login('founder');
  assert.equal(founder.user.role, 'admin', 'founder is the first account and an admin');
  founderToken = await tokenFor(founder, 'admin tests');
});

describe('PATCH /api/v1/admin/users/{handle}: who may', () => {
  test('an employee: 403 forbidden, and nothing changes', async () => {
    const e = await person();
    const target = await person();
    const r = await adminPatch(target.handle, { role: 'analyst' }, { session: e.session });
    assertError(r, 403, 'forbidden');
    const self = await adminPatch(e.handle, { role: 'admin' }, { session: e.session });
    assertError(self, 403, 'forbidden');
    const me = await api('GET', '/api/v1/me', { session: target.session });
    assert.equal(me.body.user.role, 'employee');
    assert.equal((await api('GET', '/api/v1/me', { session: e.session })).body.user.role, 'employee');
  });

  test('an employee with a bearer token: 403 forbidden', async () => {
    const e = await person();
    const token = await tokenFor(e.session);
    assertError(await adminPatch(e.handle, { role: 'admin' }, { token }), 403, 'forbidden');
  });

  test('analysts and community managers are not admins: 403 forbidden', async () => {
    const a = await person();
    const cm = await person();
    const target = await person();
    assert.equal((await adminPatch(a.handle, { role: 'analyst' })).status, 200);
    assert.equal((await adminPatch(cm.handle, { role: 'community_manager' })).status, 200);
    assertError(await adminPatch(target.handle, { role: 'analyst' }, { session: a.session }), 403, 'forbidden');
    assertError(await adminPatch(target.handle, { status: 'suspended' }, { session: cm.session }),
      403, 'forbidden');
  });

  test('anonymous: 401 unauthenticated', async () => {
    const target = await person();
    assertError(await adminPatch(target.handle, { role: 'analyst' }, {}), 401, 'unauthenticated');
  });

  test('the admin\'s cookie without X-CSRF-Token: 403 csrf_failed', async () => {
    const target = await person();
    const r = await adminPatch(target.handle, { role: 'analyst' }, { session: founder, csrf: false });
    assertError(r, 403, 'csrf_failed');
    assert.equal((await api('GET', '/api/v1/me', { session: target.session })).body.user.role, 'employee');
  });
});

describe('PATCH /api/v1/admin/users/{handle}: roles', () => {
  test('the admin sets role analyst: 200 {user} with role analyst (and the e-mail)', async () => {
    const target = await person();
    const r = await adminPatch(target.handle, { role: 'analyst' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, target.id);
    assert.equal(r.body.user.handle, target.handle);
    assert.equal(r.body.user.role, 'analyst');
    assert.equal(r.body.user.status, 'active');
    assert.equal(r.body.user.email, target.email, 'admins see e-mail addresses');
    const me = await api('GET', '/api/v1/me', { session: target.session });
    assert.equal(me.status, 200, 'the user\'s session survives a role change');
    assert.equal(me.body.user.role, 'analyst');
  });

  test('every role of the contract can be given, and taken back', async () => {
    const target = await person();
    for (const role of ['community_manager', 'analyst', 'admin', 'employee']) {
      const r = await adminPatch(target.handle, { role });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.user.role, role);
    }
  });

  test('the handle in the path matches ignoring case', async () => {
    const target = await person();
    const r = await adminPatch(target.handle.toUpperCase(), { role: 'analyst' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, target.id);
  });

  test('works with the admin\'s bearer token, without CSRF', async () => {
    const target = await person();
    const r = await adminPatch(target.handle, { role: 'community_manager' }, { token: founderToken });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.role, 'community_manager');
  });

  test('an unknown role is 422 field role', async () => {
    const target = await person();
    assertError(await adminPatch(target.handle, { role: 'superuser' }), 422, 'validation_failed', 'role');
    assertError(await adminPatch(target.handle, { role: 'Admin' }), 422, 'validation_failed', 'role');
    assertError(await adminPatch(target.handle, { role: 3 }), 422, 'validation_failed', 'role');
    assert.equal((await api('GET', '/api/v1/me', { session: target.session })).body.user.role, 'employee');
  });

  test('an unknown status is 422 field status', async () => {
    const target = await person();
    assertError(await adminPatch(target.handle, { status: 'banned' }), 422, 'validation_failed', 'status');
  });

  test('neither role nor status is 422', async () => {
    const target = await person();
    const r = await adminPatch(target.handle, {});
    assertError(r, 422, 'validation_failed');
  });

  test('an unknown user is 404 not_found', async () => {
    const r = await adminPatch(unique('nobody'), { role: 'analyst' });
    assertError(r, 404, 'not_found');
    assert.notEqual(r.body.error.message, 'No such API route.');
  });

  test('the admin changing their own role is 422, and they stay admin', async () => {
    const r = await adminPatch('founder', { role: 'employee' });
    assertError(r, 422, 'validation_failed', 'role');
    const s = await adminPatch('founder', { status: 'suspended' });
    assertError(s, 422, 'validation_failed', 'status');
    const me = await api('GET', '/api/v1/me', { session: founder });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.role, 'admin');
    assert.equal(me.body.user.status, 'active');
  });

  test('a promoted admin can administer others, and can be demoted by another admin', async () => {
    const second = await person();
    const target = await person();
    assert.equal((await adminPatch(second.handle, { role: 'admin' })).status, 200);
    const r = await adminPatch(target.handle, { role: 'analyst' }, { session: second.session });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.role, 'analyst');
    assert.equal((await adminPatch(second.handle, { role: 'employee' })).body.user.role, 'employee');
    assertError(await adminPatch(target.handle, { role: 'employee' }, { session: second.session }),
      403, 'forbidden');
  });
});

describe('PATCH /api/v1/admin/users/{handle}: suspension', () => {
  test('suspending ends the user\'s sessions and revokes their tokens; login is 403 account_suspended', async () => {
    const target = await person();
    const token = await tokenFor(target.session, 'will be revoked');
    const second = await login(target.handle);
    assert.equal((await api('GET', '/api/v1/me', { token })).status, 200);

    const r = await adminPatch(target.handle, { status: 'suspended' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.status, 'suspended');

    assertError(await api('GET', '/api/v1/me', { session: target.session }), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/me', { session: second }), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/me', { token }), 401, 'unauthenticated');
    assertError(await api('PATCH', '/api/v1/me', { token, json: { title: 'still here?' } }), 401, 'unauthenticated');

    const li = await signIn(target.handle);
    assertError(li, 403, 'account_suspended');
    assert.equal(li.headers.getSetCookie().length, 0, 'no session for a suspended account');
    assertError(await signIn(target.email), 403, 'account_suspended');
  });

  test('reactivating lets the user sign in again; revoked tokens stay revoked', async () => {
    const target = await person();
    const token = await tokenFor(target.session);
    assert.equal((await adminPatch(target.handle, { status: 'suspended' })).status, 200);
    assertError(await signIn(target.handle), 403, 'account_suspended');
    assertError(await api('GET', '/api/v1/me', { session: target.session }), 401, 'unauthenticated');
    const r = await adminPatch(target.handle, { status: 'active' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.status, 'active');
    const s = await login(target.handle);
    const me = await api('GET', '/api/v1/me', { session: s });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.user.status, 'active');
    assertError(await api('GET', '/api/v1/me', { token }), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/me', { session: target.session }), 401,
      'unauthenticated', null);
  });

  test('role and status can change together', async () => {
    const target = await person();
    const r = await adminPatch(target.handle, { role: 'analyst', status: 'suspended' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.role, 'analyst');
    assert.equal(r.body.user.status, 'suspended');
    assertError(await api('GET', '/api/v1/me', { session: target.session }), 401, 'unauthenticated');
    const back = await adminPatch(target.handle, { status: 'active' });
    assert.equal(back.body.user.role, 'analyst', 'the role is kept when only the status changes');
  });

  test('suspending one user leaves other users\' sessions alone', async () => {
    const target = await person();
    const bystander = await person();
    assert.equal((await adminPatch(target.handle, { status: 'suspended' })).status, 200);
    assert.equal((await api('GET', '/api/v1/me', { session: bystander.session })).status, 200);
    assert.equal((await api('GET', '/api/v1/me', { session: founder })).status, 200);
  });
});
