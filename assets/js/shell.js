// The frame around every page: primary navigation (from nav.js), the
// signed-in user and the sign-out button, the skip link, and the status
// live region that announce() writes to.
import { h, clear, link, avatar } from './dom.js';
import { navItems } from './nav.js';
import { session, subscribe, signOut } from './session.js';
import { onRouteChange, currentRoute, focusHeading, navigate } from './router.js';
import { icon } from './icons.js';
import { errorMessage } from './forms.js';
import { unreadCount, onUnreadChange, startUnreadPolling } from './unread.js';

let statusTimer = null;

/**
 * Shows a short message in the status live region (role="status",
 * aria-live="polite"); announce('') clears it. kind: 'info' | 'success' |
 * 'error'. Success and info messages go after a while; errors stay until
 * the next message or page. The router clears messages on navigation, so
 * announce after navigate() for a message about the new page.
 */
export function announce(text, kind = 'info') {
  const area = document.getElementById('status-area');
  const region = document.getElementById('status');
  if (!area || !region) return;
  clearTimeout(statusTimer);
  clear(region);
  for (const old of area.querySelectorAll('.status-dismiss')) old.remove();
  if (!text) return;
  region.append(h('div', { class: ['status-message', `status-${kind}`] }, text));
  // Outside the live region, so that it is not read out with the message.
  area.append(h('button', {
    type: 'button', class: 'status-dismiss', 'aria-label': 'Dismiss message', onclick: () => announce(''),
  }, '×'));
  if (kind !== 'error') statusTimer = setTimeout(() => announce(''), 8000);
}

function isCurrent(path) {
  const cur = currentRoute();
  return !!(cur && cur.route && cur.route.path === path);
}

/** aria-current for a nav link: 'page' on the page itself, 'true' on a
 *  page inside its section (a profile is in People); null otherwise. */
function currentness(path) {
  if (isCurrent(path)) return 'page';
  const cur = currentRoute();
  return cur && cur.route && cur.route.section === path ? 'true' : null;
}

/** A nav link's badge (nav.js `badge: 'unread'`): the number is shown,
 *  and the link's name says it ("Notifications, 3 unread"). */
function drawBadge(a, route) {
  if (route.badge !== 'unread') return;
  const n = unreadCount();
  const label = route.label || route.title;
  for (const old of a.querySelectorAll('.nav-badge')) old.remove();
  if (n > 0) {
    a.setAttribute('aria-label', `${label}, ${n} unread`);
    a.append(h('span', { class: 'nav-badge', 'aria-hidden': 'true' }, n > 99 ? '99+' : String(n)));
  } else {
    a.removeAttribute('aria-label');
  }
}

function renderNav() {
  const nav = document.getElementById('primary-nav');
  clear(nav);
  const items = navItems('primary', session.user);
  nav.hidden = items.length === 0;
  if (!items.length) return;
  nav.append(h('ul', { class: 'nav-list' }, items.map((r) => {
    const a = h('a', {
      href: link(r.path),
      class: 'nav-link',
      id: `nav-${r.path}`,
      'aria-current': currentness(r.path),
    }, r.label || r.title);
    drawBadge(a, r);
    return h('li', { class: r.navClass || null }, a);
  })));
}

function updateBadges() {
  for (const r of navItems('primary', session.user)) {
    const a = document.getElementById(`nav-${r.path}`);
    if (a && r.badge) drawBadge(a, r);
  }
}

function renderUser() {
  const area = document.getElementById('user-area');
  clear(area);
  const slot = document.getElementById('header-search');
  const user = session.user;
  if (slot) {
    // Keep what is being typed when the header is drawn again.
    const typing = slot.contains(document.activeElement);
    if (!user) clear(slot);
    else if (!typing) clear(slot).append(headerSearch());
  }
  if (!user) {
    if (!session.ready) return;
    area.append(
      h('a', { href: link('signin'), class: 'btn btn-ghost btn-sm', 'aria-current': isCurrent('signin') ? 'page' : null }, 'Sign in'),
      h('a', { href: link('register'), class: 'btn btn-primary btn-sm', 'aria-current': isCurrent('register') ? 'page' : null }, 'Register'),
    );
    return;
  }
  const signOutButton = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', id: 'sign-out' }, 'Sign out');
  signOutButton.addEventListener('click', async () => {
    signOutButton.disabled = true;
    try {
      await signOut();
      announce('You have signed out.', 'success');
    } catch (err) {
      signOutButton.disabled = false;
      announce(`Signing out failed: ${errorMessage(err)}`, 'error');
    }
  });
  area.append(
    h('a', {
      href: link('profile'),
      class: 'user-chip',
      id: 'current-user',
      'aria-current': isCurrent('profile') ? 'page' : null,
      title: `Signed in as @${user.handle}`,
    },
    avatar(user, 'sm'),
    h('span', { class: 'user-chip-text' },
      h('span', { class: 'visually-hidden' }, 'Signed in as '),
      h('span', { class: 'user-chip-name' }, user.display_name),
      h('span', { class: 'user-chip-handle' }, `@${user.handle}`))),
    signOutButton,
  );
}

/** The header's search box: submitting goes to #/search?q=… (the search
 *  page keeps the type chosen there). Signed-in people only. */
function headerSearch() {
  const input = h('input', {
    type: 'search', id: 'header-search-q', name: 'q', autocomplete: 'off', maxlength: '200',
    placeholder: 'Search Parley', 'aria-label': 'Search Parley', class: 'header-search-input',
  });
  const cur = currentRoute();
  if (cur && cur.route && cur.route.path === 'search') input.value = cur.query.get('q') || '';
  const form = h('form', { class: 'header-search', role: 'search', 'aria-label': 'Site' },
    input,
    h('button', { type: 'submit', class: 'header-search-button', 'aria-label': 'Search' }, icon('search')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) {
      input.focus();
      return;
    }
    // On the search page, keep the type chosen there (it lives in the
    // address, which the page updates without a navigation).
    const now = currentRoute();
    const at = location.hash.indexOf('?');
    const keep = now && now.route && now.route.path === 'search' && at !== -1
      ? new URLSearchParams(location.hash.slice(at + 1)).get('type') : null;
    navigate(`search?q=${encodeURIComponent(q)}${keep ? `&type=${encodeURIComponent(keep)}` : ''}`);
  });
  return form;
}

function renderHeader() {
  const brand = document.getElementById('brand');
  brand.setAttribute('href', link(session.user ? 'home' : 'signin'));
  renderNav();
  renderUser();
}

export function startShell() {
  // The skip link would otherwise change the hash (and the route).
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    focusHeading();
  });
  subscribe((state, reason) => {
    renderHeader();
    // After the router's own listener has moved to the sign-in page.
    if (reason === 'expired') queueMicrotask(() => announce('Your session has ended. Sign in again to continue.', 'error'));
  });
  onRouteChange(renderHeader);
  onUnreadChange(updateBadges);
  renderHeader();
  startUnreadPolling();
}
