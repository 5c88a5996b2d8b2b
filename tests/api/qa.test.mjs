// Questions and answers (API.md "Communities and Q&A"): asking in a
// community, the question list with its filters and keyset pages, one
// question with its answers, answering, voting (also concurrently),
// accepting, similar questions, and what closed communities, hidden and
// deleted items keep from people who may not see them. The admin is
// `founder` (first_admin.test.mjs). Hidden and deleted items are made
// directly in the database (PARLEY_DATABASE, set by tools/test.sh) until
// moderation has an API.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, login, person, assertError, unique } from '../lib/api.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let founder;

const newSlug = () => unique('q').replace(/_/g, '-');
const ask = (who, slug, json, opts = {}) =>
  api('POST', `/api/v1/communities/${slug}/questions`, { session: who.session, json, ...opts });
const getQuestion = (who, id) => api('GET', `/api/v1/questions/${id}`, { session: who.session });
const answer = (who, id, json, opts = {}) =>
  api('POST', `/api/v1/questions/${id}/answers`, { session: who.session, json, ...opts });
const voteQ = (who, id, value, opts = {}) =>
  api('POST', `/api/v1/questions/${id}/votes`, { session: who.session, json: { value }, ...opts });
const voteA = (who, id, value, opts = {}) =>
  api('POST', `/api/v1/answers/${id}/votes`, { session: who.session, json: { value }, ...opts });
const accept = (who, id, opts = {}) => api('POST', `/api/v1/answers/${id}/accept`, { session: who.session, raw: '', ...opts });
const unaccept = (who, id) => api('DELETE', `/api/v1/answers/${id}/accept`, { session: who.session });
const list = (who, qs) => api('GET', `/api/v1/questions?${qs}`, { session: who.session });
const similar = (who, qs) => api('GET', `/api/v1/questions/similar?${qs}`, { session: who.session });
const join = (who, slug) => api('POST', `/api/v1/communities/${slug}/members`, { session: who.session, raw: '' });

function sql(statement) {
  assert.ok(process.env.PARLEY_DATABASE, 'PARLEY_DATABASE names the test database');
  return execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', statement],
    { encoding: 'utf8' }).trim();
}

async function community(owner, visibility = 'open', members = []) {
  const slug = newSlug();
  const r = await api('POST', '/api/v1/communities', { session: owner.session, json: { slug, name: `Q ${slug}`, visibility } });
  assert.equal(r.status, 201, r.text);
  for (const m of members) {
    const j = await join(m, slug);
    if (visibility === 'closed') {
      assert.equal(j.status, 202, j.text);
      const a = await api('POST', `/api/v1/communities/${slug}/members/${m.handle}/approve`, { session: owner.session, raw: '' });
      assert.equal(a.status, 200, a.text);
    } else {
      assert.equal(j.status, 201, j.text);
    }
  }
  return slug;
}

async function newQuestion(who, slug, extra = {}) {
  const r = await ask(who, slug, { title: `A question ${unique('t')}`, body: 'Some details.', ...extra });
  assert.equal(r.status, 201, r.text);
  return r.body.question;
}

async function newAnswer(who, qid, body = `An answer ${unique('a')}`) {
  const r = await answer(who, qid, { body });
  assert.equal(r.status, 201, r.text);
  return r.body.answer;
}

const ref = (p) => ({ id: p.id, handle: p.handle, display_name: p.display_name ?? `Person ${p.handle}`,
  title: '', department: '' });

function assertQuestionShape(q, label = 'question') {
  assert.deepEqual(Object.keys(q).sort(), ['accepted_answer_id', 'answer_count', 'author', 'body', 'community',
    'created_at', 'customer_links', 'hidden', 'html', 'id', 'my_vote', 'score', 'tags', 'title'], `${label}: keys`);
  assert.ok(Number.isInteger(q.id) && q.id > 0);
  assert.deepEqual(Object.keys(q.author).sort(), ['department', 'display_name', 'handle', 'id', 'title']);
  assert.match(q.created_at, RFC3339_UTC);
  assert.ok(Array.isArray(q.tags));
  for (const k of ['score', 'answer_count', 'customer_links', 'my_vote']) assert.ok(Number.isInteger(q[k]), `${label}: ${k}`);
  assert.ok(q.accepted_answer_id === null || Number.isInteger(q.accepted_answer_id));
  assert.ok(!/<script/i.test(q.html), `${label}: inert html`);
}

function assertAnswerShape(a, label = 'answer') {
  assert.deepEqual(Object.keys(a).sort(), ['accepted', 'author', 'body', 'created_at', 'hidden', 'html', 'id',
    'my_vote', 'question_id', 'score'], `${label}: keys`);
  assert.match(a.created_at, RFC3339_UTC);
  assert.equal(typeof a.accepted, 'boolean');
  assert.ok(!/<script/i.test(a.html), `${label}: inert html`);
}

async function notifications(who) {
  const r = await api('GET', '/api/v1/notifications?limit=100', { session: who.session });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

// Every page of a list, following next_cursor.
async function allPages(who, qs, limit = 2) {
  const seen = [];
  let cursor = null;
  for (let pages = 0; pages < 50; pages++) {
    const r = await list(who, `${qs}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= limit);
    seen.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) return seen;
  }
  assert.fail('too many pages');
}

before(async () => {
  const session = await login('founder');
  assert.equal(session.user.role, 'admin');
  founder = { handle: 'founder', id: session.user.id, session };
});

describe('POST /api/v1/communities/{slug}/questions', () => {
  test('a member asks: 201 {question} with every field; GET answers it with no answers', async () => {
    const a = await person();
    const b = await person();
    const slug = await community(a);
    const r = await ask(a, slug, { title: 'How do I rotate the API keys?', body: `Ask @${b.handle} or see https://example.com/keys #ops`,
      tags: ['Ops', '#security', 'ops'] });
    assert.equal(r.status, 201, r.text);
    const q = r.body.question;
    assertQuestionShape(q);
    assert.equal(q.community, slug);
    assert.deepEqual(q.author, ref(a));
    assert.equal(q.title, 'How do I rotate the API keys?');
    assert.deepEqual(q.tags, ['ops', 'security'], 'lower-cased, # dropped, repeats merged');
    assert.equal(q.score, 0);
    assert.equal(q.answer_count, 0);
    assert.equal(q.accepted_answer_id, null);
    assert.equal(q.customer_links, 0);
    assert.equal(q.my_vote, 0);
    assert.equal(q.hidden, false);
    assert.ok(q.html.includes(`<a href="#/people/${b.handle}" class="mention">@${b.handle}</a>`), q.html);
    assert.ok(q.html.includes('<a href="https://example.com/keys"'), q.html);
    const g = await getQuestion(b, q.id);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body, { question: q, answers: [] });
    const c = await api('GET', `/api/v1/communities/${slug}`, { session: a.session });
    assert.equal(c.body.community.questions, 1);
  });

  test('title: 10 and 200 code points pass as multi-byte text; 9 and 201 are 422 field title', async () => {
    const a = await person();
    const slug = await community(a);
    for (const ch of ['😀', 'é', 'x']) {
      assert.equal((await ask(a, slug, { title: ch.repeat(10), body: 'b' })).status, 201, ch);
      const long = await ask(a, slug, { title: ch.repeat(200), body: 'b' });
      assert.equal(long.status, 201, long.text.slice(0, 200));
      assert.equal(long.body.question.title, ch.repeat(200));
      assertError(await ask(a, slug, { title: ch.repeat(9), body: 'b' }), 422, 'validation_failed', 'title');
      assertError(await ask(a, slug, { title: ch.repeat(201), body: 'b' }), 422, 'validation_failed', 'title');
    }
    for (const title of [' '.repeat(12), '\u3000'.repeat(10), '', null, 42, ['a title that is long'], undefined]) {
      assertError(await ask(a, slug, { title, body: 'b' }), 422, 'validation_failed', 'title');
    }
  });

  test('body: 20,000 code points pass, 20,001 or blank or missing are 422 field body', async () => {
    const a = await person();
    const slug = await community(a);
    const ok = await ask(a, slug, { title: 'A long question body', body: '😀'.repeat(20000) });
    assert.equal(ok.status, 201, ok.text.slice(0, 200));
    assert.equal([...ok.body.question.body].length, 20000);
    for (const body of ['x'.repeat(20001), 'é'.repeat(20001), '', '  \n ', null, 5, undefined]) {
      assertError(await ask(a, slug, { title: 'A question title', body }), 422, 'validation_failed', 'body');
    }
  });

  test('tags: at most 5 valid tags; anything else is 422 field tags', async () => {
    const a = await person();
    const slug = await community(a);
    const five = await ask(a, slug, { title: 'Five tags are fine', body: 'b', tags: ['a1', 'b2', 'c3', 'd4', 'ünïcode'] });
    assert.equal(five.status, 201, five.text);
    assert.deepEqual(five.body.question.tags, ['a1', 'b2', 'c3', 'd4', 'ünïcode']);
    const none = await ask(a, slug, { title: 'No tags are fine', body: 'b', tags: [] });
    assert.deepEqual(none.body.question.tags, []);
    for (const tags of [['a', 'b', 'c', 'd', 'e', 'f'], 'ops', [1], ['two words'], ['#'], [''], ['123'], ['x'.repeat(51)],
      ['bad!'], [null], { ops: true }, ['a\u0000b']]) {
      assertError(await ask(a, slug, { title: 'Bad tags here', body: 'b', tags }), 422, 'validation_failed', 'tags');
    }
    assertError(await ask(a, slug, { title: 'Unknown fields', body: 'b', community: 'x' }), 422, 'validation_failed', 'community');
  });

  test('non-members are 403 (open and closed communities, admins included); unknown communities 404', async () => {
    const a = await person();
    const b = await person();
    const open = await community(a);
    const closed = await community(a, 'closed');
    const json = { title: 'Can I ask here?', body: 'b' };
    assertError(await ask(b, open, json), 403, 'forbidden');
    assertError(await ask(b, closed, json), 403, 'forbidden');
    assertError(await ask(founder, open, json), 403, 'forbidden');
    assert.equal((await api('POST', `/api/v1/communities/${closed}/members`, { session: b.session, raw: '' })).status, 202);
    assertError(await ask(b, closed, json), 403, 'forbidden'); // a pending request is not membership
    assertError(await ask(b, newSlug(), json), 404, 'not_found');
    assert.equal((await join(b, open)).status, 201);
    assert.equal((await ask(b, open, json)).status, 201);
  });

  test('malformed JSON, invalid UTF-8, no session and no CSRF token are refused; nothing is written', async () => {
    const a = await person();
    const slug = await community(a);
    assertError(await ask(a, slug, undefined, { raw: '{"title":', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await ask(a, slug, undefined, { raw: '"a string"', contentType: 'application/json' }), 400, 'malformed_json');
    const bad = Buffer.concat([Buffer.from('{"title":"A valid title here","body":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    assertError(await ask(a, slug, undefined, { raw: bad, contentType: 'application/json' }), 400, 'invalid_utf8');
    const surrogate = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('0123456789","body":"b"}')]);
    assertError(await ask(a, slug, undefined, { raw: surrogate, contentType: 'application/json' }), 400, 'invalid_utf8');
    const json = { title: 'A valid title here', body: 'b' };
    assertError(await ask(a, slug, json, { csrf: false }), 403, 'csrf_failed');
    assertError(await api('POST', `/api/v1/communities/${slug}/questions`, { json }), 401, 'unauthenticated');
    assertError(await ask(a, slug, json, { contentType: 'text/plain' }), 415);
    const r = await list(a, `community=${slug}`);
    assert.deepEqual(r.body.items, []);
  });

  test('hostile text is stored as given and rendered inert', async () => {
    const a = await person();
    const slug = await community(a);
    const nasty = '<script>alert("x")</script>"\\\u2028 <img src=x onerror=alert(1)>';
    const q = await newQuestion(a, slug, { title: nasty, body: nasty });
    assert.equal(q.title, nasty);
    assert.equal(q.body, nasty);
    assert.ok(q.html.startsWith('&lt;script&gt;'), q.html);
    const g = await getQuestion(a, q.id);
    assert.doesNotThrow(() => JSON.parse(g.text));
    assert.ok(!g.text.includes('\u2028'));
    assert.equal(g.body.question.title, nasty);
  });
});

describe('GET /api/v1/questions', () => {
  test('newest first in keyset pages without repeats, also while new questions arrive', async () => {
    const a = await person();
    const slug = await community(a);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await newQuestion(a, slug));
    const first = await list(a, `community=${slug}&limit=2`);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body.items.map((q) => q.id), [made[4].id, made[3].id]);
    for (const q of first.body.items) assertQuestionShape(q);
    await newQuestion(a, slug); // arrives between pages: must not shift them
    const rest = [];
    let cursor = first.body.next_cursor;
    while (cursor) {
      const r = await list(a, `community=${slug}&limit=2&cursor=${cursor}`);
      assert.equal(r.status, 200, r.text);
      rest.push(...r.body.items);
      cursor = r.body.next_cursor;
    }
    assert.deepEqual(rest.map((q) => q.id), [made[2].id, made[1].id, made[0].id]);
    const all = await api('GET', `/api/v1/communities/${slug}/questions?limit=100`, { session: a.session });
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.items.length, 6);
  });

  test('sort=votes orders by score, then newest, in pages; tag and status filter', async () => {
    const a = await person();
    const voters = await Promise.all([person(), person()]);
    const slug = await community(a, 'open', voters);
    const q = [];
    for (let i = 0; i < 4; i++) q.push(await newQuestion(a, slug, { tags: i % 2 ? ['even', 'all'] : ['all'] }));
    for (const v of voters) assert.equal((await voteQ(v, q[1].id, 1)).status, 200);
    assert.equal((await voteQ(voters[0], q[2].id, 1)).status, 200);
    assert.equal((await voteQ(voters[0], q[3].id, -1)).status, 200);
    const byVotes = await allPages(a, `community=${slug}&sort=votes`);
    assert.deepEqual(byVotes.map((x) => [x.id, x.score]), [[q[1].id, 2], [q[2].id, 1], [q[0].id, 0], [q[3].id, -1]]);
    const even = await allPages(a, `community=${slug}&tag=EVEN`);
    assert.deepEqual(even.map((x) => x.id), [q[3].id, q[1].id]);
    assert.deepEqual((await allPages(a, `community=${slug}&tag=%23all`)).length, 4);
    assert.deepEqual(await allPages(a, `community=${slug}&tag=nothing_here`), []);
    assert.equal((await allPages(a, `community=${slug}&tag=&status=&sort=`)).length, 4, 'empty parameters are none');
    // Status: one unanswered, one answered, one accepted.
    const ans = await newAnswer(voters[0], q[0].id);
    await newAnswer(voters[1], q[1].id);
    assert.equal((await accept(a, ans.id)).status, 200);
    const ids = async (status) => (await allPages(a, `community=${slug}&status=${status}`)).map((x) => x.id);
    assert.deepEqual(await ids('unanswered'), [q[3].id, q[2].id]);
    assert.deepEqual(await ids('answered'), [q[1].id, q[0].id]);
    assert.deepEqual(await ids('accepted'), [q[0].id]);
    const combined = await allPages(a, `community=${slug}&status=answered&tag=even&sort=votes`);
    assert.deepEqual(combined.map((x) => x.id), [q[1].id]);
  });

  test('bad filters: unknown community 404, bad tag/status/sort/limit 422, tampered cursor 400', async () => {
    const a = await person();
    assertError(await list(a, `community=${newSlug()}`), 404, 'not_found');
    assertError(await list(a, 'tag=two%20words'), 422, 'validation_failed', 'tag');
    assertError(await list(a, 'status=open'), 422, 'validation_failed', 'status');
    assertError(await list(a, 'sort=random'), 422, 'validation_failed', 'sort');
    assertError(await list(a, 'limit=500'), 422, 'validation_failed', 'limit');
    assertError(await list(a, 'tag=%FF'), 422, 'validation_failed', 'tag');
    const slug = await community(a);
    for (let i = 0; i < 3; i++) await newQuestion(a, slug);
    const r = await list(a, `community=${slug}&limit=1`);
    const cursor = r.body.next_cursor;
    assert.ok(cursor);
    const flipped = cursor.slice(0, 10) + (cursor[10] === '0' ? '1' : '0') + cursor.slice(11);
    for (const bad of [flipped, cursor.slice(0, -1), `${cursor}0`, 'garbage', 'c1' + 'g'.repeat(36)]) {
      assertError(await list(a, `community=${slug}&cursor=${bad}`), 400, 'bad_request', 'cursor');
    }
    assertError(await api('GET', '/api/v1/questions'), 401, 'unauthenticated');
    assertError(await api('POST', '/api/v1/questions', { session: a.session, json: {} }), 405);
  });
});

describe('closed communities keep their questions from non-members', () => {
  test('not in lists, 403 by community filter, 404 by id, not similar, not answerable, votable or acceptable', async () => {
    const owner = await person();
    const member = await person();
    const outsider = await person();
    const pending = await person();
    const slug = await community(owner, 'closed', [member]);
    assert.equal((await join(pending, slug)).status, 202);
    const word = unique('zq').replace(/_/g, '');
    const q = await newQuestion(owner, slug, { title: `Secret plans about ${word}` });
    const ans = await newAnswer(member, q.id);
    for (const who of [outsider, pending]) {
      assertError(await getQuestion(who, q.id), 404, 'not_found');
      // Newest first: a visible question this new would be on the first page.
      const newest = await list(who, 'limit=100');
      assert.equal(newest.status, 200, newest.text);
      assert.ok(!newest.body.items.some((x) => x.id === q.id), 'not in the global list');
      assertError(await list(who, `community=${slug}`), 403, 'forbidden');
      assertError(await api('GET', `/api/v1/communities/${slug}/questions`, { session: who.session }), 403, 'forbidden');
      const s = await similar(who, `title=${word}`);
      assert.equal(s.status, 200, s.text);
      assert.deepEqual(s.body.items, []);
      assertError(await answer(who, q.id, { body: 'let me in' }), 404, 'not_found');
      assertError(await voteQ(who, q.id, 1), 404, 'not_found');
      assertError(await voteA(who, ans.id, 1), 404, 'not_found');
      assertError(await accept(who, ans.id), 404, 'not_found');
    }
    // Members see it everywhere.
    assert.equal((await getQuestion(member, q.id)).status, 200);
    assert.ok((await list(member, 'limit=100')).body.items.some((x) => x.id === q.id));
    assert.deepEqual((await similar(member, `title=${word}`)).body.items.map((x) => x.id), [q.id]);
    // Admins read closed communities, but must join to take part.
    const g = await getQuestion(founder, q.id);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.answers.length, 1);
    assertError(await answer(founder, q.id, { body: 'admin here' }), 403, 'forbidden');
    assertError(await voteQ(founder, q.id, 1), 403, 'forbidden');
  });
});

describe('GET /api/v1/questions/{id}', () => {
  test('answers: accepted first, then by score, then oldest; my_vote is the caller\'s', async () => {
    const a = await person();
    const [b, c, d] = await Promise.all([person(), person(), person()]);
    const slug = await community(a, 'open', [b, c, d]);
    const q = await newQuestion(a, slug);
    const a1 = await newAnswer(b, q.id, 'first');
    const a2 = await newAnswer(c, q.id, 'second');
    const a3 = await newAnswer(d, q.id, 'third');
    const a4 = await newAnswer(b, q.id, 'fourth');
    assert.equal((await voteA(a, a3.id, 1)).status, 200);
    assert.equal((await voteA(c, a3.id, 1)).status, 200);
    assert.equal((await voteA(a, a2.id, 1)).status, 200);
    assert.equal((await voteA(a, a4.id, -1)).status, 200);
    assert.equal((await accept(a, a1.id)).status, 200);
    const g = await getQuestion(a, q.id);
    assert.equal(g.status, 200, g.text);
    for (const x of g.body.answers) assertAnswerShape(x);
    assert.deepEqual(g.body.answers.map((x) => [x.id, x.score, x.accepted, x.my_vote]),
      [[a1.id, 0, true, 0], [a3.id, 2, false, 1], [a2.id, 1, false, 1], [a4.id, -1, false, -1]]);
    assert.equal(g.body.question.accepted_answer_id, a1.id);
    assert.equal(g.body.question.answer_count, 4);
    const seenByC = await getQuestion(c, q.id);
    assert.deepEqual(seenByC.body.answers.map((x) => x.my_vote), [0, 1, 0, 0]);
  });

  test('missing, malformed and deleted questions are 404; other methods 405', async () => {
    const a = await person();
    const slug = await community(a);
    const q = await newQuestion(a, slug);
    assertError(await getQuestion(a, 999999999), 404, 'not_found');
    assertError(await getQuestion(a, 0), 404, 'not_found');
    assertError(await getQuestion(a, '99999999999999999999999'), 404, 'not_found');
    assertError(await getQuestion(a, 'abc'), 404);
    assertError(await api('DELETE', `/api/v1/questions/${q.id}`, { session: a.session }), 405);
    assertError(await api('GET', `/api/v1/questions/${q.id}`), 401);
    sql(`UPDATE questions SET deleted_at = now() WHERE id = ${Number(q.id)}`);
    assertError(await getQuestion(a, q.id), 404, 'not_found');
    assert.deepEqual(await allPages(a, `community=${slug}`), []);
    assertError(await answer(a, q.id, { body: 'too late' }), 404, 'not_found');
  });

  test('hidden questions and answers: placeholders for others (listed, by id); their authors and admins see them whole', async () => {
    const a = await person();
    const b = await person();
    const c = await person();
    const slug = await community(a, 'open', [b, c]);
    const q = await newQuestion(a, slug);
    const keep = await newAnswer(b, q.id);
    const hide = await newAnswer(c, q.id);
    sql(`UPDATE answers SET hidden = true WHERE id = ${Number(hide.id)}`);
    const seen = (await getQuestion(b, q.id)).body.answers;
    assert.deepEqual(seen.map((x) => x.id).sort(), [keep.id, hide.id].sort());
    const placeholder = seen.find((x) => x.id === hide.id);
    assert.equal(placeholder.hidden, true);
    assert.equal(placeholder.body, '');
    assert.equal(placeholder.html, '');
    const own = (await getQuestion(c, q.id)).body.answers.find((x) => x.id === hide.id);
    assert.equal(own.hidden, true);
    assert.equal(own.body, hide.body);
    assert.equal((await getQuestion(founder, q.id)).body.answers.find((x) => x.id === hide.id).body, hide.body);
    assertError(await voteA(b, hide.id, 1), 404, 'not_found');
    assertError(await accept(a, hide.id), 404, 'not_found');
    sql(`UPDATE questions SET hidden = true WHERE id = ${Number(q.id)}`);
    const other = await getQuestion(b, q.id);
    assert.equal(other.status, 200, other.text);
    assert.equal(other.body.question.hidden, true);
    for (const k of ['title', 'body', 'html']) assert.equal(other.body.question[k], '', k);
    assert.deepEqual(other.body.question.tags, []);
    const listed = await allPages(b, `community=${slug}`);
    assert.deepEqual(listed.map((x) => [x.id, x.title]), [[q.id, '']]);
    const mine = await getQuestion(a, q.id);
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.body.question.hidden, true);
    assert.equal(mine.body.question.title, q.title);
    assert.equal((await getQuestion(founder, q.id)).body.question.title, q.title);
    assertError(await answer(b, q.id, { body: 'hello' }), 404, 'not_found');
    assertError(await voteQ(b, q.id, 1), 404, 'not_found');
    const com = await api('GET', `/api/v1/communities/${slug}`, { session: b.session });
    assert.equal(com.body.community.questions, 0);
  });
});

describe('POST /api/v1/questions/{id}/answers', () => {
  test('201 {answer}; the asker is notified (kind answer, object question) unless answering themself', async () => {
    const a = await person();
    const b = await person();
    const slug = await community(a, 'open', [b]);
    const q = await newQuestion(a, slug);
    const r = await answer(b, q.id, { body: `Try this, @${a.handle}: https://example.org/x` });
    assert.equal(r.status, 201, r.text);
    const ans = r.body.answer;
    assertAnswerShape(ans);
    assert.equal(ans.question_id, q.id);
    assert.deepEqual(ans.author, ref(b));
    assert.equal(ans.score, 0);
    assert.equal(ans.accepted, false);
    assert.equal(ans.my_vote, 0);
    assert.ok(ans.html.includes(`class="mention">@${a.handle}</a>`), ans.html);
    const n = (await notifications(a)).filter((x) => x.kind === 'answer');
    assert.equal(n.length, 1);
    assert.deepEqual(n[0].object, { type: 'question', id: q.id });
    assert.equal(n[0].actor.handle, b.handle);
    await newAnswer(a, q.id, 'answering my own question');
    assert.equal((await notifications(a)).filter((x) => x.kind === 'answer').length, 1, 'no notification for oneself');
    const g = await getQuestion(b, q.id);
    assert.equal(g.body.question.answer_count, 2);
    assert.equal(g.body.answers.length, 2);
  });

  test('in an open community anyone may answer and is joined by it; closed communities need membership', async () => {
    const a = await person();
    const b = await person();
    const slug = await community(a);
    const q = await newQuestion(a, slug);
    assert.equal((await api('GET', `/api/v1/communities/${slug}`, { session: b.session })).body.community.my_role, null);
    await newAnswer(b, q.id);
    const c = (await api('GET', `/api/v1/communities/${slug}`, { session: b.session })).body.community;
    assert.equal(c.my_role, 'member');
    assert.equal(c.members, 2);
  });

  test('body: 20,000 code points pass; 20,001, blank, missing or not text are 422; bad bodies are refused', async () => {
    const a = await person();
    const slug = await community(a);
    const q = await newQuestion(a, slug);
    const ok = await answer(a, q.id, { body: '😀'.repeat(20000) });
    assert.equal(ok.status, 201, ok.text.slice(0, 200));
    for (const body of ['x'.repeat(20001), '', ' \t ', null, 1, undefined]) {
      assertError(await answer(a, q.id, { body }), 422, 'validation_failed', 'body');
    }
    assertError(await answer(a, q.id, { body: 'b', extra: 1 }), 422, 'validation_failed', 'extra');
    assertError(await answer(a, q.id, undefined, { raw: '{"body"', contentType: 'application/json' }), 400, 'malformed_json');
    const bad = Buffer.concat([Buffer.from('{"body":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    assertError(await answer(a, q.id, undefined, { raw: bad, contentType: 'application/json' }), 400, 'invalid_utf8');
    assertError(await answer(a, q.id, { body: 'b' }, { csrf: false }), 403, 'csrf_failed');
    assertError(await answer(a, 999999999, { body: 'b' }), 404, 'not_found');
    assert.equal((await getQuestion(a, q.id)).body.question.answer_count, 1);
  });
});

describe('votes', () => {
  test('one vote per person: 1 twice is idempotent, -1 changes it, 0 removes it; never on one\'s own', async () => {
    const a = await person();
    const b = await person();
    const slug = await community(a, 'open', [b]);
    const q = await newQuestion(a, slug);
    const ans = await newAnswer(b, q.id);
    for (const [vote, id] of [[voteQ, q.id], [voteA, ans.id]]) {
      const voter = vote === voteQ ? b : a;
      const owner = vote === voteQ ? a : b;
      assert.deepEqual((await vote(voter, id, 1)).body, { score: 1, my_vote: 1 });
      assert.deepEqual((await vote(voter, id, 1)).body, { score: 1, my_vote: 1 });
      assert.deepEqual((await vote(voter, id, -1)).body, { score: -1, my_vote: -1 });
      assert.deepEqual((await vote(voter, id, 0)).body, { score: 0, my_vote: 0 });
      assert.deepEqual((await vote(voter, id, 0)).body, { score: 0, my_vote: 0 });
      assertError(await vote(owner, id, 1), 422, 'validation_failed', 'value');
      assertError(await vote(owner, id, 0), 422, 'validation_failed', 'value');
      for (const value of [2, -2, '1', 1.5, true, null, undefined]) {
        assertError(await vote(voter, id, value), 422, 'validation_failed', 'value');
      }
      assertError(await vote(voter, id, 1, { csrf: false }), 403, 'csrf_failed');
      assertError(await vote(voter, id, 1, { json: undefined, raw: '{"value":', contentType: 'application/json' }), 400, 'malformed_json');
      assertError(await vote(voter, 999999999, 1), 404, 'not_found');
    }
    assert.equal((await voteQ(b, q.id, -1)).status, 200);
    const g = await getQuestion(b, q.id);
    assert.equal(g.body.question.score, -1);
    assert.equal(g.body.question.my_vote, -1);
    assert.equal((await getQuestion(a, q.id)).body.question.my_vote, 0);
  });

  test('concurrent votes keep an exact score (no lost updates)', async () => {
    const a = await person();
    const voters = await Promise.all(Array.from({ length: 12 }, () => person()));
    const slug = await community(a);
    const q = await newQuestion(a, slug);
    const ans = await newAnswer(a, q.id);
    let rs = await Promise.all(voters.flatMap((v) => [voteQ(v, q.id, 1), voteA(v, ans.id, 1)]));
    for (const r of rs) assert.equal(r.status, 200, r.text);
    let g = await getQuestion(a, q.id);
    assert.equal(g.body.question.score, 12);
    assert.equal(g.body.answers[0].score, 12);
    // Everyone changes their mind at once, some twice.
    rs = await Promise.all(voters.flatMap((v, i) => [voteQ(v, q.id, i % 3 === 0 ? 0 : -1), voteA(v, ans.id, -1),
      voteA(v, ans.id, -1)]));
    for (const r of rs) assert.equal(r.status, 200, r.text);
    g = await getQuestion(a, q.id);
    assert.equal(g.body.question.score, -8);
    assert.equal(g.body.answers[0].score, -12);
    assert.equal(Number(sql(`SELECT count(*) FROM question_votes WHERE question_id = ${Number(q.id)}`)), 8);
  });
});

describe('POST /api/v1/answers/{id}/accept', () => {
  test('the asker accepts (idempotent), switches, withdraws; the answer\'s author is notified once', async () => {
    const a = await person();
    const b = await person();
    const c = await person();
    const slug = await community(a, 'open', [b, c]);
    const q = await newQuestion(a, slug);
    const x = await newAnswer(b, q.id);
    const y = await newAnswer(c, q.id);
    const r = await accept(a, x.id);
    assert.equal(r.status, 200, r.text);
    assertQuestionShape(r.body.question);
    assert.equal(r.body.question.accepted_answer_id, x.id);
    const again = await accept(a, x.id);
    assert.equal(again.status, 200);
    assert.equal(again.body.question.accepted_answer_id, x.id);
    let n = (await notifications(b)).filter((m) => m.kind === 'accepted');
    assert.equal(n.length, 1, 'accepting again notifies no one');
    assert.deepEqual(n[0].object, { type: 'question', id: q.id });
    assert.equal(n[0].actor.handle, a.handle);
    const sw = await accept(a, y.id);
    assert.equal(sw.body.question.accepted_answer_id, y.id);
    const g = await getQuestion(c, q.id);
    assert.deepEqual(g.body.answers.map((m) => [m.id, m.accepted]), [[y.id, true], [x.id, false]]);
    n = (await notifications(c)).filter((m) => m.kind === 'accepted');
    assert.equal(n.length, 1);
    const w = await unaccept(a, y.id);
    assert.equal(w.status, 200, w.text);
    assert.equal(w.body.question.accepted_answer_id, null);
    assertError(await accept(a, y.id, { csrf: false }), 403, 'csrf_failed');
  });

  test('someone else\'s question is 403; the community\'s managers and admins may accept', async () => {
    const manager = await person();
    const asker = await person();
    const other = await person();
    const slug = await community(manager, 'open', [asker, other]);
    const q = await newQuestion(asker, slug);
    const ans = await newAnswer(other, q.id);
    assertError(await accept(other, ans.id), 403, 'forbidden');
    assert.equal((await getQuestion(asker, q.id)).body.question.accepted_answer_id, null);
    const m = await accept(manager, ans.id);
    assert.equal(m.status, 200, m.text);
    assert.equal(m.body.question.accepted_answer_id, ans.id);
    assert.equal((await unaccept(founder, ans.id)).body.question.accepted_answer_id, null);
    assert.equal((await accept(asker, ans.id)).body.question.accepted_answer_id, ans.id);
    assertError(await accept(asker, 999999999), 404, 'not_found');
  });
});

describe('GET /api/v1/questions/similar', () => {
  test('the most similar titles first, at most 5, with their state; a community narrows it', async () => {
    const a = await person();
    const slug = await community(a);
    const other = await community(a);
    const word = unique('kw').replace(/_/g, '');
    const best = await newQuestion(a, slug, { title: `Rotating ${word} certificates on the gateway` });
    const made = [best];
    for (let i = 0; i < 5; i++) made.push(await newQuestion(a, i % 2 ? other : slug, { title: `Question ${i} mentions ${word}` }));
    const r = await similar(a, `title=${encodeURIComponent(`how to rotate ${word} certificates`)}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.items.length, 5);
    assert.deepEqual(Object.keys(r.body.items[0]).sort(), ['accepted', 'answer_count', 'community', 'id', 'score', 'title']);
    assert.equal(r.body.items[0].id, best.id);
    assert.equal(r.body.items[0].accepted, false);
    assert.equal(r.body.items[0].community, slug);
    const narrowed = await similar(a, `title=${word}&community=${other}`);
    assert.ok(narrowed.body.items.length >= 2 && narrowed.body.items.every((x) => x.community === other), narrowed.text);
    const none = await similar(a, 'title=the%20and%20of');
    assert.deepEqual(none.body, { items: [] });
    const odd = await similar(a, `title=${encodeURIComponent(`'quote' \\ back & | ! <-> ${word}`)}`);
    assert.equal(odd.status, 200, odd.text);
    assertError(await similar(a, ''), 422, 'validation_failed', 'title');
    assertError(await similar(a, 'title=%20%20'), 422, 'validation_failed', 'title');
    assertError(await similar(a, `title=${'x'.repeat(301)}`), 422, 'validation_failed', 'title');
    assertError(await similar(a, 'title=%FF'), 422, 'validation_failed', 'title');
    assertError(await similar(a, `title=x&community=${newSlug()}`), 404, 'not_found');
  });
});
