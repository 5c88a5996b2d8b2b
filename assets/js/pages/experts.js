// #/experts?q=… — "Find an expert": people ranked by what they have shown
// they know about a topic (accepted answers, answers and their votes,
// posts, bookmarks, declared skills, endorsements), each with the reason
// in one sentence and the evidence as small counts.
import { h, clear, avatar } from '../dom.js';
import { api } from '../api.js';
import { errorMessage } from '../forms.js';
import { profileHref } from '../post.js';

const LIMIT = 10;
const DEBOUNCE_MS = 400;
const EVIDENCE = [
  ['accepted_answers', 'Accepted answers'],
  ['answers', 'Answers'],
  ['answer_score', 'Answer votes'],
  ['posts', 'Posts'],
  ['bookmarks', 'Bookmarks'],
  ['endorsements', 'Endorsements'],
];

function evidenceList(e = {}) {
  const items = EVIDENCE.filter(([k]) => Number(e[k]) > 0).map(([k, label]) =>
    h('div', { class: 'evidence-item' }, h('dt', null, label), h('dd', null, String(e[k]))));
  if (e.skill_declared) items.push(h('div', { class: 'evidence-item' }, h('dt', null, 'Skill'), h('dd', null, 'Listed on profile')));
  return items.length ? h('dl', { class: 'evidence' }, items) : null;
}

function expertItem(x, rank, top) {
  const u = x.user || {};
  const score = Number(x.score) || 0;
  return h('li', { class: 'expert card', dataset: { handle: u.handle || '' } },
    h('span', { class: 'expert-rank', 'aria-hidden': 'true' }, String(rank)),
    avatar(u, 'md'),
    h('div', { class: 'expert-main' },
      h('h2', { class: 'expert-name' },
        h('a', { href: profileHref(u.handle) }, u.display_name),
        h('span', { class: 'muted expert-handle' }, ` @${u.handle}`)),
      u.title || u.department ? h('p', { class: 'small muted expert-role' }, [u.title, u.department].filter(Boolean).join(' · ')) : null,
      x.why ? h('p', { class: 'expert-why' }, x.why) : null,
      evidenceList(x.evidence)),
    h('div', { class: 'expert-score' },
      h('meter', {
        min: '0', max: String(top > 0 ? top : 1), value: String(score), class: 'score-meter',
        'aria-label': `Relevance of ${u.display_name}`, title: `Score ${score.toFixed(1)}`,
      }),
      h('span', { class: 'small muted' }, rank === 1 ? 'Best match' : `${Math.round((score / (top || 1)) * 100)}% of best`)));
}

export function render({ root, query, isCurrent }) {
  const input = h('input', {
    type: 'search', id: 'experts-q', name: 'q', autocomplete: 'off', maxlength: '200',
    placeholder: 'e.g. PostgreSQL replication, Kore, expense reports',
  });
  input.value = query.get('q') || '';
  const form = h('form', { class: 'card directory-search experts-form', role: 'search', 'aria-label': 'Find an expert' },
    h('div', { class: 'inline-form-row' },
      h('div', { class: 'field field-grow' }, h('label', { for: 'experts-q' }, 'What do you need help with?'), input),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Find experts'))));
  const status = h('p', { class: 'directory-status muted', id: 'experts-status', role: 'status' });
  const list = h('ol', { class: 'expert-list', id: 'expert-list', 'aria-label': 'Experts, best match first' });
  const problem = h('div');
  let seq = 0;
  let timer = null;
  let last = null;

  async function find(force = false) {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!force && q === last) return;
    last = q;
    const target = `#/experts${q ? `?q=${encodeURIComponent(q)}` : ''}`;
    if (location.hash !== target) history.replaceState(history.state, '', target);
    clear(problem);
    if (!q) {
      seq += 1;
      clear(list);
      status.textContent = 'Name a topic: a technology, a product, a process.';
      return;
    }
    const mine = ++seq;
    status.textContent = 'Looking…';
    list.setAttribute('aria-busy', 'true');
    try {
      const r = await api.get(`/experts?${new URLSearchParams({ q, limit: String(LIMIT) })}`);
      if (mine !== seq || !isCurrent()) return;
      const items = r.items || [];
      const top = Math.max(0, ...items.map((x) => Number(x.score) || 0));
      clear(list).append(...items.map((x, i) => expertItem(x, i + 1, top)));
      status.textContent = items.length
        ? `${items.length} ${items.length === 1 ? 'person knows' : 'people know'} about “${q}”, best match first.`
        : `No one has shown knowledge of “${q}” yet. Ask the question in a community: the people who answer become the experts.`;
    } catch (err) {
      if (mine !== seq || !isCurrent()) return;
      last = null;
      status.textContent = '';
      problem.append(h('div', { class: 'notice notice-error' }, h('p', null, `The search failed: ${errorMessage(err)}`)));
    } finally {
      if (mine === seq) list.setAttribute('aria-busy', 'false');
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => find(), DEBOUNCE_MS);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    find(true);
  });

  root.append(
    h('div', { class: 'page-header' },
      h('h1', { tabindex: '-1', class: 'page-title' }, 'Find an expert'),
      h('p', { class: 'page-lead' }, 'Who has shown they know a topic: through accepted answers, answers, posts, bookmarks, declared skills and endorsements.')),
    form,
    h('section', { 'aria-labelledby': 'experts-results-title' },
      h('h2', { class: 'visually-hidden', id: 'experts-results-title' }, 'Experts'),
      status, problem, list),
  );
  find(true);
  return () => clearTimeout(timer);
}
