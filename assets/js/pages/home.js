// #/home: the signed-in start page.
import { h, pageHeader, link, avatar } from '../dom.js';
import { ROUTES, canSee } from '../nav.js';

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

export function render({ root, user }) {
  const missing = missingParts(user);
  const done = PROFILE_PARTS.length - missing.length;
  const percent = Math.round((done / PROFILE_PARTS.length) * 100);
  const upcoming = ROUTES.filter((r) => r.nav === 'primary' && !r.page && canSee(r, user));

  root.append(
    pageHeader(`Welcome, ${user.display_name}`, 'Your place to find colleagues, share what you know and get answers.'),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'home-profile-title' },
        h('div', { class: 'person-row' },
          avatar(user, 'md'),
          h('div', null,
            h('h2', { id: 'home-profile-title', class: 'card-title' }, 'Your profile'),
            h('p', { class: 'muted' }, `@${user.handle}`))),
        h('label', { for: 'profile-progress', class: 'progress-label' }, `Profile ${percent}% complete`),
        h('progress', { id: 'profile-progress', max: String(PROFILE_PARTS.length), value: String(done) }),
        missing.length
          ? h('p', null, 'Add your ', missing.join(', '), ' so colleagues can find you.')
          : h('p', null, 'Your profile is complete. Nice work.'),
        h('p', null, h('a', { class: 'btn btn-secondary', href: link('profile') }, 'Edit your profile'))),
      h('section', { class: 'card', 'aria-labelledby': 'home-tokens-title' },
        h('h2', { id: 'home-tokens-title', class: 'card-title' }, 'Connect your tools'),
        h('p', null, 'Create a personal access token to use the Parley API from scripts and integrations.'),
        h('p', null, h('a', { class: 'btn btn-secondary', href: link('tokens') }, 'Manage access tokens'))),
      user.role === 'admin'
        ? h('section', { class: 'card', 'aria-labelledby': 'home-admin-title' },
          h('h2', { id: 'home-admin-title', class: 'card-title' }, 'Administration'),
          h('p', null, 'Change people’s roles, or suspend an account.'),
          h('p', null, h('a', { class: 'btn btn-secondary', href: link('admin') }, 'Open admin')))
        : null),
    upcoming.length
      ? h('section', { class: 'upcoming', 'aria-labelledby': 'home-upcoming-title' },
        h('h2', { id: 'home-upcoming-title', class: 'section-title' }, 'Coming soon to Parley'),
        h('ul', { class: 'upcoming-list' }, upcoming.map((r) =>
          h('li', null,
            h('a', { href: link(r.path), class: 'upcoming-name' }, r.title),
            r.summary ? h('p', { class: 'muted' }, r.summary) : null))))
      : null,
  );
}
