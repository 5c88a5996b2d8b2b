// The customer-care report (issue 5): figures per channel and ISO week,
// privacy folding (k = 5: PARLEY_REPORT_MIN_GROUP is not set by
// tools/test.sh), masking of small sub-groups, CSV, roles and the audit log.
//
// All data is built through the API: channels, webhook deliveries dated in
// weeks of 2004-2009 that no other suite uses, resolutions, and (below)
// links and escalations with replies and answers by employees of different
// departments. Each test has its own weeks, so the report for a test's
// range holds only that test's data.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { api, login, person, tokenFor, assertError, unique } from '../lib/api.mjs';

const K = 5;
let founder, analyst, employee, cm; // bearer tokens
let analystUser, employeeUser;

const sign = (secret, raw) => 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
const REPORT = '/api/v1/reports/customer-care';

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

async function channel(name = unique('care'), kind = 'chat') {
  const r = await api('POST', '/api/v1/customer/channels', { token: founder, json: { name, kind } });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.channel.id, name, kind, secret: r.body.webhook_secret };
}

const addMinutes = (iso, min) => new Date(Date.parse(iso) + min * 60000).toISOString().replace('.000Z', 'Z');

// Delivers conversations to a channel and resolves them as asked; returns
// them with their ids. spec: {customer, at, response (minutes or null),
// resolve: {first_contact_resolution, csat?} | undefined}
async function conversations(ch, specs) {
  const batch = [];
  const tagged = specs.map((s) => ({ ...s, ext: unique('m') }));
  for (const s of tagged) {
    batch.push({ external_id: s.ext, direction: 'inbound', author: s.customer, text: `conv ${s.ext}`, sent_at: s.at });
    if (s.response != null) {
      batch.push({ external_id: `${s.ext}r`, in_reply_to_external_id: s.ext, direction: 'outbound',
        author: '@support', text: 'We are on it.', sent_at: addMinutes(s.at, s.response) });
    }
  }
  const raw = JSON.stringify(batch);
  const d = await api('POST', `/api/v1/customer/channels/${ch.id}/messages`,
    { raw, contentType: 'application/json', headers: { 'x-parley-signature': sign(ch.secret, raw) } });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.accepted, batch.length, d.text);
  const items = [];
  for (let cursor = null; ;) {
    const r = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token: founder });
    assert.equal(r.status, 200, r.text);
    items.push(...r.body.items);
    if (!r.body.next_cursor) break;
    cursor = encodeURIComponent(r.body.next_cursor);
  }
  for (const s of tagged) {
    s.id = items.find((c) => c.subject === `conv ${s.ext}`)?.id;
    assert.ok(s.id, `conversation ${s.ext} was opened`);
    if (s.resolve) {
      const r = await api('POST', `/api/v1/customer/conversations/${s.id}/resolve`, { token: founder, json: s.resolve });
      assert.equal(r.status, 200, r.text);
    }
  }
  return tagged;
}

const report = (qs, token = analyst) => api('GET', `${REPORT}?${qs}`, { token });

// Minutes from opening to resolution, as stored (seconds-exact API times
// are not enough for a figure rounded to 0.1 minute).
function resolutionMinutes(ids) {
  if (ids.length === 0) return [];
  return sql(`SELECT extract(epoch FROM resolved_at - opened_at) / 60 FROM customer_conversations
    WHERE id IN (${ids.map(Number).join(',')}) AND status = 'resolved'`).split('\n').filter(Boolean).map(Number);
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const round = (x, d) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);

const FIGURES = ['conversations', 'customers', 'resolved', 'first_contact_resolution_rate', 'csat_average',
  'csat_responses', 'median_first_response_minutes', 'escalated_share', 'linked_conversations',
  'escalation_conversations', 'collaboration', 'comparison'];

before(async () => {
  founder = await tokenFor(await login('founder'), 'report tests');
  const [a, e, m] = await Promise.all([withRole('analyst'), withRole(null), withRole('community_manager')]);
  analyst = a.token; employee = e.token; cm = m.token;
  analystUser = a; employeeUser = e;
});

describe('customer-care report: figures and folding', () => {
  test('exact figures of a known week; a 4-customer week is folded into "other" and counted nowhere', async () => {
    const ch = await channel();
    const W1 = '2009-03-02', W2 = '2009-03-09'; // Mondays
    // Week 1: 7 conversations, 6 distinct customers ('@Cust1' and ' @cust1 ' are one person).
    const week1 = await conversations(ch, [
      { customer: '@Cust1', at: '2009-03-02T09:00:00Z', response: 10, resolve: { first_contact_resolution: true, csat: 5 } },
      { customer: ' @cust1 ', at: '2009-03-04T09:00:00Z', response: 20, resolve: { first_contact_resolution: true, csat: 4 } },
      { customer: '@cust2', at: '2009-03-05T09:00:00Z', response: 30, resolve: { first_contact_resolution: true, csat: 3 } },
      { customer: '@cust3', at: '2009-03-06T23:59:00Z', response: 40, resolve: { first_contact_resolution: false } },
      { customer: '@cust4', at: '2009-03-07T12:00:00Z', response: 50, resolve: { first_contact_resolution: false } },
      { customer: '@cust5', at: '2009-03-08T10:00:00Z', response: 60 },
      { customer: '@cust6', at: '2009-03-08T23:59:59Z', response: null },
    ]);
    // Week 2: 4 customers, with figures that would stand out.
    await conversations(ch, [
      { customer: '@w2a', at: '2009-03-09T00:00:00Z', response: 777, resolve: { first_contact_resolution: false, csat: 1 } },
      { customer: '@w2b', at: '2009-03-10T00:00:00Z', response: 777, resolve: { first_contact_resolution: false, csat: 1 } },
      { customer: '@w2c', at: '2009-03-11T00:00:00Z', response: 777 },
      { customer: '@w2d', at: '2009-03-15T23:00:00Z', response: 777 },
    ]);

    const r = await report('from=2009-03-04&to=2009-03-11');
    assert.equal(r.status, 200, r.text);
    const b = r.body;
    assert.equal(b.report, 'customer-care');
    assert.equal(b.k, K);
    assert.equal(b.from, '2009-03-02', 'from widened back to Monday');
    assert.equal(b.to, '2009-03-15', 'to widened on to Sunday');
    assert.deepEqual(b.requested, { from: '2009-03-04', to: '2009-03-11' });
    assert.match(b.comparison_note, /^correlation, not cause/);

    assert.equal(b.groups.length, 1, r.text);
    const g = b.groups[0];
    assert.deepEqual(g.channel, { id: ch.id, name: ch.name, kind: 'chat' });
    assert.equal(g.week, W1);
    assert.equal(g.suppressed, false);
    assert.equal(g.conversations, 7);
    assert.equal(g.customers, 6);
    assert.equal(g.resolved, 5);
    assert.equal(g.first_contact_resolution_rate, 0.6);
    assert.equal(g.csat_average, 4);
    assert.equal(g.csat_responses, 3);
    assert.equal(g.median_first_response_minutes, 35);
    assert.equal(g.escalated_share, 0);
    assert.equal(g.linked_conversations, 0);
    assert.equal(g.escalation_conversations, 0);
    assert.deepEqual(g.collaboration, { suppressed: false, internal_people: null,
      internal_participants_per_linked: null, departments_per_linked: null },
    'no linked conversations: nothing to show, nothing hidden');
    assert.equal(g.comparison.suppressed, true, 'no side with collaboration: the comparison is masked');
    for (const side of ['with_collaboration', 'without_collaboration']) {
      assert.deepEqual(g.comparison[side], { suppressed: true, conversations: null, resolved: null,
        median_resolution_minutes: null, csat_average: null, csat_responses: null });
    }

    // "other": how many groups were folded, and nothing else.
    assert.equal(b.other.suppressed, true);
    assert.equal(b.other.groups, 1);
    assert.equal(b.other.channel, null);
    assert.equal(b.other.week, null);
    for (const f of FIGURES) assert.equal(b.other[f], null, `other.${f} is masked`);

    // The summary is over the shown group only: week 2 is nowhere.
    const s = b.summary;
    assert.equal(s.groups, 1);
    for (const f of ['conversations', 'customers', 'resolved', 'first_contact_resolution_rate', 'csat_average',
      'csat_responses', 'median_first_response_minutes', 'escalated_share']) {
      assert.equal(s[f], g[f], `summary.${f} equals the one shown group's`);
    }
    assert.equal(s.median_first_response_minutes, 35, 'the folded 777-minute responses are not in the summary');
    assert.ok(!r.text.includes('@w2'), 'nothing of the folded week appears');
    assert.ok(!r.text.includes('@cust') && !r.text.includes('@Cust'), 'no customer handle appears');
    void week1;
  });

  test('a range holding only the small week: no group, "other" counts it, the summary is empty', async () => {
    // The week of 2009-03-09 from the previous test; from=to inside it.
    const r = await report('from=2009-03-12&to=2009-03-12');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.from, '2009-03-09');
    assert.equal(r.body.to, '2009-03-15');
    assert.deepEqual(r.body.groups, []);
    assert.equal(r.body.other.groups, 1);
    const s = r.body.summary;
    assert.equal(s.groups, 0);
    assert.equal(s.conversations, 0);
    assert.equal(s.customers, 0);
    assert.equal(s.csat_average, null);
    assert.equal(s.median_first_response_minutes, null);
    // Two overlapping ranges differ only by whole, separately decided weeks:
    // the big range's summary minus the small one's is exactly the shown week.
    const big = await report('from=2009-03-02&to=2009-03-15');
    const bigger = await report('from=2009-02-23&to=2009-03-20');
    assert.deepEqual(bigger.body.summary, big.body.summary);
    assert.equal(bigger.body.from, '2009-02-23');
    assert.equal(bigger.body.to, '2009-03-22');
  });

  test('groups are per channel: the same week in two channels is decided separately', async () => {
    const big = await channel(), small = await channel();
    const at = (d) => `2008-11-${d}T10:00:00Z`; // week of Monday 2008-11-10
    await conversations(big, ['a', 'b', 'c', 'd', 'e'].map((x, i) => ({ customer: `@${x}`, at: at(10 + i), response: 5 * (i + 1),
      resolve: { first_contact_resolution: i % 2 === 0, csat: 5 - i } })));
    // The same five people in the small channel, but only three of them.
    await conversations(small, ['a', 'b', 'c'].map((x, i) => ({ customer: `@${x}`, at: at(11 + i), response: 1 })));
    const r = await report('from=2008-11-10&to=2008-11-16');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.groups.map((g) => g.channel.id), [big.id]);
    const g = r.body.groups[0];
    assert.equal(g.customers, 5);
    assert.equal(g.first_contact_resolution_rate, 0.6);
    assert.equal(g.csat_average, 3);
    assert.equal(g.csat_responses, 5);
    assert.equal(g.median_first_response_minutes, 15);
    assert.equal(g.comparison.suppressed, true);
    // Resolution minutes are measured to when they were resolved.
    assert.equal(r.body.other.groups, 1);
    assert.equal(r.body.summary.conversations, 5);
    assert.equal(r.body.summary.customers, 5);
  });
});

describe('customer-care report: CSV', () => {
  test('text/csv with a header, a row per shown group, other, summary and notes; formula guard on names', async () => {
    const evil = `=HYPERLINK("http://x","${unique('c')}")`;
    const ch = await channel(evil, 'email');
    const plain = await channel(`+${unique('p')}, and more`);
    const at = (d) => `2008-06-0${d}T08:00:00Z`; // week of Monday 2008-06-02
    await conversations(ch, [1, 2, 3, 4, 5].map((i) => ({ customer: `@csv${i}`, at: at(i + 1), response: 2 * i,
      resolve: { first_contact_resolution: true, csat: 4 } })));
    await conversations(plain, [1, 2, 3, 4, 5, 6].map((i) => ({ customer: `@p${i}`, at: at(i + 1), response: i })));
    const r = await report('from=2008-06-02&to=2008-06-08&format=csv');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.headers.get('content-disposition'),
      'attachment; filename="parley-customer-care-2008-06-02-to-2008-06-08.csv"');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const rows = parseCsv(r.text);
    const header = rows[0];
    assert.equal(header[0], 'row_type');
    assert.equal(header.at(-1), 'note');
    for (const row of rows) assert.equal(row.length, header.length, `every row has ${header.length} fields`);
    const col = (row, name) => row[header.indexOf(name)];
    assert.deepEqual(rows.slice(1).map((x) => x[0]), ['group', 'group', 'other', 'summary', 'note', 'note']);
    const [g1, g2] = rows.slice(1, 3);
    assert.equal(col(g1, 'channel'), `'${evil}`, 'a name starting with = gets a leading apostrophe');
    assert.equal(col(g2, 'channel'), `'${plain.name}`, 'and one starting with +');
    assert.ok(r.text.includes(`"'=HYPERLINK(""http://x"",`), 'quotes doubled inside a quoted cell');
    assert.equal(col(g1, 'channel_id'), String(ch.id));
    assert.equal(col(g1, 'channel_kind'), 'email');
    assert.equal(col(g1, 'week'), '2008-06-02');
    assert.equal(col(g1, 'suppressed'), 'false');
    assert.equal(col(g1, 'conversations'), '5');
    assert.equal(col(g1, 'customers'), '5');
    assert.equal(col(g1, 'first_contact_resolution_rate'), '1');
    assert.equal(col(g1, 'csat_average'), '4');
    assert.equal(col(g1, 'median_first_response_minutes'), '6');
    assert.equal(col(g2, 'median_first_response_minutes'), '3.5', 'numbers plain');
    assert.equal(col(g2, 'first_contact_resolution_rate'), '', 'null is empty');
    assert.equal(col(g2, 'escalated_share'), '0');
    const other = rows[3];
    assert.equal(col(other, 'suppressed'), 'true');
    assert.equal(col(other, 'groups'), '0');
    assert.equal(col(other, 'conversations'), '');
    const summary = rows[4];
    assert.equal(col(summary, 'groups'), '2');
    assert.equal(col(summary, 'conversations'), '11');
    assert.equal(col(summary, 'customers'), '11');
    assert.match(rows[5].at(-1), /^range 2008-06-02 to 2008-06-08 .*fewer than 5 customers/);
    assert.match(rows[6].at(-1), /^correlation, not cause/);
    assert.equal(rows[6].slice(0, -1).filter((x) => x !== '').length, 1, 'a note row holds only its type and note');
    assert.ok(r.text.endsWith('\r\n'));
  });
});

// RFC 4180 reader for the assertions above.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false, i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      cell += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(cell); cell = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 2; continue; }
    cell += c; i++;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

describe('customer-care report: who may read it, and the audit log', () => {
  test('analysts and admins read it; employees and community managers get 403; anonymous 401; only GET', async () => {
    assert.equal((await report('from=2004-01-05&to=2004-01-11', analyst)).status, 200);
    assert.equal((await report('from=2004-01-05&to=2004-01-11', founder)).status, 200);
    assertError(await report('from=2004-01-05&to=2004-01-11', employee), 403, 'forbidden');
    assertError(await report('from=2004-01-05&to=2004-01-11', cm), 403, 'forbidden');
    assertError(await report('from=2004-01-05&to=2004-01-11&format=csv', employee), 403, 'forbidden');
    assertError(await api('GET', `${REPORT}?from=2004-01-05&to=2004-01-11`), 401);
    const post = await api('POST', REPORT, { token: analyst, json: {} });
    assertError(post, 405, 'method_not_allowed');
    assert.equal(post.headers.get('allow'), 'GET');
    // A cookie session reads it too (a GET needs no CSRF token).
    const s = await api('GET', `${REPORT}?from=2004-01-05&to=2004-01-11`, { session: analystUser.session });
    assert.equal(s.status, 200, s.text);
  });

  test('every request is in the audit log: who, the range used and asked, the format; refusals too', async () => {
    const before = Number(sql('SELECT coalesce(max(id), 0) FROM audit_log'));
    assert.equal((await report('from=2005-05-04&to=2005-05-10&format=csv')).status, 200);
    assert.equal((await report('from=2005-05-04&to=2005-05-04')).status, 200);
    assert.equal((await report('from=2005-05-04&to=2005-05-04', employee)).status, 403);
    const rows = sql(`SELECT a.action || '|' || coalesce(u.handle, '') || '|' || a.target_type || '|' || a.target_id
        || '|' || a.reason FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
      WHERE a.id > ${before} AND a.action LIKE 'report.customer_care%' ORDER BY a.id`).split('\n');
    assert.deepEqual(rows, [
      `report.customer_care|${analystUser.handle}|report|customer-care|from=2005-05-02 to=2005-05-15 format=csv requested_from=2005-05-04 requested_to=2005-05-10 k=5`,
      `report.customer_care|${analystUser.handle}|report|customer-care|from=2005-05-02 to=2005-05-08 format=json requested_from=2005-05-04 requested_to=2005-05-04 k=5`,
      `report.customer_care.denied|${employeeUser.handle}|report|customer-care|refused: role employee`,
    ]);
  });

  test('a request refused for its parameters reads nothing and records nothing', async () => {
    const before = sql("SELECT count(*) FROM audit_log WHERE action = 'report.customer_care'");
    assertError(await report('from=2005-13-01'), 422, 'validation_failed', 'from');
    assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'report.customer_care'"), before);
  });
});

describe('customer-care report: bad parameters', () => {
  const bad = [
    ['from=2019-02-30', 'from'],
    ['from=20190201', 'from'],
    ['from=2019-2-1', 'from'],
    ['from=1969-12-31', 'from'],
    ['from=2019-02-01T00:00:00Z', 'from'],
    ['from=%ff%fe', 'from'],
    ['from=%zz', 'from'],
    ['to=yesterday', 'to'],
    ['to=' + 'x'.repeat(200), 'to'],
    ['from=2019-03-10&to=2019-03-09', 'to'],
    ['from=2016-01-01&to=2018-01-02', 'to'],
    ['to=9999-01-01', 'to'],
    ['format=xml', 'format'],
    ['format=CSV', 'format'],
    ['format=', 'format'],
  ];
  for (const [qs, field] of bad) {
    test(`${qs.slice(0, 40)} is 422 naming ${field}`, async () => {
      assertError(await report(qs), 422, 'validation_failed', field);
    });
  }

  test('without dates: the 12 weeks up to today; two years exactly is allowed', async () => {
    const r = await report('');
    assert.equal(r.status, 200, r.text);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(r.body.requested.to, today);
    const days = (a, b) => (Date.parse(b) - Date.parse(a)) / 86400000;
    assert.equal(days(r.body.requested.from, r.body.requested.to), 83);
    assert.equal(new Date(r.body.from).getUTCDay(), 1, 'a Monday');
    assert.equal(new Date(r.body.to).getUTCDay(), 0, 'a Sunday');
    assert.equal(days(r.body.from, r.body.to), 83, '12 whole weeks');
    const two = await report('from=2016-01-01&to=2018-01-01');
    assert.equal(two.status, 200, two.text);
    assert.equal(two.body.from, '2015-12-28');
    assert.equal(two.body.to, '2018-01-07');
    const onlyFrom = await report('from=2004-01-07');
    assert.equal(onlyFrom.status, 200, onlyFrom.text);
    assert.deepEqual(onlyFrom.body.requested, { from: '2004-01-07', to: '2004-03-30' });
    const onlyTo = await report('to=2004-03-30');
    assert.deepEqual(onlyTo.body.requested, { from: '2004-01-07', to: '2004-03-30' });
    const edge = await report('from=9998-12-31&to=9998-12-31');
    assert.equal(edge.status, 200, edge.text);
    assert.equal(edge.body.to, '9999-01-03');
  });
});

// ---- internal collaboration: links, escalations, replies and answers ----

// An employee of a department, signed in.
async function staff(department) {
  const p = await person();
  const r = await api('PATCH', '/api/v1/me', { session: p.session, json: { department } });
  assert.equal(r.status, 200, r.text);
  return p;
}
async function post(who, body, replyTo) {
  const r = await api('POST', '/api/v1/posts', { session: who.session, json: replyTo ? { body, reply_to: replyTo } : { body } });
  assert.equal(r.status, 201, r.text);
  return r.body.post.id;
}
async function link(convId, type, id) {
  const r = await api('POST', `/api/v1/customer/conversations/${convId}/links`, { token: founder, json: { type, id } });
  assert.equal(r.status, 201, r.text);
}

describe('customer-care report: internal collaboration', () => {
  test('collaboration drawn from 3 people is masked (k=5), though the group is shown', async () => {
    const ch = await channel();
    const [e1, e2, e3] = await Promise.all([staff('Care'), staff('Billing'), staff('Care')]);
    const convs = await conversations(ch, [1, 2, 3, 4, 5].map((i) => ({ customer: `@m${i}`, at: `2007-05-${String(i + 6).padStart(2, "0")}T10:00:00Z`,
      response: i })));
    const p = await post(e1, `Customer trouble ${unique('t')}`);
    await post(e2, 'I can help.', p);
    await post(e3, 'Me too.', p);
    await link(convs[0].id, 'post', p);
    const r = await report('from=2007-05-07&to=2007-05-13');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.groups.length, 1, r.text);
    const g = r.body.groups[0];
    assert.equal(g.customers, 5);
    assert.equal(g.linked_conversations, 1);
    assert.equal(g.escalated_share, 0.2);
    assert.deepEqual(g.collaboration, { suppressed: true, internal_people: null,
      internal_participants_per_linked: null, departments_per_linked: null });
    assert.equal(g.comparison.suppressed, true, '1 customer with collaboration: both sides masked');
    assert.equal(g.comparison.with_collaboration.conversations, null);
    assert.equal(g.comparison.without_collaboration.conversations, null, 'the other side too (group minus one side)');
    // The summary takes collaboration only from groups that show it.
    assert.equal(r.body.summary.collaboration.groups, 0);
    assert.equal(r.body.summary.collaboration.internal_participants_per_linked, null);
    assert.equal(r.body.summary.collaboration.internal_people, null);
    assert.equal(r.body.summary.linked_conversations, 1);
    for (const who of [e1, e2, e3]) {
      assert.ok(!r.text.includes(who.handle) && !r.text.includes(who.display_name), 'no employee is named');
    }
    const csv = await report('from=2007-05-07&to=2007-05-13&format=csv');
    const rows = parseCsv(csv.text);
    const col = (row, name) => row[rows[0].indexOf(name)];
    assert.equal(col(rows[1], 'collaboration_suppressed'), 'true');
    assert.equal(col(rows[1], 'internal_participants_per_linked'), '');
    assert.equal(col(rows[1], 'internal_people'), '');
  });

  test('links of any kind and escalations: exact collaboration figures once 6 people took part', async () => {
    const ch = await channel();
    const [e1, e2, e3, e4, e5] = await Promise.all([staff('Care'), staff('Billing'), staff('Care'),
      staff('Legal'), staff('Billing')]);
    const manager = await withRole('community_manager');
    const dep = await api('PATCH', '/api/v1/me', { session: manager.session, json: { department: 'Ops' } });
    assert.equal(dep.status, 200, dep.text);
    const slug = unique('care').replace(/_/g, '-');
    const made = await api('POST', '/api/v1/communities',
      { session: manager.session, json: { slug, name: `Care ${slug}`, description: 'Escalations', visibility: 'open' } });
    assert.equal(made.status, 201, made.text);
    const convs = await conversations(ch, [1, 2, 3, 4, 5, 6].map((i) => ({ customer: `@n${i}`,
      at: `2007-05-${13 + i}T10:00:00Z`, response: 10 * i })));
    // 1: a post and two replies (3 people, Care and Billing).
    const p = await post(e1, `Order stuck ${unique('t')}`);
    await post(e2, 'Looking.', p);
    await post(e3, 'Fixed on our side.', p);
    await link(convs[0].id, 'post', p);
    // 2: escalated into a question by the manager (Ops), answered by Legal and Billing.
    const esc = await api('POST', `/api/v1/customer/conversations/${convs[1].id}/escalate`,
      { token: manager.token, json: { community: slug, title: 'A customer asks about refunds', body: 'Who knows?' } });
    assert.equal(esc.status, 201, esc.text);
    for (const who of [e4, e5]) {
      await api('POST', `/api/v1/communities/${slug}/members`, { session: who.session, raw: '' });
      const a = await api('POST', `/api/v1/questions/${esc.body.question.id}/answers`,
        { session: who.session, json: { body: 'Here is how.' } });
      assert.equal(a.status, 201, a.text);
    }
    // 3: linked to a community only: linked, but no internal message.
    const community = await api('GET', `/api/v1/communities/${slug}`, { token: founder });
    assert.equal(community.status, 200, community.text);
    await link(convs[2].id, 'community', community.body.community?.id ?? community.body.id);

    const r = await report('from=2007-05-14&to=2007-05-20');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.groups.length, 1, r.text);
    const g = r.body.groups[0];
    assert.equal(g.conversations, 6);
    assert.equal(g.linked_conversations, 3, 'a link of any kind counts');
    assert.equal(g.escalation_conversations, 1);
    assert.equal(g.escalated_share, 0.5);
    assert.equal(g.median_first_response_minutes, 35);
    assert.deepEqual(g.collaboration, { suppressed: false, internal_people: 6,
      internal_participants_per_linked: 2, departments_per_linked: 1.67 });
    assert.equal(g.comparison.suppressed, true, '2 customers with collaboration');
    assert.deepEqual(r.body.summary.collaboration, { ...g.collaboration, groups: 1 });
    for (const who of [e1, e2, e3, e4, e5, manager]) assert.ok(!r.text.includes(who.handle), 'no employee is named');
  });

  test('with and without collaboration side by side once each side has 5 customers; labelled correlation, not cause', async () => {
    const ch = await channel();
    const [e1, e2] = await Promise.all([staff('Care'), staff('Billing')]);
    const withCsat = [5, 5, 4, 4, 5], withoutCsat = [2, 3, 3, 2, 1];
    const specs = [...withCsat, ...withoutCsat].map((csat, i) => ({ customer: `@o${i}`,
      at: `2007-05-${21 + (i % 7)}T0${i % 10}:00:00Z`, response: i + 1 }));
    const convs = await conversations(ch, specs);
    const p = await post(e1, `Outage ${unique('t')}`);
    await post(e2, 'On it.', p);
    for (const c of convs.slice(0, 5)) await link(c.id, 'post', p);
    // Resolved after linking; 4 of the 10 at first contact.
    for (const [i, c] of convs.entries()) {
      const r = await api('POST', `/api/v1/customer/conversations/${c.id}/resolve`,
        { token: founder, json: { first_contact_resolution: i % 3 === 0, csat: [...withCsat, ...withoutCsat][i] } });
      assert.equal(r.status, 200, r.text);
    }
    const r = await report('from=2007-05-21&to=2007-05-27');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.groups.length, 1, r.text);
    const g = r.body.groups[0];
    assert.equal(g.customers, 10);
    assert.equal(g.resolved, 10);
    assert.equal(g.first_contact_resolution_rate, 0.4);
    assert.equal(g.csat_average, 3.4);
    assert.equal(g.csat_responses, 10);
    assert.equal(g.median_first_response_minutes, 5.5);
    assert.equal(g.comparison.suppressed, false);
    const ids = convs.map((c) => c.id);
    assert.deepEqual(g.comparison.with_collaboration, { suppressed: false, conversations: 5, resolved: 5,
      median_resolution_minutes: round(median(resolutionMinutes(ids.slice(0, 5))), 1), csat_average: 4.6, csat_responses: 5 });
    assert.deepEqual(g.comparison.without_collaboration, { suppressed: false, conversations: 5, resolved: 5,
      median_resolution_minutes: round(median(resolutionMinutes(ids.slice(5))), 1), csat_average: 2.2, csat_responses: 5 });
    assert.equal(g.collaboration.suppressed, true, '2 internal people: the collaboration figures stay masked');
    assert.match(r.body.comparison_note, /^correlation, not cause: /);
    assert.deepEqual(r.body.summary.comparison, { ...g.comparison, groups: 1 });

    const csv = await report('from=2007-05-21&to=2007-05-27&format=csv');
    const rows = parseCsv(csv.text);
    const col = (row, name) => row[rows[0].indexOf(name)];
    assert.equal(col(rows[1], 'comparison_suppressed'), 'false');
    assert.equal(col(rows[1], 'with_csat_average'), '4.6');
    assert.equal(col(rows[1], 'without_csat_average'), '2.2');
    assert.equal(col(rows[1], 'with_conversations'), '5');
    assert.match(rows.at(-1).at(-1), /^correlation, not cause: /);
  });
});
