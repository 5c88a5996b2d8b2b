// Browser suite for posts in communities: a member writes into a community
// from its page (keyboard only), the post shows in the community's posts
// with its community as a link, as text (no markup from the body), and
// stays after a reload; someone outside an open community reads its posts
// but gets no composer; someone outside a closed one sees neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, api, unique } from '../lib/api.mjs';
import { useBrowser, withPage, signedIn, heading, statusText, word, ok } from './lib.mjs';

useBrowser();

async function community(owner, visibility, name) {
  const slug = `cp-${unique('x').slice(2).replace(/_/g, '-')}`;
  await ok(await api('POST', '/api/v1/communities', { session: owner,
    json: { slug, name, description: 'For tests.', visibility } }), 201);
  return slug;
}

// After an in-app navigation the router moves focus to the page's h1 once
// the page has rendered (router.js focusHeading); a control focused before
// that loses the race, and the keys then go to the heading.
const routed = (page) => page.waitForFunction(() => document.activeElement?.tagName === 'H1');

test('a member posts into a community from its page; the card links the community', async (t) => {
  const topic = word();
  const ann = await signedIn({ display_name: 'Ann Member' });
  const name = `Platform ${topic}`;
  const slug = await community(ann.session, 'open', name);

  await withPage(t, { session: ann.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/communities/${slug}`);
    await heading(page, name);
    const section = page.getByRole('region', { name: 'Posts' });
    await section.getByText('No posts in this community yet.').waitFor();
    const box = section.getByRole('textbox', { name: `Post in ${name}` });
    await box.focus();
    const body = `Deploy window for #${topic} <script>alert(1)</script>`;
    await page.keyboard.type(body);
    await page.keyboard.press('Control+Enter');
    const card = section.locator('.post-list article').first();
    await card.getByText('Deploy window for').waitFor();
    await statusText(page, `Posted in ${name}.`);
    assert.equal(await box.inputValue(), '', 'the composer is emptied');
    assert.equal(await card.locator('.post-body').textContent(), body, 'the body is text');
    assert.equal(await card.locator('script').count(), 0);
    const link = card.getByRole('link', { name: `in community ${slug}` });
    assert.equal(await link.getAttribute('href'), `#/communities/${slug}`);
    const id = Number(await card.getAttribute('data-post-id'));
    const r = await ok(await api('GET', `/api/v1/posts/${id}`, { session: ann.session }));
    assert.equal(r.post.community, slug, 'written into the community');

    // After a reload it comes from the community's stream.
    await page.reload();
    await heading(page, name);
    await page.locator(`#community-posts #post-${id}`).waitFor();

    // The community link on the post's own page leads back, by keyboard.
    await page.goto(`${BASE}/#/posts/${id}`);
    const back = page.locator(`#post-${id}`).getByRole('link', { name: `in community ${slug}` });
    await back.waitFor();
    await routed(page);
    await back.focus();
    await page.keyboard.press('Enter');
    await heading(page, name);
  });
});

test('outside an open community: its posts but no composer; outside a closed one: neither', async (t) => {
  const owner = await signedIn({ display_name: 'Olga Owner' });
  const bob = await signedIn({ display_name: 'Bob Outside' });
  const openName = `Open ${word()}`;
  const closedName = `Closed ${word()}`;
  const open = await community(owner.session, 'open', openName);
  const closed = await community(owner.session, 'closed', closedName);
  const post = (await ok(await api('POST', '/api/v1/posts', { session: owner.session,
    json: { body: 'Welcome, everyone', community: open } }), 201)).post;
  await ok(await api('POST', '/api/v1/posts', { session: owner.session,
    json: { body: 'Members only', community: closed } }), 201);

  await withPage(t, { session: bob.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/communities/${open}`);
    await heading(page, openName);
    const section = page.getByRole('region', { name: 'Posts' });
    await section.locator(`#post-${post.id}`).getByText('Welcome, everyone').waitFor();
    assert.equal(await section.getByRole('textbox').count(), 0, 'no composer before joining');
    // Joining brings the composer.
    await page.getByRole('button', { name: 'Join' }).click();
    await section.getByRole('textbox', { name: `Post in ${openName}` }).waitFor();

    await page.goto(`${BASE}/#/communities/${closed}`);
    await heading(page, closedName);
    await page.locator('#closed-note').waitFor();
    assert.equal(await page.locator('#community-posts').isHidden(), true, 'no posts section outside a closed community');
    assert.equal(await page.getByText('Members only').count(), 0);
  });
});
