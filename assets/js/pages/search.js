// #/search?q=…&type=… — one search over posts, questions, answers,
// bookmarks and people, most relevant first. Each result links to where
// it lives (its url is a route of this app, or for a bookmark the saved
// page); the matched words in its snippet are shown as <mark> (marks.js).
import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { pagedList, withCursor } from '../paged.js';
import { tabs } from '../tabs.js';
import { markParts } from '../marks.js';

const PAGE = 20;
const TYPES = [['all', 'All'], ['posts', 'Posts'], ['questions', 'Questions'], ['answers', 'Answers'], ['bookmarks', 'Bookmarks'], ['people', 'People']];
const TYPE_LABEL = { post: 'Post', question: 'Question', answer: 'Answer', bookmark: 'Bookmark', person: 'Person', user: 'Person', people: 'Person' };

/** Text with its marked parts as <mark> elements. */
export function markedNodes(text) {
  return markParts(text).map((p) => (p.marked ? h('mark', null, p.text) : p.text));
}

/** Where a result leads: an app route ("#/questions/5"), or a web page. */
function resultLink(r, children) {
  const url = String(r.url || '');
  if (url.startsWith('#/')) return h('a', { href: url }, children);
  if (/^https?:\/\//i.test(url)) return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow' }, children);
  return h('span', null, children);
}

function resultItem(r) {
  const kind = TYPE_LABEL[r.type] || String(r.type || '');
  return h('li', { class: 'search-result', dataset: { type: String(r.type || '') } },
    h('p', { class: 'search-kind' }, h('span', { class: ['badge', `badge-kind-${r.type}`] }, kind)),
    h('h2', { class: 'search-title' }, resultLink(r, r.title || '(untitled)')),
    r.snippet ? h('p', { class: 'search-snippet' }, markedNodes(r.snippet)) : null);
}

export function render({ root, query, isCurrent }) {
  const state = {
    q: (query.get('q') || '').trim(),
    type: TYPES.some(([v]) => v === query.get('type')) ? query.get('type') : 'all',
  };
  const input = h('input', { type: 'search', id: 'search-q', name: 'q', autocomplete: 'off', maxlength: '200', placeholder: 'Words to look for' });
  input.value = state.q;
  const form = h('form', { class: 'card directory-search search-form', role: 'search', 'aria-label': 'Search Parley' },
    h('div', { class: 'inline-form-row' },
      h('div', { class: 'field field-grow' }, h('label', { for: 'search-q' }, 'Search for'), input),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Search'))));
  const status = h('p', { class: 'directory-status muted', id: 'search-status', role: 'status' });

  const results = pagedList({
    label: 'Search results',
    listTag: 'ol',
    listClass: 'search-results',
    id: 'search-results',
    more: 'More results',
    what: 'The search',
    empty: 'Nothing matches. Try other or fewer words.',
    isCurrent,
    load: (cursor) => {
      const s = new URLSearchParams({ q: state.q, type: state.type });
      return api.get(withCursor(`/search?${s}`, cursor, PAGE));
    },
    item: resultItem,
    onLoaded: (r, { count }) => {
      status.textContent = count ? `${count}${r.next_cursor ? '+' : ''} ${count === 1 && !r.next_cursor ? 'result' : 'results'} for “${state.q}”` : '';
    },
  });
  const hint = h('p', { class: 'muted feed-empty', id: 'search-hint' }, 'Type a word or two to search posts, questions, answers, bookmarks and people.');

  function syncAddress() {
    const s = new URLSearchParams();
    if (state.q) s.set('q', state.q);
    if (state.type !== 'all') s.set('type', state.type);
    const target = `#/search${s.toString() ? `?${s}` : ''}`;
    if (location.hash !== target) history.replaceState(history.state, '', target);
    const header = document.getElementById('header-search-q');
    if (header) header.value = state.q;
  }
  function run() {
    syncAddress();
    clear(status);
    hint.hidden = !!state.q;
    results.element.hidden = !state.q;
    if (state.q) {
      document.title = `${state.q} · Search · Parley`;
      results.reload();
    }
  }

  const typeTabs = tabs({
    label: 'What to search', id: 'search-type', items: TYPES, value: state.type,
    onChange: (v) => { state.type = v; run(); },
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    state.q = input.value.trim();
    if (!state.q) {
      input.focus();
      return;
    }
    run();
  });

  root.append(
    h('div', { class: 'page-header' }, h('h1', { tabindex: '-1', class: 'page-title' }, 'Search')),
    form,
    typeTabs.element,
    typeTabs.panel(status, hint, results.element),
  );
  run();
  return null;
}
