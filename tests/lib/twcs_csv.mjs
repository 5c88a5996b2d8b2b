// Big CSV files in the "Customer Support on Twitter" layout, made at test
// time (never stored in the repository): the real rows of the shared data
// set (../shared/data/customer-support-twitter) repeated with fresh tweet
// ids, the threads kept by remapping in_response_to_tweet_id the same way,
// so every row of every copy is new and replies still find their parents
// (or, as in the real files, wait for a parent that is not in the file).
// When the data set is absent (a clean clone without shared/), rows in the
// same layout are synthesised instead.
//
// Used by tests/api/customer_import.test.mjs and bench/webhook.mjs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The data set: $PARLEY_TWCS_DIR, else shared/ beside the checkout, else
// where the workplace keeps it.
const beside = fileURLToPath(new URL('../../../shared/data/customer-support-twitter', import.meta.url));
export const TWCS_DIR = process.env.PARLEY_TWCS_DIR ??
  (existsSync(beside) ? beside : '/work/shared/data/customer-support-twitter');
export const TWCS_HEADER = 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n';

// RFC 4180 records of a CSV text (quoted fields, "" escapes, CRLF or LF).
export function parseCsv(text) {
  const out = [];
  let rec = [], field = '', i = 0, inq = false;
  while (i < text.length) {
    const ch = text[i++];
    if (inq) {
      if (ch !== '"') field += ch;
      else if (text[i] === '"') { field += '"'; i++; } else inq = false;
    } else if (ch === '"' && field === '') inq = true;
    else if (ch === ',') { rec.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i] === '\n') i++;
      rec.push(field); field = '';
      if (rec.length > 1 || rec[0] !== '') out.push(rec);
      rec = [];
    } else field += ch;
  }
  if (field !== '' || rec.length) { rec.push(field); out.push(rec); }
  return out;
}

const intId = (s) => (s && /^\d+(\.0+)?$/.test(s.trim()) ? String(BigInt(s.trim().split('.')[0])) : '');

// The real rows, one per tweet id: {id, author, inbound, at (ms), text, parent}.
function realRows(dir) {
  const seen = new Map();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.csv')).sort()) {
    const [head, ...recs] = parseCsv(readFileSync(`${dir}/${name}`, 'utf8'));
    const col = (n) => head.indexOf(n);
    for (const r of recs) {
      const id = intId(r[col('tweet_id')]);
      if (!id || seen.has(id)) continue;
      const iso = col('created_at_iso') >= 0 && r[col('created_at_iso')] ? r[col('created_at_iso')] : r[col('created_at')];
      const at = Date.parse(iso);
      const text = r[col('text')];
      if (!Number.isFinite(at) || !text || !text.trim()) continue;
      const inb = r[col('inbound')].trim().toLowerCase();
      seen.set(id, {
        id, author: r[col('author_id')].trim(), inbound: inb === '1' || inb === 'true', at, text,
        parent: intId(r[col('in_response_to_tweet_id')]),
      });
    }
  }
  return [...seen.values()];
}

// Rows in the same shape when the data set is not there: conversations of
// one customer tweet, a brand reply and sometimes a follow-up, plus replies
// to tweets that are not in the file (orphans), as in the real exports.
function syntheticRows() {
  const rows = [];
  const base = Date.parse('2017-10-31T08:00:00Z');
  const words = 'order delivery refund account playlist battery update kindle premium app help please why still not working'.split(' ');
  const say = (n, k) => Array.from({ length: 8 + (k % 17) }, (_, j) => words[(n * 7 + j * 3 + k) % words.length]).join(' ');
  for (let n = 1; rows.length < 900; n++) {
    const cust = String(100000 + n), brand = ['AmazonHelp', 'AppleSupport', 'SpotifyCares'][n % 3];
    const root = String(n * 10);
    rows.push({ id: root, author: cust, inbound: true, at: base + n * 60000, text: `@${brand} ${say(n, 0)}, "really"?`, parent: '' });
    rows.push({ id: String(n * 10 + 1), author: brand, inbound: false, at: base + n * 60000 + 300000, text: `@${cust} ${say(n, 1)}. ^AB`, parent: root });
    if (n % 3 === 0) rows.push({ id: String(n * 10 + 2), author: cust, inbound: true, at: base + n * 60000 + 900000, text: `@${brand} ${say(n, 2)}\nthanks`, parent: String(n * 10 + 1) });
    if (n % 4 === 0) rows.push({ id: String(n * 10 + 3), author: brand, inbound: false, at: base + n * 60000, text: `@${cust} ${say(n, 3)}`, parent: String(n * 10 + 9) });
  }
  return rows;
}

export function twcsRows() {
  return existsSync(TWCS_DIR) ? realRows(TWCS_DIR) : syntheticRows();
}

const quote = (s) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n) => String(n).padStart(2, '0');
// twcs.csv's own format: "Tue Oct 31 22:10:47 +0000 2017".
function twitterDate(ms) {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

// A CSV of at most `bytes` bytes (exactly `bytes` when exact: the rest is
// blank lines, which are not records) made of copies of the rows. Copy k
// gives every tweet id, and every parent id, the fresh id
// `${base + k}${index padded to 7}`: threads stay within their copy.
// Copies alternate the two date formats and move one hour apart.
// Returns {csv: Buffer, rows, conversations (rows without a parent),
// sample}: sample is the longest thread of the last whole copy, {subject,
// opened_at, ids (its tweet ids, sorted)}, to check that threads come out
// whole (the last copy: its conversations open last, listed first).
export function twcsCsv(bytes, { exact = false, base = 1 } = {}) {
  const src = twcsRows();
  const index = new Map();
  const idx = (id) => { if (!index.has(id)) index.set(id, index.size); return index.get(id); };
  for (const r of src) idx(r.id);
  for (const r of src) if (r.parent) idx(r.parent);
  const fresh = (k, id) => `${base + k}${String(idx(id)).padStart(7, '0')}`;

  const parts = [Buffer.from(TWCS_HEADER)];
  let size = parts[0].length, rows = 0, conversations = 0;
  for (let k = 0; ; k++) {
    for (const r of src) {
      const at = r.at + k * 3600000;
      const line = Buffer.from([fresh(k, r.id), quote(r.author), r.inbound ? 'True' : 'False',
        k % 2 ? twitterDate(at) : new Date(at).toISOString().replace('.000Z', 'Z'), quote(r.text), '',
        r.parent ? fresh(k, r.parent) : ''].join(',') + '\n');
      if (size + line.length > bytes) {
        if (exact) parts.push(Buffer.alloc(bytes - size, '\n'));
        const last = Math.max(k - 1, 0);
        const sample = longestThread(src, (id) => fresh(last, id), last * 3600000);
        return { csv: Buffer.concat(parts), rows, conversations, sample };
      }
      parts.push(line);
      size += line.length;
      rows++;
      if (!r.parent) conversations++;
    }
  }
}

// The root with the most messages threaded under it (through parents that
// are in the rows), as the API shows its conversation.
function longestThread(src, freshId, shift) {
  const byId = new Map(src.map((r) => [r.id, r]));
  const rootOf = (r) => {
    for (let n = 0; r.parent && n < src.length; n++) {
      if (!byId.has(r.parent)) return null;
      r = byId.get(r.parent);
    }
    return r.parent ? null : r;
  };
  const threads = new Map();
  for (const r of src) {
    const root = rootOf(r);
    if (root) threads.set(root.id, [...(threads.get(root.id) ?? []), r.id]);
  }
  const [rootId, ids] = [...threads].sort((a, b) => b[1].length - a[1].length)[0];
  const root = byId.get(rootId);
  return {
    subject: Array.from(root.text).slice(0, 80).join(''),
    opened_at: new Date(root.at + shift).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ids: ids.map(freshId).sort(),
  };
}
