// The micro-blog's posts (API.md "Micro-blog"): POST /api/v1/posts,
// GET|PATCH|DELETE /api/v1/posts/{id}, the versions of edited posts, likes,
// threads, mentions, tags and links, the safe HTML rendering, moderators'
// deletes and suspended authors. The admin is `founder` (first_admin.test.mjs).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, person, tokenFor, assertError, unique } from '../lib/api.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>';

let founder;

const create = (who, json, opts = {}) => api('POST', '/api/v1/posts', { session: who.session, json, ...opts });
const getPost = (who, id) => api('GET', `/api/v1/posts/${id}`, { session: who.session });
const edit = (who, id, json, opts = {}) =>
  api('PATCH', `/api/v1/posts/${id}`, { session: who.session, json, ...opts });
const remove = (who, id, opts = {}) => api('DELETE', `/api/v1/posts/${id}`, { session: who.session, ...opts });
const like = (who, id) => api('POST', `/api/v1/posts/${id}/like`, { session: who.session, raw: '' });
const unlike = (who, id) => api('DELETE', `/api/v1/posts/${id}/like`, { session: who.session });
const versions = (who, id) => api('GET', `/api/v1/posts/${id}/versions`, { session: who.session });
const patchMe = (who, json) => api('PATCH', '/api/v1/me', { session: who.session, json });

async function newPost(who, body = `a post ${unique('p')}`, extra = {}) {
  const r = await create(who, { body, ...extra });
  assert.equal(r.status, 201, r.text);
  return r.body.post;
}

const ref = (p) => ({ id: p.id, handle: p.handle, display_name: p.display_name, title: p.title ?? '',
  department: p.department ?? '' });

// Every '<' in the rendered HTML opens or closes one of our own anchors, and
// every anchor is one of the three kinds text.c writes.
function assertInertHtml(html, label = 'html') {
  assert.ok(!/<script/i.test(html), `${label}: no <script in ${html}`);
  assert.ok(!/<img/i.test(html), `${label}: no unescaped <img in ${html}`);
  for (const m of html.matchAll(/</g)) {
    const rest = html.slice(m.index);
    assert.ok(rest.startsWith('<a ') || rest.startsWith('</a>'), `${label}: stray tag at ${rest.slice(0, 40)}`);
  }
  for (const [a] of html.matchAll(/<a [^>]*>/g)) {
    assert.match(a, /^<a href="(https?:\/\/[^"<>\s]+|#\/people\/[a-z0-9_]+|#\/tags\/[a-z0-9_%]+)"( rel="nofollow noopener noreferrer" target="_blank"| class="(mention|tag)")>$/,
      `${label}: unexpected anchor ${a}`);
  }
  assert.equal((html.match(/<a /g) ?? []).length, (html.match(/<\/a>/g) ?? []).length, `${label}: balanced anchors`);
}

function assertPostShape(p, label = 'post') {
  const keys = ['id', 'author', 'body', 'html', 'mentions', 'tags', 'reply_to', 'root_id', 'community', 'created_at',
    'edited_at', 'like_count', 'reply_count', 'liked_by_me', 'hidden', 'deleted', 'customer_links'];
  assert.deepEqual(Object.keys(p).sort(), [...keys].sort(), `${label}: keys`);
  assert.ok(Number.isInteger(p.id) && p.id > 0, `${label}: id`);
  assert.deepEqual(Object.keys(p.author).sort(), ['department', 'display_name', 'handle', 'id', 'title'], `${label}: author`);
  assert.ok(Array.isArray(p.mentions) && Array.isArray(p.tags), `${label}: arrays`);
  assert.match(p.created_at, RFC3339_UTC, `${label}: created_at`);
  assert.ok(p.edited_at === null || RFC3339_UTC.test(p.edited_at), `${label}: edited_at`);
  assert.equal(p.community, null, `${label}: community`);
  for (const k of ['like_count', 'reply_count', 'customer_links']) assert.ok(Number.isInteger(p[k]) && p[k] >= 0, `${label}: ${k}`);
  for (const k of ['liked_by_me', 'hidden', 'deleted']) assert.equal(typeof p[k], 'boolean', `${label}: ${k}`);
  assertInertHtml(p.html, label);
}

async function userPosts(who, handle) {
  const r = await api('GET', `/api/v1/users/${handle}/posts?limit=100`, { session: who.session });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

before(async () => {
  founder = await login('founder');
  assert.equal(founder.user.role, 'admin');
});

describe('POST /api/v1/posts', () => {
  test('201 {post} with every field of the contract; GET answers the same post and no replies', async () => {
    const a = await person();
    const r = await create(a, { body: 'Hello, Parley.' });
    assert.equal(r.status, 201, r.text);
    const p = r.body.post;
    assertPostShape(p);
    assert.deepEqual(p.author, ref(a.user));
    assert.equal(p.body, 'Hello, Parley.');
    assert.equal(p.html, 'Hello, Parley.');
    assert.deepEqual(p.mentions, []);
    assert.deepEqual(p.tags, []);
    assert.equal(p.reply_to, null);
    assert.equal(p.root_id, p.id);
    assert.equal(p.edited_at, null);
    assert.equal(p.like_count, 0);
    assert.equal(p.reply_count, 0);
    assert.equal(p.liked_by_me, false);
    assert.equal(p.hidden, false);
    assert.equal(p.deleted, false);
    assert.ok(Math.abs(Date.parse(p.created_at) - Date.now()) < 10 * 60 * 1000, 'created_at is now');
    const g = await getPost(a, p.id);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body, { post: p, replies: [] });
  });

  test('body: 5000 code points are accepted even as 10000 or 20000 bytes; 5001 are 422 field body', async () => {
    const a = await person();
    for (const ch of ['é', '😀', 'x']) {
      const ok = await create(a, { body: ch.repeat(5000) });
      assert.equal(ok.status, 201, `${ch}: ${ok.text.slice(0, 200)}`);
      assert.equal(ok.body.post.body, ch.repeat(5000));
      assert.equal([...ok.body.post.html].length, 5000);
      assertError(await create(a, { body: ch.repeat(5001) }), 422, 'validation_failed', 'body');
    }
    assert.equal((await userPosts(a, a.handle)).length, 3, 'only the three accepted posts exist');
  });

  test('body: empty, blank, missing, null or not a string is 422 field body', async () => {
    const a = await person();
    for (const body of ['', ' ', '   \n\t  ', '\u00a0\u3000\u2003', '\r\n']) {
      assertError(await create(a, { body }), 422, 'validation_failed', 'body');
    }
    assertError(await create(a, {}), 422, 'validation_failed', 'body');
    assertError(await create(a, { body: null }), 422, 'validation_failed', 'body');
    assertError(await create(a, { body: 42 }), 422, 'validation_failed', 'body');
    assertError(await create(a, { body: ['x'] }), 422, 'validation_failed', 'body');
    assert.deepEqual(await userPosts(a, a.handle), [], 'nothing was written');
  });

  test('invalid UTF-8 in the body is 400 invalid_utf8 and nothing is written', async () => {
    const a = await person();
    const bad = [
      [0xff, 0xfe],                 // never valid
      [0xc0, 0xaf],                 // overlong '/'
      [0xed, 0xa0, 0x80],           // a UTF-16 surrogate
      [0xe2, 0x82],                 // truncated sequence
      [0xf4, 0x90, 0x80, 0x80],     // beyond U+10FFFF
    ];
    for (const bytes of bad) {
      const raw = Buffer.concat([Buffer.from('{"body":"abc'), Buffer.from(bytes), Buffer.from('def"}')]);
      const r = await create(a, undefined, { raw, contentType: 'application/json' });
      assertError(r, 400, 'invalid_utf8');
    }
    assert.deepEqual(await userPosts(a, a.handle), []);
  });

  test('malformed JSON is 400 malformed_json; another content type is 415', async () => {
    const a = await person();
    assertError(await create(a, undefined, { raw: '{"body": "x"', contentType: 'application/json' }),
      400, 'malformed_json');
    assertError(await create(a, undefined, { raw: '["x"]', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await create(a, undefined, { raw: '{"body":"x"}', contentType: 'text/plain' }),
      415, 'unsupported_media_type');
  });

  test('reply_to a post that does not exist, or was deleted, is 422 field reply_to', async () => {
    const a = await person();
    const p = await newPost(a);
    assertError(await create(a, { body: 'reply', reply_to: 9007199254740991 }), 422, 'validation_failed', 'reply_to');
    assertError(await create(a, { body: 'reply', reply_to: p.id + 1000000 }), 422, 'validation_failed', 'reply_to');
    assert.equal((await remove(a, p.id)).status, 204);
    assertError(await create(a, { body: 'reply', reply_to: p.id }), 422, 'validation_failed', 'reply_to');
    assert.deepEqual(await userPosts(a, a.handle), [], 'no reply was written');
  });

  test('reply_to that is not a positive integer is 422 field reply_to', async () => {
    const a = await person();
    const p = await newPost(a);
    for (const reply_to of [0, -1, 'x', String(p.id), 1.5, true, [p.id]]) {
      assertError(await create(a, { body: 'reply', reply_to }), 422, 'validation_failed', 'reply_to');
    }
    const ok = await create(a, { body: 'reply', reply_to: null });
    assert.equal(ok.status, 201, 'reply_to: null is a root post');
    assert.equal(ok.body.post.reply_to, null);
  });

  test('community: an unknown slug or a non-string is 422 field community (the rest: community_posts.test.mjs)', async () => {
    const a = await person();
    assertError(await create(a, { body: 'in a community', community: 'engineering' }), 422,
      'validation_failed', 'community');
    assertError(await create(a, { body: 'in a community', community: 7 }), 422, 'validation_failed', 'community');
    const ok = await create(a, { body: 'not in a community', community: null });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.post.community, null);
  });

  test('anonymous: 401; a cookie without X-CSRF-Token: 403 csrf_failed; a bearer token needs no CSRF', async () => {
    const a = await person();
    assertError(await api('POST', '/api/v1/posts', { json: { body: 'x' } }), 401, 'unauthenticated');
    assertError(await create(a, { body: 'x' }, { csrf: false }), 403, 'csrf_failed');
    assertError(await create(a, { body: 'x' }, { csrf: 'forged' }), 403, 'csrf_failed');
    assert.deepEqual(await userPosts(a, a.handle), []);
    const token = await tokenFor(a.session);
    const r = await api('POST', '/api/v1/posts', { token, json: { body: 'via a token' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.post.author.id, a.id);
  });

  test('GET, PUT on /api/v1/posts: 405 with Allow: POST', async () => {
    const a = await person();
    for (const m of ['GET', 'PUT']) {
      const r = await api(m, '/api/v1/posts', { session: a.session, json: m === 'GET' ? undefined : {} });
      assertError(r, 405, 'method_not_allowed');
      assert.equal(r.headers.get('allow'), 'POST');
    }
  });
});

describe('mentions, tags and links', () => {
  test('a mention of an existing user is linked, listed lower-cased, and matched ignoring case', async () => {
    const a = await person();
    const b = await person();
    const p = await newPost(a, `thanks @${b.handle.toUpperCase()} and @${b.handle}!`);
    assert.deepEqual(p.mentions, [b.handle]);
    const anchor = `<a href="#/people/${b.handle}" class="mention">@`;
    assert.equal(p.html,
      `thanks ${anchor}${b.handle.toUpperCase()}</a> and ${anchor}${b.handle}</a>!`);
  });

  test('a mention of an unknown handle stays plain text, is not listed, and notifies nobody', async () => {
    const a = await person();
    const ghost = unique('ghost');
    const p = await newPost(a, `hello @${ghost}, are you there?`);
    assert.deepEqual(p.mentions, []);
    assert.equal(p.html, `hello @${ghost}, are you there?`);
    assert.ok(!p.html.includes('<a'), p.html);
    // Whoever takes the handle later was never notified of it.
    const late = await person({ handle: ghost });
    const n = await api('GET', '/api/v1/notifications', { session: late.session });
    assert.equal(n.status, 200, n.text);
    assert.deepEqual(n.body.items, []);
    assert.deepEqual((await getPost(a, p.id)).body.post.mentions, [], 'still not a mention once the handle exists');
  });

  test('e-mail addresses and too short or too long handles are not mentions', async () => {
    const a = await person();
    const b = await person();
    const p = await newPost(a, `mail ${b.handle}@example.com or x@${b.handle} or @ab or @${'a'.repeat(31)}`);
    assert.deepEqual(p.mentions, []);
    assert.ok(!p.html.includes('<a'), p.html);
  });

  test('tags are listed once, lower-cased, sorted; all-digit words are not tags; each is an anchor', async () => {
    const a = await person();
    const p = await newPost(a, 'Shipping #Parley today #parley #release_2 #2024 and #Café');
    assert.deepEqual(p.tags, ['café', 'parley', 'release_2']);
    assert.ok(p.html.includes('<a href="#/tags/parley" class="tag">#Parley</a>'), p.html);
    assert.ok(p.html.includes('<a href="#/tags/release_2" class="tag">#release_2</a>'), p.html);
    assert.ok(p.html.includes('<a href="#/tags/caf%C3%A9" class="tag">#Café</a>'), p.html);
    assert.ok(p.html.includes(' #2024 '), 'an all-digit word stays text');
  });

  test('a tag ends at Unicode white space (an ideographic space in Japanese text)', async () => {
    const a = await person();
    const r = await create(a, { body: '新機能 #リリース\u3000です #parley\u2003ok' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.post.tags, ['parley', 'リリース']);
  });

  test('http and https links become anchors without trailing punctuation; other schemes stay text', async () => {
    const a = await person();
    const p = await newPost(a,
      'See https://example.com/a?b=1&c=2. Or (http://example.org/x). Not javascript:alert(1) nor ftp://example.net');
    assert.ok(p.html.includes('<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" '
      + 'target="_blank">https://example.com/a?b=1&amp;c=2</a>. '), p.html);
    assert.ok(p.html.includes('(<a href="http://example.org/x" rel="nofollow noopener noreferrer" '
      + 'target="_blank">http://example.org/x</a>)'), p.html);
    assert.ok(p.html.includes('javascript:alert(1) nor ftp://example.net'), p.html);
    assert.equal((p.html.match(/<a /g) ?? []).length, 2);
  });
});

describe('the HTML is inert', () => {
  test('script and img in a body are escaped; only our own anchors are tags', async () => {
    const a = await person();
    const p = await newPost(a, XSS);
    assert.equal(p.body, XSS, 'the body is kept as written');
    assertInertHtml(p.html);
    assert.equal(p.html, '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    assert.equal((await getPost(a, p.id)).body.post.html, p.html);
  });

  test('markup glued to mentions, tags and links, or inside a link, cannot escape its anchor', async () => {
    const a = await person();
    const b = await person();
    const body = [
      `@${b.handle}${XSS}`,
      `#tag${XSS}`,
      `https://example.com/${XSS}`,
      'https://example.com/"onmouseover="alert(1)',
      "https://example.com/'onfocus='alert(1)",
      'https://example.com/&quot;&lt;script&gt;',
      `<a href="javascript:alert(1)">click</a>`,
      '<svg onload=alert(1)>', '"><script>alert(1)</script>', '&lt;script&gt;', '&#60;script&#62;',
    ].join(' ');
    const p = await newPost(a, body);
    assertInertHtml(p.html);
    assert.ok(!/href="javascript/i.test(p.html), p.html);
    assert.ok(p.html.includes('&amp;lt;script&amp;gt;'), 'entities in the text are escaped again');
    assert.deepEqual(p.mentions, [b.handle]);
    assert.deepEqual(p.tags, ['tag']);
  });

  test('markup in the author\'s display_name, title, department, bio and skills comes back as text, never in html', async () => {
    const a = await person();
    const r = await patchMe(a, { display_name: XSS, title: XSS, department: XSS, bio: XSS, skills: [XSS.slice(0, 50)] });
    assert.equal(r.status, 200, r.text);
    const b = await person();
    const p = await newPost(b, `hi @${a.handle}`);
    assertInertHtml(p.html);
    assert.ok(!p.html.includes('alert'), 'the mention shows the handle, not the display name');
    const mine = await newPost(a, 'my post');
    assert.equal(mine.author.display_name, XSS);
    assert.equal(mine.author.title, XSS);
    assert.equal(mine.author.department, XSS);
    assert.equal(mine.html, 'my post');
    const u = await api('GET', `/api/v1/users/${a.handle}`, { session: b.session });
    assert.equal(u.status, 200, u.text);
    assert.match(u.headers.get('content-type'), /^application\/json/);
    assert.equal(u.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(u.body.user.bio, XSS);
    assert.deepEqual(u.body.user.skills.map((s) => s.name), [XSS.slice(0, 50)]);
  });
});

describe('threads', () => {
  test('replies: the whole thread under a post, oldest first, with root_id and reply counts', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    const root = await newPost(a, 'root');
    const r1 = await newPost(b, 'first reply', { reply_to: root.id });
    const r2 = await newPost(c, 'second reply', { reply_to: root.id });
    const r11 = await newPost(a, 'reply to the first reply', { reply_to: r1.id });
    assert.equal(r1.reply_to, root.id);
    assert.equal(r1.root_id, root.id);
    assert.equal(r11.reply_to, r1.id);
    assert.equal(r11.root_id, root.id, 'a reply to a reply belongs to the root\'s thread');

    const g = await getPost(c, root.id);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.post.reply_count, 2, 'direct replies');
    assert.deepEqual(g.body.replies.map((p) => p.id), [r1.id, r2.id, r11.id]);
    for (const p of g.body.replies) assertPostShape(p, `reply ${p.id}`);
    assert.equal(g.body.replies[0].reply_count, 1);

    const sub = await getPost(a, r1.id);
    assert.equal(sub.status, 200, sub.text);
    assert.equal(sub.body.post.id, r1.id);
    assert.deepEqual(sub.body.replies.map((p) => p.id), [r11.id], 'a reply\'s thread is what is under it');
  });

  test('a deleted reply shows in the thread as deleted with empty body and html; the parent\'s reply_count drops', async () => {
    const [a, b] = [await person(), await person()];
    const root = await newPost(a, 'root');
    const gone = await newPost(b, `secret reply #hush @${a.handle}`, { reply_to: root.id });
    const kept = await newPost(a, 'kept reply', { reply_to: gone.id });
    assert.equal((await getPost(a, root.id)).body.post.reply_count, 1);
    assert.equal((await remove(b, gone.id)).status, 204);

    const g = await getPost(a, root.id);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.post.reply_count, 0);
    assert.deepEqual(g.body.replies.map((p) => p.id), [gone.id, kept.id]);
    const d = g.body.replies[0];
    assert.equal(d.deleted, true);
    assert.equal(d.body, '');
    assert.equal(d.html, '');
    assert.deepEqual(d.tags, [], 'a deleted post keeps no tags');
    assert.deepEqual(d.mentions, [], 'a deleted post does not reveal whom it mentioned');
    assert.equal(g.body.replies[1].deleted, false);
    assert.equal(g.body.replies[1].body, 'kept reply');
    assertError(await getPost(a, gone.id), 404, 'not_found');
  });

  test('GET of a post that does not exist, or a path id that is not a number: 404', async () => {
    const a = await person();
    assertError(await getPost(a, 9007199254740991), 404, 'not_found');
    assertError(await getPost(a, '99999999999999999999'), 404, 'not_found');
    assertError(await getPost(a, 'abc'), 404, 'not_found');
    assertError(await getPost(a, '0'), 404, 'not_found');
  });

  test('anonymous GET: 401', async () => {
    const a = await person();
    const p = await newPost(a);
    assertError(await api('GET', `/api/v1/posts/${p.id}`), 401, 'unauthenticated');
    assertError(await api('GET', `/api/v1/posts/${p.id}/versions`), 401, 'unauthenticated');
  });
});

describe('PATCH /api/v1/posts/{id}', () => {
  test('the author edits: new body, html, tags and mentions; edited_at set; the old text kept as a version', async () => {
    const [a, b] = [await person(), await person()];
    const p = await newPost(a, 'first #draft');
    const r = await edit(a, p.id, { body: `second #final @${b.handle}` });
    assert.equal(r.status, 200, r.text);
    const e = r.body.post;
    assertPostShape(e);
    assert.equal(e.id, p.id);
    assert.equal(e.body, `second #final @${b.handle}`);
    assert.deepEqual(e.tags, ['final']);
    assert.deepEqual(e.mentions, [b.handle]);
    assert.ok(e.html.includes(`<a href="#/people/${b.handle}" class="mention">`), e.html);
    assert.match(e.edited_at, RFC3339_UTC);
    assert.equal(e.created_at, p.created_at);
    assert.deepEqual((await getPost(b, p.id)).body.post.body, e.body);

    const v = await versions(b, p.id);
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.next_cursor, null);
    assert.equal(v.body.items.length, 1);
    assert.deepEqual(Object.keys(v.body.items[0]).sort(), ['body', 'html', 'replaced_at', 'written_at']);
    assert.equal(v.body.items[0].body, 'first #draft');
    assert.equal(v.body.items[0].html, 'first <a href="#/tags/draft" class="tag">#draft</a>');
    assert.equal(v.body.items[0].written_at, p.created_at);
    assert.match(v.body.items[0].replaced_at, RFC3339_UTC);
    // The tag stream follows the edit.
    const old = await api('GET', '/api/v1/tags/draft/posts?limit=100', { session: a.session });
    assert.ok(!old.body.items.some((x) => x.id === p.id), 'no longer in #draft');
    const now = await api('GET', '/api/v1/tags/final/posts?limit=100', { session: a.session });
    assert.ok(now.body.items.some((x) => x.id === p.id), 'now in #final');
  });

  test('every earlier text is kept, oldest first; a post never edited has no versions', async () => {
    const a = await person();
    const p = await newPost(a, 'v1');
    assert.deepEqual((await versions(a, p.id)).body, { items: [], next_cursor: null });
    const e2 = (await edit(a, p.id, { body: 'v2' })).body.post;
    await edit(a, p.id, { body: 'v3' });
    const v = (await versions(a, p.id)).body.items;
    assert.deepEqual(v.map((x) => x.body), ['v1', 'v2']);
    assert.equal(v[1].written_at, e2.edited_at, 'the second text was written when the first edit happened');
    assert.equal((await getPost(a, p.id)).body.post.body, 'v3');
  });

  test('someone else, even an admin, is 403 forbidden, and the post does not change', async () => {
    const [a, b] = [await person(), await person()];
    const p = await newPost(a, 'mine');
    assertError(await edit(b, p.id, { body: 'yours now' }), 403, 'forbidden');
    assertError(await edit({ session: founder }, p.id, { body: 'admin was here' }), 403, 'forbidden');
    const g = await getPost(a, p.id);
    assert.equal(g.body.post.body, 'mine');
    assert.equal(g.body.post.edited_at, null);
    assert.deepEqual((await versions(a, p.id)).body.items, []);
  });

  test('body limits as on create: 5000 code points accepted, 5001 or blank are 422 field body', async () => {
    const a = await person();
    const p = await newPost(a, 'short');
    assert.equal((await edit(a, p.id, { body: 'ü'.repeat(5000) })).status, 200);
    assertError(await edit(a, p.id, { body: 'ü'.repeat(5001) }), 422, 'validation_failed', 'body');
    assertError(await edit(a, p.id, { body: '' }), 422, 'validation_failed', 'body');
    assertError(await edit(a, p.id, { body: ' \n ' }), 422, 'validation_failed', 'body');
    assertError(await edit(a, p.id, {}), 422, 'validation_failed', 'body');
    const raw = Buffer.concat([Buffer.from('{"body":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    assertError(await edit(a, p.id, undefined, { raw, contentType: 'application/json' }), 400, 'invalid_utf8');
    assert.equal((await getPost(a, p.id)).body.post.body, 'ü'.repeat(5000));
  });

  test('a post that does not exist or was deleted: 404 (versions too)', async () => {
    const a = await person();
    assertError(await edit(a, 9007199254740991, { body: 'x' }), 404, 'not_found');
    const p = await newPost(a);
    await edit(a, p.id, { body: 'edited once' });
    assert.equal((await remove(a, p.id)).status, 204);
    assertError(await edit(a, p.id, { body: 'back?' }), 404, 'not_found');
    assertError(await versions(a, p.id), 404, 'not_found');
    assertError(await versions(a, 9007199254740991), 404, 'not_found');
  });

  test('a cookie without X-CSRF-Token: 403 csrf_failed; anonymous: 401', async () => {
    const a = await person();
    const p = await newPost(a, 'original');
    assertError(await edit(a, p.id, { body: 'forged' }, { csrf: false }), 403, 'csrf_failed');
    assertError(await api('PATCH', `/api/v1/posts/${p.id}`, { json: { body: 'anon' } }), 401, 'unauthenticated');
    assert.equal((await getPost(a, p.id)).body.post.body, 'original');
  });
});

describe('DELETE /api/v1/posts/{id}', () => {
  test('the author: 204; then GET, a second DELETE, likes and edits are 404', async () => {
    const a = await person();
    const p = await newPost(a);
    const r = await remove(a, p.id);
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assertError(await getPost(a, p.id), 404, 'not_found');
    assertError(await remove(a, p.id), 404, 'not_found');
    assertError(await like(a, p.id), 404, 'not_found');
    assertError(await unlike(a, p.id), 404, 'not_found');
    assert.deepEqual(await userPosts(a, a.handle), []);
  });

  test('another employee: 403 forbidden, and the post stays', async () => {
    const [a, b] = [await person(), await person()];
    const p = await newPost(a);
    assertError(await remove(b, p.id), 403, 'forbidden');
    assert.equal((await getPost(b, p.id)).status, 200);
  });

  test('a community_manager (promoted by the admin) and an admin may delete anyone\'s post', async () => {
    const [a, m] = [await person(), await person()];
    const promoted = await api('PATCH', `/api/v1/admin/users/${m.handle}`,
      { session: founder, json: { role: 'community_manager' } });
    assert.equal(promoted.status, 200, promoted.text);
    const p1 = await newPost(a, 'moderated away');
    const p2 = await newPost(a, 'removed by the admin');
    assert.equal((await remove(m, p1.id)).status, 204);
    assert.equal((await remove({ session: founder }, p2.id)).status, 204);
    assertError(await getPost(a, p1.id), 404, 'not_found');
    assertError(await getPost(a, p2.id), 404, 'not_found');
    assert.deepEqual(await userPosts(a, a.handle), []);
  });

  test('an analyst is not a moderator: 403', async () => {
    const [a, an] = [await person(), await person()];
    await api('PATCH', `/api/v1/admin/users/${an.handle}`, { session: founder, json: { role: 'analyst' } });
    const p = await newPost(a);
    assertError(await remove(an, p.id), 403, 'forbidden');
  });

  test('a post that does not exist: 404; CSRF and anonymous as everywhere', async () => {
    const a = await person();
    assertError(await remove(a, 9007199254740991), 404, 'not_found');
    const p = await newPost(a);
    assertError(await remove(a, p.id, { csrf: false }), 403, 'csrf_failed');
    assertError(await api('DELETE', `/api/v1/posts/${p.id}`), 401, 'unauthenticated');
    assert.equal((await getPost(a, p.id)).status, 200);
  });
});

describe('POST|DELETE /api/v1/posts/{id}/like', () => {
  test('liking twice counts once; liked_by_me is the caller\'s; unliking twice is fine', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    const p = await newPost(a);
    const r1 = await like(b, p.id);
    assert.equal(r1.status, 204, r1.text);
    assert.equal((await like(b, p.id)).status, 204);
    let seen = (await getPost(b, p.id)).body.post;
    assert.equal(seen.like_count, 1);
    assert.equal(seen.liked_by_me, true);
    seen = (await getPost(c, p.id)).body.post;
    assert.equal(seen.like_count, 1);
    assert.equal(seen.liked_by_me, false);
    assert.equal((await unlike(b, p.id)).status, 204);
    assert.equal((await unlike(b, p.id)).status, 204);
    assert.equal((await unlike(c, p.id)).status, 204, 'unliking what one never liked is fine');
    seen = (await getPost(b, p.id)).body.post;
    assert.equal(seen.like_count, 0);
    assert.equal(seen.liked_by_me, false);
  });

  test("several people, one's own like included, are counted", async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    const p = await newPost(a);
    for (const who of [a, b, c]) assert.equal((await like(who, p.id)).status, 204);
    const seen = (await getPost(a, p.id)).body.post;
    assert.equal(seen.like_count, 3);
    assert.equal(seen.liked_by_me, true);
  });

  test('simultaneous likes by different people all succeed and all count', async () => {
    const a = await person();
    const likers = await Promise.all(Array.from({ length: 6 }, () => person()));
    const p = await newPost(a);
    const rs = await Promise.all(likers.map((who) => like(who, p.id)));
    for (const r of rs) assert.equal(r.status, 204, r.text);
    assert.equal((await getPost(a, p.id)).body.post.like_count, 6);
    const n = await api('GET', '/api/v1/notifications', { session: a.session });
    const likes = n.body.items.filter((x) => x.kind === 'like');
    assert.deepEqual(likes.map((x) => x.count), [6], 'one grouped notification counting all six');
  });

  test('a post that does not exist or was deleted: 404', async () => {
    const a = await person();
    assertError(await like(a, 9007199254740991), 404, 'not_found');
    assertError(await unlike(a, 9007199254740991), 404, 'not_found');
  });

  test('CSRF and anonymous; GET is 405 with Allow: POST, DELETE', async () => {
    const [a, b] = [await person(), await person()];
    const p = await newPost(a);
    assertError(await api('POST', `/api/v1/posts/${p.id}/like`, { session: b.session, csrf: false, raw: '' }),
      403, 'csrf_failed');
    assertError(await api('POST', `/api/v1/posts/${p.id}/like`, { raw: '' }), 401, 'unauthenticated');
    assert.equal((await getPost(a, p.id)).body.post.like_count, 0);
    const g = await api('GET', `/api/v1/posts/${p.id}/like`, { session: b.session });
    assertError(g, 405, 'method_not_allowed');
    assert.equal(g.headers.get('allow'), 'POST, DELETE');
    const token = await tokenFor(b.session);
    assert.equal((await api('POST', `/api/v1/posts/${p.id}/like`, { token, raw: '' })).status, 204);
  });
});

describe('suspended authors', () => {
  test('cannot act any more, but their posts stay readable by everyone else', async () => {
    const [s, reader] = [await person(), await person()];
    const token = await tokenFor(s.session);
    const tag = unique('susp').replace('_', '');
    const p = await newPost(s, `still here #${tag}`);
    const other = await newPost(reader, 'a post to like');
    await api('POST', `/api/v1/users/${s.handle}/follow`, { session: reader.session, raw: '' });

    const r = await api('PATCH', `/api/v1/admin/users/${s.handle}`, { session: founder, json: { status: 'suspended' } });
    assert.equal(r.status, 200, r.text);

    assertError(await api('POST', '/api/v1/posts', { token, json: { body: 'after' } }), 401, 'unauthenticated');
    assertError(await create(s, { body: 'after' }), 401, 'unauthenticated');
    assertError(await api('POST', `/api/v1/posts/${other.id}/like`, { token, raw: '' }), 401, 'unauthenticated');
    assertError(await api('PATCH', `/api/v1/posts/${p.id}`, { token, json: { body: 'changed' } }), 401,
      'unauthenticated');
    assertError(await api('DELETE', `/api/v1/posts/${p.id}`, { token }), 401, 'unauthenticated');
    assertError(await api('POST', `/api/v1/users/${reader.handle}/follow`, { token, raw: '' }), 401,
      'unauthenticated');
    assertError(await api('POST', '/api/v1/auth/login', { json: { login: s.handle, password: s.password } }),
      403, 'account_suspended');

    const g = await getPost(reader, p.id);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.post.body, `still here #${tag}`);
    assert.ok((await userPosts(reader, s.handle)).some((x) => x.id === p.id), 'in their stream');
    const t = await api('GET', `/api/v1/tags/${tag}/posts`, { session: reader.session });
    assert.deepEqual(t.body.items.map((x) => x.id), [p.id], 'in the tag stream');
    const home = await api('GET', '/api/v1/timeline/home?limit=100', { session: reader.session });
    assert.ok(home.body.items.some((x) => x.id === p.id), 'in their followers\' home timelines');
    assert.equal((await like(reader, p.id)).status, 204, 'others may still like it');
    const u = await api('GET', `/api/v1/users/${s.handle}`, { session: reader.session });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.body.user.status, 'suspended');
    assert.equal((await getPost(reader, other.id)).body.post.like_count, 0, 'their attempt to like did nothing');
  });
});
