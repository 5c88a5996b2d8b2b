// #/people — the directory. Searches as you type (250 ms after the last
// key) and on submit; q, department and skill live in the address
// (#/people?q=ada&department=Platform) so a search can be shared.
import { h, clear, pageHeader, avatar, uid } from '../dom.js';
import { api } from '../api.js';
import { errorMessage } from '../forms.js';
import { profileHref } from '../post.js';

const PAGE = 20;
const DEBOUNCE_MS = 250;

export function personCard(u) {
  const nameId = uid('person');
  const skills = u.skills || [];
  return h('li', { class: 'person-card card' },
    h('div', { class: 'person-row' },
      avatar(u, 'md'),
      h('div', { class: 'person-row-text' },
        h('h2', { class: 'person-card-name', id: nameId },
          h('a', { href: profileHref(u.handle) }, u.display_name)),
        h('p', { class: 'muted small' }, `@${u.handle}`))),
    u.title || u.department
      ? h('p', { class: 'person-card-role' },
        u.title || null,
        u.title && u.department ? h('span', { class: 'muted' }, ' · ') : null,
        u.department ? h('span', { class: 'muted' }, u.department) : null)
      : null,
    skills.length
      ? h('ul', { class: 'chips', 'aria-label': `Skills of ${u.display_name}` }, skills.slice(0, 8).map((s) =>
        h('li', { class: 'chip' }, s.name)),
      skills.length > 8 ? h('li', { class: 'chip chip-more' }, `+${skills.length - 8}`) : null)
      : null);
}

export function render({ root, query, isCurrent }) {
  const form = h('form', { class: 'directory-search card', role: 'search', 'aria-label': 'People' });
  const q = h('input', {
    type: 'search', id: 'people-q', name: 'q', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Name, handle, title or skill', maxlength: '100',
  });
  q.value = query.get('q') || '';
  const dept = h('select', { id: 'people-department', name: 'department' },
    h('option', { value: '' }, 'All departments'));
  const wantedDept = query.get('department') || '';
  if (wantedDept) dept.append(h('option', { value: wantedDept, selected: true }, wantedDept));
  const skill = h('input', { type: 'text', id: 'people-skill', name: 'skill', autocomplete: 'off', maxlength: '50', placeholder: 'e.g. PostgreSQL' });
  skill.value = query.get('skill') || '';
  form.append(
    h('div', { class: 'directory-fields' },
      h('div', { class: 'field field-grow' }, h('label', { for: 'people-q' }, 'Search people'), q),
      h('div', { class: 'field' }, h('label', { for: 'people-department' }, 'Department'), dept),
      h('div', { class: 'field' }, h('label', { for: 'people-skill' }, 'Skill'), skill),
      h('div', { class: 'form-actions directory-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Search'))));

  const status = h('p', { class: 'directory-status muted', id: 'people-status', role: 'status', 'aria-live': 'polite' });
  const results = h('ul', { class: 'people-grid', id: 'people-results' });
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, 'Load more people');
  const problem = h('div');

  let seq = 0;
  let cursor = null;
  let timer = null;
  let lastKey = null;

  function params() {
    return { q: q.value.trim(), department: dept.value, skill: skill.value.trim() };
  }

  function syncAddress(p) {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(p)) if (v) s.set(k, v);
    const target = `#/people${s.toString() ? `?${s}` : ''}`;
    if (location.hash !== target) history.replaceState(history.state, '', target);
  }

  async function search({ append = false, force = false } = {}) {
    clearTimeout(timer);
    const p = params();
    const key = JSON.stringify(p);
    if (!append && !force && key === lastKey) return;
    lastKey = key;
    if (!append) syncAddress(p);
    const mine = ++seq;
    const s = new URLSearchParams({ limit: String(PAGE) });
    for (const [k, v] of Object.entries(p)) if (v) s.set(k, v);
    if (append && cursor) s.set('cursor', cursor);
    results.setAttribute('aria-busy', 'true');
    clear(problem);
    if (!append) status.textContent = 'Searching…';
    try {
      const r = await api.get(`/people?${s}`);
      if (mine !== seq || !isCurrent()) return;
      const items = r.items || [];
      if (!append) clear(results);
      const before = results.children.length;
      results.append(...items.map(personCard));
      cursor = r.next_cursor || null;
      more.hidden = !cursor;
      const shown = results.children.length;
      const filtered = p.q || p.department || p.skill;
      if (!shown) status.textContent = filtered ? 'No one matches that search.' : 'No one is in the directory yet.';
      else status.textContent = `${cursor ? `${shown}+` : shown} ${shown === 1 && !cursor ? 'person' : 'people'}${filtered ? ' found' : ''}`;
      if (append) {
        const first = results.children[before];
        if (first) first.querySelector('a').focus();
      }
    } catch (err) {
      if (mine !== seq || !isCurrent()) return;
      status.textContent = '';
      lastKey = null;
      problem.append(h('div', { class: 'notice notice-error' }, h('p', null, `The search failed: ${errorMessage(err)}`)));
    } finally {
      if (mine === seq) results.setAttribute('aria-busy', 'false');
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(() => search(), DEBOUNCE_MS);
  }

  q.addEventListener('input', later);
  skill.addEventListener('input', later);
  dept.addEventListener('change', () => search());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    search({ force: true });
  });
  more.addEventListener('click', () => search({ append: true }));

  async function loadDepartments() {
    try {
      const r = await api.get('/departments');
      if (!isCurrent()) return;
      const current = dept.value;
      clear(dept).append(h('option', { value: '' }, 'All departments'));
      for (const d of r.items || []) {
        dept.append(h('option', { value: d.name, selected: d.name === current }, `${d.name} (${d.members})`));
      }
      if (current && !(r.items || []).some((d) => d.name === current)) {
        dept.append(h('option', { value: current, selected: true }, current));
      }
    } catch {
      // The filter still works with what the address gave; no message.
    }
  }

  root.append(
    pageHeader('People', 'Find colleagues by name, handle, title, skill or department. Small typos are fine.'),
    form,
    h('section', { class: 'directory-results', 'aria-labelledby': 'people-results-title' },
      h('h2', { id: 'people-results-title', class: 'visually-hidden' }, 'Results'),
      status,
      problem,
      results,
      h('div', { class: 'feed-more' }, more)),
  );
  loadDepartments();
  search({ force: true });
  return () => clearTimeout(timer);
}

