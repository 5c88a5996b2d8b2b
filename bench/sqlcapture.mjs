// Reads a PostgreSQL server log written with log_statement = all (stdin)
// and writes, for every "bench-mark:<name>" marker bench/run.sh logged
// before requesting an endpoint, the statements Parley sent for that one
// request into DIR/<name>.sql, parameters inlined as the literals the log
// shows, ready for pgbench (-M simple or prepared). The webhook's external
// ids get pgbench variables so that replays are new messages, as under wrk.
//   tail -c +N server.log | node bench/sqlcapture.mjs DIR RUN
import { readFileSync, writeFileSync } from 'node:fs';

const [dir, run] = process.argv.slice(2);
const lines = readFileSync(0, 'utf8').split('\n');
const head = /^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[(\d+)\] \S* ?(LOG|DETAIL|ERROR|STATEMENT|WARNING|NOTICE|HINT|CONTEXT):\s+(.*)$/;
// Join continuation lines (a statement spanning lines) to their entry.
const entries = [];
for (const l of lines) {
  const m = head.exec(l);
  if (m) entries.push({ pid: m[1], kind: m[2], text: m[3] });
  else if (entries.length) entries[entries.length - 1].text += '\n' + l.replace(/^\t/, '');
}
const scripts = {};
let cur = null;
for (let i = 0; i < entries.length; i++) {
  const e = entries[i];
  const mark = /bench-mark:([a-z]+)/.exec(e.text);
  if (e.kind === 'LOG' && mark && /^statement: SELECT 'bench-mark/.test(e.text)) {
    cur = mark[1] === 'end' ? null : (scripts[mark[1]] = []);
    continue;
  }
  if (!cur || e.kind !== 'LOG') continue;
  let m = /^(?:statement|execute [^:]*): ([\s\S]*)$/.exec(e.text);
  if (!m) continue;
  let sql = m[1].trim();
  const next = entries[i + 1];
  if (next && next.kind === 'DETAIL' && next.text.startsWith('parameters:')) {
    const params = {};
    for (const p of next.text.matchAll(/\$(\d+) = (NULL|'(?:[^']|'')*')/g)) params[p[1]] = p[2];
    sql = sql.replace(/\$(\d+)/g, (all, n) => (n in params ? params[n] : all));
  }
  cur.push(sql);
}
for (const [name, stmts] of Object.entries(scripts)) {
  let text = stmts.map((s) => s.replace(/;\s*$/, '') + ';').join('\n') + '\n';
  if (name === 'webhook') {
    // The variables stand outside the literal, in a replace() around it:
    // under -M prepared pgbench makes each one a parameter ($1), which
    // inside quotes would be just text.
    const lit = new RegExp(`'((?:[^']|'')*"${run}-(?:[^']|'')*)'`, 'g');
    text = '\\set n random(1, 1000000000)\n' + text.replace(lit, (all, body) =>
      `replace('${body}', '"${run}-', '"${run}-pg' || :client_id || '-' || :n || '-')`);
  }
  writeFileSync(`${dir}/${name}.sql`, text);
  console.log(`sqlcapture: ${name}: ${stmts.length} statements`);
}
