// The one place the browser talks to the Parley API.
//
//   import { api, ApiError } from './api.js';
//   const { user } = await api.get('/me');
//   await api.patch('/me', { title: 'Engineer' });
//
// Paths are relative to /api/v1. JSON in, JSON out; cookies are sent
// same-origin, and every unsafe request carries the session's CSRF token
// (X-CSRF-Token). Failures throw ApiError with the contract's
// {code, message, field}; network failures use status 0 / code
// "network_error".

const BASE = '/api/v1';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

let csrfToken = null;
const authLostListeners = new Set();

export class ApiError extends Error {
  constructor(status, error = {}, headers = null) {
    super(error.message || defaultMessage(status));
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code || 'error';
    this.field = error.field || null;
    // Extra members of the error object, e.g. existing_id on a duplicate
    // bookmark (409).
    this.details = error;
    const retry = headers ? Number.parseInt(headers.get('retry-after') || '', 10) : NaN;
    this.retryAfter = Number.isFinite(retry) ? retry : null;
  }
}

function defaultMessage(status) {
  if (status === 0) return 'Parley could not be reached. Check your connection and try again.';
  if (status >= 500) return 'Something went wrong on our side. Please try again.';
  return 'The request failed.';
}

/** The CSRF token from POST /auth/login or GET /me; null when signed out. */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** fn(error) runs when a request shows the session has ended (401, or the
 *  account was suspended). The sign-in call itself never triggers it. */
export function onAuthLost(fn) {
  authLostListeners.add(fn);
  return () => authLostListeners.delete(fn);
}

async function send(method, path, body) {
  const headers = { accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (BODY_METHODS.has(method)) {
    // Kore answers 411 to a POST/PUT/PATCH without Content-Length: an empty
    // string body makes fetch send "content-length: 0" in every browser.
    init.body = '';
  }
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, { code: 'network_error' });
  }
  let data = null;
  if (res.status !== 204 && (res.headers.get('content-type') || '').startsWith('application/json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;
  throw new ApiError(res.status, (data && data.error) || {}, res.headers);
}

/**
 * request(method, path, body?, {quiet}) -> parsed JSON (null for 204).
 * quiet: do not announce a lost session (used by the GET /me probe).
 */
export async function request(method, path, body, { quiet = false } = {}) {
  try {
    try {
      return await send(method, path, body);
    } catch (err) {
      // 503 means the database was unavailable and nothing was written
      // (e.g. it is restarting): worth one more try after a moment.
      if (err.status !== 503) throw err;
      await new Promise((resolve) => { setTimeout(resolve, 400); });
      return await send(method, path, body);
    }
  } catch (err) {
    // Another tab may have signed in again, which rotates the CSRF token:
    // fetch the current one and retry once.
    if (err.code === 'csrf_failed' && UNSAFE.has(method)) {
      try {
        const me = await send('GET', '/me');
        setCsrfToken(me && me.csrf_token);
      } catch {
        throw err;
      }
      return send(method, path, body);
    }
    const authCall = path.startsWith('/auth/');
    if (!quiet && !authCall && (err.status === 401 || err.code === 'account_suspended')) {
      for (const fn of authLostListeners) fn(err);
    }
    throw err;
  }
}

/**
 * upload(path, body, {contentType, onProgress}) -> parsed JSON: a POST of raw
 * bytes (a File or Blob) with upload progress, which fetch() cannot report.
 * onProgress(loaded, total) runs as the bytes go out. Same errors as
 * request(); no retries (the body may be large).
 */
export function upload(path, body, { contentType = 'application/octet-stream', onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', BASE + path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    if (onProgress) {
      xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0));
    }
    xhr.addEventListener('error', () => reject(new ApiError(0, { code: 'network_error' })));
    xhr.addEventListener('abort', () => reject(new ApiError(0, { code: 'network_error' })));
    xhr.addEventListener('load', () => {
      let data = null;
      if ((xhr.getResponseHeader('content-type') || '').startsWith('application/json')) {
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = null;
        }
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data);
        return;
      }
      const headers = { get: (name) => xhr.getResponseHeader(name) };
      const err = new ApiError(xhr.status, (data && data.error) || {}, headers);
      if (err.status === 401 || err.code === 'account_suspended') {
        for (const fn of authLostListeners) fn(err);
      }
      reject(err);
    });
    xhr.send(body);
  });
}

/**
 * download(path) -> Blob: a GET that needs the session cookie (so a plain
 * link would do, but a failure would leave the page for an error body):
 * the caller saves it with saveBlob().
 */
export async function download(path) {
  let res;
  try {
    res = await fetch(BASE + path, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, { code: 'network_error' });
  }
  if (res.ok) return res.blob();
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  const err = new ApiError(res.status, (data && data.error) || {}, res.headers);
  if (err.status === 401) for (const fn of authLostListeners) fn(err);
  throw err;
}

/** Offers a Blob as a file download (an <a download> on a blob: URL). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by now; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body, opts) => request('POST', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  put: (path, body, opts) => request('PUT', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
};
