// Notifications (API.md "Micro-blog"): what mentions, replies, likes,
// follows and endorsements write; likes of one post grouped into one unread
// item with a count; GET /api/v1/notifications (newest first, paginated),
// GET /api/v1/notifications/unread and POST /api/v1/notifications/read.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { api, person, tokenFor, assertError } from '../lib/api.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

const post = async (who, body, extra = {}) => {
  const r = await api('POST', '/api/v1/posts', { session: who.session, json: { body, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.body.post;
};
const edit = async (who, id, body) => {
  const r = await api('PATCH', `/api/v1/posts/${id}`, { session: who.session, json: { body } });
  assert.equal(r.status, 200, r.text);
  return r.body.post;
};
const like = async (who, id) => {
  const r = await api('POST', `/api/v1/posts/${id}/like`, { session: who.session, raw: '' });
  assert.equal(r.status, 204, r.text);
};
const unlike = async (who, id) => {
  const r = await api('DELETE', `/api/v1/posts/${id}/like`, { session: who.session });
  assert.equal(r.status, 204, r.text);
};
const list = async (who, qs = 'limit=100') => {
  const r = await api('GET', `/api/v1/notifications?${qs}`, { session: who.session });
  assert.equal(r.status, 200, r.text);
  return r.body;
};
const items = async (who) => (await list(who)).items;
const unread = async (who) => {
  const r = await api('GET', '/api/v1/notifications/unread', { session: who.session });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ['unread']);
  return r.body.unread;
};
const markRead = (who, json, opts = {}) =>
  api('POST', '/api/v1/notifications/read', { session: who.session, json, ...opts });
const ref = (u) => ({ id: u.id, handle: u.handle, display_name: u.display_name, title: u.user.title,
  department: u.user.department });

function assertShape(n) {
  const keys = Object.keys(n).sort();
  const want = ['actor', 'count', 'created_at', 'id', 'kind', 'object', 'read'];
  assert.deepEqual(keys.filter((k) => k !== 'detail'), want, `keys of ${JSON.stringify(n)}`);
  assert.ok(Number.isInteger(n.id) && n.id > 0);
  assert.ok(['mention', 'reply', 'like', 'follow', 'endorsement', 'answer', 'accepted', 'escalation', 'moderation']
    .includes(n.kind), n.kind);
  assert.deepEqual(Object.keys(n.actor).sort(), ['department', 'display_name', 'handle', 'id', 'title']);
  assert.deepEqual(Object.keys(n.object).sort(), ['id', 'type']);
  assert.equal(typeof n.object.type, 'string');
  assert.ok(Number.isInteger(n.object.id));
  assert.match(n.created_at, RFC3339_UTC);
  assert.equal(typeof n.read, 'boolean');
  assert.ok(Number.isInteger(n.count) && n.count >= 1);
}

describe('what is notified', () => {
  test('a mention: {id, kind, actor, object: post, created_at, read, count}, unread', async () => {
    const [a, b] = [await person(), await person()];
    assert.deepEqual(await list(b), { items: [], next_cursor: null });
    assert.equal(await unread(b), 0);
    const p = await post(a, `hello @${b.handle}, welcome to Parley`);
    const [n, ...rest] = await items(b);
    assert.deepEqual(rest, []);
    assertShape(n);
    assert.equal(n.kind, 'mention');
    assert.deepEqual(n.actor, ref(a));
    assert.deepEqual(n.object, { type: 'post', id: p.id });
    assert.equal(n.read, false);
    assert.equal(n.count, 1);
    assert.ok(!('detail' in n));
    assert.equal(await unread(b), 1);
    assert.deepEqual(await items(a), [], 'the author is not notified');
  });

  test('mentioning oneself, or someone twice in one post, notifies nobody twice', async () => {
    const [a, b] = [await person(), await person()];
    await post(a, `@${a.handle} notes to self, cc @${b.handle} @${b.handle.toUpperCase()}`);
    assert.deepEqual(await items(a), []);
    assert.equal((await items(b)).length, 1);
  });

  test('a reply notifies the parent\'s author (only "reply" even when mentioned); others mentioned get "mention"', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    const root = await post(a, 'question for the room');
    const r = await post(b, `@${a.handle} and @${c.handle}: here is my answer`, { reply_to: root.id });
    const forA = await items(a);
    assert.equal(forA.length, 1, JSON.stringify(forA));
    assertShape(forA[0]);
    assert.equal(forA[0].kind, 'reply');
    assert.deepEqual(forA[0].object, { type: 'post', id: r.id });
    assert.deepEqual(forA[0].actor, ref(b));
    const forC = await items(c);
    assert.deepEqual(forC.map((n) => [n.kind, n.object.id]), [['mention', r.id]]);
    // Replying to one's own post notifies nobody.
    await post(a, 'adding to my own question', { reply_to: root.id });
    assert.equal((await items(a)).length, 1);
  });

  test('an edit notifies only the people it newly mentions', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    const p = await post(a, `ping @${b.handle}`);
    await edit(a, p.id, `ping @${b.handle} and @${c.handle}`);
    await edit(a, p.id, `ping @${b.handle} and @${c.handle}, edited again`);
    assert.equal((await items(b)).length, 1, 'b was mentioned from the start');
    const forC = await items(c);
    assert.deepEqual(forC.map((n) => [n.kind, n.object.id]), [['mention', p.id]]);
  });

  test('likes of one post are one unread notification whose count is the number of likers', async () => {
    const author = await person();
    const likers = [await person(), await person(), await person()];
    const p = await post(author, 'a likeable post');
    const other = await post(author, 'another post');
    for (const who of likers) await like(who, p.id);
    await like(likers[0], p.id);                       // liking twice changes nothing
    await like(author, p.id);                          // one's own like notifies nobody
    await like(likers[1], other.id);
    const all = await items(author);
    const forP = all.filter((n) => n.object.id === p.id);
    assert.equal(forP.length, 1, JSON.stringify(all));
    assertShape(forP[0]);
    assert.equal(forP[0].kind, 'like');
    assert.deepEqual(forP[0].object, { type: 'post', id: p.id });
    assert.equal(forP[0].count, 3);
    assert.deepEqual(forP[0].actor, ref(likers[2]), 'the latest liker');
    assert.equal(forP[0].read, false);
    assert.deepEqual(all.filter((n) => n.object.id === other.id).map((n) => n.count), [1]);
    assert.equal(await unread(author), 2);
    assert.equal(all[0].object.id, other.id, 'newest first');
  });

  test('a new like replaces the unread notification with a new id; after reading, likes start a new one', async () => {
    const author = await person();
    const [l1, l2, l3] = [await person(), await person(), await person()];
    const p = await post(author, 'post');
    await like(l1, p.id);
    const [first] = await items(author);
    await like(l2, p.id);
    const [second, ...none] = await items(author);
    assert.deepEqual(none, []);
    assert.ok(second.id > first.id, 'a new id, so that "read up to id" stays right');
    assert.equal(second.count, 2);
    assert.equal((await markRead(author, { up_to_id: second.id })).status, 204);
    assert.equal(await unread(author), 0);
    await like(l3, p.id);
    const now = await items(author);
    assert.deepEqual(now.map((n) => [n.id > second.id, n.count, n.read]), [[true, 1, false], [false, 2, true]]);
  });

  test('unliking and liking again does not count the same person twice', async () => {
    const [author, l1] = [await person(), await person()];
    const p = await post(author, 'post');
    await like(l1, p.id);
    await unlike(l1, p.id);
    await like(l1, p.id);
    const likes = (await items(author)).filter((n) => n.kind === 'like');
    assert.equal(likes.length, 1);
    assert.equal(likes[0].count, 1, `one liker: ${JSON.stringify(likes[0])}`);
  });

  test('follows and endorsements', async () => {
    const [a, b] = [await person(), await person()];
    await api('PATCH', '/api/v1/me', { session: b.session, json: { skills: ['Kore'] } });
    await api('POST', `/api/v1/users/${b.handle}/follow`, { session: a.session, raw: '' });
    await api('POST', `/api/v1/users/${b.handle}/endorsements`, { session: a.session, json: { skill: 'kore' } });
    const [e, f] = await items(b);
    assertShape(e);
    assertShape(f);
    assert.equal(f.kind, 'follow');
    assert.deepEqual(f.object, { type: 'user', id: a.id });
    assert.equal(e.kind, 'endorsement');
    assert.equal(e.detail, 'Kore', 'the skill as the person lists it');
    assert.deepEqual(e.object, { type: 'user', id: b.id });
    assert.deepEqual(e.actor, ref(a));
  });

  test('notifications are private to their recipient', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    await post(a, `@${b.handle}`);
    assert.equal((await items(b)).length, 1);
    assert.deepEqual(await items(c), []);
    assert.equal(await unread(c), 0);
  });
});

describe('GET /api/v1/notifications: pages', () => {
  test('newest first; pages by cursor never repeat or skip, even as new ones arrive', async () => {
    const [a, b] = [await person(), await person()];
    for (let i = 0; i < 7; i++) await post(a, `@${b.handle} number ${i}`);
    const all = await items(b);
    assert.equal(all.length, 7);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].id > all[i].id, 'newest first');

    const p1 = await list(b, 'limit=3');
    assert.deepEqual(p1.items.map((n) => n.id), all.slice(0, 3).map((n) => n.id));
    assert.equal(typeof p1.next_cursor, 'string');
    await post(a, `@${b.handle} arriving while paging`);
    const rest = [];
    let cursor = p1.next_cursor;
    while (cursor) {
      const page = await list(b, `limit=3&cursor=${encodeURIComponent(cursor)}`);
      rest.push(...page.items);
      cursor = page.next_cursor;
    }
    assert.deepEqual([...p1.items, ...rest].map((n) => n.id), all.map((n) => n.id));
  });

  test('bad limit: 422 field limit; tampered cursor: 400 field cursor', async () => {
    const [a, b] = [await person(), await person()];
    for (let i = 0; i < 3; i++) await post(a, `@${b.handle} ${i}`);
    for (const l of ['0', '101', 'x']) {
      assertError(await api('GET', `/api/v1/notifications?limit=${l}`, { session: b.session }), 422,
        'validation_failed', 'limit');
    }
    const c = (await list(b, 'limit=1')).next_cursor;
    const bad = c.slice(0, 10) + (c[10] === 'a' ? 'b' : 'a') + c.slice(11);
    assertError(await api('GET', `/api/v1/notifications?cursor=${bad}`, { session: b.session }), 400,
      'bad_request', 'cursor');
    assertError(await api('GET', '/api/v1/notifications?cursor=garbage', { session: b.session }), 400,
      'bad_request', 'cursor');
  });

  test('anonymous: 401 on all three routes; methods are checked', async () => {
    assertError(await api('GET', '/api/v1/notifications'), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/notifications/unread'), 401, 'unauthenticated');
    assertError(await api('POST', '/api/v1/notifications/read', { json: { up_to_id: 1 } }), 401, 'unauthenticated');
    const a = await person();
    const r = await api('POST', '/api/v1/notifications', { session: a.session, json: {} });
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'GET');
    const g = await api('GET', '/api/v1/notifications/read', { session: a.session });
    assertError(g, 405, 'method_not_allowed');
    assert.equal(g.headers.get('allow'), 'POST');
  });
});

describe('POST /api/v1/notifications/read', () => {
  test('marks read everything up to and including the id; unread counts what is left', async () => {
    const [a, b] = [await person(), await person()];
    for (let i = 0; i < 4; i++) await post(a, `@${b.handle} ${i}`);
    const all = await items(b);                      // newest first
    assert.equal(await unread(b), 4);
    const r = await markRead(b, { up_to_id: all[2].id });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assert.equal(await unread(b), 2);
    assert.deepEqual((await items(b)).map((n) => n.read), [false, false, true, true]);
    assert.equal((await markRead(b, { up_to_id: all[2].id })).status, 204, 'again: nothing changes');
    assert.equal((await markRead(b, { up_to_id: all[0].id })).status, 204);
    assert.equal(await unread(b), 0);
    assert.ok((await items(b)).every((n) => n.read));
  });

  test('an id beyond all marks everything read, but only the caller\'s', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    await post(a, `@${b.handle} @${c.handle}`);
    assert.equal((await markRead(b, { up_to_id: Number.MAX_SAFE_INTEGER })).status, 204);
    assert.equal(await unread(b), 0);
    assert.equal(await unread(c), 1, 'another person\'s notifications stay unread');
  });

  test('up_to_id missing, 0, negative, a string or a fraction: 422 field up_to_id', async () => {
    const [a, b] = [await person(), await person()];
    await post(a, `@${b.handle}`);
    for (const json of [{}, { up_to_id: 0 }, { up_to_id: -1 }, { up_to_id: 'x' }, { up_to_id: '5' },
      { up_to_id: 1.5 }, { up_to_id: null }, { up_to_id: true }]) {
      assertError(await markRead(b, json), 422, 'validation_failed', 'up_to_id');
    }
    assert.equal(await unread(b), 1);
  });

  test('malformed JSON 400; cookie without X-CSRF-Token 403 csrf_failed; a bearer token needs none', async () => {
    const [a, b] = [await person(), await person()];
    await post(a, `@${b.handle}`);
    const [n] = await items(b);
    assertError(await markRead(b, undefined, { raw: '{', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await markRead(b, { up_to_id: n.id }, { csrf: false }), 403, 'csrf_failed');
    assert.equal(await unread(b), 1);
    const token = await tokenFor(b.session);
    const r = await api('POST', '/api/v1/notifications/read', { token, json: { up_to_id: n.id } });
    assert.equal(r.status, 204, r.text);
    assert.equal(await unread(b), 0);
  });
});
