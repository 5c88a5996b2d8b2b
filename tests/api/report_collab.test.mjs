// The collaboration and network reports (issue 6): exact figures for a known
// fixture, privacy folding (k = 5: tools/test.sh leaves
// PARLEY_REPORT_MIN_GROUP unset), the subtraction attacks, opt-out, CSV,
// roles, bad input and the audit log.
//
// The fixture is built through the API in the current ISO week, in
// departments whose names are unique to this run, so other suites' data
// (also written "now") never lands in the groups asserted on:
//   six  a0..a5 and o (o opts out later)      the department of 6
//   five b0..b4 (the name starts with "=" and holds a comma and quotes)
//   x    x0..x4
//   one  s                                     the department of 1
// One test places two posts in the previous week; created_at cannot be set
// through the API, so it inserts them with psql (setup only), and the last
// test compares the trigger-maintained rollups with report_rebuild() inside
// a transaction it rolls back.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { api, login, person, tokenFor, assertError, unique } from '../lib/api.mjs';

const COLLAB = '/api/v1/reports/collaboration';
const NETWORK = '/api/v1/reports/network';
const TODAY = new Date().toISOString().slice(0, 10);

let founder, analyst, employee, cm; // bearer tokens
let analystUser, employeeUser;
const tag = unique('rc');
const DEPT = {
  six: `${tag} six`,
  five: `=${tag} five, "q"`,
  x: `${tag} x`,
  one: `${tag} one`,
};
const P = {}; // people by name: {handle, id, token}
const posts = {};

function sql(statement) {
  assert.ok(process.env.PARLEY_DATABASE, 'PARLEY_DATABASE names the test database');
  return execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1',
    '-c', statement], { encoding: 'utf8' }).trim();
}

async function withRole(role) {
  const p = await person();
  if (role) {
    const r = await api('PATCH', `/api/v1/admin/users/${p.handle}`, { token: founder, json: { role } });
    assert.equal(r.status, 200, r.text);
  }
  return { ...p, token: await tokenFor(p.session) };
}

async function member(name, department) {
  const p = await withRole(null);
  const r = await api('PATCH', '/api/v1/me', { token: p.token, json: { department } });
  assert.equal(r.status, 200, r.text);
  P[name] = p;
  return p;
}

async function post(who, body, replyTo) {
  const r = await api('POST', '/api/v1/posts', { token: P[who].token, json: { body, reply_to: replyTo } });
  assert.equal(r.status, 201, r.text);
  return r.body.post.id;
}

async function like(who, id) {
  const r = await api('POST', `/api/v1/posts/${id}/like`, { token: P[who].token });
  assert.equal(r.status, 204, r.text);
}

async function report(path, query = {}, token = analyst) {
  const qs = new URLSearchParams({ from: TODAY, to: TODAY, ...query });
  return api('GET', `${path}?${qs}`, { token });
}

async function collab(query = {}) {
  const r = await report(COLLAB, query);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function network(query = {}) {
  const r = await report(NETWORK, query);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

const group = (rep, dept) => rep.groups.find((g) => g.group === dept);
const cell = (rep, from, to) => rep.cells.find((c) => c.from === from && c.to === to);
const dept = (rep, name) => rep.departments.find((d) => d.department === name);
const FIGURES = ['active_people', 'posts', 'replies', 'conversations', 'dialogue_depth', 'questions',
  'answer_rate', 'median_minutes_to_first_answer', 'cross_department_interactions'];
const ADDITIVE = ['posts', 'replies', 'conversations', 'questions', 'cross_department_interactions'];

before(async () => {
  founder = await tokenFor(await login('founder'));
  // Signing up hashes passwords (slow): everyone at once.
  const people = [['o', DEPT.six], ['s', DEPT.one]];
  for (let i = 0; i < 6; i++) people.push([`a${i}`, DEPT.six]);
  for (let i = 0; i < 5; i++) people.push([`b${i}`, DEPT.five], [`x${i}`, DEPT.x]);
  const [a, e, c] = await Promise.all([withRole('analyst'), withRole(null), withRole('community_manager'),
    ...people.map(([name, department]) => member(name, department))]);
  analyst = a.token;
  analystUser = a;
  employee = e.token;
  employeeUser = e;
  cm = c.token;

  // Six's threads: a_i starts P_i, a_{i+1} replies, and for even i a_i
  // answers back: turns 3, 2, 3, 2, 3 (13 over 5 conversations). P1
  // mentions b1. P5 gets no reply.
  for (let i = 0; i < 5; i++) {
    posts[`P${i}`] = await post(`a${i}`, i === 1 ? `thread ${i} cc @${P.b1.handle}` : `thread ${i}`);
    const r = await post(`a${i + 1}`, `reply to ${i}`, posts[`P${i}`]);
    if (i % 2 === 0) await post(`a${i}`, `back to ${i}`, r);
  }
  posts.P5 = await post('a5', 'nobody answers this');
  for (let i = 0; i < 5; i++) posts[`B${i}`] = await post(`b${i}`, `five ${i}`);
  await post('a5', 'six replies to five', posts.B2);
  for (let i = 0; i < 5; i++) posts[`X${i}`] = await post(`x${i}`, `x ${i}`);
  posts.S = await post('s', 'the only one here');
  await post('o', 'opted-out person, first post');
  await post('o', 'opted-out person, second post');

  for (let i = 0; i < 5; i++) {
    await like(`a${i}`, posts[`B${i}`]);
    await like(`b${i}`, posts[`P${i}`]);
    await like(`a${i}`, posts[`X${i}`]);
  }
  await like('s', posts.B0);
  await like('o', posts.B3);

  // Questions: a_i asks Q_i; a_{i+1} answers Q0..Q3, o answers Q4.
  const slug = unique('rc').replace(/_/g, '-');
  let r = await api('POST', '/api/v1/communities', { token: founder,
    json: { slug, name: 'Report fixture', description: '', visibility: 'open' } });
  assert.equal(r.status, 201, r.text);
  for (const who of ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'o']) {
    r = await api('POST', `/api/v1/communities/${slug}/members`, { token: P[who].token });
    assert.ok(r.status < 300, r.text);
  }
  for (let i = 0; i < 5; i++) {
    r = await api('POST', `/api/v1/communities/${slug}/questions`, { token: P[`a${i}`].token,
      json: { title: `Fixture question number ${i}`, body: 'How?', tags: [] } });
    assert.equal(r.status, 201, r.text);
    const answerer = i < 4 ? `a${i + 1}` : 'o';
    const ans = await api('POST', `/api/v1/questions/${r.body.question.id}/answers`, { token: P[answerer].token,
      json: { body: 'Like this.' } });
    assert.equal(ans.status, 201, ans.text);
  }

  // A customer conversation (opened an hour ago) linked to six's threads
  // and then x's posts: x0..x4 joined after a0..a5, so each of them is tied
  // to each of the six (30 ties x -> six) and the six among themselves (15).
  r = await api('POST', '/api/v1/customer/channels', { token: founder, json: { name: unique('rc'), kind: 'chat' } });
  assert.equal(r.status, 201, r.text);
  const ch = { id: r.body.channel.id, secret: r.body.webhook_secret };
  const ext = unique('m');
  const raw = JSON.stringify([{ external_id: ext, direction: 'inbound', author: '@customer',
    text: `help ${ext}`, sent_at: new Date(Date.now() - 3600e3).toISOString() }]);
  r = await api('POST', `/api/v1/customer/channels/${ch.id}/messages`, { raw, contentType: 'application/json',
    headers: { 'x-parley-signature': 'sha256=' + createHmac('sha256', ch.secret).update(raw).digest('hex') } });
  assert.equal(r.status, 200, r.text);
  const conv = sql(`SELECT conversation_id FROM customer_messages WHERE external_id = '${ext}'`);
  for (const k of ['P0', 'P1', 'P2', 'P3', 'P4', 'X0', 'X1', 'X2', 'X3', 'X4']) {
    r = await api('POST', `/api/v1/customer/conversations/${conv}/links`, { token: founder,
      json: { type: 'post', id: posts[k] } });
    assert.equal(r.status, 201, r.text);
  }
});

describe('collaboration report', () => {
  test('exact figures per department, with the opted-in person counted', async () => {
    const rep = await collab();
    assert.equal(rep.report, 'collaboration');
    assert.equal(rep.group_by, 'department');
    assert.equal(rep.k, 5);
    const six = group(rep, DEPT.six);
    assert.ok(six, 'the department of seven is shown');
    assert.deepEqual(Object.fromEntries(FIGURES.map((f) => [f, six[f]])), {
      active_people: 7, posts: 8, replies: 9, conversations: 5, dialogue_depth: 2.6, questions: 5,
      answer_rate: 1, median_minutes_to_first_answer: six.median_minutes_to_first_answer,
      cross_department_interactions: 13,
    });
    assert.equal(typeof six.median_minutes_to_first_answer, 'number');
    assert.ok(six.median_minutes_to_first_answer >= 0 && six.median_minutes_to_first_answer < 30);
    assert.equal(six.suppressed, false);
    assert.equal(six.label, DEPT.six);
  });

  test('opting out removes a person from every figure, opting in restores them', async () => {
    const o = P.o;
    let r = await api('PATCH', '/api/v1/me', { token: o.token, json: { analytics_opt_out: 'yes' } });
    assertError(r, 422, undefined, 'analytics_opt_out');
    r = await api('PATCH', '/api/v1/me', { token: o.token, json: { analytics_opt_out: true } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.analytics_opt_out, true);
    r = await api('GET', '/api/v1/me', { token: o.token });
    assert.equal(r.body.user.analytics_opt_out, true);

    let six = group(await collab(), DEPT.six);
    assert.deepEqual([six.active_people, six.posts, six.answer_rate, six.cross_department_interactions],
      [6, 6, 0.8, 12], 'o\'s posts, answer and like are gone');
    let five = cell(await network(), DEPT.six, DEPT.five);
    assert.equal(five.likes, 5, 'o\'s like of a post of five is gone from the matrix');

    r = await api('PATCH', '/api/v1/me', { token: o.token, json: { analytics_opt_out: false } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.analytics_opt_out, false);
    six = group(await collab(), DEPT.six);
    assert.deepEqual([six.active_people, six.posts, six.answer_rate, six.cross_department_interactions],
      [7, 8, 1, 13]);
    five = cell(await network(), DEPT.six, DEPT.five);
    assert.equal(five.likes, 6);

    r = await api('PATCH', '/api/v1/me', { token: o.token, json: { analytics_opt_out: true } });
    assert.equal(r.status, 200, r.text);
    r = await api('PATCH', '/api/v1/me', { token: o.token, json: { title: 'unrelated edit' } });
    assert.equal(r.body.user.analytics_opt_out, true, 'other edits leave the choice alone');
  });

  test('a department of 6 is shown, one of 5 at k = 5 too, with masked sub-figures', async () => {
    const rep = await collab();
    const six = group(rep, DEPT.six);
    assert.deepEqual(Object.fromEntries(FIGURES.map((f) => [f, six[f]])), {
      active_people: 6, posts: 6, replies: 9, conversations: 5, dialogue_depth: 2.6, questions: 5,
      answer_rate: 0.8, median_minutes_to_first_answer: six.median_minutes_to_first_answer,
      cross_department_interactions: 12,
    });
    const five = group(rep, DEPT.five);
    // One conversation started by one person, no questions: the derived
    // figures rest on fewer than k people and are null.
    assert.deepEqual(Object.fromEntries(FIGURES.map((f) => [f, five[f]])), {
      active_people: 5, posts: 5, replies: 0, conversations: 1, dialogue_depth: null, questions: 0,
      answer_rate: null, median_minutes_to_first_answer: null, cross_department_interactions: 5,
    });
    const x = group(rep, DEPT.x);
    assert.deepEqual([x.active_people, x.posts, x.cross_department_interactions], [5, 5, 0],
      'customer-link ties are not counted as cross-department interactions');
  });

  test('a department of 1 is folded into other and its figures appear nowhere', async () => {
    const rep = await collab();
    assert.equal(group(rep, DEPT.one), undefined);
    assert.ok(!JSON.stringify(rep).includes(DEPT.one), 'the name never appears');
    assert.equal(rep.other.suppressed, true);
    assert.ok(rep.other.groups >= 1);
    for (const f of FIGURES) assert.equal(rep.other[f], null, `other.${f} is masked`);
    const csv = await report(COLLAB, { format: 'csv' });
    assert.ok(!csv.text.includes(`${tag} one`));
    const net = await network();
    assert.ok(!JSON.stringify(net).includes(DEPT.one), 'not in the network either');
    assert.ok(net.other.departments >= 1 && net.other.cells >= 1);
  });

  test('totals are over shown groups only: totals minus the shown groups is zero', async () => {
    const rep = await collab();
    for (const f of ADDITIVE) {
      const sum = rep.groups.reduce((t, g) => t + g[f], 0);
      assert.equal(rep.totals[f], sum, `totals.${f} is the sum of the shown groups`);
    }
    assert.equal(rep.totals.groups, rep.groups.length);
    // The week report for the same range is the same set of units: its one
    // week minus the department report leaves nothing of the folded ones.
    const week = await collab({ group_by: 'week' });
    assert.equal(week.group_by, 'week');
    assert.equal(week.groups.length, 1, week.groups.map((g) => g.group).join());
    const w = week.groups[0];
    assert.equal(w.group, rep.from);
    assert.match(w.label, /^\d{4}-W\d{2}$/);
    for (const f of ADDITIVE) assert.equal(w[f], rep.totals[f], `week ${f} = departments' total ${f}`);
    assert.equal(w.active_people, rep.totals.active_people);
  });

  test('two overlapping ranges cannot reveal a small group\'s week', async () => {
    // Two people of six post in the previous week: a unit of 2 < k.
    sql(`INSERT INTO posts (author_id, body, html, created_at)
         SELECT id, 'last week', 'last week', now() - interval '7 days'
         FROM users WHERE id IN (${P.a0.id}, ${P.a1.id})`);
    const lastWeek = new Date(Date.now() - 7 * 86400e3).toISOString().slice(0, 10);
    const thisWeek = await collab();
    const both = await collab({ from: lastWeek });
    const before = await collab({ from: lastWeek, to: lastWeek });
    assert.equal(both.from, before.from, 'from is widened to the Monday');
    assert.notEqual(both.from, thisWeek.from);
    assert.equal(group(both, DEPT.six).posts, group(thisWeek, DEPT.six).posts,
      'the longer range minus the shorter one is 0, not the 2 posts');
    assert.equal(group(both, DEPT.six).active_people, 6);
    assert.equal(group(before, DEPT.six), undefined, 'alone, that week of six is folded');
    for (const f of FIGURES) assert.equal(before.other[f], null);
    const weeks = await collab({ from: lastWeek, group_by: 'week' });
    assert.equal(group(weeks, before.from), undefined, 'a week of two people is folded');
    assert.ok(weeks.other.groups >= 1);
    assert.equal(weeks.other.posts, null);
  });

  test('ranges are widened to whole ISO weeks and answered', async () => {
    const rep = await collab({ from: '2024-01-03', to: '2024-01-10' });
    assert.equal(rep.from, '2024-01-01');
    assert.equal(rep.to, '2024-01-14');
    assert.deepEqual(rep.requested, { from: '2024-01-03', to: '2024-01-10' });
    const def = await api('GET', COLLAB, { token: analyst });
    assert.equal(def.status, 200, def.text);
    assert.equal(new Date(def.body.from + 'T00:00:00Z').getUTCDay(), 1, 'a Monday');
    assert.equal(new Date(def.body.to + 'T00:00:00Z').getUTCDay(), 0, 'a Sunday');
  });

  test('CSV: RFC 4180 quoting, the formula guard, other and totals rows', async () => {
    const r = await report(COLLAB, { format: 'csv' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment; filename="parley-collaboration-/);
    const lines = r.text.split('\r\n');
    assert.equal(lines[0], 'row_type,group,label,suppressed,groups,active_people,posts,replies,conversations,' +
      'dialogue_depth,questions,answer_rate,median_minutes_to_first_answer,cross_department_interactions,note');
    const quoted = `"'=${tag} five, ""q"""`;
    const five = lines.find((l) => l.startsWith(`group,${quoted},${quoted},false,`));
    assert.ok(five, `a quoted, guarded row for five in\n${r.text}`);
    assert.ok(five.endsWith(',5,5,0,1,,0,,,5,'), five);
    assert.ok(lines.some((l) => l.startsWith('other,,,true,')));
    assert.ok(lines.some((l) => l.startsWith('totals,')));
    assert.ok(lines.some((l) => l.startsWith('note,') && l.includes('whole ISO weeks')));
    assert.ok(!lines.some((l) => /^[=+\-@]/.test(l.split(',')[1] ?? '')), 'no cell starts a formula');
  });

  test('a move to another department leaves past activity where it happened', async () => {
    const before = await collab();
    assert.equal(group(before, DEPT.six).active_people, 6);
    // s posted and liked while in the department of one; now s joins six.
    const r = await api('PATCH', '/api/v1/me', { token: P.s.token, json: { department: DEPT.six } });
    assert.equal(r.status, 200, r.text);
    const moved = await collab();
    assert.deepEqual(group(moved, DEPT.six), group(before, DEPT.six), 'six gains nothing from the past');
    assert.equal(group(moved, DEPT.one), undefined, 'one is still folded, its past still its own');
    assert.equal(moved.other.groups, before.other.groups);
    await post('s', 'first post in six');
    const after = group(await collab(), DEPT.six);
    assert.deepEqual([after.active_people, after.posts], [7, 7], 'new activity counts where s is now');
  });
});

describe('network report', () => {
  test('exact matrix cells, E-I indices and the bridge', async () => {
    const rep = await network();
    assert.equal(rep.report, 'network');
    assert.deepEqual(rep.kinds, ['replies', 'answers', 'mentions', 'likes', 'endorsements', 'customer']);
    const pick = (c) => c && [c.replies, c.answers, c.mentions, c.likes, c.endorsements, c.customer, c.total];
    assert.deepEqual(pick(cell(rep, DEPT.six, DEPT.five)), [1, 0, 1, 5, 0, 0, 7]);
    assert.deepEqual(pick(cell(rep, DEPT.five, DEPT.six)), [0, 0, 0, 5, 0, 0, 5]);
    assert.deepEqual(pick(cell(rep, DEPT.six, DEPT.x)), [0, 0, 0, 5, 0, 0, 5]);
    assert.deepEqual(pick(cell(rep, DEPT.six, DEPT.six)), [8, 4, 0, 0, 0, 15, 27]);
    assert.deepEqual(pick(cell(rep, DEPT.x, DEPT.six)), [0, 0, 0, 0, 0, 30, 30]);
    // x among themselves: 10 customer ties, but only 4 people acted.
    assert.equal(cell(rep, DEPT.x, DEPT.x), undefined, 'a cell of 4 actors is masked');
    assert.equal(cell(rep, DEPT.five, DEPT.five), undefined);

    const six = dept(rep, DEPT.six);
    assert.deepEqual([six.internal, six.external], [27, 47]);
    assert.ok(Math.abs(six.ei_index - 20 / 74) < 1e-9, `E-I ${six.ei_index}`);
    assert.equal(dept(rep, DEPT.five).ei_index, 1);
    assert.equal(dept(rep, DEPT.x).ei_index, 1);
    assert.ok(six.betweenness > 0, 'six lies between five and x');
    assert.equal(dept(rep, DEPT.five).betweenness, 0);
    assert.equal(dept(rep, DEPT.x).betweenness, 0);
    assert.ok(rep.bridges.some((b) => b.department === DEPT.six));
    assert.ok(!rep.bridges.some((b) => b.department === DEPT.five));

    const i = rep.departments.findIndex((d) => d.department === DEPT.six);
    const j = rep.departments.findIndex((d) => d.department === DEPT.x);
    assert.equal(rep.matrix[i][j], 5);
    assert.equal(rep.matrix[j][j], null, 'masked is null');
    assert.equal(rep.matrix.length, rep.departments.length);
    assert.ok(rep.matrix.every((row) => row.length === rep.departments.length));
    assert.equal(typeof rep.method.betweenness, 'string');
  });

  test('CSV lists departments, cells and other, quoted and guarded', async () => {
    const r = await report(NETWORK, { format: 'csv' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    const lines = r.text.split('\r\n');
    assert.ok(lines[0].startsWith('row_type,department,label,internal,external,ei_index,betweenness,from,to,'));
    const quoted = `"'=${tag} five, ""q"""`;
    assert.ok(lines.some((l) => l.startsWith(`department,${quoted},${quoted},0,12,1,0,`)), r.text);
    assert.ok(lines.some((l) => l.startsWith(`cell,,,,,,,${DEPT.six},${quoted},`) && l.includes(',1,0,1,5,0,0,7,')),
      r.text);
    assert.ok(lines.some((l) => l.startsWith('other,')));
    assert.ok(!r.text.includes(`${tag} one`));
  });
});

describe('report access, input and audit', () => {
  test('employees and community managers get 403, analysts and admins 200, anonymous 401', async () => {
    for (const path of [COLLAB, NETWORK]) {
      assertError(await report(path, {}, employee), 403);
      assertError(await report(path, {}, cm), 403);
      assert.equal((await report(path, {}, analyst)).status, 200);
      assert.equal((await report(path, {}, founder)).status, 200);
      assertError(await api('GET', path), 401);
      const post = await api('POST', path, { token: analyst, json: {} });
      assert.equal(post.status, 405);
    }
  });

  test('bad ranges, group_by and format are 422 with the field', async () => {
    const cases = [
      [COLLAB, { from: '2024-13-01' }, 'from'],
      [COLLAB, { from: 'yesterday' }, 'from'],
      [COLLAB, { to: '2024-02-30' }, 'to'],
      [COLLAB, { from: '2024-03-01', to: '2024-02-01' }, 'to'],
      [COLLAB, { from: '2020-01-01', to: '2024-01-01' }, 'to'],
      [COLLAB, { from: '0001-01-01', to: '0001-01-02' }, 'from'],
      [COLLAB, { group_by: 'month' }, 'group_by'],
      [COLLAB, { group_by: 'person' }, 'group_by'],
      [COLLAB, { format: 'xlsx' }, 'format'],
      [NETWORK, { to: '2024-01-01', from: '2024-06-01' }, 'to'],
      [NETWORK, { format: 'html' }, 'format'],
      [NETWORK, { from: '2024-1-1' }, 'from'],
    ];
    for (const [path, q, field] of cases) {
      const r = await report(path, q);
      assertError(r, 422, undefined, field);
    }
    const r = await api('GET', `${COLLAB}?from=%ff%fe`, { token: analyst });
    assertError(r, 422, undefined, 'from');
  });

  test('every report request is in the audit log, refusals too', async () => {
    await report(COLLAB, { group_by: 'week', format: 'csv' });
    await report(NETWORK);
    await report(COLLAB, {}, employee);
    const mine = sql(`SELECT action || ' ' || target_id || ' ' || reason FROM audit_log
                      WHERE actor_id = ${analystUser.id} ORDER BY id DESC LIMIT 2`).split('\n');
    assert.match(mine[0], /^report\.network network from=\d{4}-\d\d-\d\d to=\S+ format=json /);
    assert.match(mine[1], /^report\.collaboration collaboration from=\S+ to=\S+ format=csv .* group_by=week$/);
    const denied = sql(`SELECT action || ' ' || reason FROM audit_log
                        WHERE actor_id = ${employeeUser.id} ORDER BY id DESC LIMIT 1`);
    assert.equal(denied, 'report.collaboration.denied refused: role employee');
  });

  test('the rollups the triggers kept equal a rebuild from the source tables', () => {
    const tables = ['report_activity', 'report_ties_out', 'report_ties_in', 'report_threads',
      'report_thread_people', 'report_questions', 'report_customer_people', 'report_units', 'report_cells'];
    // report_people's week bits: the same bits, however the arrays are laid out.
    const bits = (col) => `(SELECT coalesce(string_agg(i || ':' || ${col}[i], ',' ORDER BY i), '')
      FROM generate_subscripts(${col}, 1) i WHERE coalesce(${col}[i], 0) <> 0)`;
    const people = (t) => `SELECT department, user_id, ${bits('active')}, ${bits('asked')}, ${bits('started')} FROM ${t}`;
    const diff = [...tables.map((t) => [t, `SELECT * FROM s_${t}`, `SELECT * FROM ${t}`]),
      ['report_people', people('s_report_people'), people('report_people')]]
      .map(([t, a, b]) => `SELECT '${t}', (SELECT count(*) FROM (${a} EXCEPT ALL ${b}) x) +
         (SELECT count(*) FROM (${b} EXCEPT ALL ${a}) y)`).join(' UNION ALL ');
    const out = execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1'], {
      encoding: 'utf8',
      input: ['SELECT report_refresh();', 'BEGIN;',
        ...[...tables, 'report_people'].map((t) => `CREATE TEMP TABLE s_${t} AS SELECT * FROM ${t};`),
        'DO $$ BEGIN PERFORM report_rebuild(); END $$;',
        `${diff};`, 'ROLLBACK;'].join('\n'),
    }).trim().split('\n').filter((l) => l.includes('|'));
    assert.equal(out.length, tables.length + 1, out.join('\n'));
    for (const line of out) assert.match(line, /\|0$/, `no difference: ${line}`);
  });
});
