// The browser's post tokenizer (assets/js/text.js) must agree with the
// server's (app/text.c): for hostile and edge-case bodies, the HTML the
// server renders is rebuilt from the browser's tokens and compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, person } from '../lib/api.mjs';
import { tokenize } from '../../assets/js/text.js';

function esc(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function tagHref(tag) {
  let out = '';
  for (const b of Buffer.from(tag, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[a-z0-9_]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** What app/text.c's text_render_html produces, from our tokens. */
function html(body, mentions) {
  return tokenize(body).map((t) => {
    if (t.type === 'link') return `<a href="${esc(t.href)}" rel="nofollow noopener noreferrer" target="_blank">${esc(t.text)}</a>`;
    if (t.type === 'mention') {
      return mentions.includes(t.handle) ? `<a href="#/people/${t.handle}" class="mention">@${esc(t.text.slice(1))}</a>` : esc(t.text);
    }
    if (t.type === 'tag') return `<a href="#/tags/${tagHref(t.tag)}" class="tag">#${esc(t.text.slice(1))}</a>`;
    return esc(t.text);
  }).join('');
}

test('text.js tokenises post bodies exactly as the server does', async () => {
  const me = await person();
  const other = await person();
  const H = other.handle;
  const U = H.toUpperCase();
  const bodies = [
    `Hi @${H}, @${U}! and @nosuch_user_zz, mail ${H}@example.com x@${H} .@${H} /@${H} @@${H} @${H}@x @${H}é`,
    'see https://example.org/a?b=1&c=2). and (https://example.org/x), "https://example.org/q"',
    'http:// https:/// https://x. http://a"b <https://x.org/<y> https://a.b\tc https://é.example/ü?x=ß.',
    '#123 #a1 #_ #tag&amp; &#tag a#b #Ünïcödé #日本語 é#x —#y #tag—more #Tag_UPPER',
    '#tag😀 😀#tag #😀 @abc😀 @ab @abcdefghijklmnopqrstuvwxyz01234 @abcdefghijklmnopqrstuvwxyz0123',
    `#${'a'.repeat(50)} #${'b'.repeat(51)} #${'1'.repeat(5)}x`,
    `https://example.org/${'a'.repeat(2040)} and https://example.org/${'b'.repeat(2030)}`,
    '<script>alert(1)</script> <img src=x onerror=alert(1)> \'quoted\' & "double"',
    'line one\nline two #two\n\n@   # #! ##double #a#b',
    'https://example.org/path#fragment #x https://example.org/#tag @x.com',
  ];
  for (const body of bodies) {
    const r = await api('POST', '/api/v1/posts', { session: me.session, json: { body } });
    assert.equal(r.status, 201, r.text);
    const { post } = r.body;
    assert.equal(html(post.body, post.mentions), post.html, `body: ${JSON.stringify(body).slice(0, 120)}`);
    const tags = [...new Set(tokenize(post.body).filter((t) => t.type === 'tag').map((t) => t.tag))];
    assert.deepEqual([...tags].sort(), [...post.tags].sort(), 'the same tags');
  }
});
