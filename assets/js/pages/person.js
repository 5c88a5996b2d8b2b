// #/people/:handle — someone's profile: who they are, whom they report to
// and who reports to them, Follow, skills with endorsements, and their
// posts. On your own profile: a link to edit it (#/profile) instead.
import { h, pageHeader, link, avatar, roleLabel, time } from '../dom.js';
import { api } from '../api.js';
import { errorMessage } from '../forms.js';
import { profileHref } from '../post.js';
import { postFeed, withCursor } from '../feed.js';

function personLink(u) {
  return h('a', { href: profileHref(u.handle) }, u.display_name);
}

function detail(term, value) {
  if (value === null || value === undefined || value === '') return null;
  return [h('dt', null, term), h('dd', null, value)];
}

export async function render({ root, params, user: me, announce, isCurrent, navigate }) {
  const handle = params.handle;
  const loading = h('p', { class: 'muted' }, 'Loading profile…');
  root.append(loading);
  let data;
  try {
    data = await api.get(`/users/${encodeURIComponent(handle)}`);
  } catch (err) {
    if (!isCurrent()) return null;
    loading.remove();
    if (err.status === 404) {
      root.append(pageHeader('Person not found', `No one has the handle @${handle}.`),
        h('p', null, h('a', { href: link('people') }, 'Search the directory')));
    } else {
      root.append(pageHeader('This profile did not load', errorMessage(err)),
        h('p', null, h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => navigate(`people/${encodeURIComponent(handle)}`) }, 'Try again')));
    }
    return null;
  }
  if (!isCurrent()) return null;
  loading.remove();

  let user = data.user;
  const own = me && me.id === user.id;
  let following = !!data.followed_by_me;
  const endorsed = new Set((data.endorsed_by_me || []).map((s) => String(s).toLowerCase()));
  document.title = `${user.display_name} · Parley`;

  /* Follow */
  const followers = h('strong', { id: 'profile-followers' }, String(user.followers ?? 0));
  const followersWord = h('span', null, user.followers === 1 ? ' follower' : ' followers');
  let followButton = null;
  if (!own) {
    followButton = h('button', { type: 'button', id: 'follow-button' });
    const drawFollow = () => {
      followButton.className = `btn ${following ? 'btn-secondary' : 'btn-primary'}`;
      followButton.textContent = following ? 'Unfollow' : 'Follow';
      followButton.setAttribute('aria-label', `${following ? 'Unfollow' : 'Follow'} ${user.display_name}`);
    };
    drawFollow();
    followButton.addEventListener('click', async () => {
      if (followButton.getAttribute('aria-busy') === 'true') return;
      const want = !following;
      followButton.setAttribute('aria-busy', 'true');
      try {
        if (want) await api.post(`/users/${encodeURIComponent(user.handle)}/follow`);
        else await api.del(`/users/${encodeURIComponent(user.handle)}/follow`);
        following = want;
        user = { ...user, followers: Math.max(0, (user.followers || 0) + (want ? 1 : -1)) };
        followers.textContent = String(user.followers);
        followersWord.textContent = user.followers === 1 ? ' follower' : ' followers';
        drawFollow();
        announce(want ? `You now follow ${user.display_name}.` : `You no longer follow ${user.display_name}.`, 'success');
      } catch (err) {
        announce(`That did not work: ${errorMessage(err)}`, 'error');
      } finally {
        followButton.removeAttribute('aria-busy');
      }
    });
  }

  /* Skills and endorsements */
  function skillItem(s) {
    const key = s.name.toLowerCase();
    let count = s.endorsements || 0;
    const countEl = h('span', { class: 'skill-count' });
    const li = h('li', { class: 'skill', dataset: { skill: s.name } },
      h('span', { class: 'skill-name' }, s.name), countEl);
    const drawCount = () => {
      countEl.textContent = '';
      countEl.append(String(count), h('span', { class: 'visually-hidden' }, count === 1 ? ' endorsement' : ' endorsements'));
      countEl.title = `${count} ${count === 1 ? 'endorsement' : 'endorsements'}`;
    };
    drawCount();
    if (!own) {
      const button = h('button', { type: 'button', class: 'btn btn-ghost btn-sm skill-button' });
      const drawButton = () => {
        const on = endorsed.has(key);
        button.textContent = on ? 'Remove' : 'Endorse';
        button.setAttribute('aria-label', on
          ? `Remove your endorsement of ${user.display_name} for ${s.name}`
          : `Endorse ${user.display_name} for ${s.name}`);
        li.classList.toggle('is-endorsed', on);
      };
      drawButton();
      button.addEventListener('click', async () => {
        if (button.getAttribute('aria-busy') === 'true') return;
        const on = endorsed.has(key);
        button.setAttribute('aria-busy', 'true');
        try {
          const base = `/users/${encodeURIComponent(user.handle)}/endorsements`;
          if (on) await api.del(`${base}/${encodeURIComponent(s.name)}`);
          else await api.post(base, { skill: s.name });
          if (on) endorsed.delete(key);
          else endorsed.add(key);
          count = Math.max(0, count + (on ? -1 : 1));
          drawCount();
          drawButton();
          announce(on ? `Endorsement for ${s.name} removed.` : `You endorsed ${user.display_name} for ${s.name}.`, 'success');
        } catch (err) {
          announce(`That did not work: ${errorMessage(err)}`, 'error');
        } finally {
          button.removeAttribute('aria-busy');
        }
      });
      li.append(button);
    }
    return li;
  }

  const skills = user.skills || [];
  const reports = data.reports || [];
  const subtitle = [user.title, user.department].filter(Boolean).join(' · ');

  const hero = h('div', { class: 'page-header profile-hero' },
    avatar(user, 'lg'),
    h('div', { class: 'profile-hero-text' },
      h('h1', { tabindex: '-1', class: 'page-title' }, user.display_name),
      h('p', { class: 'profile-handle' }, `@${user.handle}`),
      subtitle ? h('p', { class: 'profile-subtitle' }, subtitle) : null),
    h('div', { class: 'profile-hero-actions' },
      own ? h('a', { href: link('profile'), class: 'btn btn-secondary', id: 'edit-own-profile' }, 'Edit your profile') : followButton));

  const aside = h('section', { class: 'card profile-card', 'aria-label': `About ${user.display_name}` },
    h('ul', { class: 'profile-stats' },
      h('li', null, followers, followersWord),
      h('li', null, h('strong', null, String(user.following ?? 0)), ' following')),
    user.bio ? h('p', { class: 'profile-bio', id: 'person-bio' }, user.bio) : null,
    h('dl', { class: 'profile-details' },
      detail('Location', user.location),
      detail('Department', user.department ? h('a', { href: link(`people?department=${encodeURIComponent(user.department)}`) }, user.department) : null),
      detail('Reports to', user.manager ? personLink(user.manager) : null),
      detail('Role', user.role ? h('span', { class: 'badge' }, roleLabel(user.role)) : null),
      detail('Member since', user.created_at ? time(user.created_at) : null)),
    reports.length
      ? h('div', { class: 'profile-reports' },
        h('h2', { class: 'section-label', id: 'reports-title' }, `Direct reports (${reports.length})`),
        h('ul', { class: 'report-list', 'aria-labelledby': 'reports-title' }, reports.map((r) =>
          h('li', null, avatar(r, 'sm'), h('span', null, personLink(r),
            r.title ? h('span', { class: 'muted small' }, ` · ${r.title}`) : null)))))
      : null);

  const skillsCard = h('section', { class: 'card', 'aria-labelledby': 'skills-title' },
    h('h2', { id: 'skills-title', class: 'card-title' }, 'Skills'),
    skills.length
      ? h('ul', { class: 'skill-list', id: 'skill-list' }, skills.map(skillItem))
      : h('p', { class: 'muted' }, own ? 'You list no skills yet. Add them on your profile page so colleagues can find you.' : 'No skills listed yet.'));

  const feed = postFeed({
    label: `Posts by ${user.display_name}`,
    emptyText: own ? 'You have not posted yet.' : `${user.display_name} has not posted yet.`,
    isCurrent,
    load: (cursor) => api.get(withCursor(`/users/${encodeURIComponent(user.handle)}/posts`, cursor, 20)),
  });

  root.append(
    hero,
    h('div', { class: 'profile-layout' },
      h('div', { class: 'profile-aside' }, aside),
      h('div', { class: 'profile-main' },
        skillsCard,
        h('section', { 'aria-labelledby': 'person-posts-title' },
          h('h2', { id: 'person-posts-title', class: 'section-title section-title-first' }, 'Posts'),
          feed.element))),
  );
  feed.reload();
  return null;
}

