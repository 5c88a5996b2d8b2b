// Bookmarks in the browser: one bookmark in a list (with edit and delete
// for its owner), a popular link, and the add/edit form. Links to saved
// pages open in a new tab with rel="noopener noreferrer nofollow"; only
// http(s) addresses become links.
import { h, clear, append, time } from './dom.js';
import { api } from './api.js';
import { field, formAlert, submitButton, actions, handleSubmit, errorMessage } from './forms.js';
import { announce } from './shell.js';
import { codePoints } from './text.js';
import { profileHref } from './post.js';
import { icon } from './icons.js';
import { parseTags, tagChips, plural } from './qa.js';
import { flagButton, hiddenNote, hiddenPlaceholder } from './flag.js';

export const URL_MAX_BYTES = 2048;
export const TAGS_MAX = 20;

export function isWebAddress(url) {
  return /^https?:\/\/[^\s/]/i.test(String(url || ''));
}

/** "example.com/some/page" for showing an address compactly. */
export function shortUrl(url) {
  try {
    const u = new URL(url);
    const rest = (u.pathname === '/' ? '' : u.pathname) + u.search;
    return u.host + (rest.length > 60 ? `${rest.slice(0, 57)}…` : rest);
  } catch {
    return String(url || '');
  }
}

export function externalLink(url, text, className) {
  if (!isWebAddress(url)) return h('span', { class: className }, text);
  return h('a', { href: url, class: className, target: '_blank', rel: 'noopener noreferrer nofollow' }, text);
}

/**
 * The add/edit form. initial: a Bookmark (edit) or partial fields (add).
 * onSubmit(values) -> promise; the values are what the API takes.
 */
export function bookmarkForm({ id, initial = {}, submitText, onSubmit, onCancel }) {
  const form = h('form', { class: 'stack bookmark-form', id },
    formAlert(),
    field({ name: 'url', label: 'Address (URL)', type: 'url', required: true, value: initial.url || '', attrs: { spellcheck: 'false', placeholder: 'https://' } }),
    field({ name: 'title', label: 'Title', required: true, value: initial.title || '', attrs: { maxlength: '500' } }),
    field({ name: 'description', label: 'Notes', multiline: true, rows: 2, optional: true, value: initial.description || '' }),
    field({ name: 'tags', label: 'Tags', optional: true, hint: 'Separated by commas, e.g. postgresql, howto', value: (initial.tags || []).join(', '), attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    h('div', { class: 'check-field' },
      h('input', { type: 'checkbox', name: 'private', id: `${id}-private`, checked: !!initial.private }),
      h('label', { for: `${id}-private` }, 'Private: only you can see it')),
    actions(submitButton(submitText, { busyText: 'Saving…' }),
      onCancel ? h('button', { type: 'button', class: 'btn btn-ghost', onclick: onCancel }, 'Cancel') : null));
  handleSubmit(form, async (v, f) => {
    await onSubmit({
      url: v.url, title: v.title, description: v.description, tags: parseTags(v.tags), private: f.elements.namedItem('private').checked,
    }, f);
  }, {
    validate(v) {
      const p = {};
      if (!isWebAddress(v.url)) p.url = 'Enter a web address starting with http:// or https://.';
      else if (new TextEncoder().encode(v.url).length > URL_MAX_BYTES) p.url = 'That address is too long (at most 2,048 bytes).';
      if (!v.title) p.title = 'Give it a title.';
      else if (codePoints(v.title) > 500) p.title = 'Titles are at most 500 characters.';
      if (parseTags(v.tags).length > TAGS_MAX) p.tags = `At most ${TAGS_MAX} tags.`;
      return p;
    },
  });
  if (onCancel) {
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onCancel();
      }
    });
  }
  return form;
}

/**
 * One bookmark as an <li>. opts: me (the signed-in user), showOwner,
 * onTag(tag) (tag chips filter), onDeleted(li), onSaved(bookmark) after an
 * edit, anchor (false: no element id, for a second copy on the page),
 * heading (the title's element: 'h2', or 'h3' under another heading).
 */
export function bookmarkItem(initial, { me, showOwner = true, onTag, onDeleted, onSaved, anchor = true, heading = 'h2' } = {}) {
  let b = initial;
  const li = h('li', { class: 'bookmark', id: anchor ? `bookmark-${b.id}` : null, dataset: { bookmarkId: String(b.id) } });
  const own = !!me && !!b.owner && b.owner.id === me.id;

  function draw() {
    // Hidden by a moderator: its owner and the moderators get it with
    // "moderation" (why); everyone else a placeholder.
    if (b.hidden && !b.moderation) {
      li.classList.add('is-hidden');
      append(clear(li), hiddenPlaceholder('bookmark', 'hidden-placeholder bookmark-placeholder'));
      return;
    }
    const bar = h('div', { class: 'bookmark-actions' });
    if (own) {
      const edit = h('button', { type: 'button', class: 'post-action', 'aria-label': `Edit ${b.title}` },
        icon('edit'), h('span', { class: 'post-action-label' }, 'Edit'));
      const del = h('button', { type: 'button', class: 'post-action post-action-danger', 'aria-label': `Delete ${b.title}` },
        icon('trash'), h('span', { class: 'post-action-label' }, 'Delete'));
      edit.addEventListener('click', () => startEdit());
      del.addEventListener('click', () => confirmDelete(bar));
      bar.append(edit, del);
    } else if (me && !b.hidden) {
      bar.append(flagButton({ type: 'bookmark', id: b.id, what: `bookmark “${b.title}”` }));
    }
    const owner = b.owner || {};
    li.classList.toggle('is-hidden', !!b.hidden);
    append(clear(li), [
      b.hidden ? hiddenNote(b.moderation, 'bookmark') : null,
      h(heading, { class: 'bookmark-title' }, externalLink(b.url, b.title)),
      h('p', { class: 'bookmark-url small' }, shortUrl(b.url)),
      b.description ? h('p', { class: 'bookmark-description' }, b.description) : null,
      tagChips(b.tags, { label: `Tags of ${b.title}`, onPick: onTag }),
      h('div', { class: 'bookmark-foot' },
        h('p', { class: 'bookmark-meta small muted' },
          b.private ? [h('span', { class: 'badge' }, 'Private'), ' '] : null,
          showOwner && owner.handle ? ['Saved by ', h('a', { href: profileHref(owner.handle) }, own ? 'you' : owner.display_name), ' '] : 'Saved ',
          time(b.created_at),
          (b.saved_by || 0) > 1 ? ` · ${plural(b.saved_by, 'person', 'people')} saved this` : null),
        bar.children.length ? bar : null)]);
  }

  function startEdit() {
    const cancel = () => {
      draw();
      li.querySelector('.bookmark-actions button')?.focus();
    };
    const form = bookmarkForm({
      id: `bookmark-${b.id}-edit`,
      initial: b,
      submitText: 'Save changes',
      onCancel: cancel,
      onSubmit: async (values) => {
        const r = await api.patch(`/bookmarks/${b.id}`, values);
        b = (r && r.bookmark) || { ...b, ...values };
        draw();
        announce('Bookmark updated.', 'success');
        li.querySelector('.bookmark-actions button')?.focus();
        if (onSaved) onSaved(b);
      },
    });
    clear(li).append(h(heading, { class: 'visually-hidden' }, `Edit ${b.title}`), form);
    form.querySelector('input[name="title"]').focus();
  }

  function confirmDelete(bar) {
    const yes = h('button', { type: 'button', class: 'btn btn-danger btn-sm' }, 'Yes, delete');
    const no = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Cancel');
    const box = h('div', { class: 'post-confirm', role: 'group', 'aria-label': 'Confirm deletion' },
      h('span', { class: 'confirm-text' }, 'Delete this bookmark?'), yes, no);
    bar.hidden = true;
    bar.after(box);
    no.addEventListener('click', () => {
      box.remove();
      bar.hidden = false;
      bar.querySelector('.post-action-danger')?.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        await api.del(`/bookmarks/${b.id}`);
        announce('Bookmark deleted.', 'success');
        const next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        if (onDeleted) onDeleted(li);
        (next?.querySelector('a, button') || document.querySelector('main h1'))?.focus();
      } catch (err) {
        announce(`Deleting failed: ${errorMessage(err)}`, 'error');
        box.remove();
        bar.hidden = false;
      }
    });
    yes.focus();
  }

  li.startEdit = startEdit;
  draw();
  return li;
}

/** A link many people saved: {url, title, saved_by, tags, first_saved_at}. */
export function popularItem(p, { onSave, onTag } = {}) {
  return h('li', { class: 'bookmark bookmark-popular' },
    h('div', { class: 'popular-count', 'aria-hidden': 'true' }, h('strong', null, String(p.saved_by ?? 0)), h('span', null, 'saved')),
    h('div', { class: 'popular-main' },
      h('h2', { class: 'bookmark-title' }, externalLink(p.url, p.title),
        h('span', { class: 'visually-hidden' }, `, saved by ${plural(p.saved_by ?? 0, 'person', 'people')}`)),
      h('p', { class: 'bookmark-url small' }, shortUrl(p.url)),
      tagChips(p.tags, { label: `Tags of ${p.title}`, onPick: onTag }),
      h('p', { class: 'bookmark-meta small muted' }, 'First saved ', time(p.first_saved_at),
        onSave ? [' · ', h('button', {
          type: 'button', class: 'link-button', 'aria-label': `Save ${p.title} to your bookmarks`, onclick: () => onSave(p),
        }, 'Save it too')] : null)));
}
