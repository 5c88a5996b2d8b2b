// A list that pages with the API's keyset cursors: the first page, then
// "Load more" (next_cursor) until there is no more. Used by the knowledge
// pages (communities, questions, bookmarks, search results).
//
//   const list = pagedList({
//     label: 'Questions', more: 'Load more questions', empty: 'No questions yet.',
//     load: (cursor) => api.get(withCursor('/questions?community=x', cursor, 20)),
//     item: (q) => h('li', null, q.title),
//   });
//   root.append(list.element);
//   list.reload();
//
// reload() starts again (e.g. when a filter changes); a reload that is
// overtaken by a newer one is dropped. After "Load more" focus moves to the
// first new item's first link or button, so keyboard users continue there.
import { h, clear } from './dom.js';
import { errorMessage } from './forms.js';

export function pagedList({
  load, item, label, more = 'Load more', empty = 'Nothing here yet.', what = 'The list',
  listTag = 'ul', listClass = 'paged-list', id = null, isCurrent = () => true, onLoaded = null,
}) {
  const list = h(listTag, { class: listClass, id, 'aria-label': label, 'aria-busy': 'true' });
  const emptyEl = h('p', { class: 'muted empty-inline paged-empty', hidden: true }, empty);
  const problem = h('div', { class: 'paged-problem' });
  const moreButton = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, more);
  const loading = h('p', { class: 'muted paged-loading' }, 'Loading…');
  const element = h('div', { class: 'paged' }, list, loading, emptyEl, problem, h('div', { class: 'feed-more' }, moreButton));
  let cursor = null;
  let seq = 0;
  let count = 0;

  async function page(reset) {
    const mine = ++seq;
    list.setAttribute('aria-busy', 'true');
    clear(problem);
    if (reset) {
      loading.hidden = false;
      emptyEl.hidden = true;
      moreButton.hidden = true;
    } else {
      moreButton.setAttribute('aria-busy', 'true');
      moreButton.textContent = 'Loading…';
    }
    try {
      const r = await load(reset ? null : cursor);
      if (mine !== seq || !isCurrent()) return [];
      if (reset) {
        clear(list);
        count = 0;
      }
      const added = (r.items || []).map((x) => item(x)).filter(Boolean);
      list.append(...added);
      count += added.length;
      cursor = r.next_cursor || null;
      moreButton.hidden = !cursor;
      emptyEl.hidden = count > 0;
      if (onLoaded) onLoaded(r, { reset, count });
      return added;
    } catch (err) {
      if (mine !== seq || !isCurrent()) return [];
      problem.append(h('div', { class: 'notice notice-error' },
        h('p', null, `${what} did not load: ${errorMessage(err)}`),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: () => page(reset) }, 'Try again')));
      return [];
    } finally {
      if (mine === seq) {
        loading.hidden = true;
        list.setAttribute('aria-busy', 'false');
        moreButton.removeAttribute('aria-busy');
        moreButton.textContent = more;
      }
    }
  }

  moreButton.addEventListener('click', async () => {
    if (moreButton.getAttribute('aria-busy') === 'true') return;
    const added = await page(false);
    const target = added[0] && added[0].querySelector('a, button');
    if (target) target.focus();
  });

  return {
    element,
    list,
    reload: () => page(true),
    /** Puts an item first (e.g. one just created). */
    prepend(x) {
      const el = item(x);
      if (el) {
        list.prepend(el);
        count += 1;
        emptyEl.hidden = true;
      }
      return el;
    },
    /** Call after removing an item's element from the list. */
    removed() {
      count = Math.max(0, count - 1);
      emptyEl.hidden = count > 0;
    },
    size: () => count,
  };
}

/** path plus limit and cursor query parameters (feed.js's). */
export { withCursor } from './feed.js';
