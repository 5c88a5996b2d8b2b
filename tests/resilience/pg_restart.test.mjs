// PostgreSQL restarts under a running Parley: while it is down, requests
// get a quick 503 `unavailable` and nothing is written; once it is back,
// requests succeed again within 2 seconds without restarting Parley
// (Kore 4.1's pool does not recover by itself; app/db.c does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, person, tokenFor, unique, assertError, PASSWORD } from '../lib/api.mjs';

const data = process.env.PARLEY_TEST_PG_DATA ?? 'var/test-pg';
const port = process.env.PARLEY_TEST_PG_PORT ?? '55499';
const pg = (...args) => execFileSync('tools/pg.sh', args, { stdio: 'pipe' });

async function timed(fn) {
  const t0 = performance.now();
  const r = await fn();
  return { r, ms: performance.now() - t0 };
}

test('resilience: PostgreSQL stop gives fast 503s, start recovers within 2 s', async () => {
  const alice = await person();
  const token = await tokenFor(alice.session);
  // Warm every pooled connection of both workers.
  await Promise.all(Array.from({ length: 16 }, () => api('GET', '/api/v1/me', { token })));

  pg('stop', data);
  try {
    for (let i = 0; i < 6; i++) {
      const h = await timed(() => api('GET', '/healthz'));
      assert.equal(h.r.status, 503);
      assert.deepEqual(h.r.body, { status: 'degraded', db: 'unavailable' });
      assert.ok(h.ms < 3000, `healthz answered in ${h.ms} ms`);
      const me = await timed(() => api('GET', '/api/v1/me', { token }));
      assertError(me.r, 503, 'unavailable');
      assert.equal(me.r.headers.get('retry-after'), '2', 'a 503 says when to retry');
      assert.ok(me.ms < 3000, `me answered in ${me.ms} ms`);
    }
    const handle = unique('down');
    const reg = await api('POST', '/api/v1/auth/register', { json: {
      handle, email: `${handle}@example.com`, password: PASSWORD, display_name: 'Down' } });
    assertError(reg, 503, 'unavailable');
    const patch = await api('PATCH', '/api/v1/me', { token, json: { title: 'Lost' } });
    assertError(patch, 503, 'unavailable');
  } finally {
    pg('start', data, port);
  }

  const t0 = performance.now();
  let healthy = false;
  while (performance.now() - t0 < 2000) {
    const [h, me] = await Promise.all([api('GET', '/healthz'), api('GET', '/api/v1/me', { token })]);
    if (h.status === 200 && me.status === 200) { healthy = true; break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  const ms = Math.round(performance.now() - t0);
  assert.ok(healthy, `not healthy ${ms} ms after PostgreSQL came back`);
  // Every pooled connection works again, not just one.
  const rs = await Promise.all(Array.from({ length: 32 }, () => api('GET', '/api/v1/me', { token })));
  assert.deepEqual(rs.map((r) => r.status), Array(32).fill(200));
  const me = await api('GET', '/api/v1/me', { token });
  assert.notEqual(me.body.user.title, 'Lost', 'the write during the outage did not happen');
});
