// POST /api/v1/admin/import/ldif: the organisation import from a directory
// export (LDIF). Each run imports a copy of the 389-ds sample directory whose
// uids, DNs and e-mail addresses carry a fresh prefix, so the suite does
// not depend on what other suites (or earlier runs) imported.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { api, login, person, tokenFor, assertError, PASSWORD } from '../lib/api.mjs';
import { execFileSync } from 'node:child_process';
import { probeWhile } from '../lib/busy.mjs';

const SAMPLE = '/work/shared/data/org-directory-ldif/Example.ldif';
const ROUTE = '/api/v1/admin/import/ldif';
const sample = readFileSync(SAMPLE, 'utf8');

let founder;

const prefix = () => `l${randomBytes(3).toString('hex')}_`;

// The sample with every uid (in DNs, manager and member DNs, uid: lines) and
// every mail address renamed with p; the structure is untouched.
function variant(p, text = sample) {
  return text
    .replace(/uid=([A-Za-z0-9]+)/g, (_, u) => `uid=${p}${u}`)
    .replace(/^uid: (\S+)$/gm, (_, u) => `uid: ${p}${u}`)
    .replace(/^mail: (\S+)$/gm, (_, m) => `mail: ${p}${m}`);
}

// Replaces one attribute line inside the record of dn `uid=<uid>,...`.
function editRecord(text, uid, from, to) {
  const start = text.indexOf(`dn: uid=${uid},`);
  assert.ok(start >= 0, `record ${uid} is in the file`);
  const end = text.indexOf('\n\n', start);
  const record = text.slice(start, end);
  assert.ok(record.includes(from), `${uid} has ${from}`);
  return text.slice(0, start) + record.replace(from, to) + text.slice(end);
}

const importLdif = (raw, { session = founder, contentType = 'application/ldif', ...rest } = {}) =>
  api('POST', ROUTE, { raw, contentType, session, ...rest });

const getUser = (handle) => api('GET', `/api/v1/users/${handle}`, { session: founder });

const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');

// A small LDIF person; fields override or add attribute lines.
function entry(uid, lines = []) {
  return [`dn: uid=${uid},ou=People,dc=test,dc=example`, 'objectClass: top',
    'objectClass: person', 'objectClass: inetOrgPerson', `uid: ${uid}`, ...lines].join('\n');
}

before(async () => {
  founder = await login('founder');
  assert.equal(founder.user.role, 'admin', 'founder is the admin');
});

describe('import: the 389-ds sample directory', () => {
  const p = prefix();
  const file = variant(p);

  test('imports its 150 people and 149 manager links, rejecting nothing', async () => {
    const r = await importLdif(file);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, {
      created: 150, updated: 0, unchanged: 0, managers_linked: 149, rejected: [],
    });
  });

  test('an imported person shows name, department, location and manager', async () => {
    const r = await getUser(`${p}scarter`);
    assert.equal(r.status, 200, r.text);
    const u = r.body.user;
    assert.equal(u.handle, `${p}scarter`);
    assert.equal(u.display_name, 'Sam Carter');
    assert.equal(u.department, 'Accounting');
    assert.equal(u.location, 'Sunnyvale');
    assert.equal(u.title, '', 'the sample has no titles');
    assert.equal(u.email, `${p}scarter@example.com`, 'admins see the address');
    assert.equal(u.manager?.handle, `${p}dmiller`);
    assert.equal(u.manager?.display_name, 'David Miller');
    assert.equal(u.role, 'employee');
  });

  test('the org chart: reports of a manager, and a top without a manager', async () => {
    const boss = await getUser(`${p}dmiller`);
    assert.equal(boss.status, 200, boss.text);
    const reports = boss.body.reports.map((x) => x.handle);
    assert.ok(reports.includes(`${p}scarter`) && reports.includes(`${p}tmorris`), boss.text);
    const top = await getUser(`${p}bparker`);
    assert.equal(top.status, 200, top.text);
    assert.equal(top.body.user.manager, null);
  });

  test('departments of the sample are those of its README', async () => {
    const r = await api('GET', '/api/v1/departments', { session: founder });
    assert.equal(r.status, 200, r.text);
    const names = r.body.items.map((d) => d.name);
    for (const d of ['Accounting', 'Human Resources', 'Product Development', 'Product Testing', 'Payroll']) {
      assert.ok(names.includes(d), `${d} in ${r.text}`);
    }
    assert.ok(!names.includes('People'), 'ou: People is not a department');
  });

  test('importing the same file again changes nothing', async () => {
    const r = await importLdif(file);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, {
      created: 0, updated: 0, unchanged: 150, managers_linked: 0, rejected: [],
    });
  });

  test('text/plain is accepted as well', async () => {
    const r = await importLdif(file, { contentType: 'text/plain; charset=utf-8' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.unchanged, 150);
  });

  test('a changed l: updates exactly that person', async () => {
    const moved = editRecord(file, `${p}scarter`, 'l: Sunnyvale', 'l: Grenoble');
    const r = await importLdif(moved);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, {
      created: 0, updated: 1, unchanged: 149, managers_linked: 0, rejected: [],
    });
    assert.equal((await getUser(`${p}scarter`)).body.user.location, 'Grenoble');
  });

  test('a changed manager: DN relinks that person', async () => {
    const moved = editRecord(file, `${p}scarter`, `manager: uid=${p}dmiller,`,
      `manager: UID = ${p}KVaughan ,`);
    const r = await importLdif(moved);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.managers_linked, 1, r.text);
    assert.equal((await getUser(`${p}scarter`)).body.user.manager?.handle, `${p}kvaughan`);
  });

  test('imported people have no password and cannot sign in', async () => {
    const r = await api('POST', '/api/v1/auth/login', { json: { login: `${p}scarter`, password: PASSWORD } });
    assertError(r, 401, 'invalid_credentials');
  });
});

describe('import: who may', () => {
  const file = () => entry(`${prefix()}x`, ['cn: X']);

  test('an employee: 403 forbidden, with a session or a token', async () => {
    const e = await person();
    assertError(await importLdif(file(), { session: e.session }), 403, 'forbidden');
    const token = await tokenFor(e.session);
    assertError(await importLdif(file(), { session: null, token }), 403, 'forbidden');
  });

  test('anonymous: 401 unauthenticated', async () => {
    assertError(await importLdif(file(), { session: null }), 401, 'unauthenticated');
  });

  test('the admin\'s cookie without X-CSRF-Token: 403 csrf_failed', async () => {
    assertError(await importLdif(file(), { csrf: false }), 403, 'csrf_failed');
  });

  test('the admin\'s bearer token, without CSRF: 200', async () => {
    const token = await tokenFor(founder, 'ldif import');
    const r = await importLdif(file(), { session: null, token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.created, 1);
  });

  test('GET is 405 with Allow: POST', async () => {
    const r = await api('GET', ROUTE, { session: founder });
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'POST');
  });
});

describe('import: bad input', () => {
  test('a JSON, HTML or missing content type: 415', async () => {
    const body = entry(`${prefix()}ct`);
    assertError(await importLdif(body, { contentType: 'application/json' }), 415, 'unsupported_media_type');
    assertError(await importLdif(body, { contentType: 'text/html' }), 415, 'unsupported_media_type');
    assertError(await importLdif(body, { contentType: 'application/ldifx' }), 415, 'unsupported_media_type');
    // A Buffer, so that fetch adds no content type of its own.
    assertError(await importLdif(Buffer.from(body), { contentType: null }), 415, 'unsupported_media_type');
  });

  test('an empty body: 422', async () => {
    const r = await importLdif('');
    assertError(r, 422, 'validation_failed');
    assert.match(r.body.error.message, /empty/);
  });

  test('a file without people (only the sample\'s units and groups): 422', async () => {
    const units = sample.split('\n\n').filter((rec) => !/objectclass: person/i.test(rec)).join('\n\n');
    const r = await importLdif(units);
    assertError(r, 422, 'validation_failed');
    assert.match(r.body.error.message, /no person entries/);
  });

  test('change records only: 422', async () => {
    const r = await importLdif(`dn: uid=${prefix()}c,dc=x\nchangetype: delete\n`);
    assertError(r, 422, 'validation_failed');
  });

  test('binary junk and NUL bytes: 422, never a 500', async () => {
    const junk = randomBytes(64 * 1024);
    junk[0] = 0;
    const r = await importLdif(junk);
    assertError(r, 422, 'validation_failed');
    const nul = await importLdif(Buffer.from(`${entry(`${prefix()}n`)}\ncn: a\0b\n`));
    assertError(nul, 422, 'validation_failed');
  });

  test('one good entry, one without uid, one with invalid base64: 1 imported, 2 rejected with lines', async () => {
    const p = prefix();
    const file = [
      'version: 1',                                           // 1
      '',                                                     // 2
      entry(`${p}good`, ['cn: Good Person', `mail: ${p}good@example.com`]), // 3-9
      '',                                                     // 10
      `dn: uid=${p}nouid,ou=People,dc=test,dc=example`,       // 11
      'objectClass: person',                                  // 12
      'cn: No Uid',                                           // 13
      '',                                                     // 14
      entry(`${p}b64`, ['cn:: not*base64!']),                 // 15-20
      '',
    ].join('\n');
    const r = await importLdif(file);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.created, 1);
    assert.deepEqual(r.body.rejected, [
      { line: 11, reason: 'the person has no uid' },
      { line: 15, reason: 'invalid base64 in cn' },
    ]);
    assert.equal((await getUser(`${p}good`)).body.user.display_name, 'Good Person');
    assert.equal((await getUser(`${p}b64`)).status, 404);
  });

  test('CRLF, folding and base64 UTF-8; names round-trip as JSON', async () => {
    const p = prefix();
    const name = '<script>"\\\u2028 Zoë';
    const file = [`dn: uid=${p}crlf,ou=Peo`, ' ple,dc=test,dc=example', 'objectClass: person',
      `uid: ${p}crlf`, `cn:: ${b64(name)}`, 'ou: People', 'ou: R&', ' D', ''].join('\r\n');
    const r = await importLdif(file);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.created, 1, r.text);
    const u = (await getUser(`${p}crlf`)).body.user;
    assert.equal(u.display_name, name);
    assert.equal(u.department, 'R&D');
  });
});

describe('import: matching people and resolving collisions', () => {
  test('an entry with a registered person\'s e-mail adopts that account; their title stays', async () => {
    const reg = await person();
    const patched = await api('PATCH', '/api/v1/me', { session: reg.session, json: { title: 'Chief of Staff' } });
    assert.equal(patched.status, 200, patched.text);
    const uid = `${prefix()}adopt`;
    const r = await importLdif(entry(uid, ['cn: Adopted Name', `mail: ${reg.email.toUpperCase()}`,
      'ou: Payroll', 'l: Lyon']));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.created, 0);
    assert.equal(r.body.updated, 1);
    const u = (await getUser(reg.handle)).body.user;
    assert.equal(u.id, reg.id, 'the same account');
    assert.equal(u.handle, reg.handle, 'handles of existing accounts never change');
    assert.equal(u.department, 'Payroll');
    assert.equal(u.location, 'Lyon');
    assert.equal(u.title, 'Chief of Staff', 'no title in the entry: the title stays');
    assert.equal((await getUser(uid)).status, 404, 'no second account');
    await login(reg.handle); // the password still works
    const again = await importLdif(entry(uid, ['cn: Adopted Name', `mail: ${reg.email.toUpperCase()}`,
      'ou: Payroll', 'l: Lyon']));
    assert.equal(again.body.unchanged, 1, again.text);
  });

  test('a uid whose handle is taken by someone else gets _2; a used e-mail becomes <handle>@ldap.invalid', async () => {
    const reg = await person();
    const p = prefix();
    const r = await importLdif([
      entry(reg.handle.toUpperCase(), ['cn: Namesake', `mail: ${p}namesake@example.com`]),
      entry(`${p}twin`, ['cn: Twin', `mail: ${p}namesake@example.com`]),
      // A uid too short for a handle; the DN is new on every run.
      entry('ab', ['cn: Short']).replace('uid=ab,', `uid=ab,ou=${p},`),
    ].join('\n\n'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.created, 3, r.text);
    const namesake = await getUser(`${reg.handle}_2`);
    assert.equal(namesake.status, 200, namesake.text);
    assert.equal(namesake.body.user.display_name, 'Namesake');
    assert.equal((await getUser(reg.handle)).body.user.id, reg.id, 'the registered person keeps theirs');
    const twin = (await getUser(`${p}twin`)).body.user;
    assert.equal(twin.email, `${p}twin@ldap.invalid`, 'the e-mail went to the earlier entry');
    const short = await getUser('ab_');
    assert.equal(short.status, 200, 'a short uid is padded to a valid handle');
    assert.equal(short.body.user.display_name, 'Short');
  });

  test('managers that would form a loop: the first link wins, the loop is skipped', async () => {
    const p = prefix();
    const r = await importLdif([
      entry(`${p}a`, [`manager: uid=${p}b,ou=People,dc=test,dc=example`]),
      entry(`${p}b`, [`manager: uid=${p}a,ou=People,dc=test,dc=example`]),
      entry(`${p}c`, [`manager: uid=${p}c,ou=People,dc=test,dc=example`]),
    ].join('\n\n'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.created, 3);
    assert.equal(r.body.managers_linked, 1, 'a -> b; b -> a and c -> c skipped');
    assert.equal((await getUser(`${p}a`)).body.user.manager?.handle, `${p}b`);
    assert.equal((await getUser(`${p}b`)).body.user.manager, null);
    assert.equal((await getUser(`${p}c`)).body.user.manager, null);
  });
});

describe('import: the server stays free', () => {
  test('/healthz answers quickly (< 1 s) on new connections while a 20000-person import runs', { timeout: 120_000 }, async (t) => {
    const p = prefix();
    const dn = (i) => `uid=${p}${i},ou=People,dc=busy,dc=example`;
    const people = Array.from({ length: 20000 }, (_, i) => [`dn: ${dn(i)}`, 'objectClass: top',
      'objectClass: person', 'objectClass: inetOrgPerson', `uid: ${p}${i}`, `cn: Busy Person ${i}`,
      `ou: Busy ${i % 40}`, `l: Town ${i % 7}`, `title: Engineer ${i % 13}`, `mail: ${p}${i}@busy.example.com`,
      ...(i > 0 ? [`manager: ${dn(Math.floor((i - 1) / 10))}`] : [])].join('\n'));
    const file = people.join('\n\n') + '\n';
    const started = performance.now();
    const { result: r, probes } = await probeWhile(importLdif(file));
    const ms = performance.now() - started;
    try {
      assert.equal(r.status, 200, r.text.slice(0, 300));
      assert.deepEqual([r.body.created, r.body.managers_linked, r.body.rejected], [20000, 19999, []]);
      t.diagnostic(`20000 people (${(file.length / 1048576).toFixed(1)} MiB) in ${ms.toFixed(0)} ms; ` +
        `/healthz meanwhile: ${probes.map((x) => x.ms.toFixed(0)).join(' ')} ms`);
      // The import was under way for several probes, and none waited for it.
      assert.ok(probes.length >= 3, `${probes.length} probes while the import ran`);
      for (const x of probes) {
        assert.equal(x.status, 200);
        assert.ok(x.ms < 1000, `/healthz took ${x.ms.toFixed(0)} ms during the import`);
      }
    } finally {
      // The shared test database stays small for the suites after this one.
      execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c',
        `DELETE FROM users WHERE source = 'ldif' AND external_id LIKE '%,dc=busy,dc=example' AND handle LIKE '${p}%'`]);
    }
  });
});
