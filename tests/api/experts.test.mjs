// GET /api/v1/experts (API.md "Search and expertise") and notify_experts():
// people ranked by what they have shown they know. Someone who answered
// questions on a topic outranks someone who only talks about it and
// someone who only lists it as a skill; the evidence counts are exact; the
// "why" sentence says them; older evidence weighs less, but an old
// accepted answer still beats fresh chatter; closed communities count only
// for their members; a new question notifies at most three experts, never
// the asker nor accounts that cannot sign in. The model's numbers
// (sql/0008_search.sql) are checked through psql (PARLEY_DATABASE, set by
// tools/test.sh), which also backdates evidence and marks imported
// accounts, for which there is no API.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, person, assertError } from '../lib/api.mjs';
import { word, sql, q, post, community, question, answer } from '../lib/knowledge.mjs';

let founder;

const experts = (who, qs, opts = {}) => api('GET', `/api/v1/experts?${qs}`, { session: who.session, ...opts });

async function accept(who, aid) {
  const r = await api('POST', `/api/v1/answers/${aid}/accept`, { session: who.session, raw: '' });
  assert.equal(r.status, 200, r.text);
}

async function vote(who, aid, value) {
  const r = await api('POST', `/api/v1/answers/${aid}/votes`, { session: who.session, json: { value } });
  assert.equal(r.status, 200, r.text);
}

async function skills(who, list) {
  const r = await api('PATCH', '/api/v1/me', { session: who.session, json: { skills: list } });
  assert.equal(r.status, 200, r.text);
}

async function endorse(by, whom, skill) {
  const r = await api('POST', `/api/v1/users/${whom.handle}/endorsements`, { session: by.session, json: { skill } });
  assert.equal(r.status, 201, r.text);
}

async function notificationsOf(who) {
  const r = await api('GET', '/api/v1/notifications?limit=100', { session: who.session });
  assert.equal(r.status, 200, r.text);
  return r.body.items.filter((n) => n.kind === 'expert');
}

const handles = (r) => r.body.items.map((i) => i.user.handle);
const item = (r, who) => r.body.items.find((i) => i.user.handle === who.handle);
const near = (actual, expected, label) =>
  assert.ok(Math.abs(actual - expected) < 0.001, `${label ?? 'score'}: ${actual} is not about ${expected}`);

before(async () => {
  const session = await login('founder');
  founder = { handle: 'founder', id: session.user.id, session };
});

describe('GET /api/v1/experts: ranking', () => {
  // A answers questions on the topic (one accepted, two up-votes); B posts
  // about it a lot; C lists it as a skill with two endorsements.
  let A, B, C, asker, w, slug;
  before(async () => {
    [A, B, C, asker] = [await person(), await person(), await person(), await person()];
    const voters = [await person(), await person()];
    w = word();
    slug = await community(asker);
    const q1 = await question(asker, slug, `How do I configure ${w} for production?`, 'We need it soon.', [w]);
    const q2 = await question(asker, slug, `Why does ${w} restart at night?`);
    const a1 = await answer(A, q1.id, `Set the ${w} pool size first.`);
    await answer(A, q2.id, 'The watchdog restarts it.');
    await accept(asker, a1.id);
    for (const v of voters) await vote(v, a1.id, 1);
    for (let i = 0; i < 8; i++) await post(B, `Thinking about ${w} again (${i})`);
    await skills(C, ['Cooking', w]);
    await endorse(A, C, w);
    await endorse(B, C, w);
  });

  test('the answerer ranks first, then the talker, then the skill-lister', async () => {
    const r = await experts(asker, q(w));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body), ['items']);
    assert.deepEqual(handles(r), [A.handle, B.handle, C.handle]);
    const scores = r.body.items.map((i) => i.score);
    assert.ok(scores[0] > scores[1] && scores[1] > scores[2], `${scores}`);
  });

  test('each result has the user, a score, exact evidence counts and one sentence', async () => {
    const r = await experts(asker, q(w));
    for (const x of r.body.items) {
      assert.deepEqual(Object.keys(x).sort(), ['evidence', 'score', 'user', 'why']);
      assert.deepEqual(Object.keys(x.user).sort(), ['department', 'display_name', 'handle', 'id', 'title']);
      assert.deepEqual(Object.keys(x.evidence).sort(), ['accepted_answers', 'answer_score', 'answers', 'bookmarks',
        'endorsements', 'posts', 'skill_declared']);
    }
    assert.deepEqual(item(r, A).user, { id: A.id, handle: A.handle, display_name: A.display_name, title: '', department: '' });
    assert.deepEqual(item(r, A).evidence, { accepted_answers: 1, answers: 2, answer_score: 2, posts: 0, bookmarks: 0,
      skill_declared: false, endorsements: 0 });
    assert.deepEqual(item(r, B).evidence, { accepted_answers: 0, answers: 0, answer_score: 0, posts: 8, bookmarks: 0,
      skill_declared: false, endorsements: 0 });
    assert.deepEqual(item(r, C).evidence, { accepted_answers: 0, answers: 0, answer_score: 0, posts: 0, bookmarks: 0,
      skill_declared: true, endorsements: 2 });
    assert.equal(item(r, A).why, `2 answers (1 accepted, total score 2) on questions about “${w}”.`);
    assert.equal(item(r, B).why, `8 posts about “${w}”.`);
    assert.equal(item(r, C).why, `Lists ${w} as a skill (2 endorsements).`);
  });

  test('the scores follow the documented model', async () => {
    const r = await experts(asker, q(w));
    // A: accepted (13 + 2 ln 3) and plain (3), both on questions with the word in the title.
    near(item(r, A).score, 13 + 2 * Math.log(3) + 3, 'A');
    near(item(r, C).score, 2 + 0.25 * 2, 'C');
    assert.ok(item(r, B).score < 3, 'posts saturate below 3');
  });

  test('a question in plain words finds them too (any of the words counts)', async () => {
    const r = await experts(asker, q(`how can I set up ${w} on a new server please`));
    assert.equal(r.status, 200, r.text);
    assert.equal(handles(r)[0], A.handle);
    assert.ok(handles(r).includes(B.handle) && handles(r).includes(C.handle));
    assert.match(item(r, A).why, /^2 answers \(1 accepted, total score 2\) on questions about “how can I set up/);
  });

  test('limit: default 5, at most 20; the best come first', async () => {
    const r = await experts(asker, q(w, '&limit=1'));
    assert.deepEqual(handles(r), [A.handle]);
    const w2 = word();
    const many = [];
    for (let i = 0; i < 7; i++) {
      const p = await person();
      await skills(p, [w2]);
      many.push(p);
    }
    assert.equal((await experts(asker, q(w2))).body.items.length, 5);
    assert.equal((await experts(asker, q(w2, '&limit=20'))).body.items.length, 7);
    const ids = (await experts(asker, q(w2, '&limit=20'))).body.items.map((i) => i.user.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'equal scores: lower id first');
  });

  test('someone with nothing on the topic is not listed', async () => {
    const r = await experts(asker, q(word()));
    assert.deepEqual(r.body, { items: [] });
  });
});

describe('GET /api/v1/experts: recency, visibility, exclusions', () => {
  test('the same evidence, older, ranks lower (two-year half-life, floored at 0.4)', async () => {
    const asker = await person();
    const [fresh, yearOld, ancient] = [await person(), await person(), await person()];
    const w = word();
    const slug = await community(asker);
    const qn = await question(asker, slug, `Where is the ${w} config?`);
    const a1 = await answer(fresh, qn.id);
    const a2 = await answer(yearOld, qn.id);
    const a3 = await answer(ancient, qn.id);
    sql(`UPDATE answers SET created_at = now() - interval '365 days' WHERE id = ${a2.id}`);
    sql(`UPDATE answers SET created_at = '2012-03-04T05:06:07Z' WHERE id = ${a3.id}`);
    const r = await experts(asker, q(w));
    assert.deepEqual(handles(r), [fresh.handle, yearOld.handle, ancient.handle]);
    near(item(r, fresh).score, 3, 'fresh');
    near(item(r, yearOld).score, 3 * 0.5 ** (365 / 730), 'a year old');
    near(item(r, ancient).score, 3 * 0.4, '2012');
  });

  test('an old accepted answer still beats fresh chatter and a well-endorsed skill', async () => {
    const asker = await person();
    const [veteran, chatter, lister] = [await person(), await person(), await person()];
    const w = word();
    const slug = await community(asker);
    const qn = await question(asker, slug, `Can ${w} be rolled back?`);
    const a = await answer(veteran, qn.id);
    await accept(asker, a.id);
    sql(`UPDATE answers SET created_at = '2011-01-01T00:00:00Z' WHERE id = ${a.id}`);
    for (let i = 0; i < 25; i++) await post(chatter, `${w} ${w} ${w} news, part ${i}`);
    await skills(lister, [w]);
    for (let i = 0; i < 10; i++) await endorse(await person(), lister, w);
    const r = await experts(asker, q(w));
    assert.equal(handles(r)[0], veteran.handle);
    near(item(r, veteran).score, 13 * 0.4, 'veteran');
    near(item(r, lister).score, 4, 'endorsements count up to 8');
  });

  test('closed communities: their answers count only for members asking', async () => {
    const owner = await person();
    const member = await person();
    const outsider = await person();
    const insider = await person();
    const slug = await community(owner, 'closed', [member, insider]);
    const w = word();
    const qn = await question(owner, slug, `Internal ${w} procedure?`);
    await answer(insider, qn.id);
    assert.deepEqual(handles(await experts(member, q(w))), [insider.handle]);
    assert.deepEqual(handles(await experts(owner, q(w))), [insider.handle]);
    assert.deepEqual((await experts(outsider, q(w))).body.items, []);
  });

  test('hidden and deleted answers, deleted posts, private and hidden bookmarks do not count', async () => {
    const asker = await person();
    const x = await person();
    const w = word();
    const slug = await community(asker);
    const qn = await question(asker, slug, `Is ${w} safe?`);
    const hidden = await answer(x, qn.id);
    const deleted = await answer(x, qn.id);
    const p = await post(x, `About ${w}`);
    assert.equal((await api('DELETE', `/api/v1/posts/${p.id}`, { session: x.session })).status, 204);
    const priv = await api('POST', '/api/v1/bookmarks', { session: x.session,
      json: { url: `https://example.com/${word()}`, title: `Private ${w}`, private: true } });
    assert.equal(priv.status, 201, priv.text);
    const hiddenB = await api('POST', '/api/v1/bookmarks', { session: x.session,
      json: { url: `https://example.com/${word()}`, title: `Hidden ${w}` } });
    assert.equal(hiddenB.status, 201, hiddenB.text);
    sql(`UPDATE answers SET hidden = true WHERE id = ${hidden.id}`);
    sql(`UPDATE answers SET deleted_at = now() WHERE id = ${deleted.id}`);
    sql(`UPDATE bookmarks SET hidden = true WHERE id = ${hiddenB.body.bookmark.id}`);
    assert.deepEqual((await experts(asker, q(w))).body.items, []);
  });

  test('public bookmarks count, more when others saved the same page', async () => {
    const asker = await person();
    const [saver, popular] = [await person(), await person()];
    const others = [await person(), await person()];
    const w = word();
    const lonely = `https://example.com/${word()}`;
    const shared = `https://example.org/${word()}`;
    for (const [who, url] of [[saver, lonely], [popular, shared], ...others.map((o) => [o, shared])]) {
      const r = await api('POST', '/api/v1/bookmarks', { session: who.session, json: { url, title: `Guide to ${w}` } });
      assert.equal(r.status, 201, r.text);
    }
    const r = await experts(asker, q(w));
    assert.ok(item(r, popular).score > item(r, saver).score, 'a page two others saved too weighs more');
    assert.deepEqual(item(r, saver).evidence.bookmarks, 1);
    assert.equal(item(r, saver).why, `1 public bookmark about “${w}”.`);
    near(item(r, saver).score, 2 * (1 - Math.exp(-1 / 2)), 'one bookmark');
    near(item(r, popular).score, 2 * (1 - Math.exp(-1.5 / 2)), 'saved by two others');
  });

  test('suspended people are left out; imported accounts are listed like anyone', async () => {
    const asker = await person();
    const [gone, imported] = [await person(), await person()];
    const w = word();
    await skills(gone, [w]);
    await skills(imported, [w]);
    sql(`UPDATE users SET password_hash = NULL WHERE id = ${imported.id}`);
    const s = await api('PATCH', `/api/v1/admin/users/${gone.handle}`, { session: founder.session, json: { status: 'suspended' } });
    assert.equal(s.status, 200, s.text);
    assert.deepEqual(handles(await experts(asker, q(w))), [imported.handle]);
  });
});

describe('GET /api/v1/experts: bad input', () => {
  test('q is required: absent or blank is 422 field q', async () => {
    const a = await person();
    for (const qs of ['', 'q=', 'q=%20%09', 'limit=3']) {
      assertError(await experts(a, qs), 422, 'validation_failed', 'q');
    }
  });

  test('punctuation or stop words only: 200 with no items', async () => {
    const a = await person();
    for (const text of ['!!!', '?? -- ..', 'the of and', '«»', '*:&|!']) {
      const r = await experts(a, q(text));
      assert.equal(r.status, 200, `${text}: ${r.text}`);
      assert.deepEqual(r.body, { items: [] });
    }
  });

  test('a query of nearly 2,000 characters answers quickly', async () => {
    const a = await person();
    const t = Date.now();
    const r = await experts(a, `q=${'deploy+kubernetes+cluster+'.repeat(80)}`.slice(0, 1950));
    assert.equal(r.status, 200, r.text);
    assert.ok(Date.now() - t < 1000, `${Date.now() - t} ms`);
  });

  test('bad limit is 422 field limit; invalid UTF-8 is 400', async () => {
    const a = await person();
    for (const limit of ['0', '21', '-1', 'x', '', '5.0']) {
      assertError(await experts(a, q('git', `&limit=${limit}`)), 422, 'validation_failed', 'limit');
    }
    assertError(await experts(a, 'q=%C3%28'), 400, 'invalid_utf8', 'q');
    assertError(await experts(a, 'q=%zz'), 400, 'bad_request', 'q');
  });

  test('the topic is quoted as text in the sentence, shortened when long', async () => {
    const a = await person();
    const w = word();
    await skills(a, [w]);
    const b = await person();
    await api('POST', '/api/v1/posts', { session: b.session, json: { body: `${w} <script>"\\\u2028` } });
    const r = await experts(a, q(`${w} <script>"\\\u2028 ${'padding '.repeat(20)}`));
    assert.equal(r.status, 200, r.text);
    assert.doesNotThrow(() => JSON.parse(r.text));
    const why = item(r, b).why;
    assert.ok(why.startsWith(`1 post about “${w} <script>"\\ padding`), why);
    assert.ok(why.endsWith('…”.'), why);
  });

  test('401 without a session; 405 for other methods', async () => {
    assertError(await api('GET', `/api/v1/experts?${q('x')}`), 401, 'unauthenticated');
    const a = await person();
    const r = await api('DELETE', `/api/v1/experts?${q('x')}`, { session: a.session });
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'GET');
  });
});

describe('notify_experts(): a new question', () => {
  test('notifies at most three experts, best first; never the asker, suspended people or accounts that cannot sign in', async () => {
    const w = word();
    const setup = await person();
    const slug = await community(setup);
    const old = await question(setup, slug, `What about ${w}?`);
    // Five people with answers on the topic, and the future asker too.
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await person());
    const asker = await person();
    const imported = await person();
    const suspended = await person();
    for (const p of [...people, asker, imported, suspended]) await answer(p, old.id);
    // The imported account and the suspended one have the best evidence.
    for (const p of [imported, suspended, people[3], people[4]]) {
      const a = await answer(p, old.id, `more on ${w}`);
      await vote(setup, a.id, 1);
    }
    sql(`UPDATE users SET password_hash = NULL WHERE id = ${imported.id}`);
    assert.equal((await api('PATCH', `/api/v1/admin/users/${suspended.handle}`,
      { session: founder.session, json: { status: 'suspended' } })).status, 200);
    // Answering joined the open community already (200), or joins now (201).
    const join = await api('POST', `/api/v1/communities/${slug}/members`, { session: asker.session, raw: '' });
    assert.ok([200, 201].includes(join.status), join.text);
    const qn = await question(asker, slug, `And what of ${w}?`);
    const told = [];
    for (const p of [...people, asker]) {
      const n = (await notificationsOf(p)).filter((x) => x.object.id === qn.id);
      assert.ok(n.length <= 1);
      if (n.length) {
        assert.deepEqual(n[0].object, { type: 'question', id: qn.id });
        assert.equal(n[0].actor.handle, asker.handle);
        told.push(p.handle);
      }
    }
    assert.equal(told.length, 3, `three told: ${told}`);
    assert.ok(!told.includes(asker.handle), 'never the asker');
    assert.ok(told.includes(people[3].handle) && told.includes(people[4].handle), 'the best two are told');
    assert.equal((await notificationsOf(imported)).length, 0, 'not an account that cannot sign in');
    const r = await experts(asker, q(`And what of ${w}?`, '&limit=20'));
    assert.deepEqual(handles(r).slice(0, 3).sort(), [people[3], people[4], imported].map((p) => p.handle).sort(),
      'the imported account is among the best experts all the same');
    assert.ok(!handles(r).includes(suspended.handle));
  });

  test('a closed community\'s question notifies only its members; weak evidence notifies nobody', async () => {
    const w = word();
    const owner = await person();
    const member = await person();
    const outsider = await person();
    const talker = await person();
    const open = await community(owner);
    const old = await question(owner, open, `What is ${w}?`);
    await answer(member, old.id);
    await answer(outsider, old.id);
    await post(talker, `I once heard of ${w}`);
    const closed = await community(owner, 'closed', [member]);
    const qn = await question(owner, closed, `Where is ${w}?`);
    assert.equal((await notificationsOf(member)).filter((x) => x.object.id === qn.id).length, 1);
    assert.equal((await notificationsOf(outsider)).filter((x) => x.object.id === qn.id).length, 0);
    const again = await question(owner, open, `Why is ${w}?`);
    assert.equal((await notificationsOf(outsider)).filter((x) => x.object.id === again.id).length, 1);
    assert.equal((await notificationsOf(talker)).length, 0, 'one post is no reason to interrupt anyone');
    assert.equal((await notificationsOf(owner)).length, 0, 'never the asker');
  });
});

describe('the expertise model (SQL)', () => {
  test('decay, answer points, saturation and skill points', () => {
    const v = sql(`SELECT expert_decay(0), expert_decay(730), expert_decay(365), expert_decay(1e9), expert_decay(-5),
      expert_answer_points(0, false), expert_answer_points(0, true), expert_answer_points(-2147483648, false),
      expert_answer_points(2147483647, true) > 13, expert_saturate(1e300, 3), expert_saturate(0, 3),
      expert_saturate(NULL, 2), expert_skill_points(true, 0), expert_skill_points(true, 100),
      expert_skill_points(false, 100)`).split('|').map((x) => (x === 't' ? true : Number(x)));
    near(v[0], 1, 'no age');
    near(v[1], 0.5, 'one half-life');
    near(v[2], Math.SQRT1_2, 'half a half-life');
    near(v[3], 0.4, 'the floor, without underflow');
    near(v[4], 1, 'future dates count as new');
    near(v[5], 3, 'an answer');
    near(v[6], 13, 'an accepted answer');
    near(v[7], 0.5, 'a hugely down-voted answer keeps 0.5');
    assert.equal(v[8], true);
    near(v[9], 3, 'saturates at the cap');
    near(v[10], 0);
    near(v[11], 0);
    near(v[12], 2, 'a listed skill');
    near(v[13], 4, 'endorsements count up to 8');
    near(v[14], 0);
  });

  test('search_any() and search_query() keep hostile text inert', () => {
    assert.equal(sql("SELECT search_any($$it's a \\\\ back'slash O'Reilly$$)::text"), "'back' | 'o' | 'reilli' | 'slash'");
    assert.equal(sql("SELECT search_query('!!!') IS NULL AND search_any('!!!') IS NULL AND search_query('-x') IS NULL"), 't');
  });
});
