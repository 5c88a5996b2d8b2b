// Shared helpers for the browser suites: one headless Chromium per test
// file, a fresh context (own cookies) per page, and a strict check that
// nothing went wrong in the page (console errors, page errors, CSP
// violations, failed assets, dialogs).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { chromium } from 'playwright-core';
import { BASE, api, register, login } from '../lib/api.mjs';

export const TIMEOUT = 10_000;
let browser;

/** Registers before/after hooks that launch and close the browser. */
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
  });
}

// Chromium logs every 4xx fetch as a console error. The anonymous GET /me
// probe answers 401 by contract, so that one is always expected; a test that
// provokes an API error on purpose lists it in `allow` as [status, path].
// Any other console error, page error, CSP violation or failed asset fails.
function isExpectedNetworkError(msg, allow) {
  const m = /the server responded with a status of (\d{3})/.exec(msg.text());
  const url = msg.location()?.url ?? '';
  return !!m && allow.some(([status, path]) => Number(m[1]) === status && url === BASE + path);
}

/**
 * Opens a page in a fresh browser context. Returns {page, context, dialogs,
 * problems, finish(t, err)}: finish asserts nothing went wrong (unless err
 * is already set), screenshots on failure and closes the context.
 * opts: session (signed-in cookie), allow ([status, path] API errors that
 * are expected), storage ({key: value} put in localStorage before any page
 * script runs, e.g. shorter poll intervals).
 */
export async function openPage({ session, allow = [], storage = null, viewport = { width: 1280, height: 900 } } = {}) {
  const expected = [[401, '/api/v1/me'], ...allow];
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(TIMEOUT);
  if (session) {
    await context.addCookies([{ name: 'parley_session', value: session.cookie, url: BASE }]);
  }
  const problems = [];
  const dialogs = [];
  // CSP violations as the page sees them. A binding rather than a global so
  // that reloads do not lose them (init scripts are not subject to the CSP).
  await context.exposeBinding('__parleyCspViolation', (_source, text) => problems.push(`csp: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__parleyCspViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  if (storage) {
    await context.addInitScript((entries) => {
      for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
    }, storage);
  }
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !isExpectedNetworkError(msg, expected)) problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('response', (res) => {
    const url = res.url();
    if (!url.startsWith(`${BASE}/api/`) && res.status() >= 400) problems.push(`asset ${res.status()} ${url}`);
  });
  page.on('requestfailed', (req) => {
    // Navigating (goto, reload) cancels what is in flight: not a failure.
    const why = req.failure()?.errorText;
    if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${req.url()} ${why}`);
  });

  async function finish(t, err, label = '') {
    try {
      if (!err) {
        await page.waitForTimeout(50);   // let late console messages arrive
        assert.deepEqual(problems, [], `no console errors, page errors, CSP violations or failed assets${label ? ` (${label})` : ''}`);
        assert.deepEqual(dialogs, [], 'no dialogs');
      }
    } catch (e) {
      err = e;
    }
    if (err) {
      const name = `${t.name}${label ? `-${label}` : ''}`;
      const shot = join(tmpdir(), `parley-browser-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 48)}.png`);
      await page.screenshot({ path: shot, fullPage: true }).then(
        () => { err.message += `\n(screenshot: ${shot}; page: ${page.url()})`; },
        () => {},
      );
    }
    await context.close();
    if (err) throw err;
  }
  return { page, context, dialogs, problems, finish };
}

/**
 * Runs fn({page, context, dialogs}) in a fresh browser context (its own
 * cookies; `session` adds a signed-in cookie), then asserts that nothing
 * went wrong in the page: no console errors, page errors, CSP violations,
 * failed assets or dialogs. On failure a screenshot is saved to the temp
 * directory and its path added to the error.
 */
export async function withPage(t, opts, fn) {
  const p = await openPage(opts);
  let err = null;
  try {
    await fn(p);
  } catch (e) {
    err = e;
  }
  await p.finish(t, err);
}

/** Several pages at once (e.g. two people): fn([p1, p2, ...]). Each is
 *  checked like withPage's, and each gets a screenshot on failure. */
export async function withPages(t, optsList, fn) {
  const pages = [];
  let err = null;
  try {
    for (const o of optsList) pages.push(await openPage(o));
    await fn(pages);
  } catch (e) {
    err = e;
  }
  for (const [i, p] of pages.entries()) {
    try {
      await p.finish(t, err, `p${i + 1}`);
    } catch (e) {
      err = err ?? e;
      if (err !== e) err.message += `\n${e.message.split('\n').pop()}`;
    }
  }
  if (err) throw err;
}

/** A user registered and signed in through the API. */
export async function signedIn(fields) {
  const user = await register(fields);
  return { user, session: await login(user.handle) };
}

export async function heading(page, name) {
  const h1 = page.getByRole('heading', { level: 1, name });
  await h1.waitFor();
  return h1;
}

export async function statusText(page, re) {
  await page.locator('#status').getByText(re).waitFor();
}

export async function activeElement(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim() };
  });
}

/** A made-up word no other test (or earlier run) uses, letters only so
 *  that full-text search keeps it whole: e.g. "vorelintaku". */
export function word() {
  const c = 'bdfgklmnprstvz';
  const v = 'aeiou';
  let s = '';
  for (let i = 0; i < 5; i++) s += c[randomInt(c.length)] + v[randomInt(v.length)];
  return s;
}

/** The body of an API answer, after checking its status. */
export async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}

/** A fresh signed-in user with the given role (set by the founder, the
 *  first admin). */
export async function withRole(role, fields = {}) {
  const p = await signedIn(fields);
  if (role !== 'employee') {
    const founder = await login('founder');
    await ok(await api('PATCH', `/api/v1/admin/users/${p.user.handle}`, { session: founder, json: { role } }));
    p.session = await login(p.user.handle);
  }
  return p;
}
