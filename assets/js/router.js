// Hash routing: "#/profile" -> the ROUTES entry with path 'profile' (nav.js)
// -> its page module's render(ctx).
//
// A page module exports
//   render(ctx) -> optional cleanup function (or a promise of one)
// where ctx = {
//   root,       the <main> element, already emptied; append the page to it
//   route,      the ROUTES entry
//   params,     {name: value} from ':name' segments of route.path
//   query,      URLSearchParams of "#/path?a=b"
//   user,       the signed-in User (null on guest pages)
//   navigate,   navigate(path, {replace}) e.g. navigate('profile')
//   announce,   announce(text, kind) into the status live region
//   isCurrent,  () => false once the user has moved to another page
// }
// The page should start with pageHeader() (dom.js): its h1 gets focus after
// every navigation so screen readers and keyboard users start at the top.
import { ROUTES, HOME, canSee } from './nav.js';
import { session, subscribe } from './session.js';
import { h, clear, pageHeader, link } from './dom.js';
import { announce } from './shell.js';

let root = null;
let seq = 0;
let cleanup = null;
let current = null;        // {route, params, query, path}
let initial = true;
let pendingMessage = null;   // [text, kind] for the page navigate() goes to
const changeListeners = new Set();

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = (q === -1 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
  return { path, query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)) };
}

function matchRoute(path) {
  const parts = path.split('/');
  for (const route of ROUTES) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i].startsWith(':')) {
        try {
          params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
        } catch {
          ok = false;
        }
      } else {
        ok = pattern[i] === parts[i];
      }
    }
    if (ok) return { route, params };
  }
  return null;
}

/** Goes to a route path ('profile', 'signin?next=tokens'). message:
 *  [text, kind] to announce once that page is drawn (e.g. "Question
 *  posted." on the question's page). */
export function navigate(path, { replace = false, message = null } = {}) {
  const target = link(path);
  pendingMessage = message;
  if (location.hash === target) {
    render();
  } else if (replace) {
    history.replaceState(history.state, '', target);
    render();
  } else {
    location.hash = target;   // hashchange renders
  }
}

export function currentRoute() {
  return current;
}

/** fn(current) after each render (the header marks the current link). */
export function onRouteChange(fn) {
  changeListeners.add(fn);
}

function homePath() {
  return session.user ? HOME.signedIn : HOME.signedOut;
}

/** Where a guard sends someone who may not see `route`; null if allowed. */
function redirectFor(route, path, query, reason) {
  const access = route.access || 'user';
  if (access === 'user' && !session.user) {
    if (reason === 'signout') return 'signin';
    return `signin?next=${encodeURIComponent(path)}`;
  }
  if (access === 'guest' && session.user) {
    const next = query.get('next');
    const target = next && matchRoute(next);
    return target && canSee(target.route, session.user) ? next : homePath();
  }
  return null;
}

async function render(reason) {
  const mine = ++seq;
  // Messages belong to the page they were shown on. (Announcements made
  // after navigate() returns, e.g. "You have signed out", stay.)
  if (!initial) announce('');
  const { path, query } = parseHash();
  if (!path) {
    navigate(homePath(), { replace: true });
    return;
  }
  const found = matchRoute(path);
  if (found) {
    const to = redirectFor(found.route, path, query, reason);
    if (to !== null) {
      navigate(to, { replace: true });
      return;
    }
  }
  if (cleanup) {
    try {
      cleanup();
    } catch (err) {
      console.warn(err); // eslint-disable-line no-console
    }
    cleanup = null;
  }
  const route = found ? found.route : null;
  current = { route, params: found ? found.params : {}, query, path };
  const ctx = {
    root,
    route,
    params: current.params,
    query,
    user: session.user,
    navigate,
    announce,
    isCurrent: () => mine === seq,
  };

  let page = null;
  let title = 'Page not found';
  if (route && !canSee(route, session.user)) {
    title = 'No access';
    page = { render: renderForbidden };
  } else if (route) {
    title = route.title;
    try {
      page = route.page ? await route.page() : await import('./pages/coming-soon.js');
    } catch (err) {
      console.warn(err); // eslint-disable-line no-console
      page = { render: renderLoadFailed };
    }
  } else {
    page = { render: renderNotFound };
  }
  if (mine !== seq) return;   // the user moved on while the page loaded

  document.title = `${title} · Parley`;
  clear(root);
  root.dataset.route = route ? route.path : 'not-found';
  try {
    const done = (await page.render(ctx)) || null;
    // The user may have moved on while the page loaded its data: then its
    // cleanup (timers, listeners) runs now, not in place of the new page's.
    if (mine === seq) cleanup = done;
    else if (done) done();
  } catch (err) {
    console.warn(err); // eslint-disable-line no-console
    if (mine === seq) {
      clear(root);
      renderLoadFailed(ctx);
    }
  }
  if (mine !== seq) return;
  if (pendingMessage) {
    announce(...pendingMessage);
    pendingMessage = null;
  }
  for (const fn of changeListeners) fn(current);
  if (!initial) {
    window.scrollTo(0, 0);
    focusHeading();
  }
  initial = false;
}

/** Moves focus to the page's h1 (or <main> when there is none). */
export function focusHeading() {
  const heading = root.querySelector('h1');
  (heading || root).focus({ preventScroll: false });
}

function renderNotFound({ root: el }) {
  el.append(
    pageHeader('Page not found', 'There is no page at this address.'),
    h('p', null, h('a', { href: link(homePath()) }, 'Go to the start page')),
  );
}

function renderForbidden({ root: el }) {
  el.append(
    pageHeader('No access', 'Your role does not give you access to this page.'),
    h('p', null, h('a', { href: link(homePath()) }, 'Go to the start page')),
  );
}

function renderLoadFailed({ root: el }) {
  el.append(
    pageHeader('This page did not load', 'Check your connection, then reload the page.'),
    h('p', null, h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => location.reload() }, 'Reload')),
  );
}

/** Starts routing into `main`. Call after the session is known. */
export function startRouter(main) {
  root = main;
  window.addEventListener('hashchange', () => render('hashchange'));
  // Signing in or out may make the current page off limits (or a guest
  // page pointless): re-check the guard, and redirect if need be.
  subscribe((state, reason) => {
    if (reason === 'update' || reason === 'load') return;
    const { path, query } = parseHash();
    const found = matchRoute(path);
    if (!found) return;
    const to = redirectFor(found.route, path, query, reason);
    if (to !== null) navigate(to, { replace: true });
  });
  render('load');
}
