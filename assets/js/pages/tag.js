// #/tags/:tag — every post with the tag, newest first, and following it
// (followed tags' posts come into your home timeline).
import { h, pageHeader, link } from '../dom.js';
import { api } from '../api.js';
import { errorMessage } from '../forms.js';
import { postFeed, withCursor } from '../feed.js';
import { asciiLower } from '../text.js';

export async function render({ root, params, announce, isCurrent, navigate }) {
  const raw = asciiLower(String(params.tag || '').replace(/^#/, ''));
  const path = `/tags/${encodeURIComponent(raw)}`;
  const loading = h('p', { class: 'muted' }, 'Loading tag…');
  root.append(loading);
  let info;
  try {
    info = await api.get(path);
  } catch (err) {
    if (!isCurrent()) return null;
    loading.remove();
    if (err.status === 404) {
      root.append(pageHeader('Not a tag', `“#${raw}” is not a tag. Tags are letters, digits and underscores, and not only digits.`),
        h('p', null, h('a', { href: link('home') }, 'Back to your timeline')));
    } else {
      root.append(pageHeader('This tag did not load', errorMessage(err)),
        h('p', null, h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => navigate(`tags/${encodeURIComponent(raw)}`) }, 'Try again')));
    }
    return null;
  }
  if (!isCurrent()) return null;
  loading.remove();
  const tag = info.tag;
  document.title = `#${tag} · Parley`;

  let following = !!info.followed_by_me;
  let followers = info.followers || 0;
  const stats = h('p', { class: 'page-lead', id: 'tag-stats' });
  const button = h('button', { type: 'button', id: 'tag-follow' });
  function draw() {
    stats.textContent = `${info.posts} ${info.posts === 1 ? 'post' : 'posts'} · ${followers} ${followers === 1 ? 'follower' : 'followers'}`;
    button.className = `btn ${following ? 'btn-secondary' : 'btn-primary'}`;
    button.textContent = following ? 'Unfollow' : 'Follow';
    button.setAttribute('aria-label', `${following ? 'Unfollow' : 'Follow'} #${tag}`);
  }
  draw();
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-busy') === 'true') return;
    const want = !following;
    button.setAttribute('aria-busy', 'true');
    try {
      if (want) await api.post(`${path}/follow`);
      else await api.del(`${path}/follow`);
      following = want;
      followers = Math.max(0, followers + (want ? 1 : -1));
      draw();
      announce(want ? `You follow #${tag}: its posts come into your timeline.` : `You no longer follow #${tag}.`, 'success');
    } catch (err) {
      announce(`That did not work: ${errorMessage(err)}`, 'error');
    } finally {
      button.removeAttribute('aria-busy');
    }
  });

  const feed = postFeed({
    label: `Posts tagged #${tag}`,
    emptyText: `No posts with #${tag} yet.`,
    isCurrent,
    load: (cursor) => api.get(withCursor(`${path}/posts`, cursor, 20)),
  });

  root.append(
    h('div', { class: 'page-header tag-hero' },
      h('div', null,
        h('h1', { tabindex: '-1', class: 'page-title' }, `#${tag}`),
        stats),
      h('div', { class: 'tag-hero-actions' }, button)),
    h('div', { class: 'stream-column' }, feed.element),
  );
  feed.reload();
  return null;
}
