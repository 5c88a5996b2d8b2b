// Helpers for the suites about knowledge (search, experts): words no other
// test uses, SQL against the test database for what no API does, and
// factories for posts, communities, questions and answers that assert each
// was created.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { api, unique } from './api.mjs';

// A word no other test uses: letters only, so that it is one lexeme.
export function word(prefix = 'zq') {
  return prefix + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

// Runs one statement through psql on the test database (PARLEY_DATABASE,
// set by tools/test.sh); returns its unaligned output, trimmed.
export function sql(statement) {
  assert.ok(process.env.PARLEY_DATABASE, 'PARLEY_DATABASE names the test database');
  return execFileSync('psql', [process.env.PARLEY_DATABASE, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1',
    '-c', statement], { encoding: 'utf8' }).trim();
}

// A query string with q, and anything else already encoded.
export const q = (text, extra = '') => `q=${encodeURIComponent(text)}${extra}`;

export async function post(who, body) {
  const r = await api('POST', '/api/v1/posts', { session: who.session, json: { body } });
  assert.equal(r.status, 201, r.text);
  return r.body.post;
}

// A new community of owner's with members joined (and, when closed,
// approved); returns its slug.
export async function community(owner, visibility = 'open', members = []) {
  const slug = unique('k').replace(/_/g, '-');
  const r = await api('POST', '/api/v1/communities', { session: owner.session,
    json: { slug, name: `Knowledge ${slug}`, description: '', visibility } });
  assert.equal(r.status, 201, r.text);
  for (const m of members) {
    const j = await api('POST', `/api/v1/communities/${slug}/members`, { session: m.session, raw: '' });
    if (visibility === 'closed') {
      assert.equal(j.status, 202, j.text);
      const a = await api('POST', `/api/v1/communities/${slug}/members/${m.handle}/approve`,
        { session: owner.session, raw: '' });
      assert.equal(a.status, 200, a.text);
    } else {
      assert.equal(j.status, 201, j.text);
    }
  }
  return slug;
}

export async function question(who, slug, title, body = 'Some details.', tags = []) {
  const r = await api('POST', `/api/v1/communities/${slug}/questions`, { session: who.session,
    json: { title, body, tags } });
  assert.equal(r.status, 201, r.text);
  return r.body.question;
}

export async function answer(who, qid, body = `An answer ${unique('a')}`) {
  const r = await api('POST', `/api/v1/questions/${qid}/answers`, { session: who.session, json: { body } });
  assert.equal(r.status, 201, r.text);
  return r.body.answer;
}
