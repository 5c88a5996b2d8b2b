// The unread-notifications count behind the header badge. Polled while the
// tab is visible and someone is signed in (every 30 s; localStorage
// 'parley.badgePollMs' shortens it, for tests), and refreshed at once by
// refreshUnread() (e.g. after "Mark all as read").
import { api } from './api.js';
import { session, subscribe } from './session.js';

const DEFAULT_MS = 30_000;
let count = 0;
let timer = null;
const listeners = new Set();

export function pollInterval(key, fallback) {
  try {
    const v = Number.parseInt(localStorage.getItem(key) || '', 10);
    if (Number.isFinite(v) && v >= 100) return v;
  } catch {
    // Storage may be unavailable (privacy settings): use the default.
  }
  return fallback;
}

export function unreadCount() {
  return count;
}

/** fn(count) whenever the count changes. */
export function onUnreadChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function set(n) {
  if (n === count) return;
  count = n;
  for (const fn of listeners) fn(count);
}

/**
 * Asks the server now; resolves to the count. Quiet about failures.
 * A fresh request is always sent (a poll already in flight may have left
 * before a change, e.g. "Mark all as read"); only the newest answer counts.
 */
let latest = 0;
export function refreshUnread() {
  if (!session.user) {
    set(0);
    return Promise.resolve(0);
  }
  const mine = ++latest;
  return api.get('/notifications/unread')
    .then((r) => {
      if (mine === latest && session.user) set(Number(r && r.unread) || 0);
      return count;
    })
    .catch(() => count);
}

function tick() {
  if (document.visibilityState === 'visible') refreshUnread();
}

function start() {
  stop();
  if (!session.user) {
    set(0);
    return;
  }
  refreshUnread();
  timer = setInterval(tick, pollInterval('parley.badgePollMs', DEFAULT_MS));
}

function stop() {
  if (timer) clearInterval(timer);
  timer = null;
}

/** Called once by the shell. */
export function startUnreadPolling() {
  document.addEventListener('visibilitychange', tick);
  subscribe((state, reason) => {
    if (reason === 'update') return;
    start();
  });
  start();
}
