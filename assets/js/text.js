// Post text: the same grammar as the server's app/text.c, so that the
// browser links exactly what the server extracted. Pure (no DOM): post.js
// turns the tokens into elements with textContent.
//
//   link     http:// or https:// then non-space characters (stopping at
//            < > " and DEL), minus trailing punctuation .,;:!?'")]} ; at most
//            2048 bytes of UTF-8
//   mention  '@' + 3..30 of [A-Za-z0-9_], not preceded by a word character,
//            '.', '@' or '/', not followed by a non-ASCII character or '@'
//   tag      '#' + 1..50 tag characters (ASCII letters, digits, '_', or any
//            non-ASCII character), not all digits, not preceded by a tag
//            character or '&'; compared lower-cased (ASCII only)
//
// The server scans UTF-8 bytes; this scans UTF-16 code units. Every rule
// only looks at ASCII characters or asks "is it non-ASCII?", and a non-ASCII
// code point is >= 0x80 in both encodings, so the two agree.
//
//   tokenize('Hi @ada #SQL') ->
//     [{type: 'text', text: 'Hi '}, {type: 'mention', text: '@ada', handle: 'ada'},
//      {type: 'text', text: ' '}, {type: 'tag', text: '#SQL', tag: 'sql'}]

export const URL_MAX_BYTES = 2048;
export const POST_MAX = 5000;
const TRAILING = '.,;:!?\'")]}';

function isAsciiWord(c) {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

// Same table as is_tag_cp() in app/text.c: ASCII word characters, and
// non-ASCII code points outside the space, punctuation and symbol blocks.
function isTagCp(cp) {
  if (cp < 0x80) return isAsciiWord(cp);
  return !(cp <= 0xbf || cp === 0xd7 || cp === 0xf7 ||
    (cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
    (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff0f) ||
    (cp >= 0xff1a && cp <= 0xff20) || cp >= 0xfff0 ||
    (cp >= 0x1f000 && cp <= 0x1faff));
}

// The code point that ends just before index i.
function cpBefore(s, i) {
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) return s.codePointAt(i - 2);
  return c;
}

/** ASCII-only lower case, as the server's text_lower(). */
export function asciiLower(s) {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Length in code points (what the API's limits count). */
export function codePoints(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n += 1;   // low surrogates end a pair already counted
  }
  return n;
}

function utf8Bytes(s) {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

function matchLink(s, i) {
  let j;
  if (s.startsWith('https://', i)) j = i + 8;
  else if (s.startsWith('http://', i)) j = i + 7;
  else return 0;
  const host = j;
  if (j >= s.length || s[j] === ' ' || s[j] === '/') return 0;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c <= 0x20 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x7f) break;
    j += 1;
  }
  while (j > i && TRAILING.includes(s[j - 1])) j -= 1;
  if (j <= host || utf8Bytes(s.slice(i, j)) > URL_MAX_BYTES) return 0;
  return j - i;
}

function matchMention(s, i) {
  if (s[i] !== '@') return 0;
  if (i > 0) {
    const p = s.charCodeAt(i - 1);
    if (isAsciiWord(p) || p === 0x2e || p === 0x40 || p === 0x2f) return 0;
  }
  let j = i + 1;
  while (j < s.length && isAsciiWord(s.charCodeAt(j))) j += 1;
  const n = j - i - 1;
  if (n < 3 || n > 30) return 0;
  if (j < s.length && (s.charCodeAt(j) >= 0x80 || s[j] === '@')) return 0;
  return j - i;
}

function matchTag(s, i) {
  if (s[i] !== '#') return 0;
  if (i > 0) {
    const p = cpBefore(s, i);
    if (isTagCp(p) || p === 0x26) return 0;
  }
  let j = i + 1;
  let chars = 0;
  let digits = 0;
  while (j < s.length) {
    const cp = s.codePointAt(j);
    if (!isTagCp(cp)) break;
    chars += 1;
    if (cp >= 0x30 && cp <= 0x39) digits += 1;
    j += cp > 0xffff ? 2 : 1;
  }
  if (chars < 1 || chars > 50 || digits === chars) return 0;
  return j - i;
}

/** Splits a post body into text, link, mention and tag tokens. */
export function tokenize(s) {
  const out = [];
  const text = String(s ?? '');
  let plain = 0;
  let i = 0;
  while (i < text.length) {
    let n = matchLink(text, i);
    let type = 'link';
    if (!n) { n = matchMention(text, i); type = 'mention'; }
    if (!n) { n = matchTag(text, i); type = 'tag'; }
    if (!n) {
      i += 1;
      continue;
    }
    if (i > plain) out.push({ type: 'text', text: text.slice(plain, i) });
    const t = text.slice(i, i + n);
    if (type === 'link') out.push({ type, text: t, href: t });
    else if (type === 'mention') out.push({ type, text: t, handle: asciiLower(t.slice(1)) });
    else out.push({ type, text: t, tag: asciiLower(t.slice(1)) });
    i += n;
    plain = i;
  }
  if (text.length > plain) out.push({ type: 'text', text: text.slice(plain) });
  return out;
}
