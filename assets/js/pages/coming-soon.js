// Placeholder for routes in nav.js that have no page module yet.
import { h, pageHeader, link } from '../dom.js';

export function render({ root, route }) {
  root.append(
    pageHeader(route.title, route.summary || null),
    h('section', { class: 'card empty-state', 'aria-labelledby': 'coming-soon-title' },
      h('p', { class: 'badge badge-info' }, 'Coming soon'),
      h('h2', { id: 'coming-soon-title' }, `${route.title} is on its way`),
      h('p', { class: 'muted' }, 'This part of Parley is not available yet. In the meantime, make sure your profile is up to date so colleagues can find you.'),
      h('p', null, h('a', { class: 'btn btn-secondary', href: link('profile') }, 'Edit your profile'))),
  );
}
