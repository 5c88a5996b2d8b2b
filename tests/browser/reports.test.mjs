// Browser suite for the collaboration and network reports (issue 6): an
// analyst opens Reports, the Collaboration tab (a table with the
// department of six, the small department folded into "Other" and said in
// words, drawn charts), switches to grouping by week (time series), opens
// Network (the heatmap with its numbers, bridges and E-I bars), and finds
// CSV links for the same view; the view lives in the address; the profile's
// analytics opt-out; the customer-care tab stays the default. Every page is
// checked for console errors, page errors and CSP violations (lib.mjs).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, api, login, tokenFor } from '../lib/api.mjs';
import { useBrowser, withPage, signedIn, heading, statusText, word, ok } from './lib.mjs';

useBrowser();

const TODAY = new Date().toISOString().slice(0, 10);
/** The Monday (UTC) of this ISO week, as the week grouping's key. */
function monday() {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

const topic = word();
const DEPT = { a: `Alpha ${topic}`, b: `Beta ${topic}`, s: `Solo ${topic}` };
let analyst;

async function member(department) {
  const p = await signedIn();
  const token = await tokenFor(p.session);
  await ok(await api('PATCH', '/api/v1/me', { token, json: { department } }));
  return { ...p, token };
}

async function post(who, body, replyTo) {
  const r = await api('POST', '/api/v1/posts', { token: who.token, json: replyTo ? { body, reply_to: replyTo } : { body } });
  assert.equal(r.status, 201, r.text);
  return r.body.post.id;
}

/** Chromium draws on the canvas: some pixel is not transparent. */
async function drawn(page, id) {
  await page.waitForFunction((cid) => {
    const c = document.getElementById(cid);
    if (!c || !c.width || !c.height) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
    return false;
  }, id);
}

async function fetchText(page, href) {
  return page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
  }, href);
}

before(async () => {
  // Six people in Alpha and six in Beta talk within and across their
  // departments this week; one person in Solo (a group too small to show).
  const [an, ...people] = await Promise.all([
    signedIn(),
    ...Array.from({ length: 6 }, () => member(DEPT.a)),
    ...Array.from({ length: 6 }, () => member(DEPT.b)),
    member(DEPT.s),
  ]);
  const founder = await login('founder');
  await ok(await api('PATCH', `/api/v1/admin/users/${an.user.handle}`, { session: founder, json: { role: 'analyst' } }));
  analyst = { ...an, session: await login(an.user.handle) };
  const A = people.slice(0, 6);
  const B = people.slice(6, 12);
  const S = people[12];
  const pa = [];
  const pb = [];
  for (let i = 0; i < 6; i++) {
    pa.push(await post(A[i], `Alpha thread ${i} ${topic}`));
    pb.push(await post(B[i], `Beta thread ${i} ${topic}`));
  }
  for (let i = 0; i < 6; i++) {
    const r = await post(A[(i + 1) % 6], `Alpha reply ${i}`, pa[i]);
    await post(A[i], `Alpha back ${i}`, r);
    await post(B[(i + 1) % 6], `Beta reply ${i}`, pb[i]);
    await post(A[i], `Across to Beta ${i}`, pb[i]);
    await post(B[i], `Across to Alpha ${i}`, pa[i]);
  }
  await post(S, `Solo says hi ${topic}`, pa[0]);
});

test('collaboration: table with the department of six, "Other" in words, charts, group by week, CSV; network: heatmap with numbers, bridges, E-I', async (t) => {
  await withPage(t, { session: analyst.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Reports' }).click();
    await heading(page, 'Reports');
    // Customer care is the first tab and the default view.
    const tablist = page.getByRole('tablist', { name: 'Reports' });
    assert.equal(await tablist.getByRole('tab', { name: 'Customer care' }).getAttribute('aria-selected'), 'true');
    await page.locator('#report-status').getByText(/^Weeks from /).waitFor();

    // Collaboration, this week only.
    await tablist.getByRole('tab', { name: 'Collaboration' }).click();
    await page.waitForURL(/tab=collaboration&group_by=department$/);
    await page.getByLabel('From', { exact: true }).fill(TODAY);
    await page.getByLabel('To', { exact: true }).fill(TODAY);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#report-status').getByText(/departments? shown\.$/).waitFor();
    assert.match(page.url(), new RegExp(`from=${TODAY}&to=${TODAY}&tab=collaboration&group_by=department$`));
    const table = page.locator('#collab-table');
    const alpha = table.locator(`tbody tr[data-group="${DEPT.a}"]`);
    await alpha.waitFor();
    assert.equal(await alpha.locator('th').textContent(), DEPT.a);
    assert.equal(await alpha.locator('td[data-key="active_people"]').textContent(), '6');
    assert.equal(await alpha.locator('td[data-key="conversations"]').textContent(), '6', 'one conversation per Alpha thread (the Beta replies are Beta’s)');
    assert.ok(Number(await alpha.locator('td[data-key="cross_department_interactions"]').textContent()) >= 6);
    await table.locator(`tbody tr[data-group="${DEPT.b}"]`).waitFor();
    assert.equal(await table.locator(`tbody tr[data-group="${DEPT.s}"]`).count(), 0, 'the department of one is not shown');
    assert.equal(await page.getByText(DEPT.s).count(), 0);
    assert.match(await page.locator('#collab-other').textContent(), /^Other\d+ small departments? hidden to protect privacy \(fewer than 5 people\)/);
    assert.match(await page.locator('#collab-privacy').textContent(), /folded into “Other”: none of (its|their) figures is shown or counted in the totals\./);
    for (const id of ['chart-collab-departments', 'chart-collab-depth', 'chart-collab-cross']) {
      const canvas = page.locator(`#${id}`);
      assert.equal(await canvas.getAttribute('role'), 'img');
      assert.equal(await page.locator(`#${await canvas.getAttribute('aria-describedby')}`).evaluate((el) => el.tagName), 'TABLE');
      await drawn(page, id);
    }
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/collaboration.png`, fullPage: true });

    // The CSV link: the same view.
    const csv = page.getByRole('link', { name: 'Download CSV' });
    let href = await csv.getAttribute('href');
    assert.equal(href, `/api/v1/reports/collaboration?from=${TODAY}&to=${TODAY}&group_by=department&format=csv`);
    assert.equal(await csv.getAttribute('download'), `collaboration-by-department-${TODAY}-${TODAY}.csv`);
    let got = await fetchText(page, href);
    assert.equal(got.status, 200);
    assert.match(got.type, /^text\/csv/);
    assert.ok(got.text.includes(DEPT.a));
    assert.ok(!got.text.includes(DEPT.s));

    // Group by week (keyboard: the select): time series.
    await page.getByLabel('Group by').selectOption('week');
    await page.waitForURL(/group_by=week$/);
    await page.locator('#report-status').getByText(/weeks? shown\.$/).waitFor();
    const week = page.locator(`#collab-table tbody tr[data-group="${monday()}"]`);
    await week.waitFor();
    assert.ok(Number(await week.locator('td[data-key="active_people"]').textContent()) >= 12);
    await drawn(page, 'chart-collab-activity');
    assert.equal(await page.locator('#chart-collab-activity').getAttribute('aria-label'), 'Active people and conversations per week');
    href = await csv.getAttribute('href');
    assert.equal(href, `/api/v1/reports/collaboration?from=${TODAY}&to=${TODAY}&group_by=week&format=csv`);

    // Network (the arrow keys move between tabs).
    await tablist.getByRole('tab', { name: 'Collaboration' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await tablist.getByRole('tab', { name: 'Network' }).getAttribute('aria-selected'), 'true');
    await page.waitForURL(new RegExp(`from=${TODAY}&to=${TODAY}&tab=network$`));
    await page.locator('#report-status').getByText(/departments? shown\.$/).waitFor();
    assert.equal(await page.locator('#report-group-field').isVisible(), false, 'no grouping for the network');
    const heat = page.locator('#network-heatmap');
    const ab = heat.locator(`tbody tr[data-from="${DEPT.a}"] td[data-to="${DEPT.b}"]`);
    await ab.waitFor();
    assert.ok(Number(await ab.textContent()) >= 6, 'Alpha → Beta: six replies at least');
    const aa = heat.locator(`tbody tr[data-from="${DEPT.a}"] td[data-to="${DEPT.a}"]`);
    assert.ok(Number(await aa.textContent()) >= 12, 'within Alpha: replies and answers back');
    assert.match(await ab.evaluate((el) => el.style.backgroundColor), /^rgba?\(59, 99, 240/, 'coloured from script');
    assert.equal(await heat.locator(`tr[data-from="${DEPT.s}"]`).count(), 0, 'the department of one never appears');
    if (process.env.PARLEY_SHOTS) await heat.screenshot({ path: `${process.env.PARLEY_SHOTS}/heatmap.png` });
    await page.getByText(/^Each pair of departments by kind of interaction/).click();
    await page.locator('.network-cells tbody tr', { hasText: DEPT.a }).first().waitFor();
    await drawn(page, 'chart-network-ei');
    assert.equal(await page.locator(`#${await page.locator('#chart-network-ei').getAttribute('aria-describedby')}`).evaluate((el) => el.tagName), 'TABLE');
    await page.locator('#network-method').getByText(/^E-I index: /).waitFor();
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/network.png`, fullPage: true });
    href = await csv.getAttribute('href');
    assert.equal(href, `/api/v1/reports/network?from=${TODAY}&to=${TODAY}&format=csv`);
    got = await fetchText(page, href);
    assert.equal(got.status, 200);
    assert.ok(got.text.includes(DEPT.b));

    // The address keeps the view: a reload comes back to the network.
    await page.reload();
    await heading(page, 'Reports');
    assert.equal(await page.getByRole('tab', { name: 'Network' }).getAttribute('aria-selected'), 'true');
    await heat.locator(`tbody tr[data-from="${DEPT.a}"]`).waitFor();
  });
});

test('a reversed range is refused in the form; the server\'s 422 shows on its field', async (t) => {
  await withPage(t, { session: analyst.session, allow: [[422, '/api/v1/reports/collaboration?from=2020-01-01&to=2024-01-01&group_by=department']] }, async ({ page }) => {
    await page.goto(`${BASE}/#/reports?from=${TODAY}&to=${TODAY}&tab=collaboration`);
    await heading(page, 'Reports');
    await page.locator('#report-status').getByText(/shown\.$/).waitFor();
    await page.getByLabel('From', { exact: true }).fill('2024-03-01');
    await page.getByLabel('To', { exact: true }).fill('2024-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('The last day comes after the first.').waitFor();
    // More than two years: the server says no, next to the field it names.
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2024-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#report-form [aria-invalid="true"]').waitFor();
    assert.equal(await page.locator('#collab-table').count(), 0, 'no stale table');
  });
});

test('profile: opting out of person-level analytics', async (t) => {
  const p = await signedIn();
  await withPage(t, { session: p.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/profile`);
    await heading(page, 'Your profile');
    const box = page.getByRole('checkbox', { name: 'Leave me out of collaboration analytics' });
    assert.equal(await box.isChecked(), false);
    await box.check();
    await page.getByRole('button', { name: 'Save profile' }).click();
    await statusText(page, 'Profile saved.');
    const me = await ok(await api('GET', '/api/v1/me', { session: p.session }));
    assert.equal(me.user.analytics_opt_out, true);
    await page.reload();
    await heading(page, 'Your profile');
    assert.equal(await box.isChecked(), true);
    await box.uncheck();
    await page.getByRole('button', { name: 'Save profile' }).click();
    await statusText(page, 'Profile saved.');
    assert.equal((await ok(await api('GET', '/api/v1/me', { session: p.session }))).user.analytics_opt_out, false);
  });
});
