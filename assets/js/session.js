// Who is signed in. One shared state object; subscribe() to hear changes.
//
//   session.user     the User object, or null when signed out
//   session.ready    true once the first GET /me has answered
//
// Changes carry a reason: 'load', 'signin', 'signout', 'expired', 'update'.
import { api, setCsrfToken, onAuthLost } from './api.js';

export const session = { user: null, ready: false };

const listeners = new Set();

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(reason) {
  for (const fn of listeners) fn(session, reason);
}

function set(user, csrf, reason) {
  session.user = user || null;
  session.ready = true;
  setCsrfToken(user ? csrf : null);
  emit(reason);
}

/** Asks the server who we are. Throws only when the server cannot answer. */
export async function loadSession() {
  try {
    const r = await api.get('/me', { quiet: true });
    set(r.user, r.csrf_token, 'load');
  } catch (err) {
    if (err.status === 401 || err.status === 403) set(null, null, 'load');
    else throw err;
  }
}

export async function signIn(login, password) {
  const r = await api.post('/auth/login', { login, password });
  set(r.user, r.csrf_token, 'signin');
  return r.user;
}

export async function signOut() {
  try {
    await api.post('/auth/logout');
  } catch (err) {
    // Already signed out on the server (401): nothing left to end. Anything
    // else means the session may still be alive, so say so.
    if (err.status !== 401) throw err;
  }
  set(null, null, 'signout');
}

/** Replaces the signed-in user after a change (e.g. PATCH /me). */
export function updateUser(user) {
  session.user = user;
  emit('update');
}

export function isAdmin() {
  return !!session.user && session.user.role === 'admin';
}

onAuthLost(() => {
  if (session.user) set(null, null, 'expired');
});
