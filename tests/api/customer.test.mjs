// Customer conversations (issue 5): channels, the signed webhook, threading
// in any order, conversations to list, read, resolve and reopen. The admin
// is `founder` (first_admin.test.mjs).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { api, login, person, tokenFor, assertError, unique } from '../lib/api.mjs';
import { execFileSync, spawn } from 'node:child_process';

let founder, cm, analyst, employee; // bearer tokens

const sign = (secret, raw) => 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');

async function deliver(ch, body, { secret = ch.secret, sig, raw } = {}) {
  const text = raw ?? JSON.stringify(body);
  const headers = {};
  if (sig !== null) headers['x-parley-signature'] = sig ?? sign(secret, text);
  return api('POST', `/api/v1/customer/channels/${ch.id}/messages`,
    { raw: text, contentType: 'application/json', headers });
}

async function channel(token = cm, kind = 'twitter') {
  const r = await api('POST', '/api/v1/customer/channels', { token, json: { name: unique('ch'), kind } });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.channel.id, secret: r.body.webhook_secret, channel: r.body.channel };
}

const msg = (id, extra = {}) => ({ external_id: id, direction: 'inbound', author: '@carol',
  text: `message ${id}`, sent_at: '2026-01-01T10:00:00Z', ...extra });

async function conversationsOf(ch) {
  const r = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}&limit=100`, { token: analyst });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

async function withRole(role) {
  const p = await person();
  if (role) {
    const r = await api('PATCH', `/api/v1/admin/users/${p.handle}`, { token: founder, json: { role } });
    assert.equal(r.status, 200, r.text);
  }
  return tokenFor(p.session);
}

before(async () => {
  founder = await tokenFor(await login('founder'), 'customer tests');
  [cm, analyst, employee] = await Promise.all([withRole('community_manager'), withRole('analyst'), withRole(null)]);
});

describe('channels', () => {
  test('a community manager creates one: 201 {channel, webhook_secret}; list and get show no secret', async () => {
    const ch = await channel(cm, 'email');
    assert.match(ch.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.equal(ch.channel.kind, 'email');
    const one = await api('GET', `/api/v1/customer/channels/${ch.id}`, { token: analyst });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.channel, ch.channel);
    const list = await api('GET', '/api/v1/customer/channels', { token: founder });
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((c) => c.id === ch.id));
    assert.ok(!list.text.includes(ch.secret), 'the list never shows a secret');
    assert.ok(!one.text.includes('whsec_'));
  });

  test('admins may create; employees get 403 creating and reading', async () => {
    await channel(founder, 'chat');
    const r = await api('POST', '/api/v1/customer/channels', { token: employee, json: { name: 'x', kind: 'chat' } });
    assertError(r, 403);
    assertError(await api('GET', '/api/v1/customer/channels', { token: employee }), 403);
    assertError(await api('POST', '/api/v1/customer/channels', { token: analyst, json: { name: 'x', kind: 'chat' } }), 403);
    assertError(await api('GET', '/api/v1/customer/channels'), 401);
  });

  test('bad bodies: wrong kind, blank or long name, unknown keys, wrong types, malformed JSON', async () => {
    const post = (json) => api('POST', '/api/v1/customer/channels', { token: cm, json });
    assertError(await post({ name: 'x', kind: 'fax' }), 422, undefined, 'kind');
    assertError(await post({ name: '  ', kind: 'chat' }), 422, undefined, 'name');
    assertError(await post({ name: 'x'.repeat(101), kind: 'chat' }), 422, undefined, 'name');
    assertError(await post({ name: 'x', kind: 'chat', secret: 'mine' }), 422);
    assertError(await post({ name: 5, kind: 'chat' }), 422, undefined, 'name');
    assertError(await post({ kind: 'chat' }), 422, undefined, 'name');
    assertError(await api('POST', '/api/v1/customer/channels', { token: cm, raw: '{"name":', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await api('GET', '/api/v1/customer/channels/999999999', { token: cm }), 404);
  });

  test('rotating the secret: the old one stops working, the new one works', async () => {
    const ch = await channel();
    const r = await api('POST', `/api/v1/customer/channels/${ch.id}/secret`, { token: cm, raw: '' });
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.body.webhook_secret, ch.secret);
    assertError(await deliver(ch, msg(unique('m'))), 401);
    const ok = await deliver({ ...ch, secret: r.body.webhook_secret }, msg(unique('m')));
    assert.equal(ok.status, 200, ok.text);
    assertError(await api('POST', `/api/v1/customer/channels/${ch.id}/secret`, { token: employee, raw: '' }), 403);
    assertError(await api('POST', '/api/v1/customer/channels/999999999/secret', { token: cm, raw: '' }), 404);
  });
});

describe('the webhook', () => {
  test('a forged or missing signature is 401 and stores nothing', async () => {
    const ch = await channel();
    const body = msg('f1');
    assertError(await deliver(ch, body, { secret: 'whsec_wrong' }), 401);
    assertError(await deliver(ch, body, { sig: null }), 401);
    assertError(await deliver(ch, body, { sig: 'sha256=' + 'a'.repeat(64) }), 401);
    assertError(await deliver(ch, body, { sig: sign(ch.secret, JSON.stringify(body)).toUpperCase() }), 401);
    assertError(await deliver(ch, body, { sig: sign(ch.secret, JSON.stringify(body)).slice(7) }), 401);
    // Signed over a different body than the one sent.
    assertError(await deliver(ch, body, { sig: sign(ch.secret, JSON.stringify(msg('f2'))) }), 401);
    assert.deepEqual(await conversationsOf(ch), []);
    // A session does not replace the signature.
    const r = await api('POST', `/api/v1/customer/channels/${ch.id}/messages`, { token: founder, json: body });
    assertError(r, 401);
    assert.deepEqual(await conversationsOf(ch), []);
  });

  test('unknown channel is 404; non-JSON and invalid UTF-8 bodies are 400; wrong type 415', async () => {
    const ch = await channel();
    assertError(await deliver({ id: 999999999, secret: 'x' }, msg('a')), 404);
    assertError(await deliver(ch, null, { raw: 'not json' }), 400, 'malformed_json');
    assertError(await deliver(ch, null, { raw: '"a string"' }), 400, 'malformed_json');
    const bad = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
    const r = await api('POST', `/api/v1/customer/channels/${ch.id}/messages`, {
      raw: bad, contentType: 'application/json',
      headers: { 'x-parley-signature': sign(ch.secret, bad) } });
    assertError(r, 400, 'invalid_utf8');
    const t = 'external_id=1';
    const r2 = await api('POST', `/api/v1/customer/channels/${ch.id}/messages`, {
      raw: t, contentType: 'text/plain', headers: { 'x-parley-signature': sign(ch.secret, t) } });
    assertError(r2, 415);
    assertError(await deliver(ch, Array.from({ length: 1001 }, (_, i) => msg(`big${i}`))), 413);
    assert.deepEqual(await conversationsOf(ch), []);
  });

  test('one message opens a conversation; a replay is a duplicate and changes nothing', async () => {
    const ch = await channel();
    const body = msg(12345, { text: 'My order never arrived and nobody answers the phone, which is frankly unacceptable at this point.' });
    const r = await deliver(ch, body);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { accepted: 1, duplicates: 0, rejected: [] });
    const again = await deliver(ch, body);
    assert.deepEqual(again.body, { accepted: 0, duplicates: 1, rejected: [] });
    const convs = await conversationsOf(ch);
    assert.equal(convs.length, 1);
    const c = convs[0];
    assert.equal(c.customer, '@carol');
    assert.equal(c.subject, body.text.slice(0, 80));
    assert.equal(c.status, 'open');
    assert.equal(c.message_count, 1);
    assert.equal(c.first_response_at, null);
    assert.equal(c.first_contact_resolution, null);
    assert.equal(c.csat, null);
    assert.equal(c.links, 0);
    assert.deepEqual(c.channel, { id: ch.id, name: ch.channel.name, kind: 'twitter' });
    const one = await api('GET', `/api/v1/customer/conversations/${c.id}`, { token: cm });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.conversation, c);
    assert.equal(one.body.messages.length, 1);
    assert.equal(one.body.messages[0].external_id, '12345', 'integer ids become text');
    assert.equal(one.body.messages[0].in_reply_to_external_id, null);
    assert.deepEqual(one.body.links, []);
    assert.deepEqual(one.body.collaboration, { internal_participants: 0, departments: 0,
      internal_messages: 0, minutes_to_first_internal_response: null });
  });

  test('an array keeps the good messages and rejects the bad ones by index', async () => {
    const ch = await channel();
    const r = await deliver(ch, [
      msg('g1'),
      msg('b1', { direction: 'sideways' }),
      msg('g2', { in_reply_to_external_id: 'g1', direction: 'outbound', author: '@support' }),
      msg('b2', { sent_at: 'yesterday' }),
      msg('b3', { sent_at: '2026-02-30T10:00:00Z' }),
      { external_id: 'b4', direction: 'inbound', text: 'no author', sent_at: '2026-01-01T10:00:00Z' },
      msg({ nested: 1 }),
      'not an object',
      msg('b5', { text: 7 }),
      msg('', {}),
    ]);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.accepted, 2);
    assert.equal(r.body.duplicates, 0);
    assert.deepEqual(r.body.rejected.map((x) => x.index), [1, 3, 4, 5, 6, 7, 8, 9]);
    assert.match(r.body.rejected[0].reason, /direction/);
    assert.match(r.body.rejected[1].reason, /sent_at/);
    const convs = await conversationsOf(ch);
    assert.equal(convs.length, 1);
    assert.equal(convs[0].message_count, 2);
  });

  test('a single bad message is 422 naming the field', async () => {
    const ch = await channel();
    assertError(await deliver(ch, msg('s1', { direction: 'up' })), 422, undefined, 'direction');
    assertError(await deliver(ch, msg('s2', { sent_at: '2026-01-01' })), 422, undefined, 'sent_at');
    assertError(await deliver(ch, msg(null)), 422, undefined, 'external_id');
    assertError(await deliver(ch, msg('s3', { author: 'x'.repeat(201) })), 422, undefined, 'author');
    assert.deepEqual(await conversationsOf(ch), []);
  });

  test('a reply that arrives before its parent joins the conversation when the parent lands', async () => {
    const ch = await channel();
    const t = (m) => `2026-03-01T10:${String(m).padStart(2, '0')}:00+00:00`;
    // Grandchild, then child, then root: each in its own delivery.
    let r = await deliver(ch, msg('c3', { in_reply_to_external_id: 'c2', sent_at: t(3) }));
    assert.deepEqual(r.body, { accepted: 1, duplicates: 0, rejected: [] });
    r = await deliver(ch, msg('c2', { in_reply_to_external_id: 'c1', direction: 'outbound', author: '@support', sent_at: t(2) }));
    assert.equal(r.body.accepted, 1);
    assert.deepEqual(await conversationsOf(ch), [], 'orphans open nothing');
    r = await deliver(ch, msg('c1', { sent_at: t(1), author: '@dave' }));
    assert.equal(r.body.accepted, 1);
    const convs = await conversationsOf(ch);
    assert.equal(convs.length, 1);
    assert.equal(convs[0].message_count, 3);
    assert.equal(convs[0].customer, '@dave');
    assert.equal(convs[0].first_response_at, '2026-03-01T10:02:00Z');
    const one = await api('GET', `/api/v1/customer/conversations/${convs[0].id}`, { token: analyst });
    assert.deepEqual(one.body.messages.map((m) => m.external_id), ['c1', 'c2', 'c3']);
    assert.equal(one.body.messages[2].in_reply_to_external_id, 'c2');
  });

  test('first_response_at is the first outbound at or after the first inbound', async () => {
    const ch = await channel();
    const r = await deliver(ch, [
      msg('p1', { sent_at: '2026-04-01T09:00:00Z' }),
      msg('p4', { in_reply_to_external_id: 'p1', direction: 'outbound', author: '@support', sent_at: '2026-04-01T09:30:00Z' }),
      msg('p3', { in_reply_to_external_id: 'p1', sent_at: '2026-04-01T09:20:00Z' }),
      msg('p5', { in_reply_to_external_id: 'p1', direction: 'outbound', author: '@support', sent_at: '2026-04-01T09:10:00.5Z' /* API times are whole seconds */ }),
    ]);
    assert.equal(r.body.accepted, 4);
    const [c] = await conversationsOf(ch);
    assert.equal(c.first_response_at, '2026-04-01T09:10:00Z');
    assert.equal(c.message_count, 4);
    // An outbound-only conversation has no customer response time.
    const r2 = await deliver(ch, msg('o1', { direction: 'outbound', author: '@support', sent_at: '2026-04-02T09:00:00Z' }));
    assert.equal(r2.body.accepted, 1);
    const convs = await conversationsOf(ch);
    assert.equal(convs.length, 2);
    assert.equal(convs[0].first_response_at, null, 'newest opened first');
  });
});

describe('conversations', () => {
  test('employees get 403 reading; anonymous 401; unknown id 404', async () => {
    const ch = await channel();
    await deliver(ch, msg('e1'));
    const [c] = await conversationsOf(ch);
    assertError(await api('GET', '/api/v1/customer/conversations', { token: employee }), 403);
    assertError(await api('GET', `/api/v1/customer/conversations/${c.id}`, { token: employee }), 403);
    assertError(await api('GET', '/api/v1/customer/conversations'), 401);
    assertError(await api('GET', '/api/v1/customer/conversations/999999999', { token: cm }), 404);
    assertError(await api('POST', `/api/v1/customer/conversations/${c.id}/resolve`,
      { token: employee, json: { first_contact_resolution: true } }), 403);
  });

  test('filters: status, channel, q; bad filters 422; pages with a cursor', async () => {
    const ch = await channel();
    const word = unique('w');
    await deliver(ch, [0, 1, 2].map((i) => msg(`q${i}`, { text: i === 1 ? `about ${word}` : 'other', sent_at: `2026-05-0${i + 1}T00:00:00Z` })));
    let r = await api('GET', `/api/v1/customer/conversations?q=${word.toUpperCase()}`, { token: cm });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items.map((c) => c.subject), [`about ${word}`]);
    r = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}&limit=2`, { token: cm });
    assert.deepEqual(r.body.items.map((c) => c.opened_at), ['2026-05-03T00:00:00Z', '2026-05-02T00:00:00Z']);
    assert.ok(r.body.next_cursor);
    const r2 = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}&limit=2&cursor=${encodeURIComponent(r.body.next_cursor)}`, { token: cm });
    assert.deepEqual(r2.body.items.map((c) => c.opened_at), ['2026-05-01T00:00:00Z']);
    assert.equal(r2.body.next_cursor, null);
    r = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}&status=resolved`, { token: cm });
    assert.deepEqual(r.body.items, []);
    assertError(await api('GET', '/api/v1/customer/conversations?status=closed', { token: cm }), 422, undefined, 'status');
    assertError(await api('GET', '/api/v1/customer/conversations?channel=abc', { token: cm }), 422, undefined, 'channel');
    assertError(await api('GET', '/api/v1/customer/conversations?cursor=zzz', { token: cm }), 400);
  });

  test('resolve and reopen; csat out of range is 422', async () => {
    const ch = await channel();
    await deliver(ch, msg('r1'));
    const [c] = await conversationsOf(ch);
    const path = `/api/v1/customer/conversations/${c.id}`;
    assertError(await api('POST', `${path}/resolve`, { token: cm, json: { first_contact_resolution: true, csat: 6 } }), 422, undefined, 'csat');
    assertError(await api('POST', `${path}/resolve`, { token: cm, json: { first_contact_resolution: true, csat: 0 } }), 422, undefined, 'csat');
    assertError(await api('POST', `${path}/resolve`, { token: cm, json: { first_contact_resolution: true, csat: 'good' } }), 422, undefined, 'csat');
    assertError(await api('POST', `${path}/resolve`, { token: cm, json: { csat: 4 } }), 422, undefined, 'first_contact_resolution');
    assertError(await api('POST', `${path}/resolve`, { token: cm, json: { first_contact_resolution: 'yes' } }), 422, undefined, 'first_contact_resolution');
    assertError(await api('POST', `${path}/resolve`, { token: cm, raw: '{', contentType: 'application/json' }), 400, 'malformed_json');
    assertError(await api('POST', '/api/v1/customer/conversations/999999999/resolve', { token: cm, json: { first_contact_resolution: true } }), 404);
    let r = await api('POST', `${path}/resolve`, { token: cm, json: { first_contact_resolution: true, csat: 5 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.conversation.status, 'resolved');
    assert.equal(r.body.conversation.first_contact_resolution, true);
    assert.equal(r.body.conversation.csat, 5);
    assert.ok(r.body.conversation.resolved_at);
    r = await api('POST', `${path}/reopen`, { token: cm, raw: '' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.conversation.status, 'open');
    assert.equal(r.body.conversation.resolved_at, null);
    assert.equal(r.body.conversation.first_contact_resolution, null);
    assert.equal(r.body.conversation.csat, null);
    r = await api('POST', `${path}/resolve`, { token: founder, json: { first_contact_resolution: false } });
    assert.equal(r.status, 200);
    assert.equal(r.body.conversation.first_contact_resolution, false);
    assert.equal(r.body.conversation.csat, null);
    assertError(await api('POST', `${path}/reopen`, { token: analyst, raw: '' }), 403);
  });

  test('missing CSRF on a cookie session is refused', async () => {
    const s = await login('founder');
    const r = await api('POST', '/api/v1/customer/channels', { session: s, csrf: false, json: { name: 'x', kind: 'chat' } });
    assertError(r, 403);
  });
});

describe('the webhook: a busy channel', () => {
  // psql on the test database (tools/test.sh sets PARLEY_DATABASE).
  const psql = (statement) => execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q',
    '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' }).trim();

  test('a delivery that waits out its channel\'s lock (an import holds it) is 503 with Retry-After; nothing stored, the retry is new', async () => {
    const ch = await channel();
    // Another session holds the channel's lock, as an import's transaction
    // does (customer_channel_lock: advisory lock 905, channel id).
    const app = unique('holder');
    const holder = spawn('psql', [process.env.PARLEY_DATABASE, '-X', '-q', '-c',
      `SET application_name = '${app}'; BEGIN; SELECT pg_advisory_xact_lock(905, ${ch.id}); SELECT pg_sleep(60); COMMIT;`],
      { stdio: 'ignore' });
    try {
      for (let i = 0; psql(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 905 AND objid = ${ch.id} AND granted`) !== '1'; i++) {
        assert.ok(i < 100, 'the holder took the lock');
        await new Promise((res) => setTimeout(res, 50));
      }
      const t0 = performance.now();
      const r = await deliver(ch, msg('busy1'));
      assertError(r, 503, 'unavailable');
      assert.equal(r.headers.get('retry-after'), '2');
      assert.ok(performance.now() - t0 >= 1900, 'it waited for the lock first');
    } finally {
      psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${app}'`);
      holder.kill();
    }
    // The sender retries: the message is new, so nothing was stored before.
    const again = await deliver(ch, msg('busy1'));
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.body.accepted, again.body.duplicates], [1, 0]);
    assert.equal(again.headers.get('retry-after'), null);
  });
});
