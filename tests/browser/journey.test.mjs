// Browser suite: the UI served at / against a real Parley (PARLEY_URL).
// Each test uses its own browser context (its own cookies) and unique users,
// because the database is shared with the other suites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, api, register, login, unique } from '../lib/api.mjs';
import { useBrowser, withPage, signedIn, heading, statusText, activeElement } from './lib.mjs';

useBrowser();

test('journey: register, sign in, edit profile, reload keeps it, sign out', async (t) => {
  const handle = unique('bj');
  const name = `Journey ${handle}`;
  const manager = await register({ display_name: 'Mona Manager' });
  await withPage(t, {}, async ({ page }) => {
    await page.goto(`${BASE}/#/register`);
    await heading(page, 'Create your Parley account');
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Work e-mail').fill(`${handle}@example.org`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    // Registering leads to sign-in with the new handle filled in.
    await heading(page, 'Sign in to Parley');
    await statusText(page, `Account @${handle} created`);
    assert.equal(await page.getByLabel('Handle or e-mail').inputValue(), handle);
    assert.equal((await activeElement(page)).tag, 'h1', 'focus moves to the heading on navigation');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await heading(page, `Welcome, ${name}`);
    assert.match(page.url(), /#\/home$/);
    const chip = page.locator('#current-user');
    assert.match(await chip.innerText(), new RegExp(name));
    assert.match(await chip.innerText(), new RegExp(`@${handle}`));
    // The shell's primary navigation, data-driven from nav.js.
    const nav = page.getByRole('navigation', { name: 'Primary' });
    for (const label of ['Home', 'People', 'Notifications', 'Communities', 'Experts', 'Bookmarks']) {
      await nav.getByRole('link', { name: label, exact: true }).waitFor();
    }
    for (const label of ['Admin', 'Customers', 'Reports']) {
      assert.equal(await nav.getByRole('link', { name: label }).count(), 0, `no ${label} link for employees`);
    }
    assert.equal(await nav.getByRole('link', { name: 'Home' }).getAttribute('aria-current'), 'page');

    // Edit the profile.
    await chip.click();
    await heading(page, 'Your profile');
    assert.equal((await activeElement(page)).tag, 'h1');
    await page.getByLabel('Display name').fill(`${name} Jr`);
    await page.getByLabel('Job title').fill('Staff Engineer');
    await page.getByLabel('Department').fill('Platform');
    await page.getByLabel('Location').fill('Lisbon');
    await page.getByLabel('About you').fill('Builds databases.\nLikes C.');
    await page.getByRole('textbox', { name: 'Skills' }).fill('PostgreSQL, C,  postgresql , Kore,');
    await page.getByLabel('Manager').fill(manager.handle);
    await page.getByRole('button', { name: 'Save profile' }).click();
    await statusText(page, 'Profile saved.');
    await page.locator('.profile-card').getByText('Staff Engineer · Platform').waitFor();
    assert.match(await chip.innerText(), new RegExp(`${name} Jr`), 'the header shows the new name');
    // The server de-duplicates skills; the form shows what it kept.
    assert.equal(await page.getByRole('textbox', { name: 'Skills' }).inputValue(), 'PostgreSQL, C, Kore');

    // A reload reads everything back from the server.
    await page.reload();
    await heading(page, 'Your profile');
    const card = page.locator('.profile-card');
    await card.getByRole('heading', { name: `${name} Jr` }).waitFor();
    assert.equal(await page.getByLabel('Job title').inputValue(), 'Staff Engineer');
    assert.equal(await page.getByLabel('Department').inputValue(), 'Platform');
    assert.equal(await page.getByLabel('Location').inputValue(), 'Lisbon');
    assert.equal(await page.getByLabel('About you').inputValue(), 'Builds databases.\nLikes C.');
    assert.equal(await page.getByLabel('Manager').inputValue(), manager.handle);
    assert.deepEqual(await card.locator('.chip').allInnerTexts(), ['PostgreSQL', 'C', 'Kore']);
    await card.getByText('Mona Manager').waitFor();

    // An empty manager clears it.
    await page.getByLabel('Manager').fill('');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await statusText(page, 'Profile saved.');
    assert.equal(await card.getByText('Reports to').count(), 0);
    const me = await api('GET', '/api/v1/me', { session: await login(handle) });
    assert.equal(me.body.user.manager, null);
    assert.equal(me.body.user.title, 'Staff Engineer');

    // Sign out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Sign in to Parley');
    await statusText(page, 'You have signed out.');
    assert.equal(await page.locator('#current-user').count(), 0);
    await page.getByRole('banner').getByRole('link', { name: 'Register' }).waitFor();
    // The session is gone on the server too: a reload stays signed out and
    // signed-in pages send you to sign in.
    await page.goto(`${BASE}/#/profile`);
    await page.reload();
    await heading(page, 'Sign in to Parley');
    assert.match(page.url(), /#\/signin\?next=profile$/);
  });
});

test('markup in display_name and bio renders as literal text', async (t) => {
  const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
  const { session } = await signedIn({ display_name: payload });
  await withPage(t, { session }, async ({ page, dialogs }) => {
    await page.goto(`${BASE}/#/profile`);
    await heading(page, 'Your profile');
    await page.getByLabel('About you').fill(`Hello ${payload} world`);
    await page.getByRole('button', { name: 'Save profile' }).click();
    await statusText(page, 'Profile saved.');
    await page.reload();
    await heading(page, 'Your profile');

    const card = page.locator('.profile-card');
    assert.equal(await card.getByRole('heading', { level: 2 }).textContent(), payload);
    assert.equal(await page.locator('#profile-bio').textContent(), `Hello ${payload} world`);
    assert.equal(await page.locator('#current-user .user-chip-name').textContent(), payload);
    await page.getByText(payload, { exact: true }).first().waitFor({ state: 'visible' });
    await page.goto(`${BASE}/#/home`);
    await heading(page, `Welcome, ${payload}`);

    // Nothing became markup, and no script ran.
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(await page.locator('body script').count(), 0);
    await page.waitForTimeout(200);
    assert.deepEqual(dialogs, []);
  });
});

test('keyboard only: skip link, then sign in with Tab, typing and Enter', async (t) => {
  const user = await register();
  await withPage(t, {}, async ({ page }) => {
    await page.goto(`${BASE}/#/signin`);
    await heading(page, 'Sign in to Parley');
    await page.keyboard.press('Tab');
    assert.deepEqual(await activeElement(page), { tag: 'a', id: 'skip-link', text: 'Skip to content' });
    assert.ok(await page.locator('#skip-link').isVisible(), 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.equal((await activeElement(page)).tag, 'h1', 'skip link moves focus to the heading');
    assert.match(page.url(), /#\/signin$/, 'the skip link does not change the route');
    await page.keyboard.press('Tab');
    assert.equal((await activeElement(page)).id, 'signin-login');
    // A visible focus indicator on the focused input.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    assert.equal((await activeElement(page)).id, 'signin-password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    const h1 = await heading(page, `Welcome, ${user.display_name}`);
    assert.equal((await activeElement(page)).tag, 'h1');
    assert.equal(await h1.evaluate((el) => el === document.activeElement), true);
  });
});

test('errors: a wrong password shows the message; field errors mark the input', async (t) => {
  const user = await register();
  const allow = [[401, '/api/v1/auth/login'], [422, '/api/v1/auth/register'], [409, '/api/v1/auth/register']];
  await withPage(t, { allow }, async ({ page }) => {
    await page.goto(`${BASE}/#/signin`);
    await heading(page, 'Sign in to Parley');
    await page.getByLabel('Handle or e-mail').fill(user.handle);
    await page.getByLabel('Password').fill('not the right password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('#signin-form [role="alert"]');
    await alert.getByText('The login or password is wrong.').waitFor();
    assert.match(page.url(), /#\/signin$/);
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the wrong password is cleared');
    assert.equal((await activeElement(page)).id, 'signin-password', 'and focused for another try');
    assert.equal(await page.getByLabel('Handle or e-mail').inputValue(), user.handle);
    assert.equal(await page.locator('#current-user').count(), 0);

    // 422 domain_not_allowed (field "email") and 409 (field "handle").
    await page.goto(`${BASE}/#/register`);
    await heading(page, 'Create your Parley account');
    const handle = unique('be');
    await page.getByLabel('Full name').fill('Eve Elsewhere');
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Work e-mail').fill(`${handle}@elsewhere.test`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const email = page.getByLabel('Work e-mail');
    await page.locator('#register-email-error').getByText('E-mail addresses of that domain cannot register here.').waitFor();
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.match(await email.getAttribute('aria-describedby'), /register-email-error/);
    assert.equal((await activeElement(page)).id, 'register-email', 'focus goes to the invalid field');

    await email.fill(`${handle}@example.com`);
    await page.getByLabel('Handle').fill(user.handle);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#register-handle-error').getByText('already registered').waitFor();
    assert.equal(await page.getByLabel('Handle').getAttribute('aria-invalid'), 'true');
    assert.equal(await email.getAttribute('aria-invalid'), null, 'the earlier error was cleared');
  });
});

test('tokens: create shows the secret once; revoke removes it', async (t) => {
  const { session } = await signedIn();
  const name = `ci ${unique('t')}`;
  await withPage(t, { session }, async ({ page }) => {
    await page.goto(`${BASE}/#/tokens`);
    await heading(page, 'Access tokens');
    await page.getByText('You have no access tokens.').waitFor();
    await page.getByLabel('Token name').fill(name);
    await page.getByRole('button', { name: 'Create token' }).click();

    const secret = page.locator('#new-token-value');
    await secret.waitFor();
    const token = await secret.inputValue();
    assert.match(token, /^pat_\S{20,}$/);
    assert.equal(await secret.getAttribute('readonly'), '');
    assert.equal((await activeElement(page)).id, 'new-token-value', 'focus goes to the new token');
    const row = page.locator('#token-list tbody tr', { hasText: name });
    await row.waitFor();
    assert.match(await row.innerText(), /Never/);

    // The token works against the API.
    const viaToken = await api('GET', '/api/v1/me', { token });
    assert.equal(viaToken.status, 200);

    // Shown once: after leaving the page it is gone for good.
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Profile' }).click();
    await heading(page, 'Your profile');
    await page.goBack();
    await heading(page, 'Access tokens');
    await row.waitFor();
    assert.equal(await page.locator('#new-token-value').count(), 0);
    assert.equal((await page.content()).includes(token), false);

    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await statusText(page, `Token “${name}” revoked.`);
    await page.getByText('You have no access tokens.').waitFor();
    assert.equal(await page.locator('#token-list tbody tr').count(), 0);
    assert.equal((await api('GET', '/api/v1/me', { token })).status, 401);
  });
});

test('shell: role-guarded pages, unknown routes', async (t) => {
  const { session } = await signedIn();
  await withPage(t, { session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    // Customer care is for admins, community managers and analysts.
    await page.goto(`${BASE}/#/customers`);
    await heading(page, 'No access');
    assert.equal(await page.title(), 'No access · Parley');
    await page.goto(`${BASE}/#/admin`);
    await heading(page, 'No access');
    await page.goto(`${BASE}/#/no-such-page`);
    await heading(page, 'Page not found');
    await page.goto(`${BASE}/#/register`);
    await heading(page, /^Welcome/);   // guest pages send signed-in people home
  });
});

test('session: a rotated CSRF token is refetched; an ended session goes to sign in', async (t) => {
  const { user, session } = await signedIn();
  const allow = [[403, '/api/v1/me'], [401, '/api/v1/me/tokens']];
  await withPage(t, { session, allow }, async ({ page, context }) => {
    await page.goto(`${BASE}/#/profile`);
    await heading(page, 'Your profile');
    // Signing in again (say, in another tab) replaces the cookie and with
    // it the CSRF token this page holds; saving must still work.
    const again = await login(user.handle);
    await context.addCookies([{ name: 'parley_session', value: again.cookie, url: BASE }]);
    const patches = [];
    page.on('response', (res) => {
      if (res.request().method() === 'PATCH' && res.url() === `${BASE}/api/v1/me`) patches.push(res.status());
    });
    await page.getByLabel('Job title').fill('Rotated');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await statusText(page, 'Profile saved.');
    assert.deepEqual(patches, [403, 200], 'refused with the stale token, then retried');
    assert.equal((await api('GET', '/api/v1/me', { session: again })).body.user.title, 'Rotated');

    // The session ends on the server; the next request notices.
    assert.equal((await api('POST', '/api/v1/auth/logout', { session: again })).status, 204);
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Access tokens' }).click();
    await heading(page, 'Sign in to Parley');
    await statusText(page, 'Your session has ended. Sign in again to continue.');
    assert.match(page.url(), /#\/signin\?next=tokens$/);
    assert.equal(await page.locator('#current-user').count(), 0);
    // Signing in returns to where the person was going.
    await page.getByLabel('Handle or e-mail').fill(user.handle);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await heading(page, 'Access tokens');
  });
});

// The first account of the test database (`founder`, made by
// tests/api/first_admin.test.mjs, which runs before this suite) promotes a
// fresh user to admin through the API.
async function promoteToAdmin(handle) {
  const founder = await login('founder');
  const r = await api('PATCH', `/api/v1/admin/users/${handle}`, { session: founder, json: { role: 'admin' } });
  assert.equal(r.status, 200, r.text);
}

test('admin: change a role and suspend someone by handle', async (t) => {
  const admin = await register({ display_name: 'Ada Admin' });
  await promoteToAdmin(admin.handle);
  const session = await login(admin.handle);
  assert.equal(session.user.role, 'admin');
  const target = await register({ display_name: 'Tess Target' });
  const targetSession = await login(target.handle);
  const allow = [[422, `/api/v1/admin/users/${admin.handle}`], [404, '/api/v1/admin/users/no_such_person_x']];
  await withPage(t, { session, allow }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, 'Welcome, Ada Admin');
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Admin' }).click();
    await heading(page, 'Admin');

    await page.getByLabel('Handle').fill(target.handle);
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await statusText(page, `@${target.handle} is now analyst, active.`);
    await page.locator('#admin-result').getByText('Tess Target').waitFor();
    assert.equal((await login(target.handle)).user.role, 'analyst');

    // Suspending ends the person's sessions.
    await page.getByLabel('Role', { exact: true }).selectOption('');
    await page.getByLabel('Status', { exact: true }).selectOption('suspended');
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await statusText(page, `@${target.handle} is now analyst, suspended.`);
    assert.equal((await api('GET', '/api/v1/me', { session: targetSession })).status, 401);

    // Server-side refusals land on the right field.
    await page.getByLabel('Handle').fill(admin.handle);
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Role', { exact: true }).selectOption('employee');
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await page.locator('#admin-role-error').getByText('Admins cannot change their own role').waitFor();
    assert.equal(await page.getByLabel('Role', { exact: true }).getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Handle').fill('no_such_person_x');
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await page.locator('#admin-form [role="alert"]').getByText('Nothing is here.').waitFor();
    assert.equal(await page.getByLabel('Role', { exact: true }).getAttribute('aria-invalid'), null);
  });
});
