// Questions and answers in the browser: the pieces the community, question
// and search pages share. Bodies are plain text with the same grammar as
// posts (text.js), built as DOM nodes; never the API's `html`.
//
//   questionItem(q)          a question in a list (score, answers, title, tags)
//   voteControl({...})       up/down votes with the score between them
//   qaBody(text)             a question's or answer's body
//   parseTags('a, #b, a')    -> ['a', 'b'] (at most `max`)
import { h, link } from './dom.js';
import { api } from './api.js';
import { errorMessage } from './forms.js';
import { announce } from './shell.js';
import { asciiLower } from './text.js';
import { bodyNodes, relativeTime, profileHref } from './post.js';
import { icon } from './icons.js';

export const TITLE_MIN = 10;
export const TITLE_MAX = 200;
export const BODY_MAX = 20000;
export const TAGS_MAX = 5;

export function plural(n, one, many) {
  const v = Number(n) || 0;
  return `${v.toLocaleString()} ${v === 1 ? one : many}`;
}

export function questionHref(id) {
  return link(`questions/${encodeURIComponent(id)}`);
}

export function communityHref(slug, query = '') {
  return link(`communities/${encodeURIComponent(slug)}${query}`);
}

/** Tags typed as "sql, #Kore, sql" -> ['sql', 'Kore']: trimmed, without a
 *  leading '#', duplicates (ASCII case-insensitive) dropped, in order. */
export function parseTags(text) {
  const seen = new Set();
  const out = [];
  for (const raw of String(text || '').split(',')) {
    const t = raw.trim().replace(/^#+/, '').trim();
    const key = asciiLower(t);
    if (!t || seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

/** The body of a question or an answer: text, links, @mentions, #tags. */
export function qaBody(text, className = 'post-body qa-body') {
  return h('div', { class: className }, bodyNodes(text, true));
}

/** Tag chips; hrefFor(tag) gives each one's link (none: plain chips). */
export function tagChips(tags, { label = 'Tags', hrefFor = null, onPick = null } = {}) {
  if (!tags || !tags.length) return null;
  return h('ul', { class: 'chips tag-chips', 'aria-label': label }, tags.map((t) => {
    let inner = `#${t}`;
    if (onPick) inner = h('button', { type: 'button', class: 'chip-button', onclick: () => onPick(t), 'aria-label': `Filter by tag ${t}` }, `#${t}`);
    else if (hrefFor) inner = h('a', { href: hrefFor(t), class: 'chip-link' }, `#${t}`);
    return h('li', { class: 'chip' }, inner);
  }));
}

/** "By Ann Author · 5 minutes ago" with links. */
export function byline(author, createdAt, prefix = 'Asked by') {
  const a = author || { handle: '', display_name: 'Someone' };
  return h('p', { class: 'qa-byline' },
    prefix ? `${prefix} ` : null,
    a.handle ? h('a', { href: profileHref(a.handle), class: 'qa-author' }, a.display_name) : a.display_name,
    createdAt ? [h('span', { class: 'post-dot', 'aria-hidden': 'true' }, ' · '), relativeTime(createdAt)] : null);
}

/** A question in a list: its counts, title link, tags and who asked. */
export function questionItem(q, { showCommunity = false, headingLevel = 'h3' } = {}) {
  const answered = (q.answer_count || 0) > 0;
  const accepted = !!q.accepted_answer_id || q.accepted === true;
  // Hidden by a moderator: without its title for everyone but its author
  // and the moderators ("moderation" set), who see it marked.
  const gone = !!q.hidden && !q.moderation;
  return h('li', { class: 'question-item', dataset: { questionId: String(q.id) } },
    h('div', { class: 'question-stats', 'aria-hidden': 'true' },
      h('span', { class: 'qstat' }, h('strong', null, String(q.score ?? 0)), h('span', null, (q.score ?? 0) === 1 ? 'vote' : 'votes')),
      h('span', { class: ['qstat', answered ? 'qstat-answered' : null, accepted ? 'qstat-accepted' : null] },
        h('strong', null, String(q.answer_count ?? 0)), h('span', null, q.answer_count === 1 ? 'answer' : 'answers'))),
    h('div', { class: 'question-main' },
      h(headingLevel, { class: 'question-title' },
        h('a', { href: questionHref(q.id) }, gone ? 'Hidden by a moderator' : q.title),
        q.hidden && !gone ? [' ', h('span', { class: 'badge badge-danger' }, 'Hidden')] : null,
        h('span', { class: 'visually-hidden' },
          `, ${plural(q.score ?? 0, 'vote', 'votes')}, ${plural(q.answer_count ?? 0, 'answer', 'answers')}${accepted ? ', answer accepted' : ''}`)),
      h('div', { class: 'question-meta' },
        tagChips(q.tags, { hrefFor: q.community ? (t) => communityHref(q.community, `?tag=${encodeURIComponent(t)}`) : null }),
        showCommunity && q.community
          ? h('a', { class: 'question-community', href: communityHref(q.community) }, q.community)
          : null,
        q.author ? byline(q.author, q.created_at) : null)));
}

/**
 * Up/down votes around a score. Clicking the chosen direction again takes
 * the vote back (sends 0). opts: path ('/questions/5/votes'), score, myVote
 * (1, -1 or 0), own (true: disabled, with ownText as the tooltip), what
 * ('question' | 'answer').
 */
export function voteControl({ path, score, myVote = 0, own = false, ownText = '', what = 'question' }) {
  let value = Number(myVote) || 0;
  let current = Number(score) || 0;
  const scoreEl = h('span', { class: 'vote-score', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const up = h('button', { type: 'button', class: 'vote-button vote-up' }, icon('arrowUp'));
  const down = h('button', { type: 'button', class: 'vote-button vote-down' }, icon('arrowUp', { className: 'icon icon-flip' }));
  const el = h('div', { class: 'vote', role: 'group', 'aria-label': `Votes on this ${what}`, title: own ? ownText : null },
    up, scoreEl, down);

  function draw() {
    scoreEl.replaceChildren(h('span', { class: 'vote-count' }, String(current)),
      h('span', { class: 'visually-hidden' }, current === 1 ? ' vote' : ' votes'));
    up.setAttribute('aria-pressed', value === 1 ? 'true' : 'false');
    down.setAttribute('aria-pressed', value === -1 ? 'true' : 'false');
    up.setAttribute('aria-label', `Vote up${value === 1 ? ' (your vote)' : ''}`);
    down.setAttribute('aria-label', `Vote down${value === -1 ? ' (your vote)' : ''}`);
    up.classList.toggle('is-on', value === 1);
    down.classList.toggle('is-on', value === -1);
    for (const b of [up, down]) {
      b.disabled = own;
      b.title = own ? ownText : '';
    }
  }

  async function vote(direction, button) {
    if (own || el.getAttribute('aria-busy') === 'true') return;
    const next = value === direction ? 0 : direction;
    el.setAttribute('aria-busy', 'true');
    try {
      const r = await api.post(path, { value: next });
      value = next;
      if (r && typeof r.score === 'number') current = r.score;
      draw();
      button.focus();
    } catch (err) {
      announce(`Voting failed: ${errorMessage(err)}`, 'error');
    } finally {
      el.removeAttribute('aria-busy');
    }
  }
  up.addEventListener('click', () => vote(1, up));
  down.addEventListener('click', () => vote(-1, down));
  draw();
  return el;
}
