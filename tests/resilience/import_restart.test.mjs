// PostgreSQL restarts under a running import (issue: long imports in a
// thread of their own, with a database connection of their own): the
// import is answered 503 with Retry-After and nothing of it is written;
// while PostgreSQL is down, new imports and webhook deliveries get a quick
// 503 with Retry-After too; once it is back, the same file imports whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { api, login, tokenFor, unique, assertError } from '../lib/api.mjs';
import { twcsCsv } from '../lib/twcs_csv.mjs';

const data = process.env.PARLEY_TEST_PG_DATA ?? 'var/test-pg';
const port = process.env.PARLEY_TEST_PG_PORT ?? '55499';
const pg = (...args) => execFileSync('tools/pg.sh', args, { stdio: 'pipe' });
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

test('resilience: PostgreSQL stops mid-import: 503 with Retry-After, nothing half-written; the file imports whole afterwards',
  { timeout: 180_000 }, async (t) => {
    const token = await tokenFor(await login('founder'), 'import resilience');
    const c = await api('POST', '/api/v1/customer/channels', { token, json: { name: unique('ri'), kind: 'twitter' } });
    assert.equal(c.status, 201, c.text);
    const ch = { id: c.body.channel.id, secret: c.body.webhook_secret };
    const importCsv = (raw) => api('POST', `/api/v1/customer/import?channel=${ch.id}`,
      { token, raw, contentType: 'text/csv' });
    const deliver = (body) => {
      const raw = JSON.stringify(body);
      const sig = 'sha256=' + createHmac('sha256', ch.secret).update(raw).digest('hex');
      return api('POST', `/api/v1/customer/channels/${ch.id}/messages`,
        { raw, contentType: 'application/json', headers: { 'x-parley-signature': sig } });
    };
    const big = twcsCsv(20 * 1024 * 1024);

    const t0 = performance.now();
    const imp = importCsv(big.csv);
    // The import takes seconds; stop PostgreSQL once its thread is storing
    // batches (its transaction holds the channel's advisory lock).
    const psql = (sql) => execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-c', sql],
      { encoding: 'utf8' }).trim();
    for (let i = 0; psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT customer_ingest(%'") === '0'; i++) {
      assert.ok(i < 200, 'the import reached its batches');
      await sleep(50);
    }
    await sleep(300);
    pg('stop', data);
    try {
      const r = await imp;
      assertError(r, 503, 'unavailable');
      assert.equal(r.headers.get('retry-after'), '2');
      t.diagnostic(`the import was answered 503 ${((performance.now() - t0) / 1000).toFixed(1)} s after it began`);
      // Meanwhile, new work is refused quickly, with Retry-After.
      for (const r2 of [await importCsv(big.csv.subarray(0, 4096)), await deliver({ external_id: 'down1',
        direction: 'inbound', author: '@c', text: 'while down', sent_at: '2026-01-01T10:00:00Z' })]) {
        assertError(r2, 503, 'unavailable');
        assert.equal(r2.headers.get('retry-after'), '2');
      }
    } finally {
      pg('start', data, port);
    }

    // Back: the channel holds nothing of the import.
    let list;
    for (let i = 0; i < 50; i++) {
      list = await api('GET', `/api/v1/customer/conversations?channel=${ch.id}&limit=1`, { token });
      if (list.status !== 503) break;
      await sleep(100);
    }
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items, [], 'nothing half-written');
    // Sent again, the file imports whole: every row new.
    const again = await importCsv(big.csv);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.body.imported, again.body.duplicates, again.body.conversations],
      [big.rows, 0, big.conversations]);
  });
