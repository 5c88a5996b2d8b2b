// A stream of posts, newest first, with "Load more" (the API's keyset
// cursors). Used by the home timeline, profiles and tag pages.
//
//   const feed = postFeed({ label: 'Your timeline', load: (cursor) =>
//     api.get(`/timeline/home${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`) });
//   root.append(feed.element);
//   feed.reload();
import { h, clear } from './dom.js';
import { errorMessage } from './forms.js';
import { postCard } from './post.js';

/** Newer first: created_at (RFC 3339, UTC) then id, as the server orders. */
export function newer(a, b) {
  if (a.created_at !== b.created_at) return a.created_at > b.created_at;
  return a.id > b.id;
}

export function withCursor(path, cursor, limit) {
  const q = new URLSearchParams();
  if (limit) q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  if (!s) return path;
  return path + (path.includes('?') ? '&' : '?') + s;
}

export function postFeed({ load, label, emptyText = 'No posts yet.', isCurrent = () => true }) {
  const entries = new Map();   // id -> {post, li}
  const list = h('ol', { class: 'post-list', 'aria-label': label, 'aria-busy': 'true' });
  const empty = h('p', { class: 'feed-empty muted', hidden: true }, emptyText);
  const problem = h('div', { class: 'feed-problem' });
  const more = h('button', { type: 'button', class: 'btn btn-secondary feed-more-button', hidden: true }, 'Load more posts');
  const loading = h('p', { class: 'muted feed-loading' }, 'Loading posts…');
  const element = h('div', { class: 'feed' }, list, loading, empty, problem, h('div', { class: 'feed-more' }, more));
  let cursor = null;
  let busy = false;

  function refreshEmpty() {
    empty.hidden = entries.size > 0 || !loading.hidden;
  }

  function item(post) {
    const li = h('li', { class: 'post-item' });
    li.append(postCard(post, {
      context: true,
      onDeleted: () => {
        const next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        entries.delete(post.id);
        refreshEmpty();
        const target = next && next.querySelector('article');
        if (target) target.focus();
        else if (!more.hidden) more.focus();
        else document.querySelector('main h1')?.focus();
      },
    }));
    entries.set(post.id, { post, li });
    return li;
  }

  function append(items) {
    const added = [];
    for (const p of items) {
      if (entries.has(p.id)) continue;
      const li = item(p);
      list.append(li);
      added.push(li);
    }
    return added;
  }

  /** Puts posts where they belong by time (own new posts, polled ones). */
  function insert(posts) {
    const added = [];
    for (const p of [...posts].sort((a, b) => (newer(a, b) ? 1 : -1))) {
      if (entries.has(p.id)) continue;
      const li = item(p);
      let before = null;
      for (const e of entries.values()) {
        if (e.li !== li && e.li.isConnected && newer(p, e.post) && (!before || newer(before.post, e.post))) before = e;
      }
      if (before) before.li.before(li);
      else list.append(li);
      added.push(li);
    }
    refreshEmpty();
    return added;
  }

  async function page(reset) {
    if (busy) return [];
    busy = true;
    list.setAttribute('aria-busy', 'true');
    more.setAttribute('aria-busy', 'true');
    more.textContent = 'Loading…';
    clear(problem);
    try {
      const r = await load(reset ? null : cursor);
      if (!isCurrent()) return [];
      if (reset) {
        clear(list);
        entries.clear();
      }
      const added = append(r.items || []);
      cursor = r.next_cursor || null;
      more.hidden = !cursor;
      return added;
    } catch (err) {
      if (!isCurrent()) return [];
      problem.append(h('div', { class: 'notice notice-error' },
        h('p', null, `The posts did not load: ${errorMessage(err)}`),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: () => page(reset) }, 'Try again')));
      return [];
    } finally {
      busy = false;
      loading.hidden = true;
      list.setAttribute('aria-busy', 'false');
      more.removeAttribute('aria-busy');
      more.textContent = 'Load more posts';
      refreshEmpty();
    }
  }

  more.addEventListener('click', async () => {
    const added = await page(false);
    const first = added[0] && added[0].querySelector('article');
    if (first) first.focus();
  });

  return {
    element,
    reload: () => page(true),
    insert,
    /** Replaces everything with a page the caller already has. */
    replace(r) {
      clear(list);
      entries.clear();
      append(r.items || []);
      cursor = r.next_cursor || null;
      more.hidden = !cursor;
      loading.hidden = true;
      refreshEmpty();
      return [...list.children];
    },
    has: (id) => entries.has(id),
    size: () => entries.size,
    oldest() {
      let o = null;
      for (const e of entries.values()) if (!o || newer(o, e.post)) o = e.post;
      return o;
    },
  };
}
