// Posts in communities (API.md: POST /api/v1/posts {community?}, Post.community,
// home with joined communities' posts; sql/0021): who may post into a
// community (active members and admins; 403 for an open community one has
// not joined; 422 community for unknown and closed-to-you alike), replies
// taking their parent's community, and who reads a closed community's posts
// (its active members and admins) on every read path: the thread, the person
// and tag streams (with exact keyset pages), search, likes, flags, customer
// links, home and the community's own stream. The admin is `founder`
// (first_admin.test.mjs).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { api, login, person, tokenFor, assertError, unique } from '../lib/api.mjs';
import { word, community, sql } from '../lib/knowledge.mjs';

let founder;

const create = (who, json, opts = {}) => api('POST', '/api/v1/posts', { session: who.session, json, ...opts });
const get = (who, path) => api('GET', path, { session: who.session });

async function write(who, json) {
  const r = await create(who, json);
  assert.equal(r.status, 201, r.text);
  return r.body.post;
}

// Every item of a stream, following next_cursor with pages of `limit`;
// checks each page but the last is full.
async function allPages(who, path, limit) {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 50; pages++) {
    const r = await get(who, `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) return items;
    assert.equal(r.body.items.length, limit, `${path}: a page with a next_cursor is full`);
  }
  assert.fail('too many pages');
}

const ids = (items) => items.map((p) => p.id);

before(async () => {
  const session = await login('founder');
  founder = { handle: 'founder', id: session.user.id, session };
});

describe('POST /api/v1/posts with community', () => {
  test('a member posts into an open and a closed community; Post.community is the slug', async () => {
    const owner = await person();
    const member = await person();
    const open = await community(owner, 'open', [member]);
    const closed = await community(owner, 'closed', [member]);
    for (const slug of [open, closed]) {
      const p = await write(member, { body: `Hello ${slug}`, community: slug });
      assert.equal(p.community, slug);
      const again = await get(member, `/api/v1/posts/${p.id}`);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.post.community, slug);
    }
    // The owner (a manager) too; and a post without one stays null.
    assert.equal((await write(owner, { body: 'Managers post', community: closed })).community, closed);
    assert.equal((await write(member, { body: 'Nowhere in particular' })).community, null);
  });

  test('an admin posts into communities it has not joined, closed ones too', async () => {
    const owner = await person();
    const open = await community(owner, 'open');
    const closed = await community(owner, 'closed');
    assert.equal((await write(founder, { body: 'Admin note', community: open })).community, open);
    const p = await write(founder, { body: 'Admin note, closed', community: closed });
    assert.equal(p.community, closed);
    assert.equal((await get(founder, `/api/v1/posts/${p.id}`)).status, 200);
  });

  test('an open community one has not joined is 403; a pending request is not membership', async () => {
    const owner = await person();
    const outsider = await person();
    const open = await community(owner, 'open');
    const r = await create(outsider, { body: 'Let me in', community: open });
    assertError(r, 403, 'forbidden');
    assert.match(r.body.error.message, /Join the community to post in it/);
    const closed = await community(owner, 'closed');
    assert.equal((await api('POST', `/api/v1/communities/${closed}/members`, { session: outsider.session, raw: '' })).status, 202);
    assertError(await create(outsider, { body: 'Pending', community: closed }), 422, 'validation_failed', 'community');
  });

  test('a closed community one is not in, and an unknown slug, are the same 422 community', async () => {
    const owner = await person();
    const outsider = await person();
    const closed = await community(owner, 'closed');
    const a = await create(outsider, { body: 'Closed', community: closed });
    const b = await create(outsider, { body: 'Unknown', community: `no-such-${word()}` });
    assertError(a, 422, 'validation_failed', 'community');
    assertError(b, 422, 'validation_failed', 'community');
    assert.deepEqual(a.body, b.body, 'closed communities do not show through');
    // Nothing was written.
    const mine = await get(outsider, `/api/v1/users/${outsider.handle}/posts`);
    assert.deepEqual(mine.body.items, []);
  });

  test('community that is not a slug string is 422 community', async () => {
    const a = await person();
    for (const community of [7, true, ['x'], { slug: 'x' }, '', 'x'.repeat(65)]) {
      assertError(await create(a, { body: 'Typed', community }), 422, 'validation_failed', 'community');
    }
    // null is the same as leaving it out.
    assert.equal((await write(a, { body: 'Null community', community: null })).community, null);
  });

  test('a reply takes its parent\'s community; naming another is 422 community', async () => {
    const owner = await person();
    const member = await person();
    const slug = await community(owner, 'closed', [member]);
    const other = await community(member, 'open');
    const root = await write(owner, { body: 'Root', community: slug });
    const reply = await write(member, { body: 'Reply', reply_to: root.id });
    assert.equal(reply.community, slug);
    assert.equal(reply.root_id, root.id);
    const deeper = await write(owner, { body: 'Deeper', reply_to: reply.id, community: slug });
    assert.equal(deeper.community, slug, 'naming the parent\'s community is fine');
    assertError(await create(member, { body: 'Elsewhere', reply_to: root.id, community: other }), 422,
      'validation_failed', 'community');
    // A reply to a post outside communities cannot be put into one either.
    const plain = await write(member, { body: 'Plain' });
    assertError(await create(member, { body: 'Into', reply_to: plain.id, community: other }), 422,
      'validation_failed', 'community');
    const thread = await get(owner, `/api/v1/posts/${root.id}`);
    assert.equal(thread.body.post.reply_count, 1, 'refused replies did not count');
    assert.deepEqual(ids(thread.body.replies), [reply.id, deeper.id]);
  });

  test('replying to a closed community\'s post one cannot read is 422 reply_to, as for a missing post', async () => {
    const owner = await person();
    const outsider = await person();
    const slug = await community(owner, 'closed');
    const root = await write(owner, { body: 'Secret root', community: slug });
    const a = await create(outsider, { body: 'Sneaky', reply_to: root.id });
    const b = await create(outsider, { body: 'Sneaky', reply_to: 9007199254740991 });
    assertError(a, 422, 'validation_failed', 'reply_to');
    assert.deepEqual(a.body, b.body);
    assertError(await create(outsider, { body: 'Sneaky', reply_to: root.id, community: slug }), 422,
      'validation_failed', 'community');
    // An admin may reply.
    assert.equal((await write(founder, { body: 'Admin reply', reply_to: root.id })).community, slug);
  });
});

describe('reading a closed community\'s posts', () => {
  // owner and member belong to a closed community; outsider does not but
  // follows owner and the tag; each test gets its own.
  async function scene() {
    const owner = await person();
    const member = await person();
    const outsider = await person();
    const slug = await community(owner, 'closed', [member]);
    const tag = word('t');
    const w = word();
    return { owner, member, outsider, slug, tag, w };
  }

  test('the thread: 404 for a non-member (also to edit or delete), whole for members and admins', async () => {
    const { owner, member, outsider, slug } = await scene();
    const root = await write(owner, { body: 'Closed root', community: slug });
    const reply = await write(member, { body: 'Closed reply', reply_to: root.id });
    for (const id of [root.id, reply.id]) {
      assertError(await get(outsider, `/api/v1/posts/${id}`), 404, 'not_found');
      assertError(await get(outsider, `/api/v1/posts/${id}/versions`), 404, 'not_found');
    }
    for (const who of [owner, member, founder]) {
      const r = await get(who, `/api/v1/posts/${root.id}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(ids(r.body.replies), [reply.id]);
    }
    // Editing or deleting it is 404 too, not 403: nothing shows through.
    assertError(await api('PATCH', `/api/v1/posts/${root.id}`, { session: outsider.session, json: { body: 'Mine now' } }),
      404, 'not_found');
    assertError(await api('DELETE', `/api/v1/posts/${root.id}`, { session: outsider.session }), 404, 'not_found');
    // A member who leaves reads it no more, nor edits their own reply in it.
    assert.equal((await api('DELETE', `/api/v1/communities/${slug}/members/${member.handle}`, { session: member.session })).status, 204);
    assertError(await get(member, `/api/v1/posts/${root.id}`), 404, 'not_found');
    assertError(await api('PATCH', `/api/v1/posts/${reply.id}`, { session: member.session, json: { body: 'Edited' } }),
      404, 'not_found');
    const edited = await api('PATCH', `/api/v1/posts/${root.id}`, { session: owner.session, json: { body: 'Closed root, edited' } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.body.post.community, slug);
  });

  test('person and tag streams leave them out for non-members, with full pages and exact cursors', async () => {
    const { owner, member, outsider, slug, tag } = await scene();
    const all = [];
    for (let i = 0; i < 7; i++) {
      all.push(await write(owner, { body: `Post ${i} #${tag}`, ...(i % 2 ? { community: slug } : {}) }));
    }
    const newestFirst = ids(all).reverse();
    const visible = ids(all.filter((p) => p.community === null)).reverse();
    for (const path of [`/api/v1/users/${owner.handle}/posts`, `/api/v1/tags/${tag}/posts`]) {
      for (const limit of [1, 2, 3]) {
        assert.deepEqual(ids(await allPages(outsider, path, limit)), visible, `${path} limit ${limit}: outsider`);
        assert.deepEqual(ids(await allPages(member, path, limit)), newestFirst, `${path} limit ${limit}: member`);
      }
      assert.deepEqual(ids(await allPages(founder, path, 20)), newestFirst, `${path}: admin`);
      const first = await get(outsider, `${path}?limit=20`);
      assert.ok(first.body.items.every((p) => p.community === null), 'no closed post reaches an outsider');
    }
    // The tag's count stays a raw count.
    assert.equal((await get(outsider, `/api/v1/tags/${tag}`)).body.posts, 7);
  });

  test('search finds them for members and admins only', async () => {
    const { owner, member, outsider, slug, w } = await scene();
    const p = await write(owner, { body: `Closed findings about ${w}`, community: slug });
    const search = (who) => get(who, `/api/v1/search?q=${w}&type=posts`);
    assert.deepEqual((await search(outsider)).body.items, []);
    for (const who of [owner, member, founder]) {
      const r = await search(who);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.items.map((i) => `${i.type}:${i.id}`), [`post:${p.id}`]);
    }
  });

  test('liking one is 404 for a non-member and 204 for a member', async () => {
    const { owner, member, outsider, slug } = await scene();
    const p = await write(owner, { body: 'Like me', community: slug });
    for (const method of ['POST', 'DELETE']) {
      assertError(await api(method, `/api/v1/posts/${p.id}/like`, { session: outsider.session }), 404, 'not_found');
    }
    assert.equal((await api('POST', `/api/v1/posts/${p.id}/like`, { session: member.session })).status, 204);
    const r = await get(member, `/api/v1/posts/${p.id}`);
    assert.equal(r.body.post.like_count, 1);
    assert.equal(r.body.post.liked_by_me, true);
  });

  test('flagging one is 422 target_id for a non-member, as for a missing post; 201 for a member', async () => {
    const { owner, member, outsider, slug } = await scene();
    const p = await write(owner, { body: 'Flag me', community: slug });
    const flag = (who, id) => api('POST', '/api/v1/flags', { session: who.session,
      json: { target_type: 'post', target_id: id, reason: 'spam' } });
    const a = await flag(outsider, p.id);
    assertError(a, 422, 'validation_failed', 'target_id');
    assert.deepEqual(a.body, (await flag(outsider, 9007199254740991)).body);
    assert.equal((await flag(member, p.id)).status, 201);
  });

  test('home: a member sees the community\'s posts; a follower outside it does not', async () => {
    const { owner, member, outsider, slug, tag } = await scene();
    for (const who of [outsider]) {
      assert.equal((await api('POST', `/api/v1/users/${owner.handle}/follow`, { session: who.session })).status, 204);
      assert.equal((await api('POST', `/api/v1/tags/${tag}/follow`, { session: who.session })).status, 204);
    }
    // Read home first so the cached feed exists, then write.
    assert.equal((await get(outsider, '/api/v1/timeline/home')).status, 200);
    assert.equal((await get(member, '/api/v1/timeline/home')).status, 200);
    const open = await write(owner, { body: `In the open #${tag}` });
    const closed = await write(owner, { body: `Behind the door #${tag}`, community: slug });
    const mine = ids((await get(member, '/api/v1/timeline/home?limit=100')).body.items);
    assert.ok(mine.includes(closed.id), 'a member\'s home has the community\'s post');
    const theirs = ids((await get(outsider, '/api/v1/timeline/home?limit=100')).body.items);
    assert.ok(theirs.includes(open.id));
    assert.ok(!theirs.includes(closed.id), 'an outsider\'s home does not');
    assert.ok(!ids(await allPages(outsider, '/api/v1/timeline/home', 1)).includes(closed.id));
  });

  // Home keeps a cached feed per reader (sql/0020, 0022): whatever changes
  // who may read a post drops it, so nothing stays readable by mistake.
  test('home: leaving the community, a community closing and losing admin take its posts out at once', async () => {
    const { owner, member, outsider, slug } = await scene();
    const admin = await person();
    const promote = (role) => api('PATCH', `/api/v1/admin/users/${admin.handle}`,
      { session: founder.session, json: { role } });
    assert.equal((await promote('admin')).status, 200);
    const openSlug = await community(owner, 'open', []);
    for (const who of [outsider, admin]) {
      assert.equal((await api('POST', `/api/v1/users/${owner.handle}/follow`, { session: who.session })).status, 204);
    }
    const closed = await write(owner, { body: 'Members only', community: slug });
    const open = await write(owner, { body: 'For everyone, for now', community: openSlug });
    const home = async (who) => ids((await get(who, '/api/v1/timeline/home?limit=100')).body.items);

    assert.ok((await home(member)).includes(closed.id));
    assert.equal((await api('DELETE', `/api/v1/communities/${slug}/members/${member.handle}`,
      { session: member.session })).status, 204);
    assert.ok(!(await home(member)).includes(closed.id), 'gone once the member left');

    assert.ok((await home(admin)).includes(closed.id), 'an admin reads every community');
    assert.equal((await promote('employee')).status, 200);
    assert.ok(!(await home(admin)).includes(closed.id), 'gone once they are no longer admin');

    assert.ok((await home(outsider)).includes(open.id));
    sql(`UPDATE communities SET visibility = 'closed' WHERE slug = '${openSlug}'`);   // no API closes one
    assert.ok(!(await home(outsider)).includes(open.id), 'gone once the community closed');
  });

  test('customer links: a closed community\'s post is 422 id for a non-member actor; an admin links it', async () => {
    const { owner, slug } = await scene();
    const p = await write(owner, { body: 'Care about this', community: slug });
    const founderToken = await tokenFor(founder.session, unique('t'));
    const cm = await person();
    assert.equal((await api('PATCH', `/api/v1/admin/users/${cm.handle}`, { token: founderToken,
      json: { role: 'community_manager' } })).status, 200);
    const cmToken = await tokenFor(cm.session);
    const ch = await api('POST', '/api/v1/customer/channels', { token: cmToken, json: { name: unique('ch'), kind: 'chat' } });
    assert.equal(ch.status, 201, ch.text);
    const raw = JSON.stringify([{ external_id: unique('m'), direction: 'inbound', author: '@carol', text: 'Help',
      sent_at: '2026-01-01T10:00:00Z' }]);
    const sig = 'sha256=' + createHmac('sha256', ch.body.webhook_secret).update(raw).digest('hex');
    const w = await api('POST', `/api/v1/customer/channels/${ch.body.channel.id}/messages`,
      { raw, contentType: 'application/json', headers: { 'x-parley-signature': sig } });
    assert.equal(w.status, 200, w.text);
    const list = await api('GET', `/api/v1/customer/conversations?channel=${ch.body.channel.id}`, { token: cmToken });
    const conv = list.body.items[0].id;
    const link = (token) => api('POST', `/api/v1/customer/conversations/${conv}/links`, { token, json: { type: 'post', id: p.id } });
    const a = await link(cmToken);
    assertError(a, 422, 'validation_failed', 'id');
    const missing = await api('POST', `/api/v1/customer/conversations/${conv}/links`,
      { token: cmToken, json: { type: 'post', id: 9007199254740991 } });
    assert.deepEqual(a.body, missing.body);
    assert.equal((await link(founderToken)).status, 201);
  });
});

describe('GET /api/v1/communities/{slug}/posts', () => {
  test('the community\'s posts, newest first, keyset pages; 404 for a closed one outside and an unknown slug', async () => {
    const owner = await person();
    const member = await person();
    const outsider = await person();
    const slug = await community(owner, 'closed', [member]);
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await write(i % 2 ? member : owner, { body: `Stream ${i}`, community: slug }));
    posts.push(await write(member, { body: 'A reply in it', reply_to: posts[0].id }));
    await write(owner, { body: 'Not in the community' });
    const expected = ids(posts).reverse();
    for (const limit of [1, 2, 4, 20]) {
      assert.deepEqual(ids(await allPages(member, `/api/v1/communities/${slug}/posts`, limit)), expected, `limit ${limit}`);
    }
    const first = await get(member, `/api/v1/communities/${slug}/posts`);
    assert.deepEqual(Object.keys(first.body).sort(), ['items', 'next_cursor']);
    assert.ok(first.body.items.every((p) => p.community === slug));
    assert.deepEqual(ids(await allPages(founder, `/api/v1/communities/${slug}/posts`, 20)), expected, 'admin');
    assertError(await get(outsider, `/api/v1/communities/${slug}/posts`), 404, 'not_found');
    assertError(await get(outsider, `/api/v1/communities/no-such-${word()}/posts`), 404, 'not_found');
    // An open community's stream is for everyone.
    const open = await community(owner, 'open');
    const p = await write(owner, { body: 'Open stream', community: open });
    assert.deepEqual(ids((await get(outsider, `/api/v1/communities/${open}/posts`)).body.items), [p.id]);
    assertError(await api('GET', `/api/v1/communities/${open}/posts`), 401, 'unauthenticated');
    assertError(await get(outsider, `/api/v1/communities/${open}/posts?limit=0`), 422, 'validation_failed', 'limit');
    for (const cursor of ['abc', 'c1' + 'g'.repeat(36), "' OR 1=1 --", '%zz']) {
      const r = await get(outsider, `/api/v1/communities/${open}/posts?cursor=${cursor === '%zz' ? cursor : encodeURIComponent(cursor)}`);
      assertError(r, 400, 'bad_request', 'cursor');
    }
    const post = await api('POST', `/api/v1/communities/${open}/posts`, { session: outsider.session, json: {} });
    assertError(post, 405, 'method_not_allowed');
    assert.equal(post.headers.get('allow'), 'GET');
  });
});
