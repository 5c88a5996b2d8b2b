// Runs first, on an empty database (tools/test.sh): the very first account
// becomes admin, and nobody after it does. Other suites sign in as
// `founder` when they need an admin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, register, PASSWORD } from '../lib/api.mjs';

test('accounts: the first account is admin, later ones are employees', async () => {
  const founder = await register({ handle: 'founder', email: 'founder@example.com' });
  assert.equal(founder.user.role, 'admin');
  const second = await register();
  assert.equal(second.user.role, 'employee');
});

test('accounts: concurrent registrations still make exactly one admin', async () => {
  const rs = await Promise.all(Array.from({ length: 4 }, (_, i) =>
    api('POST', '/api/v1/auth/register', { json: {
      handle: `racer_${i}_${Date.now() % 100000}`, email: `racer${i}_${Date.now()}@example.org`,
      password: PASSWORD, display_name: `Racer ${i}` } })));
  for (const r of rs) {
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.user.role, 'employee');
  }
});
