// Moderation (API.md "Moderation", issue 6): flags on posts, questions,
// answers and bookmarks; the queue per moderator scope (global community
// managers and admins see everything, a community's managers their
// community); hide, dismiss and restore with the author notified and the
// audit log written; hidden items as placeholders for everyone but their
// author and moderators; the policy terms and the automatic flags they
// raise (literal, case- and accent-insensitive, never a regex); the audit
// page and the time-to-first-action figures. The admin is `founder`
// (first_admin.test.mjs). One figure needs an old flag: its case's
// opened_at is moved back in the database (PARLEY_DATABASE, set by
// tools/test.sh), as nothing in the API can make time pass.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { api, login, person, assertError, unique } from '../lib/api.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

let founder;     // admin
let globalMod;   // role community_manager
let employee;    // nobody special

const newSlug = () => unique('m').replace(/_/g, '-');
const newUrl = () => `https://m${randomBytes(6).toString('hex')}.example.net/`;
const flag = (who, json, opts = {}) => api('POST', '/api/v1/flags', { session: who.session, json, ...opts });
const queue = (who, qs = '') => api('GET', `/api/v1/moderation/queue${qs}`, { session: who.session });
const act = (who, id, json, opts = {}) =>
  api('POST', `/api/v1/moderation/flags/${id}`, { session: who.session, json, ...opts });
const getPolicy = (who) => api('GET', '/api/v1/moderation/policy', { session: who.session });
const putPolicy = (who, json, opts = {}) => api('PUT', '/api/v1/moderation/policy', { session: who.session, json, ...opts });
const audit = (who, qs = '') => api('GET', `/api/v1/moderation/audit${qs}`, { session: who.session });
const stats = (who) => api('GET', '/api/v1/moderation/stats', { session: who.session });

function sql(statement) {
  assert.ok(process.env.PARLEY_DATABASE, 'PARLEY_DATABASE names the test database');
  return execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', statement],
    { encoding: 'utf8' }).trim();
}

async function post(who, body) {
  const r = await api('POST', '/api/v1/posts', { session: who.session, json: { body } });
  assert.equal(r.status, 201, r.text);
  return r.body.post;
}

async function community(owner, visibility = 'open', members = []) {
  const slug = newSlug();
  const r = await api('POST', '/api/v1/communities', { session: owner.session, json: { slug, name: `M ${slug}`, visibility } });
  assert.equal(r.status, 201, r.text);
  for (const m of members) {
    const j = await api('POST', `/api/v1/communities/${slug}/members`, { session: m.session, raw: '' });
    assert.equal(j.status, 201, j.text);
  }
  return slug;
}

async function question(who, slug, title = `A question about ${unique('t')}`, body = 'Some details.') {
  const r = await api('POST', `/api/v1/communities/${slug}/questions`, { session: who.session, json: { title, body } });
  assert.equal(r.status, 201, r.text);
  return r.body.question;
}

async function answer(who, qid, body = `An answer ${unique('a')}`) {
  const r = await api('POST', `/api/v1/questions/${qid}/answers`, { session: who.session, json: { body } });
  assert.equal(r.status, 201, r.text);
  return r.body.answer;
}

async function bookmark(who, extra = {}) {
  const r = await api('POST', '/api/v1/bookmarks', { session: who.session,
    json: { url: newUrl(), title: `Bookmark ${unique('b')}`, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.body.bookmark;
}

async function flagged(who, target_type, target_id, reason = 'spam', note) {
  const r = await flag(who, { target_type, target_id, reason, ...(note === undefined ? {} : { note }) });
  assert.equal(r.status, 201, r.text);
  return r.body.flag;
}

// Every case in the caller's queue (all pages).
async function allCases(who, status = 'open') {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 200; i++) {
    const r = await queue(who, `?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) return out;
  }
  throw new Error('too many pages');
}

const caseOf = (cases, type, id) => cases.find((k) => k.target.type === type && k.target.id === id);

async function promote(handle, role) {
  const r = await api('PATCH', `/api/v1/admin/users/${handle}`, { session: founder.session, json: { role } });
  assert.equal(r.status, 200, r.text);
}

function assertFlagShape(f) {
  assert.deepEqual(Object.keys(f).sort(), ['automatic', 'created_at', 'flagger', 'id', 'note', 'reason', 'status', 'target', 'term']);
  assert.ok(Number.isInteger(f.id) && f.id > 0);
  assert.match(f.created_at, RFC3339_UTC);
  assert.deepEqual(Object.keys(f.target).sort(), ['id', 'type']);
  assert.ok(['open', 'resolved'].includes(f.status));
}

function assertCaseShape(k) {
  assert.deepEqual(Object.keys(k).sort(), ['author', 'flag_count', 'flagger_count', 'flags', 'id', 'opened_at', 'reasons',
    'resolution', 'resolved_at', 'status', 'target']);
  assert.deepEqual(Object.keys(k.target).sort(), ['community', 'deleted', 'excerpt', 'hidden', 'id', 'question_id', 'title',
    'type', 'url']);
  assert.match(k.opened_at, RFC3339_UTC);
  for (const f of k.flags) assertFlagShape(f);
  assert.equal(k.flag_count, k.flags.length);
}

before(async () => {
  founder = { session: await login('founder') };
  globalMod = await person();
  await promote(globalMod.handle, 'community_manager');
  employee = await person();
});

after(async () => {
  // The policy is shared by every suite that runs after this one.
  if (founder) await putPolicy(founder, { terms: [] });
});

describe('POST /api/v1/flags', () => {
  test('201 {flag} for a post, a question, an answer and a bookmark; the flagger is the caller', async () => {
    const a = await person();
    const slug = await community(a);
    const p = await post(a, 'a post to flag');
    const q = await question(a, slug);
    const an = await answer(a, q.id);
    const b = await bookmark(a);
    for (const [type, id] of [['post', p.id], ['question', q.id], ['answer', an.id], ['bookmark', b.id]]) {
      const r = await flag(employee, { target_type: type, target_id: id, reason: 'off_topic', note: 'Not for here. <script>"\\\u2028 é😀' });
      assert.equal(r.status, 201, r.text);
      assertFlagShape(r.body.flag);
      assert.deepEqual(r.body.flag.target, { type, id });
      assert.equal(r.body.flag.reason, 'off_topic');
      assert.equal(r.body.flag.note, 'Not for here. <script>"\\\u2028 é😀');
      assert.equal(r.body.flag.status, 'open');
      assert.equal(r.body.flag.automatic, false);
      assert.equal(r.body.flag.term, null);
      assert.equal(r.body.flag.flagger.handle, employee.handle);
    }
  });

  test('one open flag per person and target: 409 with existing_id; others may flag it too', async () => {
    const a = await person();
    const p = await post(a, 'flag me twice');
    const first = await flagged(employee, 'post', p.id, 'spam');
    const again = await flag(employee, { target_type: 'post', target_id: p.id, reason: 'harassment' });
    assertError(again, 409, 'conflict');
    assert.equal(again.body.error.existing_id, first.id);
    const other = await flagged(a, 'post', p.id, 'harassment');
    assert.notEqual(other.id, first.id);
  });

  test('concurrent flags: one case per target, one open flag per person', async () => {
    const a = await person();
    const p = await post(a, 'everyone flags this at once');
    const people = await Promise.all(Array.from({ length: 8 }, () => person()));
    const made = await Promise.all(people.map((x) => flag(x, { target_type: 'post', target_id: p.id, reason: 'spam' })));
    assert.deepEqual(made.map((r) => r.status), people.map(() => 201));
    const same = await Promise.all(Array.from({ length: 6 }, () =>
      flag(employee, { target_type: 'post', target_id: p.id, reason: 'spam' })));
    assert.deepEqual(same.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
    const k = caseOf(await allCases(globalMod), 'post', p.id);
    assert.equal(k.flag_count, 9);
    assert.equal(sql(`SELECT count(*) FROM moderation_cases WHERE target_type = 'post' AND target_id = ${p.id}`), '1');
  });

  test('the target must exist and be visible to the flagger: 422 field target_id', async () => {
    const a = await person();
    const gone = await post(a, 'to be deleted');
    assert.equal((await api('DELETE', `/api/v1/posts/${gone.id}`, { session: a.session })).status, 204);
    const priv = await bookmark(a, { private: true });
    const closed = await community(a, 'closed');
    const secret = await question(a, closed);
    for (const [type, id] of [['post', 999999999], ['post', gone.id], ['bookmark', priv.id], ['question', secret.id],
      ['answer', 999999999], ['question', 999999999], ['bookmark', 999999999]]) {
      assertError(await flag(employee, { target_type: type, target_id: id, reason: 'spam' }), 422, 'validation_failed', 'target_id');
    }
    // Its owner sees the private bookmark, so may flag it.
    assert.equal((await flag(a, { target_type: 'bookmark', target_id: priv.id, reason: 'other' })).status, 201);
  });

  test('bad input: types, values, sizes, JSON, UTF-8, content type, session and CSRF; nothing is written', async () => {
    const a = await person();
    const p = await post(a, 'bad input target');
    const ok = { target_type: 'post', target_id: p.id, reason: 'spam' };
    assertError(await flag(employee, { ...ok, target_type: 'user' }), 422, 'validation_failed', 'target_type');
    assertError(await flag(employee, { ...ok, target_type: 7 }), 422, 'validation_failed', 'target_type');
    assertError(await flag(employee, { ...ok, target_id: '12' }), 422, 'validation_failed', 'target_id');
    assertError(await flag(employee, { ...ok, target_id: 0 }), 422, 'validation_failed', 'target_id');
    assertError(await flag(employee, { ...ok, target_id: 1.5 }), 422, 'validation_failed', 'target_id');
    assertError(await flag(employee, { ...ok, reason: 'rude' }), 422, 'validation_failed', 'reason');
    assertError(await flag(employee, { ...ok, reason: null }), 422, 'validation_failed', 'reason');
    assertError(await flag(employee, { target_type: 'post', reason: 'spam' }), 422, 'validation_failed', 'target_id');
    assertError(await flag(employee, { ...ok, note: 'x'.repeat(1001) }), 422, 'validation_failed', 'note');
    assertError(await flag(employee, { ...ok, note: 5 }), 422, 'validation_failed', 'note');
    assertError(await flag(employee, { ...ok, extra: 1 }), 422, 'validation_failed', 'extra');
    assertError(await flag(employee, undefined, { raw: '{"target_type":', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await flag(employee, undefined, { raw: '[1]', contentType: 'application/json' }), 400, 'malformed_json');
    const bad = Buffer.concat([Buffer.from(`{"target_type":"post","target_id":${p.id},"reason":"spam","note":"`),
      Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    assertError(await flag(employee, undefined, { raw: bad, contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await flag(employee, ok, { contentType: 'text/plain' }), 415);
    assertError(await flag(employee, ok, { csrf: false }), 403, 'csrf_failed');
    assertError(await flag(employee, ok, { csrf: 'forged-token' }), 403, 'csrf_failed');
    assertError(await api('POST', '/api/v1/flags', { json: ok }), 401, 'unauthenticated');
    assertError(await api('GET', '/api/v1/flags', { session: employee.session }), 405);
    // 1000 code points (emoji are one each) is the limit, not 1000 bytes.
    const r = await flag(employee, { ...ok, note: '😀'.repeat(1000) });
    assert.equal(r.status, 201, r.text);
    assert.equal(sql(`SELECT count(*) FROM moderation_flags WHERE target_type = 'post' AND target_id = ${p.id}`), '1');
  });
});

describe('GET /api/v1/moderation/queue', () => {
  test('employees who manage nothing get 403 on every moderation route', async () => {
    assertError(await queue(employee), 403, 'forbidden');
    assertError(await queue(employee, '?status=resolved'), 403, 'forbidden');
    assertError(await getPolicy(employee), 403, 'forbidden');
    assertError(await audit(employee), 403, 'forbidden');
    assertError(await stats(employee), 403, 'forbidden');
    assertError(await act(employee, 1, { action: 'hide', reason: 'x' }), 403, 'forbidden');
    assertError(await api('GET', '/api/v1/moderation/queue'), 401, 'unauthenticated');
  });

  test('one case per target, oldest first, with content, author, flags, reasons and who flagged', async () => {
    const a = await person({ display_name: 'Author <b>A</b>' });
    const x = await person();
    const older = await post(a, 'the older flagged post, with some words');
    const newer = await post(a, 'the newer flagged post');
    const f1 = await flagged(employee, 'post', older.id, 'spam', 'looks like an ad');
    const f2 = await flagged(x, 'post', older.id, 'spam');
    const f3 = await flagged(a, 'post', older.id, 'harassment');
    await flagged(x, 'post', newer.id, 'other');
    const cases = await allCases(globalMod);
    for (const k of cases) assertCaseShape(k);
    const k1 = caseOf(cases, 'post', older.id);
    const k2 = caseOf(cases, 'post', newer.id);
    assert.ok(k1 && k2, 'both targets are queued');
    assert.ok(cases.indexOf(k1) < cases.indexOf(k2), 'oldest first');
    assert.equal(k1.status, 'open');
    assert.equal(k1.flag_count, 3);
    assert.equal(k1.flagger_count, 3);
    assert.deepEqual(k1.reasons, [{ reason: 'spam', count: 2 }, { reason: 'harassment', count: 1 }]);
    assert.deepEqual(k1.flags.map((f) => f.id), [f1.id, f2.id, f3.id]);
    assert.equal(k1.flags[0].note, 'looks like an ad');
    assert.equal(k1.flags[0].flagger.handle, employee.handle);
    assert.equal(k1.target.excerpt, 'the older flagged post, with some words');
    assert.equal(k1.target.community, null);
    assert.equal(k1.target.hidden, false);
    assert.equal(k1.target.deleted, false);
    assert.equal(k1.author.handle, a.handle);
    assert.equal(k1.author.display_name, 'Author <b>A</b>');
    assert.equal(k1.resolution, null);
    assert.equal(k1.resolved_at, null);
    // The admin sees the same queue.
    assert.ok(caseOf(await allCases(founder), 'post', older.id));
  });

  test('pages: limit and cursor, no repeats; status must be open or resolved', async () => {
    const a = await person();
    for (let i = 0; i < 3; i++) await flagged(employee, 'post', (await post(a, `page ${i}`)).id);
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 500; i++) {
      const r = await queue(globalMod, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.items.length <= 2);
      seen.push(...r.body.items.map((k) => k.id));
      cursor = r.body.next_cursor;
      if (!cursor) break;
    }
    assert.equal(new Set(seen).size, seen.length, 'no case twice');
    assert.deepEqual(seen, (await allCases(globalMod)).map((k) => k.id));
    assertError(await queue(globalMod, '?status=closed'), 422, 'validation_failed', 'status');
    assertError(await queue(globalMod, '?limit=0'), 422, 'validation_failed', 'limit');
    assertError(await queue(globalMod, '?cursor=nonsense'), 400);
  });

  test("a community's managers see only their community's questions and answers; global moderators see all", async () => {
    const m1 = await person();
    const m2 = await person();
    const member = await person();
    const c1 = await community(m1, 'open', [member]);
    const c2 = await community(m2, 'open', [member]);
    const q1 = await question(member, c1);
    const a1 = await answer(member, q1.id);
    const q2 = await question(member, c2);
    const p = await post(member, 'a post belongs to no community');
    const b = await bookmark(member);
    for (const [t, id] of [['question', q1.id], ['answer', a1.id], ['question', q2.id], ['post', p.id], ['bookmark', b.id]]) {
      await flagged(employee, t, id);
    }
    const mine = await allCases(m1);
    assert.ok(caseOf(mine, 'question', q1.id));
    const ans = caseOf(mine, 'answer', a1.id);
    assert.ok(ans);
    assert.equal(ans.target.question_id, q1.id);
    assert.equal(ans.target.community, c1);
    assert.ok(!caseOf(mine, 'question', q2.id), "not another community's");
    assert.ok(!caseOf(mine, 'post', p.id), 'not community-less posts');
    assert.ok(!caseOf(mine, 'bookmark', b.id), 'not bookmarks');
    assert.ok(mine.every((k) => k.target.community === c1));
    const all = await allCases(globalMod);
    for (const [t, id] of [['question', q1.id], ['answer', a1.id], ['question', q2.id], ['post', p.id], ['bookmark', b.id]]) {
      assert.ok(caseOf(all, t, id), `${t} ${id} in the global queue`);
    }
    const bk = caseOf(all, 'bookmark', b.id);
    assert.equal(bk.target.url, b.url);
    assert.equal(bk.target.title, b.title);
  });
});

describe('POST /api/v1/moderation/flags/{id}', () => {
  test('hide: the target is hidden, every open flag on it resolved, the author notified, the audit log written', async () => {
    const a = await person();
    const x = await person();
    const p = await post(a, 'rude words here');
    const f1 = await flagged(employee, 'post', p.id, 'harassment');
    const f2 = await flagged(x, 'post', p.id, 'harassment');
    const r = await act(globalMod, f2.id, { action: 'hide', reason: 'A personal attack: disagree civilly. "quoted" <b>' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.action.action, 'hide');
    assert.equal(r.body.action.reason, 'A personal attack: disagree civilly. "quoted" <b>');
    assert.equal(r.body.action.moderator.handle, globalMod.handle);
    assert.equal(r.body.action.resolved_flags, 2);
    assert.match(r.body.action.created_at, RFC3339_UTC);
    assert.deepEqual(r.body.target, { type: 'post', id: p.id, hidden: true });
    assert.ok(!caseOf(await allCases(globalMod), 'post', p.id), 'no longer open');
    const done = caseOf(await allCases(globalMod, 'resolved'), 'post', p.id);
    assertCaseShape(done);
    assert.equal(done.status, 'resolved');
    assert.deepEqual(done.flags.map((f) => [f.id, f.status]), [[f1.id, 'resolved'], [f2.id, 'resolved']]);
    assert.equal(done.resolution.action, 'hide');
    assert.equal(done.resolution.moderator.handle, globalMod.handle);
    assert.equal(done.target.hidden, true);
    // The author hears of it, with the action and the reason but not who.
    const n = (await api('GET', '/api/v1/notifications', { session: a.session })).body.items.find((i) => i.kind === 'moderation');
    assert.ok(n, 'a moderation notification');
    assert.deepEqual(n.object, { type: 'post', id: p.id });
    assert.equal(n.actor, null);
    assert.deepEqual(n.moderation, { action: 'hide', reason: 'A personal attack: disagree civilly. "quoted" <b>' });
    assert.equal(n.detail, 'A personal attack: disagree civilly. "quoted" <b>');
    // The audit log has who, what, which, why.
    const e = (await audit(founder)).body.items.find((i) => i.action === 'moderation.hide' && i.target.id === p.id);
    assert.ok(e, 'an audit entry');
    assert.deepEqual(e.target, { type: 'post', id: p.id });
    assert.equal(e.actor.handle, globalMod.handle);
    assert.equal(e.reason, 'A personal attack: disagree civilly. "quoted" <b>');
    assert.match(e.created_at, RFC3339_UTC);
  });

  test('a hidden post is a placeholder for others (by id, in threads and lists); its author and moderators see it and why', async () => {
    const a = await person();
    const first = await post(a, 'first draft of the secret plans');
    assert.equal((await api('PATCH', `/api/v1/posts/${first.id}`, { session: a.session,
      json: { body: `secret plans #plans @${a.handle}` } })).status, 200);
    const p = first;
    const reply = await api('POST', '/api/v1/posts', { session: employee.session, json: { body: 'a reply', reply_to: p.id } });
    assert.equal(reply.status, 201);
    const f = await flagged(employee, 'post', p.id, 'confidential');
    assert.equal((await act(globalMod, f.id, { action: 'hide', reason: 'Confidential plans.' })).status, 200);

    // A hidden post takes no new replies, not even from its author; the
    // reply count stays as it was.
    for (const who of [employee, a]) {
      assertError(await api('POST', '/api/v1/posts', { session: who.session, json: { body: 'one more', reply_to: p.id } }),
        422, 'validation_failed', 'reply_to');
    }
    assert.equal(sql(`SELECT reply_count FROM posts WHERE id = ${p.id}`), '1');

    const other = await api('GET', `/api/v1/posts/${p.id}`, { session: employee.session });
    assert.equal(other.status, 200);
    assert.equal(other.body.post.hidden, true);
    assert.equal(other.body.post.body, '');
    assert.equal(other.body.post.html, '');
    assert.deepEqual(other.body.post.tags, []);
    assert.deepEqual(other.body.post.mentions, []);
    assert.equal(other.body.post.moderation, null);
    assert.ok(!other.text.includes('secret plans'), 'the text is nowhere in the answer');
    assert.equal(other.body.replies.length, 1, 'the thread stays');
    const listed = (await api('GET', `/api/v1/users/${a.handle}/posts`, { session: employee.session })).body.items
      .find((x) => x.id === p.id);
    assert.ok(listed, 'still listed');
    assert.equal(listed.body, '');
    assert.equal(listed.html, '');
    assert.equal(listed.moderation, null);
    const versions = await api('GET', `/api/v1/posts/${p.id}/versions`, { session: employee.session });
    assert.equal(versions.status, 200);
    assert.deepEqual(versions.body.items, [], 'earlier texts are hidden too');

    for (const who of [a, globalMod, founder]) {
      const v = await api('GET', `/api/v1/posts/${p.id}/versions`, { session: who.session });
      assert.deepEqual(v.body.items.map((x) => x.body), ['first draft of the secret plans']);
      const r = await api('GET', `/api/v1/posts/${p.id}`, { session: who.session });
      assert.equal(r.body.post.hidden, true);
      assert.match(r.body.post.body, /^secret plans/);
      assert.equal(r.body.post.moderation.action, 'hide');
      assert.equal(r.body.post.moderation.reason, 'Confidential plans.');
      assert.match(r.body.post.moderation.at, RFC3339_UTC);
      const mine = (await api('GET', `/api/v1/users/${a.handle}/posts`, { session: who.session })).body.items
        .find((x) => x.id === p.id);
      assert.match(mine.body, /^secret plans/);
      assert.equal(mine.moderation.reason, 'Confidential plans.');
    }
  });

  test('hidden questions, answers and bookmarks: placeholders for others, whole for their author and moderators', async () => {
    const m = await person();
    const a = await person();
    const slug = await community(m, 'open', [a, employee]);
    const q = await question(a, slug, 'Salaries of the whole team', 'Here are the numbers.');
    const an = await answer(a, q.id, 'More numbers in this answer.');
    const b = await bookmark(a, { title: 'Leaked roadmap', description: 'the deck' });
    for (const [t, id] of [['question', q.id], ['answer', an.id]]) {
      const f = await flagged(employee, t, id, 'confidential');
      assert.equal((await act(m, f.id, { action: 'hide', reason: 'Nothing confidential.' })).status, 200, 'the community manager may');
    }
    const fb = await flagged(employee, 'bookmark', b.id, 'confidential');
    assertError(await act(m, fb.id, { action: 'hide', reason: 'no' }), 404, 'not_found');
    assert.equal((await act(globalMod, fb.id, { action: 'hide', reason: 'Nothing confidential.' })).status, 200);

    const qo = await api('GET', `/api/v1/questions/${q.id}`, { session: employee.session });
    assert.equal(qo.status, 200, qo.text);
    assert.equal(qo.body.question.hidden, true);
    for (const k of ['title', 'body', 'html']) assert.equal(qo.body.question[k], '', k);
    assert.equal(qo.body.question.moderation, null);
    const ao = qo.body.answers.find((x) => x.id === an.id);
    assert.ok(ao, 'the answer is listed');
    assert.equal(ao.body, '');
    assert.equal(ao.html, '');
    assert.equal(ao.moderation, null);
    assert.ok(!qo.text.includes('numbers') && !qo.text.includes('Salaries'));
    const lq = (await api('GET', `/api/v1/questions?community=${slug}`, { session: employee.session })).body.items
      .find((x) => x.id === q.id);
    assert.ok(lq, 'listed as a placeholder');
    assert.equal(lq.title, '');
    assert.equal(lq.body, '');
    const bo = await api('GET', `/api/v1/bookmarks/${b.id}`, { session: employee.session });
    assert.equal(bo.status, 200, bo.text);
    for (const k of ['url', 'title', 'description']) assert.equal(bo.body.bookmark[k], '', k);
    assert.equal(bo.body.bookmark.moderation, null);
    const lb = (await api('GET', `/api/v1/bookmarks?owner=${a.handle}`, { session: employee.session })).body.items
      .find((x) => x.id === b.id);
    assert.ok(lb, 'listed as a placeholder');
    assert.equal(lb.title, '');

    for (const who of [a, m, globalMod]) {
      const r = await api('GET', `/api/v1/questions/${q.id}`, { session: who.session });
      assert.equal(r.body.question.title, 'Salaries of the whole team');
      assert.equal(r.body.question.moderation.reason, 'Nothing confidential.');
      const ra = r.body.answers.find((x) => x.id === an.id);
      assert.equal(ra.body, 'More numbers in this answer.');
      assert.equal(ra.moderation.reason, 'Nothing confidential.');
    }
    for (const who of [a, globalMod]) {
      const r = await api('GET', `/api/v1/bookmarks/${b.id}`, { session: who.session });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.bookmark.title, 'Leaked roadmap');
      assert.equal(r.body.bookmark.moderation.reason, 'Nothing confidential.');
    }
  });

  test('dismiss closes the flags without hiding; restore unhides; a resolved target can be flagged again', async () => {
    const a = await person();
    const p = await post(a, 'a fine post');
    const f = await flagged(employee, 'post', p.id, 'spam');
    const d = await act(globalMod, f.id, { action: 'dismiss', reason: 'Not spam.' });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.target.hidden, false);
    assert.equal(d.body.action.resolved_flags, 1);
    assert.equal((await api('GET', `/api/v1/posts/${p.id}`, { session: employee.session })).body.post.body, 'a fine post');
    assert.ok(!caseOf(await allCases(globalMod), 'post', p.id));

    const again = await flagged(employee, 'post', p.id, 'harassment');
    assert.notEqual(again.id, f.id);
    const k = caseOf(await allCases(globalMod), 'post', p.id);
    assert.deepEqual(k.flags.map((x) => x.id), [again.id], 'a new case with only the new flag');
    assert.equal((await act(globalMod, again.id, { action: 'hide', reason: 'On second thought.' })).status, 200);
    assert.equal((await api('GET', `/api/v1/posts/${p.id}`, { session: employee.session })).body.post.body, '');
    const r = await act(globalMod, again.id, { action: 'restore', reason: 'The author fixed it.' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.target.hidden, false);
    assert.equal(r.body.action.resolved_flags, 0);
    assert.equal(r.body.action.case_id, null);
    const back = (await api('GET', `/api/v1/posts/${p.id}`, { session: employee.session })).body.post;
    assert.equal(back.body, 'a fine post');
    assert.equal(back.hidden, false);
    assert.ok(!('moderation' in back));
    const kinds = (await api('GET', '/api/v1/notifications', { session: a.session })).body.items
      .filter((n) => n.kind === 'moderation').map((n) => n.moderation.action);
    assert.deepEqual(kinds, ['restore', 'hide', 'dismiss']);
    const actions = (await audit(founder)).body.items.filter((e) => e.target.type === 'post' && e.target.id === p.id)
      .map((e) => [e.action, e.reason]);
    assert.deepEqual(actions, [['moderation.restore', 'The author fixed it.'], ['moderation.hide', 'On second thought.'],
      ['moderation.dismiss', 'Not spam.']]);
  });

  test('bad input: unknown action 422, reason required (1-500, not blank), missing flag 404, out of scope 404, CSRF', async () => {
    const m = await person();
    const slug = await community(m, 'open', [employee]);
    const q = await question(employee, slug);
    const p = await post(employee, 'outside any community');
    const fq = await flagged(globalMod, 'question', q.id);
    const fp = await flagged(globalMod, 'post', p.id);
    assertError(await act(m, fq.id, { action: 'delete', reason: 'x' }), 422, 'validation_failed', 'action');
    assertError(await act(m, fq.id, { action: 'HIDE', reason: 'x' }), 422, 'validation_failed', 'action');
    assertError(await act(m, fq.id, { action: 1, reason: 'x' }), 422, 'validation_failed', 'action');
    assertError(await act(m, fq.id, { reason: 'x' }), 422, 'validation_failed', 'action');
    assertError(await act(m, fq.id, { action: 'hide' }), 422, 'validation_failed', 'reason');
    assertError(await act(m, fq.id, { action: 'hide', reason: '   ' }), 422, 'validation_failed', 'reason');
    assertError(await act(m, fq.id, { action: 'hide', reason: 'x'.repeat(501) }), 422, 'validation_failed', 'reason');
    assertError(await act(m, fq.id, { action: 'hide', reason: 'x', by: 'me' }), 422, 'validation_failed', 'by');
    assertError(await act(m, fq.id, undefined, { raw: '{"action":"hide",', contentType: 'application/json' }), 400, 'malformed_json');
    const bad = Buffer.concat([Buffer.from('{"action":"hide","reason":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]);
    assertError(await act(m, fq.id, undefined, { raw: bad, contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await act(m, fq.id, { action: 'hide', reason: 'x' }, { csrf: false }), 403, 'csrf_failed');
    assertError(await act(m, fq.id, { action: 'hide', reason: 'x' }, { csrf: 'forged' }), 403, 'csrf_failed');
    assertError(await act(m, 999999999, { action: 'hide', reason: 'x' }), 404, 'not_found');
    assertError(await act(m, '99999999999999999999', { action: 'hide', reason: 'x' }), 404, 'not_found');
    assertError(await act(m, fp.id, { action: 'hide', reason: 'x' }), 404, 'not_found');
    assertError(await api('GET', `/api/v1/moderation/flags/${fq.id}`, { session: m.session }), 405);
    // Nothing happened to either.
    const open = await allCases(globalMod);
    assert.equal(caseOf(open, 'question', q.id).flags[0].status, 'open');
    assert.equal(caseOf(open, 'post', p.id).flags[0].status, 'open');
    assert.equal(sql(`SELECT count(*) FROM moderation_actions WHERE flag_id IN (${fq.id}, ${fp.id})`), '0');
    // 500 code points is allowed.
    assert.equal((await act(m, fq.id, { action: 'dismiss', reason: 'é'.repeat(500) })).status, 200);
  });
});

describe('GET /api/v1/moderation/audit', () => {
  test('newest first, paginated; a community manager sees their community\'s actions only; admins see admin actions too', async () => {
    const m = await person();
    const slug = await community(m, 'open', [employee]);
    const q = await question(employee, slug);
    const p = await post(employee, 'audit me');
    const fq = await flagged(globalMod, 'question', q.id);
    const fp = await flagged(m, 'post', p.id);
    assert.equal((await act(m, fq.id, { action: 'dismiss', reason: 'Fine here.' })).status, 200);
    assert.equal((await act(globalMod, fp.id, { action: 'dismiss', reason: 'Fine too.' })).status, 200);

    const mine = (await audit(m, '?limit=100')).body.items;
    assert.ok(mine.some((e) => e.target.type === 'question' && e.target.id === q.id && e.actor.handle === m.handle));
    assert.ok(!mine.some((e) => e.target.type === 'post' && e.target.id === p.id), 'not outside their community');
    assert.ok(mine.every((e) => e.action.startsWith('moderation.')));
    const global = (await audit(globalMod, '?limit=100')).body.items;
    assert.ok(global.some((e) => e.target.type === 'post' && e.target.id === p.id));
    assert.ok(global.every((e) => e.action.startsWith('moderation.')), 'moderators see moderation actions only');
    const first = (await audit(founder, '?limit=100')).body.items;
    assert.ok(first.some((e) => e.action === 'admin.user.update'), 'admins see admin actions');
    for (const e of first) {
      assert.deepEqual(Object.keys(e).sort(), ['action', 'actor', 'created_at', 'id', 'reason', 'target']);
      assert.match(e.created_at, RFC3339_UTC);
    }
    // Pages: newest first, no repeats, the same as one big page.
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 5; i++) {
      const r = await audit(founder, `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      seen.push(...r.body.items.map((e) => e.id));
      cursor = r.body.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(seen, first.slice(0, seen.length).map((e) => e.id));
    assertError(await audit(founder, '?limit=101'), 422, 'validation_failed', 'limit');
    assertError(await api('POST', '/api/v1/moderation/audit', { session: founder.session, json: {} }), 405);
  });
});

describe('policy terms', () => {
  test('GET for moderators, PUT for admins only; the list is replaced whole; duplicates collapse; ids stay', async () => {
    const m = await person();
    await community(m);
    const terms = [{ pattern: '  Projet Zèbre ', category: 'confidential' }, { pattern: 'idiot', category: 'harassment' }];
    assertError(await putPolicy(globalMod, { terms }), 403, 'forbidden');
    assertError(await putPolicy(m, { terms }), 403, 'forbidden');
    assertError(await putPolicy(employee, { terms }), 403, 'forbidden');
    const r = await putPolicy(founder, { terms: [...terms, { pattern: 'PROJET  zebre', category: 'spam' }] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.terms.map((t) => [t.pattern, t.category]), [['Projet Zèbre', 'confidential'], ['idiot', 'harassment']]);
    for (const t of r.body.terms) {
      assert.deepEqual(Object.keys(t).sort(), ['category', 'created_at', 'id', 'pattern', 'updated_at']);
    }
    for (const who of [globalMod, m, founder]) {
      const g = await getPolicy(who);
      assert.equal(g.status, 200, g.text);
      assert.deepEqual(g.body.terms, r.body.terms);
    }
    const r2 = await putPolicy(founder, { terms: [{ pattern: 'idiot', category: 'harassment' }, { pattern: 'spam link', category: 'spam' }] });
    assert.equal(r2.status, 200, r2.text);
    assert.deepEqual(r2.body.terms.map((t) => t.pattern), ['idiot', 'spam link']);
    assert.equal(r2.body.terms[0].id, r.body.terms[1].id, 'a term that stays keeps its id');
    assert.ok((await audit(founder)).body.items.some((e) => e.action === 'moderation.policy'));
    const empty = await putPolicy(founder, { terms: [] });
    assert.deepEqual(empty.body.terms, []);
  });

  test('bad terms: empty, blank, huge, too many, control characters, unknown category or keys, wrong types', async () => {
    await putPolicy(founder, { terms: [{ pattern: 'keep me', category: 'other' }] });
    const bads = [
      [{ terms: [{ pattern: '', category: 'spam' }] }, 'terms[0].pattern'],
      [{ terms: [{ pattern: 'ok', category: 'spam' }, { pattern: ' \t ', category: 'spam' }] }, 'terms[1].pattern'],
      [{ terms: [{ pattern: 'x'.repeat(101), category: 'spam' }] }, 'terms[0].pattern'],
      [{ terms: [{ pattern: 'a\nb', category: 'spam' }] }, 'terms[0].pattern'],
      [{ terms: [{ pattern: 5, category: 'spam' }] }, 'terms[0].pattern'],
      [{ terms: [{ category: 'spam' }] }, 'terms[0].pattern'],
      [{ terms: [{ pattern: 'ok', category: 'rude' }] }, 'terms[0].category'],
      [{ terms: [{ pattern: 'ok' }] }, 'terms[0].category'],
      [{ terms: [{ pattern: 'ok', category: 'spam', regex: true }] }, 'terms[0]'],
      [{ terms: ['ok'] }, 'terms[0]'],
      [{ terms: 'ok' }, 'terms'],
      [{}, 'terms'],
      [{ terms: [], more: 1 }, 'more'],
      [{ terms: Array.from({ length: 501 }, (_, i) => ({ pattern: `term ${i}`, category: 'spam' })) }, 'terms'],
    ];
    for (const [json, field] of bads) {
      assertError(await putPolicy(founder, json), 422, 'validation_failed', field);
    }
    assertError(await putPolicy(founder, undefined, { raw: '{"terms": [', contentType: 'application/json' }), 400, 'malformed_json');
    const bad = Buffer.concat([Buffer.from('{"terms":[{"pattern":"'), Buffer.from([0xff]), Buffer.from('","category":"spam"}]}')]);
    assertError(await putPolicy(founder, undefined, { raw: bad, contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await putPolicy(founder, { terms: [] }, { csrf: false }), 403, 'csrf_failed');
    assertError(await api('DELETE', '/api/v1/moderation/policy', { session: founder.session }), 405);
    // 100 code points and 500 terms are allowed.
    const many = Array.from({ length: 500 }, (_, i) => ({ pattern: i === 0 ? 'é'.repeat(100) : `term ${i}`, category: 'other' }));
    const ok = await putPolicy(founder, { terms: many });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.terms.length, 500);
    const after = await putPolicy(founder, { terms: [{ pattern: 'keep me', category: 'other' }] });
    assert.deepEqual(after.body.terms.map((t) => t.pattern), ['keep me']);
  });

  test('new and edited content that matches is flagged automatically: case, accents and spacing ignored, whole words', async () => {
    await putPolicy(founder, { terms: [{ pattern: 'Projet Zèbre', category: 'confidential' },
      { pattern: 'crétin', category: 'harassment' }] });
    const a = await person();
    const hit = await post(a, 'Le PROJET   zebre avance bien.');
    const accented = await post(a, 'about projet zèbre, again');
    const word = await post(a, 'Les projet zebres sont des animaux.');
    const clean = await post(a, 'nothing to see');
    const cases = await allCases(globalMod);
    for (const p of [hit, accented]) {
      const k = caseOf(cases, 'post', p.id);
      assert.ok(k, `post ${p.id} flagged`);
      assert.equal(k.flags.length, 1);
      const f = k.flags[0];
      assert.equal(f.automatic, true);
      assert.equal(f.flagger, null);
      assert.equal(f.reason, 'confidential');
      assert.deepEqual(f.term, { pattern: 'Projet Zèbre', category: 'confidential' });
      assert.equal(k.author.handle, a.handle);
    }
    assert.ok(!caseOf(cases, 'post', word.id), 'zebres is another word');
    assert.ok(!caseOf(cases, 'post', clean.id));

    // An edit that brings a term in is flagged; re-saving the same text is not.
    const edited = await api('PATCH', `/api/v1/posts/${clean.id}`, { session: a.session, json: { body: 'Quel CRÉTIN.' } });
    assert.equal(edited.status, 200, edited.text);
    let k = caseOf(await allCases(globalMod), 'post', clean.id);
    assert.ok(k, 'flagged on edit');
    assert.equal(k.flags[0].reason, 'harassment');
    assert.equal((await act(globalMod, k.flags[0].id, { action: 'dismiss', reason: 'Quoting a film.' })).status, 200);
    assert.equal((await api('PATCH', `/api/v1/posts/${clean.id}`, { session: a.session, json: { body: 'Quel CRÉTIN.' } })).status, 200);
    assert.equal((await api('PATCH', `/api/v1/posts/${clean.id}`, { session: a.session, json: { body: 'Quel CRÉTIN, oui.' } })).status, 200);
    assert.ok(!caseOf(await allCases(globalMod), 'post', clean.id), 'no new flag: the term was reviewed and the edit did not add it');
    assert.equal((await api('PATCH', `/api/v1/posts/${clean.id}`, { session: a.session,
      json: { body: 'Quel crétin. Et le projet Zèbre.' } })).status, 200);
    k = caseOf(await allCases(globalMod), 'post', clean.id);
    assert.deepEqual(k.flags.map((f) => f.term.pattern), ['Projet Zèbre'], 'only the newly added term');

    // Questions (title, body, tags), answers, public bookmarks; not private ones.
    const m = await person();
    const slug = await community(m, 'open', [a]);
    const q = await question(a, slug, 'Who runs projet ZEBRE now?');
    const an = await answer(a, q.id, 'Ask the crétin in charge.');
    const b = await bookmark(a, { description: 'Projet Zèbre deck' });
    const pb = await bookmark(a, { description: 'Projet Zèbre deck', private: true });
    const all = await allCases(globalMod);
    assert.equal(caseOf(all, 'question', q.id).flags[0].term.pattern, 'Projet Zèbre');
    assert.equal(caseOf(all, 'answer', an.id).flags[0].term.pattern, 'crétin');
    assert.equal(caseOf(all, 'bookmark', b.id).flags[0].term.pattern, 'Projet Zèbre');
    assert.ok(!caseOf(all, 'bookmark', pb.id), 'private bookmarks are not scanned');
    assert.ok(caseOf(await allCases(m), 'question', q.id), 'in the community managers\' queue');
    // Making it public is new content for everyone else.
    assert.equal((await api('PATCH', `/api/v1/bookmarks/${pb.id}`, { session: a.session, json: { private: false } })).status, 200);
    assert.ok(caseOf(await allCases(globalMod), 'bookmark', pb.id));
  });

  test('a regex-looking term is literal: "(a+)+$" matches only itself, and a long "aaaa…!" is answered quickly', async () => {
    await putPolicy(founder, { terms: [{ pattern: '(a+)+$', category: 'spam' }, { pattern: '.*', category: 'other' }] });
    const a = await person();
    const started = Date.now();
    const long = await post(a, `${'a'.repeat(4999)}!`);
    const took = Date.now() - started;
    assert.ok(took < 1000, `answered in ${took} ms`);
    const dots = await post(a, 'nothing special at all');
    const literal = await post(a, 'the pattern (a+)+$ itself');
    const star = await post(a, 'greedy .* here');
    const cases = await allCases(globalMod);
    assert.ok(!caseOf(cases, 'post', long.id));
    assert.ok(!caseOf(cases, 'post', dots.id), '".*" is not a wildcard');
    assert.equal(caseOf(cases, 'post', literal.id).flags[0].term.pattern, '(a+)+$');
    assert.equal(caseOf(cases, 'post', star.id).flags[0].term.pattern, '.*');
    await putPolicy(founder, { terms: [] });
  });
});

describe('GET /api/v1/moderation/stats', () => {
  test('admins only: per community and for community-less content, open and resolved flags, minutes to first action', async () => {
    assertError(await stats(globalMod), 403, 'forbidden');
    const m = await person();
    const slug = await community(m, 'open', [employee]);
    const q1 = await question(employee, slug);
    const q2 = await question(employee, slug);
    const q3 = await question(employee, slug);
    const f1 = await flagged(globalMod, 'question', q1.id);
    await flagged(founder, 'question', q1.id);
    const f2 = await flagged(globalMod, 'question', q2.id);
    await flagged(globalMod, 'question', q3.id);
    // The first case waited 30 minutes, the second 10.
    sql(`UPDATE moderation_cases SET opened_at = now() - interval '30 minutes' WHERE target_type = 'question' AND target_id = ${q1.id}`);
    sql(`UPDATE moderation_cases SET opened_at = now() - interval '10 minutes' WHERE target_type = 'question' AND target_id = ${q2.id}`);
    assert.equal((await act(m, f1.id, { action: 'hide', reason: 'Off topic here.' })).status, 200);
    assert.equal((await act(m, f2.id, { action: 'dismiss', reason: 'Fine.' })).status, 200);
    // A later restore is not a first action.
    assert.equal((await act(m, f1.id, { action: 'restore', reason: 'Fixed.' })).status, 200);
    const r = await stats(founder);
    assert.equal(r.status, 200, r.text);
    const mine = r.body.items.find((i) => i.community && i.community.slug === slug);
    assert.ok(mine, 'the community has a row');
    assert.deepEqual(Object.keys(mine).sort(), ['community', 'median_minutes_to_first_action', 'open_cases', 'open_flags',
      'p90_minutes_to_first_action', 'resolved_cases', 'resolved_flags']);
    assert.equal(mine.community.name, `M ${slug}`);
    assert.equal(mine.open_flags, 1);
    assert.equal(mine.resolved_flags, 3);
    assert.equal(mine.open_cases, 1);
    assert.equal(mine.resolved_cases, 2);
    assert.ok(mine.median_minutes_to_first_action >= 20 && mine.median_minutes_to_first_action < 21,
      `median ${mine.median_minutes_to_first_action}`);
    assert.ok(mine.p90_minutes_to_first_action >= 28 && mine.p90_minutes_to_first_action < 29,
      `p90 ${mine.p90_minutes_to_first_action}`);
    const global = r.body.items.find((i) => i.community === null);
    assert.ok(global, 'community-less content has a row');
    assert.ok(global.resolved_flags > 0 && global.median_minutes_to_first_action >= 0);
    assert.ok(r.body.overall.resolved_flags >= mine.resolved_flags + global.resolved_flags);
    assert.ok(!('community' in r.body.overall));
  });
});
