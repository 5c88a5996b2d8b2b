// #/bookmarks — your bookmarks, everyone's (public ones) and the most saved
// links; filters by tag (click a tag) and words; adding, editing, deleting;
// importing a browser's bookmark file (with upload progress and the lines
// it could not use) and exporting yours as one. The view and the filters
// live in the address (#/bookmarks?view=all&tag=sql&q=backup).
import { h, clear } from '../dom.js';
import { api, upload, download, saveBlob } from '../api.js';
import { errorMessage, showFormError } from '../forms.js';
import { pagedList, withCursor } from '../paged.js';
import { tabs } from '../tabs.js';
import { plural } from '../qa.js';
import { icon } from '../icons.js';
import { bookmarkForm, bookmarkItem, popularItem } from '../bookmark.js';

const PAGE = 20;
const DEBOUNCE_MS = 300;
const VIEWS = [['mine', 'Mine'], ['all', 'Everyone’s'], ['popular', 'Popular']];
const IMPORT_MAX = 10 * 1024 * 1024;

export function render({ root, query, user, announce, isCurrent }) {
  const state = {
    view: VIEWS.some(([v]) => v === query.get('view')) ? query.get('view') : 'mine',
    tag: (query.get('tag') || '').replace(/^#/, ''),
    q: query.get('q') || '',
  };
  function syncAddress() {
    const s = new URLSearchParams();
    if (state.view !== 'mine') s.set('view', state.view);
    if (state.tag && state.view !== 'popular') s.set('tag', state.tag);
    if (state.q && state.view !== 'popular') s.set('q', state.q);
    const target = `#/bookmarks${s.toString() ? `?${s}` : ''}`;
    if (location.hash !== target) history.replaceState(history.state, '', target);
  }

  /* ---- The list ------------------------------------------------------ */
  function pickTag(tag) {
    if (state.view === 'popular') {
      state.view = 'all';
      viewTabs.set('all');
    }
    state.tag = tag;
    changed();
    tagNote.querySelector('button')?.focus();
  }
  const list = pagedList({
    label: 'Bookmarks',
    listClass: 'bookmark-list',
    id: 'bookmark-list',
    more: 'Load more bookmarks',
    what: 'Bookmarks',
    empty: '',
    isCurrent,
    load: (cursor) => {
      if (state.view === 'popular') return api.get(withCursor('/bookmarks/popular', cursor, PAGE));
      const s = new URLSearchParams();
      if (state.view === 'mine') s.set('owner', user.handle);
      if (state.tag) s.set('tag', state.tag);
      if (state.q) s.set('q', state.q);
      return api.get(withCursor(`/bookmarks${s.toString() ? `?${s}` : ''}`, cursor, PAGE));
    },
    item: (x) => (state.view === 'popular'
      ? popularItem(x, { onTag: pickTag, onSave: (p) => openAdd({ url: p.url, title: p.title, tags: p.tags }) })
      : listItem(x)),
  });
  function listItem(x) {
    return bookmarkItem(x, { me: user, showOwner: state.view !== 'mine', onTag: pickTag, onDeleted: () => list.removed() });
  }
  const emptyText = list.element.querySelector('.paged-empty');
  function drawEmpty() {
    const filtered = state.tag || state.q;
    emptyText.textContent = filtered && state.view !== 'popular'
      ? 'No bookmarks match these filters.'
      : { mine: 'You have no bookmarks yet. Add one, or import your browser’s bookmarks.', all: 'No one has shared a bookmark yet.', popular: 'No links are popular yet.' }[state.view];
  }

  /* ---- Filters ---------------------------------------------------------- */
  const words = h('input', { type: 'search', id: 'bookmark-q', name: 'q', autocomplete: 'off', maxlength: '200', placeholder: 'Words in the title, notes or address' });
  words.value = state.q;
  const tagNote = h('div', { class: 'filter-note', id: 'bookmark-tag-filter' });
  const filters = h('form', { class: 'filter-bar', role: 'search', 'aria-label': 'Filter bookmarks' },
    h('div', { class: 'field field-grow' }, h('label', { for: 'bookmark-q' }, 'Filter by words'), words),
    tagNote);
  let timer = null;
  function changed() {
    clearTimeout(timer);
    drawFilters();
    syncAddress();
    drawEmpty();
    list.reload();
  }
  function drawFilters() {
    filters.hidden = state.view === 'popular';
    clear(tagNote);
    if (state.tag && state.view !== 'popular') {
      tagNote.append(h('span', null, 'Tagged ', h('strong', null, `#${state.tag}`)),
        h('button', {
          type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': `Show all tags, not only #${state.tag}`,
          onclick: () => { state.tag = ''; changed(); words.focus(); },
        }, 'Show all tags'));
    }
  }
  words.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = words.value.trim(); changed(); }, DEBOUNCE_MS);
  });
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    state.q = words.value.trim();
    changed();
  });

  const viewTabs = tabs({
    label: 'Bookmarks to show', id: 'bookmark-view', items: VIEWS, value: state.view,
    onChange: (v) => { state.view = v; changed(); },
  });

  /* ---- Add ---------------------------------------------------------------- */
  const addToggle = h('button', { type: 'button', class: 'btn btn-primary', id: 'add-bookmark', 'aria-expanded': 'false', 'aria-controls': 'bookmark-add' },
    icon('plus'), 'Add bookmark');
  const addPanel = h('section', { class: 'card', id: 'bookmark-add', hidden: true, 'aria-labelledby': 'bookmark-add-title' });
  function closeAdd() {
    clear(addPanel);
    addPanel.hidden = true;
    addToggle.setAttribute('aria-expanded', 'false');
    addToggle.focus();
  }
  function openAdd(initial = {}) {
    const form = bookmarkForm({
      id: 'bookmark-add-form',
      initial,
      submitText: 'Save bookmark',
      onCancel: closeAdd,
      onSubmit: async (values, f) => {
        let r;
        try {
          r = await api.post('/bookmarks', values);
        } catch (err) {
          const existing = err.status === 409 && err.details && err.details.existing_id;
          if (!existing) throw err;
          offerExisting(f, existing);
          return;
        }
        closeAdd();
        announce('Bookmark saved.', 'success');
        if (state.view === 'mine' && !state.tag && !state.q) list.prepend(r.bookmark);
      },
    });
    clear(addPanel).append(h('h2', { class: 'card-title', id: 'bookmark-add-title' }, 'Add a bookmark'), form);
    addPanel.hidden = false;
    addToggle.setAttribute('aria-expanded', 'true');
    form.querySelector(initial.url ? 'input[name="title"]' : 'input').focus();
  }
  addToggle.addEventListener('click', () => (addPanel.hidden ? openAdd() : closeAdd()));

  /** A duplicate: say so, and offer the one already saved for editing. */
  function offerExisting(form, existingId) {
    const edit = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id: 'edit-existing' }, 'Edit the existing one');
    showFormError(form, 'You saved this address already.');
    form.querySelector('.form-alert').append(h('p', null, edit));
    edit.focus();
    edit.addEventListener('click', async () => {
      edit.setAttribute('aria-busy', 'true');
      try {
        const r = await api.get(`/bookmarks/${existingId}`);
        const item = bookmarkItem(r.bookmark, {
          me: user,
          showOwner: false,
          anchor: false,
          heading: 'h3',
          onTag: pickTag,
          onSaved: (saved) => {
            // The list may show it too: bring that copy up to date.
            const old = list.list.querySelector(`#bookmark-${saved.id}`);
            if (old) old.replaceWith(listItem(saved));
            closeAdd();
          },
        });
        clear(addPanel).append(h('h2', { class: 'card-title', id: 'bookmark-add-title' }, 'Your saved bookmark'), h('ul', { class: 'bookmark-list' }, item));
        item.startEdit();
      } catch (err) {
        edit.removeAttribute('aria-busy');
        showFormError(form, `The saved bookmark did not load: ${errorMessage(err)}`);
      }
    });
  }

  /* ---- Import and export ---------------------------------------------------- */
  const fileInput = h('input', { type: 'file', id: 'bookmark-import-file', class: 'file-input', accept: '.htm,.html,text/html' });
  const importLabel = h('label', { for: 'bookmark-import-file', class: 'btn btn-secondary' }, icon('upload'), 'Import');
  const exportButton = h('button', { type: 'button', class: 'btn btn-secondary', id: 'export-bookmarks' }, icon('download'), 'Export');
  const importArea = h('div', { class: 'import-area', id: 'import-area', 'aria-live': 'polite' });

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    clear(importArea);
    if (file.size > IMPORT_MAX) {
      importArea.append(h('div', { class: 'notice notice-error' }, h('p', null, `${file.name} is too large to import (at most 10 MB).`)));
      fileInput.value = '';
      return;
    }
    const bar = h('progress', { max: '100', value: '0', id: 'import-progress', 'aria-label': `Uploading ${file.name}` });
    importArea.append(h('div', { class: 'card import-card', 'aria-busy': 'true' },
      h('p', null, `Importing ${file.name}…`), bar));
    importLabel.setAttribute('aria-disabled', 'true');
    fileInput.disabled = true;
    try {
      const r = await upload('/bookmarks/import', file, {
        contentType: 'text/html',
        onProgress: (loaded, total) => { if (total) bar.value = Math.round((loaded / total) * 100); },
      });
      if (!isCurrent()) return;
      clear(importArea).append(importResult(file.name, r));
      if (state.view === 'mine') list.reload();
    } catch (err) {
      if (!isCurrent()) return;
      clear(importArea).append(h('div', { class: 'notice notice-error' }, h('p', null, `${file.name} was not imported: ${errorMessage(err)}`)));
    } finally {
      importLabel.removeAttribute('aria-disabled');
      fileInput.disabled = false;
      fileInput.value = '';
    }
  });

  exportButton.addEventListener('click', async () => {
    if (exportButton.getAttribute('aria-busy') === 'true') return;
    exportButton.setAttribute('aria-busy', 'true');
    try {
      saveBlob(await download('/bookmarks/export'), 'bookmarks.html');
      announce('Your bookmarks were saved as bookmarks.html.', 'success');
    } catch (err) {
      announce(`Exporting failed: ${errorMessage(err)}`, 'error');
    } finally {
      exportButton.removeAttribute('aria-busy');
    }
  });

  root.append(
    h('div', { class: 'page-header page-header-row' },
      h('div', null,
        h('h1', { tabindex: '-1', class: 'page-title' }, 'Bookmarks'),
        h('p', { class: 'page-lead' }, 'Links worth keeping, with tags. Others see yours unless you mark them private.')),
      h('div', { class: 'page-header-actions' }, addToggle, fileInput, importLabel, exportButton)),
    importArea,
    addPanel,
    viewTabs.element,
    viewTabs.panel(filters, list.element),
  );
  drawFilters();
  drawEmpty();
  list.reload();
  return () => clearTimeout(timer);
}

function importResult(name, r) {
  const rejected = r.rejected || [];
  return h('div', { class: 'card import-card', id: 'import-result' },
    h('h2', { class: 'card-title' }, `Imported ${name}`),
    h('ul', { class: 'import-counts' },
      h('li', null, h('strong', null, String(r.imported ?? 0)), ` ${(r.imported ?? 0) === 1 ? 'bookmark' : 'bookmarks'} added`),
      h('li', null, h('strong', null, String(r.duplicates ?? 0)), ' already saved'),
      h('li', null, h('strong', null, String(rejected.length)), ` ${rejected.length === 1 ? 'entry' : 'entries'} skipped`)),
    rejected.length
      ? h('details', { class: 'import-rejected' },
        h('summary', null, `Why ${plural(rejected.length, 'entry was', 'entries were')} skipped`),
        h('ul', null, rejected.map((x) => h('li', null, h('span', { class: 'mono' }, `Line ${x.line}`), `: ${x.reason}`))))
      : null);
}
