// Customer conversations tied to internal content (issue 5): links to
// posts, questions and communities (idempotent, unlinkable, audited), the
// counts they put on Conversations, Questions and Posts, the collaboration
// figures a conversation drew, escalation into a question that quotes the
// customer safely, the reverse lookup, and every bad input. The admin is
// `founder` (first_admin.test.mjs); conversations arrive by the signed
// webhook.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { api, login, person, tokenFor, assertError, unique } from '../lib/api.mjs';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const LINK_KEYS = ['available', 'id', 'linked_at', 'linked_by', 'title', 'type', 'via'];
const USERREF_KEYS = ['department', 'display_name', 'handle', 'id', 'title'];

let founder, cm, analyst, employee;   // {token, handle, session?}
let cmSession;                        // a cookie session of the community manager

function sql(statement) {
  assert.ok(process.env.PARLEY_DATABASE, 'PARLEY_DATABASE names the test database');
  return execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1',
    '-c', statement], { encoding: 'utf8' }).trim();
}

const sign = (secret, raw) => 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');

async function actor(role, fields = {}) {
  const p = await person(fields);
  if (role) {
    const r = await api('PATCH', `/api/v1/admin/users/${p.handle}`, { token: founder.token, json: { role } });
    assert.equal(r.status, 200, r.text);
  }
  if (fields.department) {
    const r = await api('PATCH', '/api/v1/me', { session: p.session, json: { department: fields.department } });
    assert.equal(r.status, 200, r.text);
  }
  return { ...p, token: await tokenFor(p.session) };
}

// A new conversation (on its own channel) from messages [{text, direction?,
// sent_at?, author?}]; the first one opens it. Returns its id.
async function conversation(messages, channelName = unique('ch')) {
  const ch = await api('POST', '/api/v1/customer/channels', { token: cm.token, json: { name: channelName, kind: 'twitter' } });
  assert.equal(ch.status, 201, ch.text);
  const root = unique('m');
  const body = messages.map((m, i) => ({
    external_id: i === 0 ? root : `${root}-${i}`,
    in_reply_to_external_id: i === 0 ? null : root,
    direction: m.direction ?? 'inbound',
    author: m.author ?? '@carol',
    text: m.text,
    sent_at: m.sent_at ?? '2026-01-01T10:00:00Z',
  }));
  const raw = JSON.stringify(body);
  const r = await api('POST', `/api/v1/customer/channels/${ch.body.channel.id}/messages`,
    { raw, contentType: 'application/json', headers: { 'x-parley-signature': sign(ch.body.webhook_secret, raw) } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.accepted, messages.length, r.text);
  const list = await api('GET', `/api/v1/customer/conversations?channel=${ch.body.channel.id}`, { token: analyst.token });
  assert.equal(list.body.items.length, 1, list.text);
  return list.body.items[0].id;
}

const newSlug = () => `cl-${unique('c').slice(2)}`.replaceAll('_', '-');

async function community(owner, visibility = 'open') {
  const slug = newSlug();
  const r = await api('POST', '/api/v1/communities', { token: owner.token,
    json: { slug, name: `Care ${slug}`, description: '', visibility } });
  assert.equal(r.status, 201, r.text);
  const one = await api('GET', `/api/v1/communities/${slug}`, { token: owner.token });
  assert.equal(one.status, 200, one.text);
  return { slug, id: one.body.community.id, name: one.body.community.name };
}

async function newPost(who, body = `A post ${unique('p')}`, reply_to) {
  const r = await api('POST', '/api/v1/posts', { token: who.token, json: reply_to ? { body, reply_to } : { body } });
  assert.equal(r.status, 201, r.text);
  return r.body.post;
}

async function newQuestion(who, slug, title = `A question ${unique('t')}`) {
  const r = await api('POST', `/api/v1/communities/${slug}/questions`, { token: who.token,
    json: { title, body: 'Some details.' } });
  assert.equal(r.status, 201, r.text);
  return r.body.question;
}

async function newAnswer(who, qid, body = `An answer ${unique('a')}`) {
  const r = await api('POST', `/api/v1/questions/${qid}/answers`, { token: who.token, json: { body } });
  assert.equal(r.status, 201, r.text);
  return r.body.answer;
}

const link = (conv, json, opts = { token: cm.token }) =>
  api('POST', `/api/v1/customer/conversations/${conv}/links`, { ...opts, json });
const unlink = (conv, type, id, opts = { token: cm.token }) =>
  api('DELETE', `/api/v1/customer/conversations/${conv}/links/${type}/${id}`, opts);
const escalate = (conv, json, opts = { token: cm.token }) =>
  api('POST', `/api/v1/customer/conversations/${conv}/escalate`, { ...opts, json });

async function detail(conv, token = analyst.token) {
  const r = await api('GET', `/api/v1/customer/conversations/${conv}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function linkedTo(type, id, token = analyst.token) {
  const r = await api('GET', `/api/v1/customer/linked?type=${type}&id=${id}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body.items.map((c) => c.id);
}

const auditCount = (action, conv) =>
  Number(sql(`SELECT count(*) FROM audit_log WHERE action = '${action}' AND target_id = '${Number(conv)}'`));

function assertLinkShape(l, label = 'link') {
  assert.deepEqual(Object.keys(l).sort(), LINK_KEYS, `${label}: keys`);
  assert.ok(['post', 'question', 'community'].includes(l.type), `${label}: type`);
  assert.ok(Number.isInteger(l.id), `${label}: id`);
  assert.deepEqual(Object.keys(l.linked_by).sort(), USERREF_KEYS, `${label}: linked_by`);
  assert.match(l.linked_at, RFC3339_UTC, `${label}: linked_at`);
  assert.ok(['link', 'escalation'].includes(l.via), `${label}: via`);
  assert.equal(typeof l.available, 'boolean');
  assert.ok(l.available ? typeof l.title === 'string' : l.title === null, `${label}: title`);
}

before(async () => {
  const s = await login('founder');
  founder = { handle: 'founder', session: s, token: await tokenFor(s, 'customer links') };
  [cm, analyst, employee] = await Promise.all([actor('community_manager'), actor('analyst'), actor(null)]);
  cmSession = cm.session;
});

describe('links', () => {
  test('a post, a question and a community: 201 with the link; listed; counted on all three sides', async () => {
    const owner = await actor(null);
    const c = await community(owner);
    const longBody = `Checkout fails   with\nerror 502 for card payments ${'x'.repeat(100)}`;
    const post = await newPost(owner, longBody);
    const q = await newQuestion(owner, c.slug);
    const conv = await conversation([{ text: 'My payment failed twice' }]);

    const rp = await link(conv, { type: 'post', id: post.id });
    assert.equal(rp.status, 201, rp.text);
    assertLinkShape(rp.body.link);
    const flat = longBody.replace(/\s+/g, ' ');
    assert.deepEqual({ ...rp.body.link, linked_at: 'x' }, { type: 'post', id: post.id, title: flat.slice(0, 79) + '…',
      linked_by: { id: cm.id, handle: cm.handle, display_name: cm.display_name, title: '', department: '' },
      linked_at: 'x', via: 'link', available: true });
    const rq = await link(conv, { type: 'question', id: q.id });
    assert.equal(rq.status, 201, rq.text);
    assert.equal(rq.body.link.title, q.title);
    const rc = await link(conv, { type: 'community', id: c.id }, { token: founder.token });
    assert.equal(rc.status, 201, rc.text);
    assert.equal(rc.body.link.title, c.name);
    assert.equal(rc.body.link.linked_by.handle, 'founder', 'admins link too');

    const list = await api('GET', `/api/v1/customer/conversations/${conv}/links`, { token: analyst.token });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items.map((l) => [l.type, l.id]),
      [['post', post.id], ['question', q.id], ['community', c.id]], 'oldest first');
    const d = await detail(conv);
    assert.deepEqual(d.links, list.body.items, 'the conversation shows the same links');
    assert.equal(d.conversation.links, 3);
    const inList = await api('GET', `/api/v1/customer/conversations?q=${encodeURIComponent('My payment failed twice')}`,
      { token: analyst.token });
    assert.equal(inList.body.items.find((x) => x.id === conv)?.links, 3);

    const qq = await api('GET', `/api/v1/questions/${q.id}`, { token: employee.token });
    assert.equal(qq.body.question.customer_links, 1, 'the question shows it is tied to a conversation');
    const ql = await api('GET', `/api/v1/communities/${c.slug}/questions`, { token: employee.token });
    assert.equal(ql.body.items.find((x) => x.id === q.id).customer_links, 1, 'in lists too');
    const pp = await api('GET', `/api/v1/posts/${post.id}`, { token: employee.token });
    assert.equal(pp.body.post.customer_links, 1, 'the post shows it too');
    const stream = await api('GET', `/api/v1/users/${owner.handle}/posts`, { token: employee.token });
    assert.equal(stream.body.items.find((x) => x.id === post.id).customer_links, 1, 'and timelines');

    assert.deepEqual(await linkedTo('post', post.id), [conv]);
    assert.deepEqual(await linkedTo('question', q.id), [conv]);
    assert.deepEqual(await linkedTo('community', c.id, founder.token), [conv]);
    assert.equal(auditCount('customer.link', conv), 3, 'each link is in the audit log');
  });

  test('linking the same thing again is idempotent: 200 with the first link, nothing added', async () => {
    const post = await newPost(employee);
    const conv = await conversation([{ text: 'Again and again' }]);
    const first = await link(conv, { type: 'post', id: post.id });
    assert.equal(first.status, 201, first.text);
    const again = await link(conv, { type: 'post', id: post.id }, { token: founder.token });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body.link, first.body.link, 'the existing link, still by its first linker');
    assert.equal((await detail(conv)).conversation.links, 1);
    assert.equal(auditCount('customer.link', conv), 1, 'no change, no audit entry');
    const pp = await api('GET', `/api/v1/posts/${post.id}`, { token: employee.token });
    assert.equal(pp.body.post.customer_links, 1);
    // Two conversations may share an item; the counts add up.
    const other = await conversation([{ text: 'Me too' }]);
    assert.equal((await link(other, { type: 'post', id: post.id })).status, 201);
    const pp2 = await api('GET', `/api/v1/posts/${post.id}`, { token: employee.token });
    assert.equal(pp2.body.post.customer_links, 2);
    assert.deepEqual((await linkedTo('post', post.id)).sort(), [conv, other].sort());
  });

  test('unlink: 204, gone everywhere and audited; again or unknown is 404', async () => {
    const owner = await actor(null);
    const c = await community(owner);
    const q = await newQuestion(owner, c.slug);
    const conv = await conversation([{ text: 'Unlink me' }]);
    assert.equal((await link(conv, { type: 'question', id: q.id })).status, 201);
    const r = await unlink(conv, 'question', q.id);
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    const d = await detail(conv);
    assert.deepEqual(d.links, []);
    assert.equal(d.conversation.links, 0);
    const qq = await api('GET', `/api/v1/questions/${q.id}`, { token: owner.token });
    assert.equal(qq.body.question.customer_links, 0);
    assert.deepEqual(await linkedTo('question', q.id), []);
    assert.equal(auditCount('customer.unlink', conv), 1);
    assertError(await unlink(conv, 'question', q.id), 404, 'not_found');
    assertError(await unlink(conv, 'post', q.id), 404, 'not_found');
    assertError(await unlink(conv, 'bogus', q.id), 404, 'not_found');
    assertError(await unlink(999999999, 'question', q.id), 404, 'not_found');
    assert.equal(auditCount('customer.unlink', conv), 1, 'failed unlinks write nothing');
  });

  test('titles are live: a post deleted after linking shows as unavailable, without its text', async () => {
    const post = await newPost(employee, 'Secret roadmap details that get deleted later');
    const conv = await conversation([{ text: 'Link then delete' }]);
    assert.equal((await link(conv, { type: 'post', id: post.id })).status, 201);
    const del = await api('DELETE', `/api/v1/posts/${post.id}`, { token: employee.token });
    assert.equal(del.status, 204, del.text);
    const d = await detail(conv);
    assert.equal(d.links.length, 1);
    assertLinkShape(d.links[0]);
    assert.equal(d.links[0].available, false);
    assert.equal(d.links[0].title, null);
    assert.ok(!JSON.stringify(d).includes('Secret roadmap'));
    // It can still be unlinked.
    assert.equal((await unlink(conv, 'post', post.id)).status, 204);
  });
});

describe('links: what cannot be linked, and bad input', () => {
  test('missing, deleted, hidden and closed-community targets are 422 id, like ids that never existed', async () => {
    const owner = await actor(null);
    const conv = await conversation([{ text: 'Targets' }]);
    const closed = await community(owner, 'closed');
    const closedQ = await newQuestion(owner, closed.slug);
    const open = await community(owner);
    const hiddenQ = await newQuestion(owner, open.slug);
    sql(`UPDATE questions SET hidden = true WHERE id = ${Number(hiddenQ.id)}`);
    const hiddenP = await newPost(owner);
    sql(`UPDATE posts SET hidden = true WHERE id = ${Number(hiddenP.id)}`);
    const deleted = await newPost(owner);
    assert.equal((await api('DELETE', `/api/v1/posts/${deleted.id}`, { token: owner.token })).status, 204);
    const never = await link(conv, { type: 'question', id: 999999999 });
    assertError(never, 422, 'validation_failed', 'id');
    for (const [type, id] of [['post', 999999999], ['community', 999999999], ['post', deleted.id],
      ['post', hiddenP.id], ['question', hiddenQ.id], ['question', closedQ.id], ['community', closed.id],
      ['question', deleted.id + 1000000]]) {
      const r = await link(conv, { type, id });
      assertError(r, 422, 'validation_failed', 'id');
      assert.equal(r.body.error.message, never.body.error.message, `${type} ${id}: indistinguishable`);
    }
    assert.equal((await detail(conv)).conversation.links, 0, 'nothing was linked');
    // An admin sees closed communities, so may link them and their questions.
    assert.equal((await link(conv, { type: 'question', id: closedQ.id }, { token: founder.token })).status, 201);
    // The community manager then sees the link but not the closed question's title.
    const d = await detail(conv, cm.token);
    assert.equal(d.links[0].available, false);
    assert.equal(d.links[0].title, null);
    assert.equal((await detail(conv, founder.token)).links[0].title, closedQ.title);
  });

  test('bad bodies: malformed JSON, invalid UTF-8, wrong and missing fields, unknown keys, unknown conversation', async () => {
    const conv = await conversation([{ text: 'Bad bodies' }]);
    const post = await newPost(employee);
    const path = `/api/v1/customer/conversations/${conv}/links`;
    assertError(await api('POST', path, { token: cm.token, raw: '{"type":', contentType: 'application/json' }),
      400, 'malformed_json');
    assertError(await api('POST', path, { token: cm.token, raw: '[1]', contentType: 'application/json' }), 400);
    assertError(await api('POST', path, { token: cm.token,
      raw: Buffer.from([0x7b, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await api('POST', path, { token: cm.token, raw: 'type=post', contentType: 'text/plain' }), 415);
    assertError(await link(conv, { id: post.id }), 422, 'validation_failed', 'type');
    assertError(await link(conv, { type: 'bookmark', id: post.id }), 422, 'validation_failed', 'type');
    assertError(await link(conv, { type: 'Post', id: post.id }), 422, 'validation_failed', 'type');
    assertError(await link(conv, { type: 7, id: post.id }), 422, 'validation_failed', 'type');
    assertError(await link(conv, { type: ['post'], id: post.id }), 422, 'validation_failed', 'type');
    assertError(await link(conv, { type: 'post' }), 422, 'validation_failed', 'id');
    for (const id of [String(post.id), 0, -1, 1.5, null, true, { id: 1 }, 1e300]) {
      assertError(await link(conv, { type: 'post', id }), 422, 'validation_failed', 'id');
    }
    // Beyond 64 bits the parser refuses the number itself.
    assertError(await api('POST', path, { token: cm.token, raw: '{"type":"post","id":18446744073709551616}',
      contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await link(conv, { type: 'post', id: post.id, via: 'escalation' }), 422, 'validation_failed', 'via');
    assertError(await link(999999999, { type: 'post', id: post.id }), 404, 'not_found');
    assertError(await api('GET', '/api/v1/customer/conversations/999999999/links', { token: analyst.token }), 404);
    assert.equal((await detail(conv)).conversation.links, 0, 'nothing half-written');
    assert.equal(auditCount('customer.link', conv), 0);
    // "<script>" in a post comes back as plain JSON text in the title (runs
    // of whitespace, U+2028 too, become one space).
    const evil = await newPost(employee, '<script>"\\\u2028</script>');
    const r = await link(conv, { type: 'post', id: evil.id });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.link.title, '<script>"\\ </script>', 'a line separator is whitespace in a title');
  });

  test('roles: analysts read, employees get 403, anonymous 401', async () => {
    const post = await newPost(employee);
    const conv = await conversation([{ text: 'Roles' }]);
    assert.equal((await link(conv, { type: 'post', id: post.id })).status, 201);
    for (const who of [analyst, employee]) {
      assertError(await link(conv, { type: 'post', id: post.id }, { token: who.token }), 403);
      assertError(await unlink(conv, 'post', post.id, { token: who.token }), 403);
      assertError(await escalate(conv, { community: 'x', title: 'Ten chars!' }, { token: who.token }), 403);
    }
    for (const path of [`/api/v1/customer/conversations/${conv}/links`, `/api/v1/customer/linked?type=post&id=${post.id}`,
      `/api/v1/customer/conversations/${conv}`]) {
      assertError(await api('GET', path, { token: employee.token }), 403);
      assertError(await api('GET', path), 401);
      assert.equal((await api('GET', path, { token: analyst.token })).status, 200, path);
    }
    assertError(await link(conv, { type: 'post', id: post.id }, {}), 401);
    assertError(await unlink(conv, 'post', post.id, {}), 401);
    assertError(await escalate(conv, {}, {}), 401);
    assert.equal((await detail(conv)).links.length, 1, 'the link is still there');
  });

  test('a cookie session needs the CSRF token to link, unlink and escalate', async () => {
    const post = await newPost(employee);
    const conv = await conversation([{ text: 'CSRF' }]);
    const owner = await actor(null);
    const c = await community(owner);
    for (const csrf of [false, 'forged-token']) {
      const opts = { session: cmSession, csrf };
      assertError(await link(conv, { type: 'post', id: post.id }, opts), 403, 'csrf_failed');
      assertError(await escalate(conv, { community: c.slug, title: 'A title of ten' }, opts), 403, 'csrf_failed');
    }
    assert.equal((await detail(conv)).links.length, 0, 'nothing was linked');
    const ok = await link(conv, { type: 'post', id: post.id }, { session: cmSession });
    assert.equal(ok.status, 201, ok.text);
    for (const csrf of [false, 'forged-token']) {
      assertError(await unlink(conv, 'post', post.id, { session: cmSession, csrf }), 403, 'csrf_failed');
    }
    assert.equal((await detail(conv)).links.length, 1, 'nothing was unlinked');
    assert.equal((await unlink(conv, 'post', post.id, { session: cmSession })).status, 204);
  });

  test('GET /customer/linked: bad type or id is 422; unknown or invisible items are 404', async () => {
    const owner = await actor(null);
    const hidden = await newPost(owner);
    sql(`UPDATE posts SET hidden = true WHERE id = ${Number(hidden.id)}`);
    const get = (qs) => api('GET', `/api/v1/customer/linked${qs}`, { token: analyst.token });
    assertError(await get(''), 422, 'validation_failed', 'type');
    assertError(await get('?type=answer&id=1'), 422, 'validation_failed', 'type');
    assertError(await get('?type=post'), 422, 'validation_failed', 'id');
    assertError(await get('?type=post&id=abc'), 422, 'validation_failed', 'id');
    assertError(await get('?type=post&id=-1'), 422, 'validation_failed', 'id');
    assertError(await get('?type=post&id=%FF'), 422, 'validation_failed', 'id');
    assertError(await get('?type=post&id=999999999'), 404, 'not_found');
    assertError(await get(`?type=post&id=${hidden.id}`), 404, 'not_found');
    assertError(await get(`?type=post&id=${hidden.id}&limit=0`), 422, 'validation_failed', 'limit');
  });
});

describe('the collaboration a conversation drew', () => {
  test('participants, departments, messages and minutes: sub-threads and answers count; earlier, deleted and hidden do not', async () => {
    const [alice, bob, carl, dave, erin] = await Promise.all([
      actor(null, { department: 'Engineering' }), actor(null, { department: 'Billing' }),
      actor(null, { department: ' Engineering ' }), actor(null), actor(null, { department: 'Sales' })]);
    const T0 = '2026-03-01T10:00:00Z';
    const conv = await conversation([{ text: 'Charged twice', sent_at: T0 },
      { text: 'Sorry, looking', direction: 'outbound', author: '@support', sent_at: '2026-03-01T10:01:00Z' }]);
    const at = (table, id, minutes) => sql(`UPDATE ${table} SET created_at = timestamptz '${T0}' + `
      + `interval '${minutes} minutes' WHERE id = ${Number(id)}`);

    const root = await newPost(alice, 'Anyone seen double charges today?');
    const r1 = await newPost(bob, 'Yes, a retry bug', root.id);
    const r2 = await newPost(carl, 'Fix is coming', r1.id);          // a reply to a reply
    const r3 = await newPost(dave, 'Customers are asking', root.id);
    const early = await newPost(erin, 'Before the customer wrote', root.id);
    const gone = await newPost(erin, 'Deleted reply', root.id);
    const hidden = await newPost(erin, 'Hidden reply', root.id);
    const owner = await actor(null);
    const c = await community(owner);
    const joined = await api('POST', `/api/v1/communities/${c.slug}/members`, { token: bob.token, raw: '' });
    assert.equal(joined.status, 201, joined.text);
    const q = await newQuestion(bob, c.slug);
    const a1 = await newAnswer(alice, q.id);
    const a2 = await newAnswer(erin, q.id);
    const a3 = await newAnswer(dave, q.id);
    const aEarly = await newAnswer(carl, q.id);
    at('posts', root.id, 12.5);
    for (const [p, m] of [[r1, 20], [r2, 30], [r3, 40], [gone, 14], [hidden, 13]]) at('posts', p.id, m);
    at('posts', early.id, -5);
    at('questions', q.id, 60);
    for (const [a, m] of [[a1, 61], [a2, 62], [a3, 63]]) at('answers', a.id, m);
    at('answers', aEarly.id, -60);
    assert.equal((await api('DELETE', `/api/v1/posts/${gone.id}`, { token: erin.token })).status, 204);
    sql(`UPDATE posts SET hidden = true WHERE id = ${Number(hidden.id)}`);
    sql(`UPDATE answers SET hidden = true WHERE id = ${Number(a3.id)}`);

    const none = await detail(conv);
    assert.deepEqual(none.collaboration, { internal_participants: 0, departments: 0, internal_messages: 0,
      minutes_to_first_internal_response: null }, 'nothing linked, nothing drawn');
    assert.deepEqual(none.department_names, []);

    assert.equal((await link(conv, { type: 'post', id: root.id })).status, 201);
    let d = await detail(conv);
    // root (alice), r1 (bob), r2 (carl), r3 (dave); not early, gone or hidden.
    assert.deepEqual(d.collaboration, { internal_participants: 4, departments: 2, internal_messages: 4,
      minutes_to_first_internal_response: 12.5 });
    assert.deepEqual(d.department_names, ['Billing', 'Engineering'], 'trimmed, distinct, sorted');

    assert.equal((await link(conv, { type: 'question', id: q.id })).status, 201);
    assert.equal((await link(conv, { type: 'community', id: c.id })).status, 201);
    d = await detail(conv);
    // + q (bob), a1 (alice), a2 (erin); not a3 (hidden) or aEarly; the community is not a message.
    assert.deepEqual(d.collaboration, { internal_participants: 5, departments: 3, internal_messages: 7,
      minutes_to_first_internal_response: 12.5 });
    assert.deepEqual(d.department_names, ['Billing', 'Engineering', 'Sales']);

    assert.equal((await unlink(conv, 'post', root.id)).status, 204);
    d = await detail(conv);
    assert.deepEqual(d.collaboration, { internal_participants: 3, departments: 3, internal_messages: 3,
      minutes_to_first_internal_response: 60 });
  });
});

describe('escalation', () => {
  const hostile = 'Hey @founder, this is a #scandal: <script>alert("x")</script> & see https://example.com/p?a=1#f';

  test('creates a question in the community that quotes the customer safely, linked both ways', async () => {
    const owner = await actor(null);
    const c = await community(owner);
    const helper = await actor(null);
    const conv = await conversation([
      { text: hostile, author: '@angry_customer', sent_at: '2026-02-01T09:00:00Z' },
      { text: 'We are on it', direction: 'outbound', author: '@support', sent_at: '2026-02-01T09:05:00Z' },
      { text: 'Still broken.\nSecond line', author: '@angry_customer', sent_at: '2026-02-01T09:30:00Z' }],
    'Support <b>desk</b>');
    const before = await api('GET', '/api/v1/notifications?limit=100', { token: founder.token });
    const intro = `Can @${helper.handle} check this? #billing`;
    const r = await escalate(conv, { community: c.slug, title: 'Customer charged twice on checkout', body: intro });
    assert.equal(r.status, 201, r.text);
    const q = r.body.question;
    assert.equal(q.community, c.slug);
    assert.equal(q.title, 'Customer charged twice on checkout');
    assert.equal(q.author.handle, cm.handle);
    assert.deepEqual(q.tags, []);
    assert.equal(q.customer_links, 1);
    assert.ok(q.body.startsWith(intro + '\n\n'), 'the escalator\'s words first');
    assert.ok(q.body.includes(`Customer conversation ${conv} on “Support <b>desk</b>” (twitter), in the customer's words:`));
    assert.ok(q.body.includes('> ＠angry_customer, 2026-02-01T09:00:00Z:\n> Hey ＠founder, this is a ＃scandal: '
      + '<script>alert("x")</script> & see https://example.com/p?a=1#f'), q.body);
    assert.ok(q.body.includes('> ＠angry_customer, 2026-02-01T09:30:00Z:\n> Still broken.\n> Second line'));
    assert.ok(!q.body.includes('We are on it'), 'only the customer\'s words are quoted');
    assert.ok(!q.body.includes('Shortened'), 'no marker when it all fits');
    // The HTML: escaped, the escalator's mention and tag are anchors, the customer's are not.
    assert.ok(!/<script/i.test(q.html) && !q.html.includes('<b>'), q.html);
    assert.ok(q.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; see'), q.html);
    assert.ok(q.html.includes(`href="#/people/${helper.handle}"`));
    assert.ok(q.html.includes('href="#/tags/billing"'));
    assert.ok(!q.html.includes('#/people/founder') && !q.html.includes('#/tags/scandal'), q.html);
    assert.ok(!q.html.includes('#/people/angry_customer'));
    // Readable in the community, by anyone there.
    const read = await api('GET', `/api/v1/questions/${q.id}`, { token: employee.token });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.question.body, q.body);
    const listed = await api('GET', `/api/v1/communities/${c.slug}/questions`, { token: employee.token });
    assert.ok(listed.body.items.some((x) => x.id === q.id));
    const mine = await api('GET', `/api/v1/communities/${c.slug}`, { token: cm.token });
    assert.ok(mine.body.community.my_role, 'escalating into an open community joined it');
    // Linked both ways, marked as an escalation.
    const d = await detail(conv);
    assert.deepEqual(d.links.map((l) => [l.type, l.id, l.via, l.title]), [['question', q.id, 'escalation', q.title]]);
    assert.equal(d.conversation.links, 1);
    assert.deepEqual(await linkedTo('question', q.id), [conv]);
    assert.equal(d.collaboration.internal_messages, 1, 'the question itself is internal collaboration');
    assert.equal(auditCount('customer.escalate', conv), 1);
    // Nobody was mentioned by the customer's text; the community's manager heard of it.
    const after = await api('GET', '/api/v1/notifications?limit=100', { token: founder.token });
    const fresh = after.body.items.filter((n) => !before.body.items.some((b) => b.id === n.id));
    assert.ok(!fresh.some((n) => n.kind === 'mention' || (n.object.type === 'question' && n.object.id === q.id &&
      n.kind !== 'expert')), JSON.stringify(fresh));
    const ownerNotes = await api('GET', '/api/v1/notifications?limit=100', { token: owner.token });
    assert.ok(ownerNotes.body.items.some((n) => n.kind === 'escalation' && n.object.id === q.id));
    // No tag pages were made from the customer's words.
    const tag = await api('GET', '/api/v1/tags/scandal/posts', { token: employee.token });
    assert.ok(tag.status === 404 || tag.body.items.length === 0);
  });

  test('without a body the quote is the whole body; a second escalation adds a second question', async () => {
    const owner = await actor(null);
    const c = await community(owner);
    const conv = await conversation([{ text: 'Plain words', author: 'cust42' }]);
    const r = await escalate(conv, { community: c.slug, title: 'First escalation here' });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.body.question.body.startsWith(`Customer conversation ${conv} on`), r.body.question.body);
    assert.ok(r.body.question.body.endsWith('> cust42, 2026-01-01T10:00:00Z:\n> Plain words'));
    const r2 = await escalate(conv, { community: c.slug, title: 'Second escalation here', body: null });
    assert.equal(r2.status, 201, r2.text);
    assert.notEqual(r2.body.question.id, r.body.question.id);
    assert.equal((await detail(conv)).conversation.links, 2);
  });

  test('the body limit: long customer words are cut with a marker; the whole stays within 20000', async () => {
    const owner = await actor(null);
    const c = await community(owner);
    const long = '@founder ' + 'é'.repeat(19990);
    const conv = await conversation([{ text: long }, { text: 'z'.repeat(20000), sent_at: '2026-01-01T10:01:00Z' }]);
    const intro = 'i'.repeat(19000);
    const r = await escalate(conv, { community: c.slug, title: 'A very long escalation', body: intro });
    assert.equal(r.status, 201, r.text);
    const body = r.body.question.body;
    assert.ok([...body].length <= 20000, `${[...body].length} code points`);
    assert.ok(body.startsWith(intro + '\n\n'));
    assert.ok(body.endsWith(`[…] Shortened to fit the question; the whole of customer conversation ${conv} is in Parley.`));
    assert.ok(!body.includes('zzz'), 'the second message did not fit');
    assert.ok(body.includes('＠founder'));
    const r2 = await escalate(conv, { community: c.slug, title: 'A very long escalation' });
    assert.equal(r2.status, 201, r2.text);
    assert.equal([...r2.body.question.body].length, 20000, 'without a body the quote fills the question');
    assertError(await escalate(conv, { community: c.slug, title: 'A very long escalation', body: 'i'.repeat(19001) }),
      422, 'validation_failed', 'body');
  });

  test('communities: open joins, closed needs membership (or admin), unknown and closed look the same', async () => {
    const owner = await actor(null);
    const closed = await community(owner, 'closed');
    const conv = await conversation([{ text: 'Closed?' }]);
    const unknown = await escalate(conv, { community: 'no-such-community', title: 'Goes nowhere at all' });
    assertError(unknown, 422, 'validation_failed', 'community');
    const shut = await escalate(conv, { community: closed.slug, title: 'Goes nowhere at all' });
    assertError(shut, 422, 'validation_failed', 'community');
    assert.equal(shut.body.error.message, unknown.body.error.message, 'a closed community does not show through');
    assert.equal((await detail(conv)).conversation.links, 0, 'nothing half-written');
    const count = () => Number(sql(`SELECT count(*) FROM questions WHERE community_id = ${Number(closed.id)}`));
    assert.equal(count(), 0);
    const admin = await escalate(conv, { community: closed.slug, title: 'An admin may escalate here' },
      { token: founder.token });
    assert.equal(admin.status, 201, admin.text);
    assert.equal(count(), 1);
    // A community manager who is an active member may too.
    const join = await api('POST', `/api/v1/communities/${closed.slug}/members`, { token: cm.token, raw: '' });
    assert.equal(join.status, 202, join.text);
    assertError(await escalate(conv, { community: closed.slug, title: 'Pending is not a member' }), 422,
      'validation_failed', 'community');
    const ok = await api('POST', `/api/v1/communities/${closed.slug}/members/${cm.handle}/approve`,
      { token: owner.token, raw: '' });
    assert.equal(ok.status, 200, ok.text);
    const member = await escalate(conv, { community: closed.slug, title: 'A member escalates here' });
    assert.equal(member.status, 201, member.text);
    assert.equal(count(), 2);
  });

  test('bad bodies: each field checked, nothing written', async () => {
    const owner = await actor(null);
    const c = await community(owner);
    const conv = await conversation([{ text: 'Bad escalations' }]);
    const path = `/api/v1/customer/conversations/${conv}/escalate`;
    const count = () => Number(sql(`SELECT count(*) FROM questions WHERE community_id = ${Number(c.id)}`));
    const title = 'A good title here';
    assertError(await api('POST', path, { token: cm.token, raw: '{"community":', contentType: 'application/json' }),
      400, 'malformed_json');
    assertError(await api('POST', path, { token: cm.token,
      raw: Buffer.concat([Buffer.from(`{"community":"${c.slug}","title":"${title}","body":"`), Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('"}')]), contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await escalate(conv, { title }), 422, 'validation_failed', 'community');
    assertError(await escalate(conv, { community: 5, title }), 422, 'validation_failed', 'community');
    assertError(await escalate(conv, { community: '', title }), 422, 'validation_failed', 'community');
    assertError(await escalate(conv, { community: c.slug }), 422, 'validation_failed', 'title');
    assertError(await escalate(conv, { community: c.slug, title: 'Too short' }), 422, 'validation_failed', 'title');
    assertError(await escalate(conv, { community: c.slug, title: ' '.repeat(12) }), 422, 'validation_failed', 'title');
    assertError(await escalate(conv, { community: c.slug, title: 'x'.repeat(201) }), 422, 'validation_failed', 'title');
    assertError(await escalate(conv, { community: c.slug, title: ['a title of ten'] }), 422, 'validation_failed', 'title');
    assertError(await escalate(conv, { community: c.slug, title, body: 42 }), 422, 'validation_failed', 'body');
    assertError(await escalate(conv, { community: c.slug, title, tags: ['x'] }), 422, 'validation_failed', 'tags');
    assertError(await escalate(999999999, { community: c.slug, title }), 404, 'not_found');
    assert.equal(count(), 0, 'no question was made');
    assert.equal((await detail(conv)).conversation.links, 0);
    assert.equal(auditCount('customer.escalate', conv), 0);
  });
});
