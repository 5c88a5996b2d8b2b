// The sub-navigation shared by the account pages (routes with
// nav: 'account' in nav.js).
import { h, link } from './dom.js';
import { navItems } from './nav.js';

export function accountNav(route, user) {
  return h('nav', { class: 'subnav', 'aria-label': 'Account' },
    h('ul', null, navItems('account', user).map((r) =>
      h('li', null, h('a', {
        href: link(r.path),
        class: 'subnav-link',
        'aria-current': route && route.path === r.path ? 'page' : null,
      }, r.label || r.title)))));
}
