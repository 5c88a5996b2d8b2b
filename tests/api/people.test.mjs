// People and directory (API.md "People and directory"): a person's profile
// with their reports, the directory search (typos and accents), departments,
// following people and endorsing skills. The admin is `founder`.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, person, tokenFor, assertError, unique } from '../lib/api.mjs';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>';

let founder;

const get = (who, path) => api('GET', path, { session: who.session });
const profile = (who, handle) => get(who, `/api/v1/users/${encodeURIComponent(handle)}`);
const patchMe = async (who, json) => {
  const r = await api('PATCH', '/api/v1/me', { session: who.session, json });
  assert.equal(r.status, 200, r.text);
  return r.body.user;
};
const follow = (who, handle, opts = {}) =>
  api('POST', `/api/v1/users/${handle}/follow`, { session: who.session, raw: '', ...opts });
const unfollow = (who, handle) => api('DELETE', `/api/v1/users/${handle}/follow`, { session: who.session });
const endorse = (who, handle, json, opts = {}) =>
  api('POST', `/api/v1/users/${handle}/endorsements`, { session: who.session, json, ...opts });
const unendorse = (who, handle, skill) =>
  api('DELETE', `/api/v1/users/${handle}/endorsements/${encodeURIComponent(skill)}`, { session: who.session });
const notifications = async (who) => {
  const r = await get(who, '/api/v1/notifications?limit=100');
  assert.equal(r.status, 200, r.text);
  return r.body.items;
};
const ref = (u) => ({ id: u.id, handle: u.handle, display_name: u.display_name, title: u.title,
  department: u.department });
const newDept = () => `Dept ${unique('d').slice(2)}`;

// Every page of a directory search; asserts that no person appears twice.
async function search(who, query, limit = 100) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 200; i++) {
    const qs = new URLSearchParams({ ...query, limit: String(limit) });
    if (cursor) qs.set('cursor', cursor);
    const r = await get(who, `/api/v1/people?${qs}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.body.items);
    if (r.body.next_cursor === null) break;
    cursor = r.body.next_cursor;
  }
  const handles = items.map((u) => u.handle);
  assert.equal(new Set(handles).size, handles.length, `no person twice in ${JSON.stringify(query)}`);
  return items;
}

before(async () => {
  founder = await login('founder');
});

describe('GET /api/v1/users/{handle}', () => {
  test('{user, reports, followed_by_me, endorsed_by_me}; e-mail only for oneself and admins', async () => {
    const [a, b] = [await person(), await person()];
    await patchMe(a, { title: 'Engineer', department: 'R&D', location: 'Oslo', bio: 'Hi.', skills: ['Go'] });
    const r = await profile(b, a.handle);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['endorsed_by_me', 'followed_by_me', 'reports', 'user']);
    const u = r.body.user;
    assert.equal(u.id, a.id);
    assert.equal(u.handle, a.handle);
    assert.equal(u.title, 'Engineer');
    assert.equal(u.department, 'R&D');
    assert.equal(u.location, 'Oslo');
    assert.deepEqual(u.skills, [{ name: 'Go', endorsements: 0 }]);
    assert.equal(u.role, 'employee');
    assert.equal(u.status, 'active');
    assert.equal(u.followers, 0);
    assert.equal(u.following, 0);
    assert.equal(u.manager, null);
    assert.ok(!('email' in u), 'no e-mail for another employee');
    assert.deepEqual(r.body.reports, []);
    assert.equal(r.body.followed_by_me, false);
    assert.deepEqual(r.body.endorsed_by_me, []);

    assert.equal((await profile(a, a.handle)).body.user.email, a.email, 'oneself sees one\'s e-mail');
    assert.equal((await profile({ session: founder }, a.handle)).body.user.email, a.email, 'admins see it');
    const me = await get(a, '/api/v1/me');
    // /me adds one's own settings (the analytics opt-out); the rest is the same User.
    const { analytics_opt_out: optOut, ...mine } = me.body.user;
    assert.equal(optOut, false);
    const own = (await profile(a, a.handle)).body.user;
    assert.ok(!('analytics_opt_out' in own), 'a setting, not part of the profile');
    assert.deepEqual(own, mine, 'the same User as /me');
  });

  test('the handle matches ignoring case; an unknown handle is 404', async () => {
    const [a, b] = [await person(), await person()];
    const r = await profile(b, a.handle.toUpperCase());
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, a.id);
    assertError(await profile(b, unique('nobody')), 404, 'not_found');
    assertError(await profile(b, 'x'.repeat(200)), 404, 'not_found');
  });

  test('reports are the direct reports as UserRefs; the manager is a UserRef', async () => {
    const [boss, r1, r2, grand] = [await person(), await person(), await person(), await person()];
    await patchMe(boss, { title: 'Director', department: 'Sales' });
    await patchMe(r1, { manager: boss.handle, title: 'Lead' });
    await patchMe(r2, { manager: boss.handle });
    await patchMe(grand, { manager: r1.handle });
    const r = await profile(grand, boss.handle);
    assert.equal(r.status, 200, r.text);
    const got = [...r.body.reports].sort((x, y) => x.id - y.id);
    const want = [r1, r2].map((p) => p.id).sort((x, y) => x - y);
    assert.deepEqual(got.map((x) => x.id), want, 'direct reports only');
    for (const x of got) assert.deepEqual(Object.keys(x).sort(), ['department', 'display_name', 'handle', 'id', 'title']);
    const lead = (await profile(boss, r1.handle)).body;
    assert.deepEqual(lead.user.manager, { id: boss.id, handle: boss.handle, display_name: boss.display_name,
      title: 'Director', department: 'Sales' });
    assert.deepEqual(lead.reports.map((x) => x.id), [grand.id]);
  });

  test('anonymous: 401; POST: 405 with Allow: GET', async () => {
    const a = await person();
    assertError(await api('GET', `/api/v1/users/${a.handle}`), 401, 'unauthenticated');
    const r = await api('POST', `/api/v1/users/${a.handle}`, { session: a.session, json: {} });
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'GET');
  });

  test('markup in every profile field comes back as the same text, as JSON', async () => {
    const a = await person();
    await patchMe(a, { display_name: XSS, title: XSS, department: XSS, location: XSS, bio: XSS,
      skills: [XSS.slice(0, 50), '<b>bold</b>'] });
    const b = await person();
    const r = await profile(b, a.handle);
    assert.match(r.headers.get('content-type'), /^application\/json; ?charset=utf-8$/i);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    for (const k of ['display_name', 'title', 'department', 'location', 'bio']) assert.equal(r.body.user[k], XSS, k);
    assert.deepEqual(r.body.user.skills.map((s) => s.name), [XSS.slice(0, 50), '<b>bold</b>']);
    const found = (await search(b, { department: XSS })).filter((u) => u.id === a.id);
    assert.equal(found.length, 1, 'the department filter takes markup as text');
    assert.equal(found[0].display_name, XSS);
  });
});

describe('GET /api/v1/people', () => {
  test('a typo still finds the person ("Hopperr" finds Hopper)', async () => {
    const dept = newDept();
    const g = await person({ display_name: 'Grace Hopper' });
    await patchMe(g, { department: dept });
    const other = await person({ display_name: 'Ada Lovelace' });
    await patchMe(other, { department: dept });
    const a = await person();
    const found = await search(a, { q: 'Hopperr', department: dept });
    assert.deepEqual(found.map((u) => u.id), [g.id]);
    const anywhere = await search(a, { q: 'Hopperr' });
    assert.ok(anywhere.some((u) => u.id === g.id), 'found without a department filter too');
  });

  test('accents do not matter either way ("jose nunez" finds José Núñez, "Jösé" finds Jose)', async () => {
    const dept = newDept();
    const jose = await person({ display_name: 'José Núñez' });
    await patchMe(jose, { department: dept });
    const plain = await person({ display_name: 'Jose Smithers' });
    await patchMe(plain, { department: dept });
    const a = await person();
    const found = await search(a, { q: 'jose nunez', department: dept });
    assert.equal(found[0]?.id, jose.id, 'the best match first');
    assert.ok((await search(a, { q: 'jose nunez' })).some((u) => u.id === jose.id));
    assert.ok((await search(a, { q: 'NÚÑEZ', department: dept })).some((u) => u.id === jose.id));
    const both = await search(a, { q: 'Jösé', department: dept });
    assert.deepEqual(both.map((u) => u.id).sort((x, y) => x - y), [jose.id, plain.id].sort((x, y) => x - y));
  });

  test('q matches handles, titles and skills (with a typo too); the best match comes first', async () => {
    const dept = newDept();
    const [h, t, s, none] = [await person(), await person(), await person(), await person()];
    await patchMe(h, { department: dept });
    await patchMe(t, { department: dept, title: 'Principal Cartographer' });
    await patchMe(s, { department: dept, skills: ['Kubernetes', 'Go'] });
    await patchMe(none, { department: dept, title: 'Accountant' });
    const a = await person();
    assert.deepEqual((await search(a, { q: h.handle, department: dept })).map((u) => u.id), [h.id]);
    assert.deepEqual((await search(a, { q: 'cartographer', department: dept })).map((u) => u.id), [t.id]);
    assert.deepEqual((await search(a, { q: 'Kubernetes', department: dept })).map((u) => u.id), [s.id]);
    assert.deepEqual((await search(a, { q: 'kubernetis', department: dept })).map((u) => u.id), [s.id]);
    assert.deepEqual(await search(a, { q: 'zzqxjw', department: dept }), []);
  });

  test('department and skill are exact filters, ignoring case; without q, all who match', async () => {
    const dept = newDept();
    const [a, b, c, d] = [await person(), await person(), await person(), await person()];
    await patchMe(a, { department: dept, skills: ['Go', 'SQL'] });
    await patchMe(b, { department: dept, skills: ['Golang'] });
    await patchMe(c, { department: `${dept} East`, skills: ['go'] });
    await patchMe(d, { department: dept.toUpperCase() });
    const idsOf = (xs) => xs.map((u) => u.id).sort((x, y) => x - y);
    const sorted = (...xs) => xs.map((u) => u.id).sort((x, y) => x - y);
    assert.deepEqual(idsOf(await search(a, { department: dept.toLowerCase() })), sorted(a, b, d));
    assert.deepEqual(idsOf(await search(a, { department: dept, skill: 'GO' })), sorted(a));
    assert.deepEqual(idsOf(await search(a, { department: `${dept} East`, skill: 'Go' })), sorted(c));
    assert.ok(idsOf(await search(a, { skill: 'go' })).includes(c.id));
    assert.ok(!idsOf(await search(a, { skill: 'go' })).includes(b.id), 'Golang is not Go');
    assert.deepEqual(await search(a, { department: newDept() }), []);
  });

  test('every item is a User, others without e-mail; suspended people are not listed', async () => {
    const dept = newDept();
    const [a, s] = [await person(), await person()];
    await patchMe(a, { department: dept });
    await patchMe(s, { department: dept });
    let found = await search(a, { department: dept });
    assert.equal(found.length, 2);
    for (const u of found) {
      for (const k of ['id', 'handle', 'display_name', 'title', 'department', 'location', 'bio', 'skills', 'manager',
        'role', 'status', 'followers', 'following', 'created_at']) assert.ok(k in u, `User.${k}`);
      if (u.id !== a.id) assert.ok(!('email' in u), 'no e-mail of others in the directory');
    }
    const r = await api('PATCH', `/api/v1/admin/users/${s.handle}`, { session: founder, json: { status: 'suspended' } });
    assert.equal(r.status, 200, r.text);
    found = await search(a, { department: dept });
    assert.deepEqual(found.map((u) => u.id), [a.id]);
    assert.deepEqual((await search(a, { q: s.handle })).filter((u) => u.id === s.id), []);
  });

  test('pages never repeat or skip, with and without q', async () => {
    const dept = newDept();
    const people = [];
    for (let i = 0; i < 7; i++) {
      const p = await person({ display_name: `Pager Person ${i}` });
      await patchMe(p, { department: dept, title: i % 2 ? 'Pager' : 'Pagers lead' });
      people.push(p);
    }
    const a = people[0];
    const want = people.map((p) => p.id).sort((x, y) => x - y);
    for (const query of [{ department: dept }, { department: dept, q: 'pager' }, { department: dept, q: 'pager persson' }]) {
      const all = await search(a, query, 100);
      const paged = await search(a, query, 2);
      assert.deepEqual(paged.map((u) => u.id), all.map((u) => u.id), `${JSON.stringify(query)}: paged = whole`);
      assert.deepEqual(paged.map((u) => u.id).sort((x, y) => x - y), want, `${JSON.stringify(query)}: everyone`);
    }
  });

  test('q of 100 code points is fine, 101 is 422 field q; bad limit 422; tampered cursor 400', async () => {
    const a = await person();
    assert.equal((await get(a, `/api/v1/people?q=${encodeURIComponent('é'.repeat(100))}`)).status, 200);
    assertError(await get(a, `/api/v1/people?q=${encodeURIComponent('é'.repeat(101))}`), 422, 'validation_failed', 'q');
    assertError(await get(a, `/api/v1/people?q=${'x'.repeat(500)}`), 422, 'validation_failed', 'q');
    assertError(await get(a, '/api/v1/people?q=%ff'), 422, 'validation_failed', 'q');
    for (const limit of ['0', '101', 'x']) {
      assertError(await get(a, `/api/v1/people?limit=${limit}`), 422, 'validation_failed', 'limit');
    }
    const first = await get(a, '/api/v1/people?limit=1');
    assert.equal(first.status, 200, first.text);
    const c = first.body.next_cursor;
    assert.equal(typeof c, 'string');
    const bad = c.slice(0, -1) + (c.endsWith('0') ? '1' : '0');
    assertError(await get(a, `/api/v1/people?limit=1&cursor=${bad}`), 400, 'bad_request', 'cursor');
    assertError(await get(a, '/api/v1/people?cursor=nonsense'), 400, 'bad_request', 'cursor');
    assert.equal((await get(a, `/api/v1/people?limit=1&cursor=${c}`)).status, 200);
  });

  test('SQL and LIKE wildcards in q are just text', async () => {
    const a = await person();
    for (const q of ["' OR 1=1 --", '%', '_', '%_%', '\\', 'a%b']) {
      const r = await get(a, `/api/v1/people?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
    }
    const dept = newDept();
    const [p1, p2] = [await person({ display_name: 'Percy Underscore' }), await person({ display_name: 'Axb Person' })];
    await patchMe(p1, { department: dept });
    await patchMe(p2, { department: dept });
    assert.deepEqual(await search(a, { q: '%%%%', department: dept }), [], '% is not a wildcard');
    assert.deepEqual(await search(a, { q: '___', department: dept }), [], '_ is not a wildcard');
    assert.deepEqual(await search(a, { q: 'a_b', department: dept }), [], 'a_b does not match Axb');
  });

  test('anonymous: 401', async () => {
    assertError(await api('GET', '/api/v1/people'), 401, 'unauthenticated');
  });
});

describe('GET /api/v1/departments', () => {
  test('{items: [{name, members}]} counting active people, sorted by name, no empty name', async () => {
    const [d1, d2] = [newDept(), newDept()].sort();
    const [a, b, c, s] = [await person(), await person(), await person(), await person()];
    await patchMe(a, { department: d1 });
    await patchMe(b, { department: d1 });
    await patchMe(c, { department: d2 });
    await patchMe(s, { department: d2 });
    await api('PATCH', `/api/v1/admin/users/${s.handle}`, { session: founder, json: { status: 'suspended' } });
    const r = await get(a, '/api/v1/departments');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body), ['items']);
    const items = r.body.items;
    assert.deepEqual(items.find((x) => x.name === d1), { name: d1, members: 2 });
    assert.deepEqual(items.find((x) => x.name === d2), { name: d2, members: 1 }, 'suspended people do not count');
    assert.ok(items.every((x) => x.name !== ''), 'no empty department');
    const names = items.map((x) => x.name);
    assert.ok(names.indexOf(d1) < names.indexOf(d2), 'sorted by name');
    assertError(await api('GET', '/api/v1/departments'), 401, 'unauthenticated');
  });
});

describe('POST|DELETE /api/v1/users/{handle}/follow', () => {
  test('204 and idempotent: counts and followed_by_me change once; one follow notification', async () => {
    const [a, b] = [await person(), await person()];
    const r = await follow(a, b.handle);
    assert.equal(r.status, 204, r.text);
    assert.equal((await follow(a, b.handle.toUpperCase())).status, 204);
    let seen = (await profile(a, b.handle)).body;
    assert.equal(seen.followed_by_me, true);
    assert.equal(seen.user.followers, 1);
    assert.equal((await profile(a, a.handle)).body.user.following, 1);
    assert.equal((await profile(b, b.handle)).body.followed_by_me, false);

    const n = (await notifications(b)).filter((x) => x.kind === 'follow');
    assert.equal(n.length, 1, 'following twice notifies once');
    assert.deepEqual(n[0].actor, ref(a.user));
    assert.deepEqual(n[0].object, { type: 'user', id: a.id });

    assert.equal((await unfollow(a, b.handle)).status, 204);
    assert.equal((await unfollow(a, b.handle)).status, 204);
    seen = (await profile(a, b.handle)).body;
    assert.equal(seen.followed_by_me, false);
    assert.equal(seen.user.followers, 0);
  });

  test('oneself is 422 field handle; an unknown person is 404', async () => {
    const a = await person();
    assertError(await follow(a, a.handle), 422, 'validation_failed', 'handle');
    assertError(await follow(a, a.handle.toUpperCase()), 422, 'validation_failed', 'handle');
    assertError(await unfollow(a, a.handle), 422, 'validation_failed', 'handle');
    assert.equal((await profile(a, a.handle)).body.user.followers, 0);
    assertError(await follow(a, unique('nobody')), 404, 'not_found');
    assertError(await unfollow(a, unique('nobody')), 404, 'not_found');
  });

  test('CSRF, anonymous, a bearer token, and GET 405', async () => {
    const [a, b] = [await person(), await person()];
    assertError(await follow(a, b.handle, { csrf: false }), 403, 'csrf_failed');
    assertError(await api('POST', `/api/v1/users/${b.handle}/follow`, { raw: '' }), 401, 'unauthenticated');
    assert.equal((await profile(b, b.handle)).body.user.followers, 0);
    const token = await tokenFor(a.session);
    assert.equal((await api('POST', `/api/v1/users/${b.handle}/follow`, { token, raw: '' })).status, 204);
    assert.equal((await profile(b, b.handle)).body.user.followers, 1);
    const r = await get(a, `/api/v1/users/${b.handle}/follow`);
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'POST, DELETE');
  });
});

describe('endorsements', () => {
  test('201 {skill}; the count goes up once however often; endorsed_by_me; one notification with the skill', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    await patchMe(b, { skills: ['Go', 'PostgreSQL'] });
    const r = await endorse(a, b.handle, { skill: 'go' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body, { skill: 'go' });
    assert.equal((await endorse(a, b.handle, { skill: 'GO' })).status, 201, 'again: still 201');
    assert.equal((await endorse(c, b.handle, { skill: 'PostgreSQL' })).status, 201);

    const seen = await profile(a, b.handle);
    assert.deepEqual(seen.body.user.skills, [{ name: 'Go', endorsements: 1 }, { name: 'PostgreSQL', endorsements: 1 }]);
    assert.deepEqual(seen.body.endorsed_by_me, ['go']);
    assert.deepEqual((await profile(c, b.handle)).body.endorsed_by_me, ['postgresql']);

    const n = (await notifications(b)).filter((x) => x.kind === 'endorsement');
    assert.equal(n.length, 2);
    const fromA = n.find((x) => x.actor.id === a.id);
    assert.equal(fromA.detail, 'Go', 'the skill as the person lists it');
    assert.deepEqual(fromA.object, { type: 'user', id: b.id });
    assert.equal(n.find((x) => x.actor.id === c.id).detail, 'PostgreSQL');
  });

  test('DELETE .../endorsements/{skill}: 204, idempotent, ignoring case; the count goes down', async () => {
    const [a, b] = [await person(), await person()];
    await patchMe(b, { skills: ['C++', 'Café'] });
    assert.equal((await endorse(a, b.handle, { skill: 'C++' })).status, 201);
    assert.equal((await endorse(a, b.handle, { skill: 'Café' })).status, 201);
    assert.equal((await unendorse(a, b.handle, 'c++')).status, 204);
    assert.equal((await unendorse(a, b.handle, 'C++')).status, 204);
    assert.equal((await unendorse(a, b.handle, 'Never listed')).status, 204);
    const seen = (await profile(a, b.handle)).body;
    assert.deepEqual(seen.user.skills, [{ name: 'C++', endorsements: 0 }, { name: 'Café', endorsements: 1 }]);
    assert.deepEqual(seen.endorsed_by_me, ['café']);
    assert.equal((await unendorse(a, b.handle, 'Café')).status, 204);
    assert.deepEqual((await profile(a, b.handle)).body.endorsed_by_me, []);
  });

  test('oneself, a skill the person does not list, or no skill: 422 field skill; unknown person 404', async () => {
    const [a, b] = [await person(), await person()];
    await patchMe(a, { skills: ['Go'] });
    await patchMe(b, { skills: ['Go'] });
    assertError(await endorse(a, a.handle, { skill: 'Go' }), 422, 'validation_failed', 'skill');
    assertError(await unendorse(a, a.handle, 'Go'), 422, 'validation_failed', 'skill');
    assertError(await endorse(a, b.handle, { skill: 'Rust' }), 422, 'validation_failed', 'skill');
    assertError(await endorse(a, b.handle, { skill: 'Golang' }), 422, 'validation_failed', 'skill');
    assertError(await endorse(a, b.handle, {}), 422, 'validation_failed', 'skill');
    assertError(await endorse(a, b.handle, { skill: '' }), 422, 'validation_failed', 'skill');
    assertError(await endorse(a, b.handle, { skill: 7 }), 422, 'validation_failed', 'skill');
    assertError(await endorse(a, b.handle, { skill: 'x'.repeat(51) }), 422, 'validation_failed', 'skill');
    assertError(await endorse(a, unique('nobody'), { skill: 'Go' }), 404, 'not_found');
    assertError(await unendorse(a, unique('nobody'), 'Go'), 404, 'not_found');
    assert.deepEqual((await profile(a, a.handle)).body.user.skills, [{ name: 'Go', endorsements: 0 }]);
    assert.deepEqual((await profile(a, b.handle)).body.user.skills, [{ name: 'Go', endorsements: 0 }]);
    assert.deepEqual((await notifications(b)).filter((x) => x.kind === 'endorsement'), []);
  });

  test('invalid UTF-8 is 400 invalid_utf8; CSRF 403; anonymous 401', async () => {
    const [a, b] = [await person(), await person()];
    await patchMe(b, { skills: ['Go'] });
    const raw = Buffer.concat([Buffer.from('{"skill":"G'), Buffer.from([0xff]), Buffer.from('"}')]);
    assertError(await endorse(a, b.handle, undefined, { raw, contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await endorse(a, b.handle, { skill: 'Go' }, { csrf: false }), 403, 'csrf_failed');
    assertError(await api('POST', `/api/v1/users/${b.handle}/endorsements`, { json: { skill: 'Go' } }), 401,
      'unauthenticated');
    assertError(await api('DELETE', `/api/v1/users/${b.handle}/endorsements/Go`), 401, 'unauthenticated');
    assert.deepEqual((await profile(a, b.handle)).body.user.skills, [{ name: 'Go', endorsements: 0 }]);
  });
});
