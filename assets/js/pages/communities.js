// #/communities — every community (name, description, members, questions,
// and whether you are in it), and a form to start a new one; its creator
// becomes its manager.
import { h } from '../dom.js';
import { api } from '../api.js';
import { field, formAlert, submitButton, actions, handleSubmit } from '../forms.js';
import { pagedList, withCursor } from '../paged.js';
import { tabs } from '../tabs.js';
import { plural, communityHref } from '../qa.js';
import { codePoints } from '../text.js';

const PAGE = 20;
const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$/;

export const ROLE_TEXT = { manager: 'Manager', member: 'Member', pending: 'Request pending' };

/** A name as an address: "Data & SQL!" -> "data-sql". */
export function slugify(name) {
  return String(name || '').toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
}

function communityItem(c) {
  return h('li', { class: 'community-card card', dataset: { slug: c.slug } },
    h('div', { class: 'community-card-head' },
      h('h2', { class: 'community-card-name' }, h('a', { href: communityHref(c.slug) }, c.name)),
      h('div', { class: 'community-badges' },
        c.visibility === 'closed' ? h('span', { class: 'badge' }, 'Closed') : null,
        c.my_role ? h('span', { class: ['badge', c.my_role === 'pending' ? null : 'badge-info'] }, ROLE_TEXT[c.my_role] || c.my_role) : null)),
    h('p', { class: 'community-slug muted small' }, c.slug),
    c.description ? h('p', { class: 'community-description' }, c.description) : null,
    h('p', { class: 'community-stats muted small' },
      plural(c.members ?? 0, 'member', 'members'), ' · ', plural(c.questions ?? 0, 'question', 'questions')));
}

function createForm({ navigate, onCancel }) {
  const form = h('form', { class: 'stack', id: 'community-create-form' },
    formAlert(),
    field({ name: 'name', label: 'Name', required: true, attrs: { maxlength: '100' } }),
    field({
      name: 'slug', label: 'Address', required: true,
      hint: 'Lower-case letters, digits and hyphens, 3 to 50 characters. It cannot be changed later.',
      attrs: { maxlength: '50', spellcheck: 'false', autocapitalize: 'off' },
    }),
    field({ name: 'description', label: 'What is it about?', multiline: true, rows: 3, optional: true, attrs: { maxlength: '2000' } }),
    field({
      name: 'visibility', label: 'Who can join',
      options: [['open', 'Anyone: people join at once'], ['closed', 'By request: a manager approves each member']],
      value: 'open',
    }),
    actions(submitButton('Create community', { busyText: 'Creating…' }),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: onCancel }, 'Cancel')));

  const name = form.elements.namedItem('name');
  const slug = form.elements.namedItem('slug');
  let slugEdited = false;
  name.addEventListener('input', () => {
    if (!slugEdited) slug.value = slugify(name.value);
  });
  slug.addEventListener('input', () => { slugEdited = slug.value !== ''; });

  handleSubmit(form, async (v) => {
    const r = await api.post('/communities', {
      slug: v.slug, name: v.name, description: v.description, visibility: v.visibility,
    });
    const made = (r && r.community) || { slug: v.slug, name: v.name };
    navigate(`communities/${encodeURIComponent(made.slug)}`, {
      message: [`Community “${made.name}” created. You are its manager.`, 'success'],
    });
  }, {
    validate(v) {
      const p = {};
      if (!v.name) p.name = 'Give the community a name.';
      else if (codePoints(v.name) > 100) p.name = 'Names are at most 100 characters.';
      if (!SLUG_RE.test(v.slug)) p.slug = 'Use 3 to 50 lower-case letters, digits and hyphens, starting and ending with a letter or digit.';
      if (codePoints(v.description || '') > 2000) p.description = 'Descriptions are at most 2,000 characters.';
      return p;
    },
  });
  return form;
}

export function render({ root, query, navigate, isCurrent }) {
  const state = { which: query.get('mine') === '1' ? 'mine' : 'all', q: query.get('q') || '' };
  const list = pagedList({
    label: 'Communities',
    listClass: 'community-grid',
    id: 'community-list',
    more: 'Load more communities',
    what: 'Communities',
    empty: '',
    isCurrent,
    load: (cursor) => {
      const s = new URLSearchParams();
      if (state.q) s.set('q', state.q);
      if (state.which === 'mine') s.set('mine', 'true');
      return api.get(withCursor(`/communities${s.toString() ? `?${s}` : ''}`, cursor, PAGE));
    },
    item: communityItem,
  });

  const toggle = h('button', {
    type: 'button', class: 'btn btn-primary', id: 'new-community', 'aria-expanded': 'false', 'aria-controls': 'community-create',
  }, 'New community');
  const panel = h('section', { class: 'card community-create', id: 'community-create', hidden: true, 'aria-labelledby': 'community-create-title' },
    h('h2', { class: 'card-title', id: 'community-create-title' }, 'Start a community'));
  function setOpen(open) {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) panel.querySelector('input').focus();
    else toggle.focus();
  }
  panel.append(createForm({ navigate, onCancel: () => setOpen(false) }));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setOpen(false);
  });
  toggle.addEventListener('click', () => setOpen(panel.hidden));

  const emptyText = list.element.querySelector('.paged-empty');
  function changed() {
    const s = new URLSearchParams();
    if (state.which === 'mine') s.set('mine', '1');
    if (state.q) s.set('q', state.q);
    const target = `#/communities${s.toString() ? `?${s}` : ''}`;
    if (location.hash !== target) history.replaceState(history.state, '', target);
    if (state.q) emptyText.textContent = 'No community matches that.';
    else if (state.which === 'mine') emptyText.textContent = 'You are in no community yet. Join one from the list of all communities.';
    else emptyText.textContent = 'There are no communities yet. Start the first one.';
    list.reload();
  }
  const which = tabs({
    label: 'Communities to show', id: 'community-which', items: [['all', 'All communities'], ['mine', 'Yours']], value: state.which,
    onChange: (v) => { state.which = v; changed(); },
  });
  const filter = h('input', { type: 'search', id: 'community-q', autocomplete: 'off', maxlength: '100', placeholder: 'Name or topic' });
  filter.value = state.q;
  let timer = null;
  filter.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = filter.value.trim(); changed(); }, 300);
  });
  const filterForm = h('form', { class: 'filter-bar', role: 'search', 'aria-label': 'Filter communities' },
    h('div', { class: 'field' }, h('label', { for: 'community-q' }, 'Find a community'), filter));
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    state.q = filter.value.trim();
    changed();
  });

  root.append(
    h('div', { class: 'page-header page-header-row' },
      h('div', null,
        h('h1', { tabindex: '-1', class: 'page-title' }, 'Communities'),
        h('p', { class: 'page-lead' }, 'Groups around teams, products and interests. Join one to ask questions and share what you know.')),
      h('div', { class: 'page-header-actions' }, toggle)),
    panel,
    which.element,
    which.panel(filterForm, list.element),
  );
  changed();
  return () => clearTimeout(timer);
}
