// Communities (API.md "Communities and Q&A"): creating, the directory,
// reading one, and membership: joining an open community, asking to join a
// closed one and a manager's approval, leaving, removing, and the last
// manager who cannot leave. The admin is `founder` (first_admin.test.mjs).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, person, assertError, unique, BASE } from '../lib/api.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let founder;

const newSlug = () => unique('c').replace(/_/g, '-');
const create = (who, json, opts = {}) => api('POST', '/api/v1/communities', { session: who.session, json, ...opts });
const getCommunity = (who, slug) => api('GET', `/api/v1/communities/${slug}`, { session: who.session });
const join = (who, slug, opts = {}) => api('POST', `/api/v1/communities/${slug}/members`, { session: who.session, raw: '', ...opts });
const members = (who, slug, qs = '') => api('GET', `/api/v1/communities/${slug}/members${qs}`, { session: who.session });
const approve = (who, slug, handle, opts = {}) =>
  api('POST', `/api/v1/communities/${slug}/members/${handle}/approve`, { session: who.session, raw: '', ...opts });
const removeMember = (who, slug, handle, opts = {}) =>
  api('DELETE', `/api/v1/communities/${slug}/members/${handle}`, { session: who.session, ...opts });

async function newCommunity(who, extra = {}) {
  const slug = extra.slug ?? newSlug();
  const r = await create(who, { slug, name: `Community ${slug}`, description: 'About things.', visibility: 'open', ...extra });
  assert.equal(r.status, 201, r.text);
  return r.body.community;
}

function assertCommunityShape(c, label = 'community') {
  assert.deepEqual(Object.keys(c).sort(),
    ['created_at', 'description', 'id', 'members', 'my_role', 'name', 'questions', 'slug', 'visibility'], `${label}: keys`);
  assert.ok(Number.isInteger(c.id) && c.id > 0, `${label}: id`);
  assert.match(c.created_at, RFC3339_UTC, `${label}: created_at`);
  assert.ok(['open', 'closed'].includes(c.visibility), `${label}: visibility`);
  assert.ok(Number.isInteger(c.members) && c.members >= 0, `${label}: members`);
  assert.ok(Number.isInteger(c.questions) && c.questions >= 0, `${label}: questions`);
  assert.ok([null, 'manager', 'member', 'pending'].includes(c.my_role), `${label}: my_role`);
}

async function memberItems(who, slug, qs = '?limit=100') {
  const r = await members(who, slug, qs);
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

before(async () => {
  const session = await login('founder');
  assert.equal(session.user.role, 'admin');
  founder = { handle: 'founder', session };
});

describe('POST /api/v1/communities', () => {
  test('any employee creates one: 201 {community}, the creator is its only member and manager', async () => {
    const a = await person();
    assert.equal(a.user.role, 'employee');
    const slug = newSlug();
    const r = await create(a, { slug, name: 'Rust at work', description: 'Ownership, lifetimes.', visibility: 'closed' });
    assert.equal(r.status, 201, r.text);
    const c = r.body.community;
    assertCommunityShape(c);
    assert.equal(c.slug, slug);
    assert.equal(c.name, 'Rust at work');
    assert.equal(c.description, 'Ownership, lifetimes.');
    assert.equal(c.visibility, 'closed');
    assert.equal(c.members, 1);
    assert.equal(c.questions, 0);
    assert.equal(c.my_role, 'manager');
    const g = await getCommunity(a, slug);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body, { community: c });
    const list = await memberItems(a, slug);
    assert.deepEqual(list.map((m) => [m.user.handle, m.role, m.status]), [[a.handle, 'manager', 'active']]);
  });

  test('description is optional and visibility defaults to open', async () => {
    const a = await person();
    const slug = newSlug();
    const r = await create(a, { slug, name: 'Plain' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.community.description, '');
    assert.equal(r.body.community.visibility, 'open');
  });

  test('slug: 3 and 50 characters are accepted; anything outside ^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$ is 422 field slug', async () => {
    const a = await person();
    const tail = unique('').replace(/_/g, '').slice(0, 10);
    const three = `${tail.slice(0, 2)}9`;
    for (const slug of [`${tail}-${'x'.repeat(50 - tail.length - 1)}`]) {
      assert.equal(slug.length, 50);
      assert.equal((await create(a, { slug, name: 'ok' })).status, 201, slug);
    }
    const r3 = await create(a, { slug: three, name: 'ok' });
    assert.ok(r3.status === 201 || r3.status === 409, r3.text);
    for (const slug of ['ab', 'x'.repeat(51), 'Upper-case', '-leading', 'trailing-', 'under_score', 'sp ace', 'ünï', 'a.b.c',
      'slash/es', '', 'ab\u0000c']) {
      assertError(await create(a, { slug, name: 'bad slug' }), 422, 'validation_failed', 'slug');
    }
    for (const slug of [undefined, null, 42, ['abc'], { a: 1 }]) {
      assertError(await create(a, { slug, name: 'bad slug' }), 422, 'validation_failed', 'slug');
    }
  });

  test('a taken slug is 409 with existing_id, and nothing else is created', async () => {
    const a = await person();
    const b = await person();
    const c = await newCommunity(a);
    const r = await create(b, { slug: c.slug, name: 'Someone else' });
    assertError(r, 409, 'conflict');
    assert.equal(r.body.error.existing_id, c.id);
    const g = await getCommunity(b, c.slug);
    assert.equal(g.body.community.name, c.name);
    assert.equal(g.body.community.my_role, null);
  });

  test('two creators racing for one slug: one 201, one 409 pointing at it', async () => {
    const [a, b] = await Promise.all([person(), person()]);
    const slug = newSlug();
    const rs = await Promise.all([create(a, { slug, name: 'A' }), create(b, { slug, name: 'B' })]);
    const statuses = rs.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409], rs.map((r) => r.text).join(' '));
    const won = rs.find((r) => r.status === 201).body.community;
    assert.equal(rs.find((r) => r.status === 409).body.error.existing_id, won.id);
  });

  test('name, description and visibility are checked (422 with the field); unknown fields are 422', async () => {
    const a = await person();
    const cases = [
      [{ name: '' }, 'name'], [{ name: '   ' }, 'name'], [{ name: 'n'.repeat(101) }, 'name'], [{ name: 7 }, 'name'],
      [{ name: undefined }, 'name'],
      [{ description: 'd'.repeat(2001) }, 'description'], [{ description: false }, 'description'],
      [{ visibility: 'secret' }, 'visibility'], [{ visibility: '' }, 'visibility'], [{ visibility: true }, 'visibility'],
      [{ owner: 'me' }, 'owner'],
    ];
    for (const [extra, field] of cases) {
      const json = { slug: newSlug(), name: 'Fine', ...extra };
      assertError(await create(a, json), 422, 'validation_failed', field);
    }
    const ok = await create(a, { slug: newSlug(), name: 'é'.repeat(100), description: '😀'.repeat(2000) });
    assert.equal(ok.status, 201, ok.text.slice(0, 200));
  });

  test('malformed JSON, invalid UTF-8, a wrong content type, no session and no CSRF token are refused', async () => {
    const a = await person();
    assertError(await create(a, undefined, { raw: '{"slug": ', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await create(a, undefined, { raw: '[1, 2]', contentType: 'application/json' }), 400, 'malformed_json');
    const bad = Buffer.concat([Buffer.from('{"slug":"abc-def","name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    assertError(await create(a, undefined, { raw: bad, contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await create(a, undefined, { raw: 'slug=x', contentType: 'application/x-www-form-urlencoded' }), 415);
    const slug = newSlug();
    assertError(await api('POST', '/api/v1/communities', { json: { slug, name: 'x' } }), 401, 'unauthenticated');
    assertError(await create(a, { slug, name: 'x' }, { csrf: false }), 403, 'csrf_failed');
    assertError(await create(a, { slug, name: 'x' }, { csrf: 'wrong' }), 403, 'csrf_failed');
    assertError(await getCommunity(a, slug), 404, 'not_found');
  });

  test('hostile text round-trips as valid JSON', async () => {
    const a = await person();
    const nasty = '<script>"\\\u2028</script>';
    const c = await newCommunity(a, { name: nasty, description: nasty });
    const r = await fetch(`${BASE}/api/v1/communities/${c.slug}`, { headers: { cookie: `parley_session=${a.session.cookie}` } });
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const text = await r.text();
    assert.ok(!text.includes('\u2028'), 'U+2028 is escaped in the JSON text');
    const body = JSON.parse(text);
    assert.equal(body.community.name, nasty);
    assert.equal(body.community.description, nasty);
  });
});

describe('GET /api/v1/communities and /api/v1/communities/{slug}', () => {
  test('the directory pages by id without repeats; closed communities are listed with name and description', async () => {
    const a = await person();
    const b = await person();
    const mark = unique('dir');
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(await newCommunity(a, { name: `${mark} ${i}`, visibility: i % 2 ? 'closed' : 'open' }));
    }
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = await api('GET', `/api/v1/communities?q=${mark}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { session: b.session });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.items.length <= 2);
      for (const c of r.body.items) assertCommunityShape(c);
      seen.push(...r.body.items);
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(seen.map((c) => c.id), made.map((c) => c.id));
    const closed = seen.find((c) => c.visibility === 'closed');
    assert.equal(closed.name, `${mark} 1`);
    assert.equal(closed.description, 'About things.');
    assert.equal(closed.my_role, null);
    assert.equal(closed.members, 1);
  });

  test('q matches name, slug and description as plain text (wildcards are literal), case-insensitively', async () => {
    const a = await person();
    const mark = unique('qq');
    const c = await newCommunity(a, { name: `Kubernetes ${mark.toUpperCase()}` });
    const find = async (q) => (await api('GET', `/api/v1/communities?q=${encodeURIComponent(q)}&limit=100`, { session: a.session })).body.items;
    assert.deepEqual((await find(mark)).map((x) => x.id), [c.id]);
    assert.deepEqual((await find(c.slug)).map((x) => x.id), [c.id]);
    assert.deepEqual(await find(`${mark}%`), []);
    assert.deepEqual(await find(`${mark.slice(0, 3)}_${mark.slice(4)}`), []);
    assertError(await api('GET', `/api/v1/communities?q=${'x'.repeat(101)}`, { session: a.session }), 422, 'validation_failed', 'q');
  });

  test('mine=true lists only the caller\'s communities, pending requests included', async () => {
    const a = await person();
    const b = await person();
    const open = await newCommunity(a);
    const closed = await newCommunity(a, { visibility: 'closed' });
    await newCommunity(a);
    assert.equal((await join(b, open.slug)).status, 201);
    assert.equal((await join(b, closed.slug)).status, 202);
    const r = await api('GET', '/api/v1/communities?mine=true&limit=100', { session: b.session });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items.map((c) => [c.slug, c.my_role]), [[open.slug, 'member'], [closed.slug, 'pending']]);
  });

  test('tampered or foreign cursors are 400; a bad limit is 422; no session is 401; other methods 405', async () => {
    const a = await person();
    for (const cursor of ['nonsense', 'c1' + '0'.repeat(36), 'c1zz']) {
      assertError(await api('GET', `/api/v1/communities?cursor=${cursor}`, { session: a.session }), 400, 'bad_request', 'cursor');
    }
    // A cursor from another list (the questions' keyset) is not one of ours.
    const mark = unique('cur');
    const c = await newCommunity(a);
    for (let i = 0; i < 2; i++) {
      const q = await api('POST', `/api/v1/communities/${c.slug}/questions`, { session: a.session,
        json: { title: `Question ${mark} ${i}`, body: 'b' } });
      assert.equal(q.status, 201, q.text);
    }
    const qs = await api('GET', `/api/v1/questions?community=${c.slug}&limit=1`, { session: a.session });
    assert.ok(qs.body.next_cursor);
    assertError(await api('GET', `/api/v1/communities?cursor=${qs.body.next_cursor}`, { session: a.session }), 400, 'bad_request', 'cursor');
    for (const limit of ['0', '101', 'x', '-1']) {
      assertError(await api('GET', `/api/v1/communities?limit=${limit}`, { session: a.session }), 422, 'validation_failed', 'limit');
    }
    assertError(await api('GET', '/api/v1/communities'), 401, 'unauthenticated');
    assertError(await api('PUT', '/api/v1/communities', { session: a.session, json: {} }), 405);
    assertError(await api('DELETE', `/api/v1/communities/${c.slug}`, { session: a.session }), 405);
  });

  test('an unknown or impossible slug is 404', async () => {
    const a = await person();
    assertError(await getCommunity(a, newSlug()), 404, 'not_found');
    assertError(await getCommunity(a, 'NOT_A_SLUG'), 404, 'not_found');
    assertError(await getCommunity(a, '%C3%A9t%C3%A9'), 404, 'not_found');
    assertError(await join(a, newSlug()), 404, 'not_found');
  });
});

describe('membership', () => {
  test('an open community: join is 201 and active, joining again is 200; counts and my_role follow', async () => {
    const a = await person();
    const b = await person();
    const c = await newCommunity(a);
    const r = await join(b, c.slug);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body.member).sort(), ['joined_at', 'role', 'status', 'user']);
    assert.equal(r.body.member.user.handle, b.handle);
    assert.equal(r.body.member.role, 'member');
    assert.equal(r.body.member.status, 'active');
    const again = await join(b, c.slug);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body.member, r.body.member);
    const g = (await getCommunity(b, c.slug)).body.community;
    assert.equal(g.members, 2);
    assert.equal(g.my_role, 'member');
    assert.equal((await getCommunity(a, c.slug)).body.community.my_role, 'manager');
    assertError(await join(b, c.slug, { csrf: false }), 403, 'csrf_failed');
    assertError(await api('POST', `/api/v1/communities/${c.slug}/members`, { raw: '' }), 401);
  });

  test('a closed community: join is a pending request (202, idempotent) that a manager approves', async () => {
    const a = await person();
    const b = await person();
    const outsider = await person();
    const c = await newCommunity(a, { visibility: 'closed' });
    const r = await join(b, c.slug);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.member.status, 'pending');
    const again = await join(b, c.slug);
    assert.equal(again.status, 202, again.text);
    assert.equal(again.body.member.status, 'pending');
    let g = (await getCommunity(b, c.slug)).body.community;
    assert.equal(g.my_role, 'pending');
    assert.equal(g.members, 1, 'a request is not a member');
    // The manager sees the request; the requester is not yet a member.
    assert.deepEqual((await memberItems(a, c.slug, '?status=pending')).map((m) => m.user.handle), [b.handle]);
    assertError(await members(b, c.slug), 403, 'forbidden');
    // Only a manager (or an admin) approves; a request must exist.
    assertError(await approve(b, c.slug, b.handle), 403, 'forbidden');
    assertError(await approve(outsider, c.slug, b.handle), 403, 'forbidden');
    assertError(await approve(a, c.slug, outsider.handle), 404, 'not_found');
    assertError(await approve(a, c.slug, 'nobody_by_this_name'), 404, 'not_found');
    assertError(await approve(a, c.slug, b.handle, { csrf: false }), 403, 'csrf_failed');
    const ok = await approve(a, c.slug, b.handle);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.member.status, 'active');
    assert.equal(ok.body.member.role, 'member');
    assert.equal((await approve(a, c.slug, b.handle)).status, 200, 'approving again changes nothing');
    g = (await getCommunity(b, c.slug)).body.community;
    assert.equal(g.my_role, 'member');
    assert.equal(g.members, 2);
    // Now a member: sees the active members, not others' requests.
    const req2 = await join(outsider, c.slug);
    assert.equal(req2.status, 202);
    const seenByMember = await memberItems(b, c.slug);
    assert.deepEqual(seenByMember.map((m) => m.user.handle).sort(), [a.handle, b.handle].sort());
    const seenByManager = await memberItems(a, c.slug);
    assert.ok(seenByManager.some((m) => m.user.handle === outsider.handle && m.status === 'pending'));
    assertError(await members(outsider, c.slug), 403, 'forbidden');
    assertError(await members(a, c.slug, '?status=bogus'), 422, 'validation_failed', 'status');
  });

  test('admins approve requests anywhere and join closed communities without one', async () => {
    const a = await person();
    const b = await person();
    const c = await newCommunity(a, { visibility: 'closed' });
    assert.equal((await join(b, c.slug)).status, 202);
    const ok = await approve(founder, c.slug, b.handle);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.member.status, 'active');
    assert.equal((await memberItems(founder, c.slug)).length, 2);
    const c2 = await newCommunity(a, { visibility: 'closed' });
    const j = await join(founder, c2.slug);
    assert.equal(j.status, 201, j.text);
    assert.equal(j.body.member.status, 'active');
  });

  test('leaving: oneself 204 (then 404); a member cannot remove others (403); managers remove and decline', async () => {
    const a = await person();
    const b = await person();
    const d = await person();
    const e = await person();
    const c = await newCommunity(a);
    for (const who of [b, d]) assert.equal((await join(who, c.slug)).status, 201);
    assertError(await removeMember(b, c.slug, d.handle), 403, 'forbidden');
    assertError(await removeMember(b, c.slug, b.handle, { csrf: false }), 403, 'csrf_failed');
    assert.equal((await removeMember(b, c.slug, b.handle)).status, 204);
    assertError(await removeMember(b, c.slug, b.handle), 404, 'not_found');
    assert.equal((await getCommunity(b, c.slug)).body.community.my_role, null);
    assert.equal((await removeMember(a, c.slug, d.handle)).status, 204, 'a manager removes a member');
    assertError(await removeMember(a, c.slug, e.handle), 404, 'not_found');
    assertError(await removeMember(a, c.slug, 'no_such_person_here'), 404, 'not_found');
    assert.equal((await getCommunity(a, c.slug)).body.community.members, 1);
    // A manager declines a request to a closed community; the requester
    // may also withdraw one.
    const closed = await newCommunity(a, { visibility: 'closed' });
    assert.equal((await join(e, closed.slug)).status, 202);
    assert.equal((await removeMember(a, closed.slug, e.handle)).status, 204);
    assert.equal((await getCommunity(e, closed.slug)).body.community.my_role, null);
    assert.equal((await join(e, closed.slug)).status, 202);
    assert.equal((await removeMember(e, closed.slug, e.handle)).status, 204);
    assertError(await approve(a, closed.slug, e.handle), 404, 'not_found');
  });

  test('the last manager cannot leave or be removed (422); an admin removes members', async () => {
    const a = await person();
    const b = await person();
    const c = await newCommunity(a);
    assert.equal((await join(b, c.slug)).status, 201);
    assertError(await removeMember(a, c.slug, a.handle), 422, 'validation_failed');
    assertError(await removeMember(founder, c.slug, a.handle), 422, 'validation_failed');
    assert.equal((await getCommunity(a, c.slug)).body.community.my_role, 'manager');
    assert.equal((await removeMember(founder, c.slug, b.handle)).status, 204);
    // Concurrent attempts still leave the manager in place.
    const rs = await Promise.all([removeMember(a, c.slug, a.handle), removeMember(founder, c.slug, a.handle)]);
    for (const r of rs) assertError(r, 422, 'validation_failed');
    assert.equal((await getCommunity(a, c.slug)).body.community.members, 1);
  });

  test('members pages by join order without repeats; open communities list members to anyone', async () => {
    const a = await person();
    const c = await newCommunity(a);
    const joiners = [];
    for (let i = 0; i < 3; i++) {
      const p = await person();
      assert.equal((await join(p, c.slug)).status, 201);
      joiners.push(p.handle);
    }
    const outsider = await person();
    const seen = [];
    let cursor = null;
    do {
      const r = await members(outsider, c.slug, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.text);
      seen.push(...r.body.items.map((m) => m.user.handle));
      cursor = r.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, [a.handle, ...joiners]);
    assertError(await members(outsider, c.slug, '?cursor=c1broken'), 400, 'bad_request', 'cursor');
  });
});
