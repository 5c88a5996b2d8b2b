// Search snippets mark the matched words with plain-text markers: « and »
// (search_snippet() in sql/0008_search.sql, which turns those characters
// in the text itself into ‹ and ›). Pure: splits a snippet into
// parts; the search page turns marked parts into <mark> elements with
// textContent, so a snippet can never become markup.
//
//   markParts('a «b» c')    -> [{text: 'a ', marked: false},
//                              {text: 'b', marked: true}, {text: ' c', marked: false}]
//
// An opening marker without its closing one marks nothing (the rest is
// plain text, markers removed); stray closing markers are dropped.

export const MARK_OPEN = '\u00ab';   // «
export const MARK_CLOSE = '\u00bb';  // »

export function markParts(snippet, open = MARK_OPEN, close = MARK_CLOSE) {
  const s = String(snippet ?? '');
  const out = [];
  const push = (text, marked) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.marked === marked) last.text += text;
    else out.push({ text, marked });
  };
  let i = 0;
  while (i < s.length) {
    const o = s.indexOf(open, i);
    if (o === -1) {
      push(s.slice(i).split(close).join(''), false);
      break;
    }
    push(s.slice(i, o).split(close).join(''), false);
    const c = s.indexOf(close, o + open.length);
    if (c === -1) {
      push(s.slice(o + open.length).split(open).join(''), false);
      break;
    }
    push(s.slice(o + open.length, c).split(open).join(''), true);
    i = c + close.length;
  }
  return out;
}
