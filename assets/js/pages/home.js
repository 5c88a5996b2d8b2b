// #/home: the composer and the home timeline (one's own posts, followed
// people's and followed tags'), newest first. While the page is visible
// it asks for the first page every 15 s (localStorage 'parley.pollMs'
// changes that, for tests) and offers what is new behind an
// "N new posts" button rather than moving what you are reading.
import { h, clear, pageHeader, link, avatar } from '../dom.js';
import { api } from '../api.js';
import { composer, profileHref } from '../post.js';
import { postFeed, withCursor, newer } from '../feed.js';
import { pollInterval } from '../unread.js';
import { errorMessage } from '../forms.js';

const PAGE = 20;
const PROFILE_PARTS = [
  ['title', 'job title'],
  ['department', 'department'],
  ['location', 'location'],
  ['bio', 'short bio'],
  ['skills', 'skills'],
  ['manager', 'manager'],
];

function missingParts(user) {
  return PROFILE_PARTS.filter(([key]) => {
    const v = user[key];
    return Array.isArray(v) ? v.length === 0 : !v;
  }).map(([, label]) => label);
}

function youCard(user) {
  const missing = missingParts(user);
  const done = PROFILE_PARTS.length - missing.length;
  const percent = Math.round((done / PROFILE_PARTS.length) * 100);
  return h('section', { class: 'card side-card', 'aria-labelledby': 'home-you-title' },
    h('div', { class: 'person-row' },
      avatar(user, 'md'),
      h('div', { class: 'person-row-text' },
        h('h2', { id: 'home-you-title', class: 'card-title' },
          h('a', { href: profileHref(user.handle), class: 'plain-link' }, user.display_name)),
        h('p', { class: 'muted' }, `@${user.handle}`))),
    h('ul', { class: 'profile-stats' },
      h('li', null, h('strong', null, String(user.followers ?? 0)), user.followers === 1 ? ' follower' : ' followers'),
      h('li', null, h('strong', null, String(user.following ?? 0)), ' following')),
    missing.length
      ? [
        h('label', { for: 'profile-progress', class: 'progress-label' }, `Profile ${percent}% complete`),
        h('progress', { id: 'profile-progress', max: String(PROFILE_PARTS.length), value: String(done) }),
        h('p', { class: 'small' }, 'Add your ', missing.join(', '), ' so colleagues can find you.'),
      ]
      : null,
    h('p', { class: 'side-links' },
      h('a', { href: profileHref(user.handle) }, 'View your profile'),
      h('a', { href: link('profile') }, 'Edit profile')));
}

function tagsCard(isCurrent) {
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted small' }, 'Loading tags…'));
  async function load() {
    try {
      const r = await api.get('/me/tags');
      if (!isCurrent()) return;
      const items = r.items || [];
      clear(body).append(items.length
        ? h('ul', { class: 'tag-list' }, items.map((t) =>
          h('li', null,
            h('a', { href: link(`tags/${encodeURIComponent(t.tag)}`), class: 'tag-chip' }, `#${t.tag}`),
            h('span', { class: 'muted small' }, `${t.posts} ${t.posts === 1 ? 'post' : 'posts'}`))))
        : h('p', { class: 'muted small' }, 'You follow no tags yet. Open a #tag in any post and choose Follow to see its posts here.'));
    } catch (err) {
      if (isCurrent()) clear(body).append(h('p', { class: 'muted small' }, `Tags did not load: ${errorMessage(err)}`));
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }
  load();
  return h('section', { class: 'card side-card', 'aria-labelledby': 'home-tags-title' },
    h('h2', { id: 'home-tags-title', class: 'card-title' }, 'Followed tags'),
    body);
}

export function render({ root, user, isCurrent }) {
  const feed = postFeed({
    label: 'Your timeline',
    emptyText: 'Nothing here yet. Write a post, or follow colleagues and tags to fill your timeline.',
    isCurrent,
    load: (cursor) => api.get(withCursor('/timeline/home', cursor, PAGE)),
  });

  // New posts found by polling wait here until the reader asks for them.
  let pending = null;   // {posts, page, gap}
  const newArea = h('div', { class: 'new-posts', 'aria-live': 'polite' });

  function showPending() {
    clear(newArea);
    if (!pending || !pending.posts.length) return;
    const n = pending.posts.length;
    const text = pending.gap ? `${n}+ new posts` : `${n} new ${n === 1 ? 'post' : 'posts'}`;
    const button = h('button', { type: 'button', class: 'btn btn-primary btn-sm new-posts-button', id: 'new-posts' }, text);
    button.addEventListener('click', () => {
      const p = pending;
      pending = null;
      clear(newArea);
      const added = p.gap ? feed.replace(p.page) : feed.insert(p.posts);
      const first = added.map((li) => li.querySelector('article')).find(Boolean);
      if (first) {
        first.focus({ preventScroll: true });
        first.scrollIntoView({ block: 'center' });
      }
    });
    newArea.append(button);
  }

  const post = composer({
    id: 'home-composer',
    label: 'Share an update',
    placeholder: 'What are you working on? Use @handle to mention someone and #tag to file it.',
    onPosted: (p) => {
      feed.insert([p]);
      if (pending) {
        pending.posts = pending.posts.filter((x) => x.id !== p.id);
        showPending();
      }
      const card = document.getElementById(`post-${p.id}`);
      if (card) card.classList.add('post-fresh');
    },
  });

  let polling = false;
  async function poll() {
    if (!isCurrent()) {
      stop();
      return;
    }
    if (polling || document.visibilityState !== 'visible') return;
    polling = true;
    try {
      const r = await api.get(withCursor('/timeline/home', null, PAGE));
      if (!isCurrent()) return;
      const items = r.items || [];
      const oldest = feed.oldest();
      const fresh = items.filter((p) => !feed.has(p.id) && !p.deleted && (!oldest || newer(p, oldest)));
      // Nothing on the first page is on screen: there may be more new
      // posts than one page holds, so the button replaces the list.
      const gap = feed.size() > 0 && !!r.next_cursor && items.every((p) => !feed.has(p.id));
      pending = fresh.length ? { posts: fresh, page: r, gap } : null;
      showPending();
    } catch {
      // A missed poll is not worth a message; the next one tries again.
    } finally {
      polling = false;
    }
  }

  const timer = setInterval(poll, pollInterval('parley.pollMs', 15_000));
  const onVisible = () => {
    if (document.visibilityState === 'visible') poll();
  };
  document.addEventListener('visibilitychange', onVisible);
  function stop() {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  }

  root.append(
    pageHeader(`Welcome, ${user.display_name}`, 'What your colleagues are sharing.'),
    h('div', { class: 'columns' },
      h('div', { class: 'column-main' },
        h('section', { class: 'card composer-card', 'aria-label': 'New post' }, post.form),
        h('section', { 'aria-labelledby': 'timeline-title' },
          h('div', { class: 'section-head' },
            h('h2', { id: 'timeline-title', class: 'section-title' }, 'Your timeline'),
            newArea),
          feed.element)),
      h('aside', { class: 'column-side', 'aria-label': 'About you' },
        youCard(user),
        tagsCard(isCurrent))),
  );
  feed.reload();
  return stop;
}
