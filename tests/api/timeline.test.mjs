// Streams of posts (API.md "Micro-blog"): the home timeline, a person's
// posts and a tag's posts, newest first with keyset cursors; following tags
// (GET /api/v1/tags/{tag}, POST|DELETE .../follow, GET /api/v1/me/tags).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { api, person, tokenFor, assertError, unique } from '../lib/api.mjs';
import { sql } from '../lib/knowledge.mjs';

const post = async (who, body = `a post ${unique('p')}`, extra = {}) => {
  const r = await api('POST', '/api/v1/posts', { session: who.session, json: { body, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.body.post;
};
const remove = (who, id) => api('DELETE', `/api/v1/posts/${id}`, { session: who.session });
const follow = (who, handle) => api('POST', `/api/v1/users/${handle}/follow`, { session: who.session, raw: '' });
const unfollow = (who, handle) => api('DELETE', `/api/v1/users/${handle}/follow`, { session: who.session });
const followTag = (who, tag) => api('POST', `/api/v1/tags/${encodeURIComponent(tag)}/follow`,
  { session: who.session, raw: '' });
const unfollowTag = (who, tag) => api('DELETE', `/api/v1/tags/${encodeURIComponent(tag)}/follow`,
  { session: who.session });
const get = (who, path) => api('GET', path, { session: who.session });
const newTag = () => unique('t').replace('_', '');   // t + 10 hex digits: a valid, unused tag

// Follows next_cursor to the end; returns every item in order.
async function readAll(who, path, limit = 100) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(who, `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['items', 'next_cursor']);
    assert.ok(r.body.items.length <= limit, 'a page holds at most limit items');
    items.push(...r.body.items);
    if (r.body.next_cursor === null) return items;
    assert.equal(typeof r.body.next_cursor, 'string');
    cursor = r.body.next_cursor;
  }
  assert.fail(`${path}: more than 100 pages`);
}

const ids = (items) => items.map((p) => p.id);

function assertNewestFirst(items, label) {
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1], items[i]];
    assert.ok(a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id),
      `${label}: ${a.id} (${a.created_at}) before ${b.id} (${b.created_at})`);
  }
}

describe('GET /api/v1/timeline/home', () => {
  test('one\'s own posts, followed people\'s and followed tags\', each once, newest first; nobody else\'s', async () => {
    const [me, friend, former, stranger, tagger] = [await person(), await person(), await person(), await person(),
      await person()];
    const tag = newTag();
    assert.equal((await follow(me, friend.handle)).status, 204);
    assert.equal((await follow(me, former.handle)).status, 204);
    assert.equal((await followTag(me, tag)).status, 204);

    const mine = await post(me, 'my own post');
    const friends = await post(friend, 'a friend\'s post');
    const both = await post(friend, `a friend's post with #${tag}`);
    const tagged = await post(tagger, `a stranger's post with #${tag.toUpperCase()}`);
    const untagged = await post(tagger, 'an untagged post by the same stranger');
    const strangers = await post(stranger, 'a stranger\'s post');
    const formers = await post(former, 'written while followed');
    assert.equal((await unfollow(me, former.handle)).status, 204);
    const reply = await post(friend, 'a friend\'s reply to me', { reply_to: mine.id });

    const home = await readAll(me, '/api/v1/timeline/home');
    assert.deepEqual(ids(home), [reply.id, tagged.id, both.id, friends.id, mine.id],
      'own, followed person\'s (replies included), followed tag\'s; deduplicated; newest first');
    for (const p of [untagged, strangers, formers]) assert.ok(!ids(home).includes(p.id), `post ${p.id} is not in home`);
    assertNewestFirst(home, 'home');
    assert.equal(home[1].body, tagged.body);
    assert.deepEqual(home[1].tags, [tag]);
  });

  test('a new person\'s home is their own posts only, and empty at first', async () => {
    const me = await person();
    const r = await get(me, '/api/v1/timeline/home');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { items: [], next_cursor: null });
    const p = await post(me);
    assert.deepEqual(ids((await get(me, '/api/v1/timeline/home')).body.items), [p.id]);
  });

  test('liked_by_me in a stream is the reader\'s', async () => {
    const [me, friend] = [await person(), await person()];
    await follow(me, friend.handle);
    const p = await post(friend);
    await api('POST', `/api/v1/posts/${p.id}/like`, { session: me.session, raw: '' });
    const [seen] = (await get(me, '/api/v1/timeline/home')).body.items;
    assert.equal(seen.id, p.id);
    assert.equal(seen.liked_by_me, true);
    assert.equal(seen.like_count, 1);
    const [theirs] = (await get(friend, '/api/v1/timeline/home')).body.items;
    assert.equal(theirs.liked_by_me, false);
  });

  test('keyset pages never repeat or skip while new posts arrive', async () => {
    const [me, friend] = [await person(), await person()];
    const tag = newTag();
    await follow(me, friend.handle);
    await followTag(me, tag);
    const tagger = await person();
    for (let i = 0; i < 10; i++) {
      const who = [me, friend, tagger][i % 3];
      await post(who, `post ${i} #${tag}`);
    }
    const full = await readAll(me, '/api/v1/timeline/home');
    assert.equal(full.length, 10);

    const p1 = await get(me, '/api/v1/timeline/home?limit=3');
    assert.equal(p1.status, 200, p1.text);
    assert.deepEqual(ids(p1.body.items), ids(full.slice(0, 3)));
    assert.equal(typeof p1.body.next_cursor, 'string');
    // New posts arrive between the pages, from every source.
    const fresh = [await post(me, 'new while paging'), await post(friend, 'new too'),
      await post(tagger, `new #${tag}`)];

    const rest = [];
    let cursor = p1.body.next_cursor;
    while (cursor) {
      const r = await get(me, `/api/v1/timeline/home?limit=3&cursor=${encodeURIComponent(cursor)}`);
      assert.equal(r.status, 200, r.text);
      rest.push(...r.body.items);
      cursor = r.body.next_cursor;
    }
    const paged = [...p1.body.items, ...rest];
    assert.deepEqual(ids(paged), ids(full), 'no repeats and no gaps against the full read');
    for (const f of fresh) assert.ok(!ids(rest).includes(f.id), 'new posts are not on later pages');
    assert.equal(new Set(ids(paged)).size, paged.length);
    const top = (await get(me, '/api/v1/timeline/home?limit=3')).body.items;
    assert.deepEqual(ids(top), ids(fresh).reverse(), 'a fresh first page starts with them');
  });

  test('the last page has next_cursor null; limit 100 is accepted', async () => {
    const me = await person();
    for (let i = 0; i < 4; i++) await post(me);
    const r = await get(me, '/api/v1/timeline/home?limit=2');
    assert.equal(r.body.items.length, 2);
    assert.notEqual(r.body.next_cursor, null);
    const r2 = await get(me, `/api/v1/timeline/home?limit=2&cursor=${encodeURIComponent(r.body.next_cursor)}`);
    assert.equal(r2.body.items.length, 2);
    // Exactly limit items left may or may not announce one more (empty) page, but never loses items.
    const all = await readAll(me, '/api/v1/timeline/home', 100);
    assert.equal(all.length, 4);
    const one = await get(me, '/api/v1/timeline/home?limit=4');
    assert.equal(one.body.items.length, 4);
    assert.equal(one.body.next_cursor, null, 'exactly limit items: no further page');
  });

  test('a tampered or foreign cursor is 400 field cursor, never a 500', async () => {
    const me = await person();
    for (let i = 0; i < 3; i++) await post(me);
    const good = (await get(me, '/api/v1/timeline/home?limit=1')).body.next_cursor;
    assert.equal(typeof good, 'string');
    const flip = (s, i) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);
    const bad = [
      flip(good, good.length - 1), flip(good, 5), flip(good, 20), good.slice(0, -1), `${good}0`,
      good.toUpperCase(), 'abc', 'c1', 'x'.repeat(38), 'c1' + 'g'.repeat(36), '%00', '-1', '0',
      'c1' + '0'.repeat(36), 'x'.repeat(500), '../../etc/passwd', "' OR 1=1 --",
    ];
    for (const cursor of bad) {
      const r = await get(me, `/api/v1/timeline/home?cursor=${encodeURIComponent(cursor)}`);
      assertError(r, 400, 'bad_request', 'cursor');
    }
    assertError(await get(me, '/api/v1/timeline/home?cursor=%zz'), 400, 'bad_request', 'cursor');
    assert.equal((await get(me, `/api/v1/timeline/home?cursor=${encodeURIComponent(good)}`)).status, 200);
    assert.equal((await get(me, '/api/v1/timeline/home?cursor=')).status, 200, 'an empty cursor is the first page');
  });

  test('limit must be a whole number from 1 to 100: otherwise 422 field limit', async () => {
    const me = await person();
    for (const limit of ['0', '101', 'x', '-1', '1.5', '', ' 5', '5 ', '1e2', '99999999999999999999']) {
      const r = await get(me, `/api/v1/timeline/home?limit=${encodeURIComponent(limit)}`);
      assertError(r, 422, 'validation_failed', 'limit');
    }
    for (const limit of ['1', '100']) assert.equal((await get(me, `/api/v1/timeline/home?limit=${limit}`)).status, 200);
  });

  test('deleted posts vanish from home, and the pages still add up', async () => {
    const [me, friend] = [await person(), await person()];
    await follow(me, friend.handle);
    const a = await post(friend);
    const b = await post(me);
    const c = await post(friend);
    assert.equal((await remove(friend, a.id)).status, 204);
    assert.equal((await remove(me, b.id)).status, 204);
    const home = await readAll(me, '/api/v1/timeline/home', 1);
    assert.deepEqual(ids(home), [c.id]);
  });

  test('anonymous: 401; POST: 405 with Allow: GET; works with a bearer token', async () => {
    const me = await person();
    assertError(await api('GET', '/api/v1/timeline/home'), 401, 'unauthenticated');
    const r = await api('POST', '/api/v1/timeline/home', { session: me.session, json: {} });
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'GET');
    const token = await tokenFor(me.session);
    assert.equal((await api('GET', '/api/v1/timeline/home', { token })).status, 200);
  });
});

// Home is served from a per-reader feed kept up to date on read (sql/0020):
// each check reads home first, so that the feed exists, then changes
// something and reads again.
describe('GET /api/v1/timeline/home: the cached feed stays exact', () => {
  const homeIds = async (who, limit = 100) => ids(await readAll(who, '/api/v1/timeline/home', limit));

  test('following and unfollowing people and tags, and new posts, show on the next read', async () => {
    const [me, friend, other] = [await person(), await person(), await person()];
    const tag = newTag();
    const mine = await post(me);
    const old = await post(friend);
    const tagged = await post(other, `old news #${tag}`);
    assert.deepEqual(await homeIds(me), [mine.id]);

    assert.equal((await follow(me, friend.handle)).status, 204);
    assert.deepEqual(await homeIds(me), [old.id, mine.id], 'a followed person\'s earlier posts appear');
    assert.equal((await followTag(me, tag)).status, 204);
    assert.deepEqual(await homeIds(me), [tagged.id, old.id, mine.id], 'so do a followed tag\'s');

    const fresh = await post(friend);
    const freshTagged = await post(other, `#${tag} again`);
    const elsewhere = await post(other, 'not for me');
    assert.deepEqual(await homeIds(me), [freshTagged.id, fresh.id, tagged.id, old.id, mine.id]);
    assert.ok(!(await homeIds(me)).includes(elsewhere.id));

    assert.equal((await unfollow(me, friend.handle)).status, 204);
    assert.deepEqual(await homeIds(me), [freshTagged.id, tagged.id, mine.id], 'unfollowed: their posts go');
    assert.equal((await unfollowTag(me, tag)).status, 204);
    assert.deepEqual(await homeIds(me), [mine.id]);
  });

  test('a post deleted after it was read leaves home; one whose transaction commits late still arrives', async () => {
    const [me, friend] = [await person(), await person()];
    await follow(me, friend.handle);
    const a = await post(friend);
    const b = await post(friend);
    assert.deepEqual(await homeIds(me), [b.id, a.id]);
    assert.equal((await remove(friend, b.id)).status, 204);
    assert.deepEqual(await homeIds(me), [a.id]);

    // A post written inside a transaction that stays open while home is read
    // (and its feed updated), then commits: it has an older transaction id
    // than posts committed meanwhile, and must still be found.
    const held = spawn('psql', [process.env.PARLEY_DATABASE, '-X', '-q', '-v', 'ON_ERROR_STOP=1'],
      { stdio: ['pipe', 'inherit', 'inherit'] });
    const done = new Promise((resolve) => held.on('exit', resolve));
    // (Triggers off in it: the report rollups' queue would make the quick
    // post below wait for this transaction.)
    held.stdin.write(`BEGIN;\nSET LOCAL session_replication_role = replica;
      INSERT INTO posts (id, root_id, author_id, body, html) OVERRIDING SYSTEM VALUE
      SELECT n, n, ${friend.id}, 'written slowly', '<p>written slowly</p>'
        FROM nextval(pg_get_serial_sequence('posts', 'id')) AS n;\n`);
    const open = () => sql(`SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'
                             AND backend_xid IS NOT NULL AND query LIKE '%written slowly%'`) === '1';
    for (let i = 0; i < 100 && !open(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(open(), 'the slow transaction has written its post and is still open');
    const quick = await post(friend);
    assert.deepEqual(await homeIds(me), [quick.id, a.id], 'the open transaction\'s post is not there yet');
    held.stdin.end('COMMIT;\n');
    assert.equal(await done, 0);
    const late = Number(sql(`SELECT id FROM posts WHERE author_id = ${friend.id} AND body = 'written slowly'`));
    assert.ok(late > 0);
    // Its created_at is its transaction's start, before the quick post's.
    assert.deepEqual(await homeIds(me), [quick.id, late, a.id], 'the late post arrived, in its place');
  });

  test('past the cached entries (more than 101 posts), the pages still add up', async () => {
    const [me, friend] = [await person(), await person()];
    await follow(me, friend.handle);
    const written = [];
    for (let i = 0; i < 110; i++) written.push((await post(friend, `post number ${i}`)).id);
    const expected = written.reverse();
    assert.deepEqual(await homeIds(me, 100), expected);
    assert.deepEqual(await homeIds(me, 7), expected, 'paged by 7');
    const more = await post(friend);
    assert.deepEqual(await homeIds(me, 100), [more.id, ...expected]);
  });
});

describe('GET /api/v1/users/{handle}/posts', () => {
  test('that person\'s posts only, replies included, newest first; the handle matches ignoring case', async () => {
    const [a, b] = [await person(), await person()];
    const p1 = await post(a, 'one');
    await post(b, 'not theirs');
    const p2 = await post(a, 'two', { reply_to: p1.id });
    const p3 = await post(a, 'three');
    const items = await readAll(b, `/api/v1/users/${a.handle}/posts`);
    assert.deepEqual(ids(items), [p3.id, p2.id, p1.id]);
    assertNewestFirst(items, 'user posts');
    for (const p of items) assert.equal(p.author.id, a.id);
    const upper = await readAll(b, `/api/v1/users/${a.handle.toUpperCase()}/posts`);
    assert.deepEqual(ids(upper), ids(items));
    assert.deepEqual(ids(await readAll(b, `/api/v1/users/${a.handle}/posts`, 1)), ids(items), 'paged one by one');
  });

  test('deleted posts vanish from the stream', async () => {
    const a = await person();
    const p1 = await post(a);
    const p2 = await post(a);
    await remove(a, p2.id);
    assert.deepEqual(ids(await readAll(a, `/api/v1/users/${a.handle}/posts`)), [p1.id]);
  });

  test('an unknown person: 404; bad limit 422; tampered cursor 400; anonymous 401', async () => {
    const a = await person();
    assertError(await get(a, `/api/v1/users/${unique('nobody')}/posts`), 404, 'not_found');
    assertError(await get(a, `/api/v1/users/${a.handle}/posts?limit=0`), 422, 'validation_failed', 'limit');
    assertError(await get(a, `/api/v1/users/${a.handle}/posts?cursor=c1nope`), 400, 'bad_request', 'cursor');
    assertError(await api('GET', `/api/v1/users/${a.handle}/posts`), 401, 'unauthenticated');
  });
});

describe('GET /api/v1/tags/{tag}/posts', () => {
  test('posts with the tag, newest first; the tag matches ignoring case and with a leading #', async () => {
    const [a, b] = [await person(), await person()];
    const tag = newTag();
    const p1 = await post(a, `first #${tag}`);
    await post(a, 'no tag here');
    const p2 = await post(b, `second #${tag.toUpperCase()} and #other`);
    const items = await readAll(a, `/api/v1/tags/${tag}/posts`);
    assert.deepEqual(ids(items), [p2.id, p1.id]);
    assert.deepEqual(ids(await readAll(a, `/api/v1/tags/${tag.toUpperCase()}/posts`)), ids(items));
    assert.deepEqual(ids(await readAll(a, `/api/v1/tags/%23${tag}/posts`)), ids(items));
    assert.deepEqual(ids(await readAll(a, `/api/v1/tags/${tag}/posts`, 1)), ids(items), 'paged one by one');
  });

  test('non-ASCII tags have their own stream', async () => {
    const a = await person();
    const tag = `café${unique('').slice(1)}`;
    const p = await post(a, `un #${tag} s'il vous plaît`);
    assert.deepEqual(p.tags, [tag]);
    assert.deepEqual(ids(await readAll(a, `/api/v1/tags/${encodeURIComponent(tag)}/posts`)), [p.id]);
  });

  test('deleted posts vanish from the tag stream and its count; edits move posts between tags', async () => {
    const a = await person();
    const tag = newTag();
    const p1 = await post(a, `keep #${tag}`);
    const p2 = await post(a, `delete #${tag}`);
    const p3 = await post(a, `edit away #${tag}`);
    assert.equal((await get(a, `/api/v1/tags/${tag}`)).body.posts, 3);
    await remove(a, p2.id);
    await api('PATCH', `/api/v1/posts/${p3.id}`, { session: a.session, json: { body: 'no tag any more' } });
    assert.deepEqual(ids(await readAll(a, `/api/v1/tags/${tag}/posts`)), [p1.id]);
    assert.equal((await get(a, `/api/v1/tags/${tag}`)).body.posts, 1);
  });

  test('something that is not a tag is 404; a tag nobody used is an empty page', async () => {
    const a = await person();
    for (const t of ['a%20b', '123', '%23', 'a%23b', 'a%40b', encodeURIComponent('x'.repeat(51))]) {
      assertError(await get(a, `/api/v1/tags/${t}/posts`), 404, 'not_found');
      assertError(await get(a, `/api/v1/tags/${t}`), 404, 'not_found');
      assertError(await api('POST', `/api/v1/tags/${t}/follow`, { session: a.session, raw: '' }), 404, 'not_found');
    }
    const r = await get(a, `/api/v1/tags/${newTag()}/posts`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { items: [], next_cursor: null });
    assertError(await get(a, `/api/v1/tags/${newTag()}/posts?limit=101`), 422, 'validation_failed', 'limit');
    assertError(await get(a, `/api/v1/tags/${newTag()}/posts?cursor=zzz`), 400, 'bad_request', 'cursor');
    assertError(await api('GET', `/api/v1/tags/${newTag()}/posts`), 401, 'unauthenticated');
  });
});

describe('following tags', () => {
  test('GET /api/v1/tags/{tag}: {tag, posts, followers, followed_by_me}; following changes them; idempotent', async () => {
    const [a, b] = [await person(), await person()];
    const tag = newTag();
    await post(b, `#${tag}`);
    let r = await get(a, `/api/v1/tags/${tag.toUpperCase()}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { tag, posts: 1, followers: 0, followed_by_me: false });
    assert.equal((await followTag(a, tag)).status, 204);
    assert.equal((await followTag(a, tag.toUpperCase())).status, 204, 'following again is fine');
    r = await get(a, `/api/v1/tags/${tag}`);
    assert.deepEqual(r.body, { tag, posts: 1, followers: 1, followed_by_me: true });
    r = await get(b, `/api/v1/tags/%23${tag}`);
    assert.deepEqual(r.body, { tag, posts: 1, followers: 1, followed_by_me: false });
    assert.equal((await unfollowTag(a, tag)).status, 204);
    assert.equal((await unfollowTag(a, tag)).status, 204, 'unfollowing again is fine');
    assert.deepEqual((await get(a, `/api/v1/tags/${tag}`)).body, { tag, posts: 1, followers: 0, followed_by_me: false });
  });

  test('GET /api/v1/me/tags lists one\'s followed tags with their post counts', async () => {
    const a = await person();
    const [t1, t2] = [newTag(), newTag()].sort();
    await post(a, `#${t1} #${t2}`);
    await post(a, `#${t2}`);
    let r = await get(a, '/api/v1/me/tags');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { items: [], next_cursor: null });
    await followTag(a, t2);
    await followTag(a, t1);
    r = await get(a, '/api/v1/me/tags');
    assert.deepEqual(r.body, { items: [{ tag: t1, posts: 1 }, { tag: t2, posts: 2 }], next_cursor: null });
    await unfollowTag(a, t1);
    assert.deepEqual((await get(a, '/api/v1/me/tags')).body.items, [{ tag: t2, posts: 2 }]);
    assertError(await api('GET', '/api/v1/me/tags'), 401, 'unauthenticated');
  });

  test('a followed tag brings others\' posts home; unfollowing takes them away', async () => {
    const [a, b] = [await person(), await person()];
    const tag = newTag();
    await followTag(a, tag);
    const p = await post(b, `#${tag}`);
    assert.deepEqual(ids((await get(a, '/api/v1/timeline/home')).body.items), [p.id]);
    await unfollowTag(a, tag);
    assert.deepEqual((await get(a, '/api/v1/timeline/home')).body.items, []);
  });

  test('CSRF, anonymous and methods on /api/v1/tags/{tag}/follow', async () => {
    const a = await person();
    const tag = newTag();
    assertError(await api('POST', `/api/v1/tags/${tag}/follow`, { session: a.session, csrf: false, raw: '' }),
      403, 'csrf_failed');
    assertError(await api('POST', `/api/v1/tags/${tag}/follow`, { raw: '' }), 401, 'unauthenticated');
    assert.equal((await get(a, `/api/v1/tags/${tag}`)).body.followers, 0);
    const r = await api('GET', `/api/v1/tags/${tag}/follow`, { session: a.session });
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'POST, DELETE');
    const token = await tokenFor(a.session);
    assert.equal((await api('POST', `/api/v1/tags/${tag}/follow`, { token, raw: '' })).status, 204);
    assert.equal((await get(a, `/api/v1/tags/${tag}`)).body.followed_by_me, true);
  });
});
