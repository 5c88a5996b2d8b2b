// bench/sqlcapture.mjs: from a server log written with log_statement = all,
// the statements each benchmarked request sent, parameters inlined, as
// pgbench scripts (what "SQL alone" replays in make bench).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const at = '2026-11-22 17:05:24.953 UTC';
const line = (pid, kind, text) => `${at} [${pid}] postgres@parley_bench ${kind}:  ${text}`;

function capture(log, run = '1795000000') {
  const dir = mkdtempSync(join(tmpdir(), 'sqlcapture-'));
  try {
    const out = execFileSync('node', ['bench/sqlcapture.mjs', dir, run], { input: log, encoding: 'utf8' });
    const files = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    return { out, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('statements between markers, with their parameters inlined, one script per endpoint', () => {
  const log = [
    line(1, 'LOG', 'statement: SELECT 1'),                       // before any marker: not captured
    line(2, 'LOG', "statement: SELECT 'bench-mark:me'"),
    line(3, 'LOG', 'execute p1: SELECT u.id FROM users u'),
    '\tWHERE u.id = $1 AND u.handle = $2',                      // a statement over two lines
    line(3, 'DETAIL', "parameters: $1 = '4', $2 = 'o''brien'"),
    line(3, 'LOG', 'execute p2: SELECT $10, $1'),
    line(3, 'DETAIL', "parameters: $1 = NULL, $10 = 'ten'"),
    line(2, 'LOG', "statement: SELECT 'bench-mark:home'"),
    line(3, 'LOG', 'statement: BEGIN'),
    line(3, 'ERROR', 'something went wrong'),                   // not a statement
    line(3, 'LOG', 'statement: COMMIT;'),
    line(2, 'LOG', "statement: SELECT 'bench-mark:end'"),
    line(3, 'LOG', 'statement: SELECT 2'),                       // after the end: not captured
  ].join('\n') + '\n';
  const { out, files } = capture(log);
  assert.deepEqual(Object.keys(files).sort(), ['home.sql', 'me.sql']);
  assert.equal(files['me.sql'],
    "SELECT u.id FROM users u\nWHERE u.id = '4' AND u.handle = 'o''brien';\nSELECT 'ten', NULL;\n");
  assert.equal(files['home.sql'], 'BEGIN;\nCOMMIT;\n');
  assert.match(out, /sqlcapture: me: 2 statements/);
});

test('the webhook\'s external ids become pgbench variables outside the literal, so replays are new messages', () => {
  const run = '1795000001';
  const body = `{"messages":[{"external_id":"${run}-7","text":"it''s broken"}]}`;
  const log = [
    line(2, 'LOG', "statement: SELECT 'bench-mark:webhook'"),
    line(3, 'LOG', 'execute p9: SELECT customer_ingest($1, $2::jsonb)'),
    line(3, 'DETAIL', `parameters: $1 = '1', $2 = '${body}'`),
    line(2, 'LOG', "statement: SELECT 'bench-mark:end'"),
  ].join('\n') + '\n';
  const { files } = capture(log, run);
  const [set, stmt] = files['webhook.sql'].trim().split('\n');
  assert.equal(set, '\\set n random(1, 1000000000)');
  assert.equal(stmt, `SELECT customer_ingest('1', replace('${body}', '"${run}-', '"${run}-pg' || :client_id || '-' || :n || '-')::jsonb);`);
});
