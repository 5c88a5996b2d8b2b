// Webhook deliveries while PostgreSQL is down: each gets a quick 503
// `unavailable` (retryable, so the sender keeps it) and nothing is
// acknowledged; once PostgreSQL is back, resending stores every message
// exactly once, and a second resend is all duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { api, login, tokenFor, unique, assertError } from '../lib/api.mjs';

const data = process.env.PARLEY_TEST_PG_DATA ?? 'var/test-pg';
const port = process.env.PARLEY_TEST_PG_PORT ?? '55499';
const pg = (...args) => execFileSync('tools/pg.sh', args, { stdio: 'pipe' });

const deliver = (ch, body) => {
  const raw = JSON.stringify(body);
  const sig = 'sha256=' + createHmac('sha256', ch.secret).update(raw).digest('hex');
  return api('POST', `/api/v1/customer/channels/${ch.id}/messages`,
    { raw, contentType: 'application/json', headers: { 'x-parley-signature': sig } });
};

test('resilience: webhook deliveries during a PostgreSQL outage are 503 and lose nothing', async () => {
  const token = await tokenFor(await login('founder'), 'webhook resilience');
  const c = await api('POST', '/api/v1/customer/channels', { token, json: { name: unique('rs'), kind: 'chat' } });
  assert.equal(c.status, 201, c.text);
  const ch = { id: c.body.channel.id, secret: c.body.webhook_secret };
  const at = (i) => `2026-06-01T10:00:${String(i).padStart(2, '0')}Z`;
  // Five deliveries: a root and a chain of replies, one batch of two.
  const deliveries = [
    { external_id: 'r4', in_reply_to_external_id: 'r3', direction: 'inbound', author: '@cust', text: 'four', sent_at: at(4) },
    { external_id: 'r1', direction: 'inbound', author: '@cust', text: 'one', sent_at: at(1) },
    [{ external_id: 'r2', in_reply_to_external_id: 'r1', direction: 'outbound', author: '@care', text: 'two', sent_at: at(2) },
     { external_id: 'r3', in_reply_to_external_id: 'r2', direction: 'inbound', author: '@cust', text: 'three', sent_at: at(3) }],
    { external_id: 'r5', in_reply_to_external_id: 'r4', direction: 'outbound', author: '@care', text: 'five', sent_at: at(5) },
  ];
  // Warm every pooled connection.
  await Promise.all(Array.from({ length: 16 }, () => api('GET', '/api/v1/customer/channels', { token })));

  pg('stop', data);
  try {
    for (const d of deliveries) {
      const t0 = performance.now();
      const r = await deliver(ch, d);
      assertError(r, 503, 'unavailable');
      assert.ok(performance.now() - t0 < 3000, 'answered quickly');
    }
  } finally {
    pg('start', data, port);
  }

  // The sender retries until acknowledged.
  const t0 = performance.now();
  const results = [];
  for (const d of deliveries) {
    let r;
    do {
      r = await deliver(ch, d);
      if (r.status === 503) await new Promise((res) => setTimeout(res, 100));
    } while (r.status === 503 && performance.now() - t0 < 5000);
    assert.equal(r.status, 200, r.text);
    results.push(r.body);
  }
  assert.equal(results.reduce((n, b) => n + b.accepted, 0), 5);
  assert.equal(results.reduce((n, b) => n + b.duplicates, 0), 0);
  // A second resend changes nothing.
  for (const d of deliveries) {
    const r = await deliver(ch, d);
    assert.equal(r.body.accepted, 0);
  }
  const list = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}`, { token });
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 1, 'one conversation');
  assert.equal(list.body.items[0].message_count, 5, 'every message once');
  assert.equal(list.body.items[0].first_response_at, at(2));
});
