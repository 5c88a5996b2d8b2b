// Browser suite for the micro-blog pages: home timeline (live), threads,
// profiles with follow and endorsements, the directory, tags and
// notifications with the header badge. Two people at once where the story
// needs it; poll intervals are shortened through localStorage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { BASE, api, unique } from '../lib/api.mjs';
import { useBrowser, withPage, withPages, signedIn, heading, statusText, activeElement } from './lib.mjs';

useBrowser();

// The home timeline polls every 15 s and the badge every 30 s; tests do
// not wait that long.
const FAST = { 'parley.pollMs': '250', 'parley.badgePollMs': '250' };

/** A made-up surname no other test (or earlier run) uses: e.g. "Vorelin". */
function surname() {
  const c = 'bdfgklmnprstvz';
  const v = 'aeiou';
  let s = '';
  for (let i = 0; i < 4; i++) s += c[randomInt(c.length)] + v[randomInt(v.length)];
  return s[0].toUpperCase() + s.slice(1) + c[randomInt(c.length)];
}

/** One typo: the letter at i doubled ("Vorelin" -> "Vorrelin"). */
function typo(word, i = 2) {
  return word.slice(0, i + 1) + word[i] + word.slice(i + 1);
}

async function unreadLabel(page) {
  return page.locator('#nav-notifications').evaluate((a) => a.getAttribute('aria-label') || a.textContent.trim());
}

test('microblog journey: follow, live timeline, thread, notifications, profile, directory', async (t) => {
  const last = surname();
  const ann = await signedIn({ display_name: 'Ann Author' });
  const grace = await signedIn({ display_name: `Grace ${last}` });
  const a = ann.user;
  const b = grace.user;
  const gName = `Grace ${last}`;
  const tag = unique('mb');
  // B lists skills, so that A can endorse one later.
  const patched = await api('PATCH', '/api/v1/me', { session: grace.session, json: { skills: ['SQL', 'Kore'], title: 'Database engineer', department: 'Platform' } });
  assert.equal(patched.status, 200, patched.text);

  await withPages(t, [{ session: ann.session, storage: FAST }, { session: grace.session, storage: FAST }], async ([pa, pb]) => {
    const A = pa.page;
    const B = pb.page;

    // B follows A from A's profile.
    await B.goto(`${BASE}/#/people/${a.handle}`);
    await heading(B, 'Ann Author');
    assert.equal(await B.locator('#profile-followers').textContent(), '0');
    await B.getByRole('button', { name: 'Follow Ann Author' }).click();
    await B.getByRole('button', { name: 'Unfollow Ann Author' }).waitFor();
    await statusText(B, 'You now follow Ann Author.');
    assert.equal(await B.locator('#profile-followers').textContent(), '1');
    assert.equal(await B.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'People' }).getAttribute('aria-current'), 'true');

    // B keeps the home timeline open.
    await B.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Home' }).click();
    await heading(B, `Welcome, ${gName}`);
    await B.getByText('Nothing here yet.').waitFor();

    // A writes a post with a mention, a tag and markup, through the UI.
    await A.goto(`${BASE}/#/home`);
    await heading(A, 'Welcome, Ann Author');
    const body = `Hello @${b.handle}, have a look at #${tag} <script>alert(1)</script>\nSecond line.`;
    const box = A.getByRole('textbox', { name: 'Share an update' });
    await box.fill(body);
    assert.equal(await A.locator('#home-composer-count').textContent(), `${(5000 - [...body].length).toLocaleString('en-US')} characters left`);
    await box.press('Control+Enter');
    const own = A.locator('.post-list article').first();
    await own.getByText('Second line.').waitFor();
    assert.equal(await box.inputValue(), '', 'the composer is emptied');
    const postId = Number(await own.getAttribute('data-post-id'));
    assert.ok(postId > 0);

    // It shows up on B's open timeline without a reload.
    const fresh = B.getByRole('button', { name: '1 new post' });
    await fresh.waitFor();
    await fresh.click();
    const card = B.locator(`#post-${postId}`);
    await card.waitFor();
    assert.equal(await card.evaluate((el) => el === document.activeElement), true, 'focus moves to the new post');
    assert.equal(await card.locator('.post-body').textContent(), body, 'the body is text, newlines kept');
    assert.equal(await card.locator('script, img').count(), 0, 'no markup from the body');
    const mention = card.getByRole('link', { name: `@${b.handle}` });
    assert.equal(await mention.getAttribute('href'), `#/people/${b.handle}`);
    assert.equal(await card.getByRole('link', { name: `#${tag}` }).getAttribute('href'), `#/tags/${tag}`);
    assert.equal(await card.getByRole('link', { name: 'Ann Author' }).getAttribute('href'), `#/people/${a.handle}`);
    assert.match(await card.locator('time').getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
    assert.equal(await B.locator('#new-posts').count(), 0, 'the button goes once used');

    // B likes it, then opens the thread.
    const like = card.getByRole('button', { name: /^Like/ });
    assert.equal(await like.getAttribute('aria-pressed'), 'false');
    await like.click();
    await card.getByRole('button', { name: 'Like (1 like)' }).waitFor();
    assert.equal(await like.getAttribute('aria-pressed'), 'true');
    let polls = 0;
    B.on('request', (req) => { if (req.url().includes('/api/v1/timeline/home')) polls += 1; });
    await card.getByRole('link', { name: /open post/ }).click();
    await heading(B, 'Post by Ann Author');
    assert.equal((await activeElement(B)).tag, 'h1');
    polls = 0;
    await B.waitForTimeout(600);
    assert.equal(polls, 0, 'leaving the timeline stops its polling');
    await B.getByRole('heading', { name: 'No replies yet' }).waitFor();

    // A reply to the post, then a reply to that reply that mentions A.
    await B.getByRole('textbox', { name: 'Reply to Ann Author' }).fill('Thanks, looking now.');
    await B.locator('form:has(#thread-reply)').getByRole('button', { name: 'Reply' }).click();
    const reply = B.locator('.thread-top > li > article', { hasText: 'Thanks, looking now.' });
    await reply.waitFor();
    await B.getByRole('heading', { name: '1 reply' }).waitFor();
    await reply.getByRole('button', { name: `Reply to ${gName}` }).click();
    const inline = B.getByRole('textbox', { name: `Reply to ${gName}` });
    assert.equal(await inline.evaluate((el) => el === document.activeElement), true, 'the inline composer takes focus');
    await inline.fill(`@${a.handle} what do you think?`);
    await inline.press('Control+Enter');
    const nested = B.locator('.thread-top .thread article', { hasText: 'what do you think?' });
    await nested.waitFor();
    await B.getByRole('heading', { name: '2 replies' }).waitFor();

    // A's badge counts the follow, the like, the reply and the mention.
    await A.waitForFunction(() => document.getElementById('nav-notifications')?.getAttribute('aria-label') === 'Notifications, 4 unread');
    assert.equal(await A.locator('#nav-notifications .nav-badge').textContent(), '4');
    await A.getByRole('link', { name: 'Notifications, 4 unread' }).click();
    await heading(A, 'Notifications');
    const list = A.locator('#notification-list');
    await list.getByText(`${gName} replied to your post`).waitFor();
    await list.getByText(`${gName} mentioned you`).waitFor();
    await list.getByText(`${gName} liked your post`).waitFor();
    await list.getByText(`${gName} followed you`).waitFor();
    assert.equal(await list.locator('.notification.is-unread').count(), 4);
    assert.equal(await list.getByRole('link', { name: `${gName} liked your post` }).getAttribute('href'), `#/posts/${postId}`);
    assert.equal(await list.getByRole('link', { name: `${gName} followed you` }).getAttribute('href'), `#/people/${b.handle}`);
    await A.getByRole('button', { name: 'Mark all as read' }).click();
    await statusText(A, 'All notifications marked as read.');
    assert.equal(await list.locator('.notification.is-unread').count(), 0);
    assert.equal(await unreadLabel(A), 'Notifications', 'the badge clears');
    assert.equal(await A.locator('#nav-notifications .nav-badge').count(), 0);
    assert.equal((await api('GET', '/api/v1/notifications/unread', { session: ann.session })).body.unread, 0);

    // The reply notification leads to the reply, which links up the thread.
    await list.getByRole('link', { name: `${gName} replied to your post` }).click();
    await heading(A, `Reply by ${gName}`);
    await A.getByRole('link', { name: '↑ The post this replies to' }).click();
    await heading(A, 'Post by Ann Author');
    await A.locator('.thread-top .thread article', { hasText: 'what do you think?' }).waitFor();

    // A opens B's profile and endorses a skill.
    await A.goto(`${BASE}/#/people/${b.handle}`);
    await heading(A, gName);
    await A.getByText('Database engineer · Platform').waitFor();
    const sql = A.locator('#skill-list li', { hasText: 'SQL' });
    assert.equal(await sql.locator('.skill-count').textContent(), '0 endorsements');
    await A.getByRole('button', { name: `Endorse ${gName} for SQL` }).click();
    await A.getByRole('button', { name: `Remove your endorsement of ${gName} for SQL` }).waitFor();
    assert.equal(await sql.locator('.skill-count').textContent(), '1 endorsement');
    const viewed = await api('GET', `/api/v1/users/${b.handle}`, { session: ann.session });
    assert.deepEqual(viewed.body.user.skills.find((s) => s.name === 'SQL'), { name: 'SQL', endorsements: 1 });
    assert.deepEqual(viewed.body.endorsed_by_me, ['sql']);
    // B's posts are on the profile.
    await A.locator('.post-list article', { hasText: 'Thanks, looking now.' }).waitFor();

    // Directory: a typo in the surname still finds B; the search is in the address.
    await A.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'People' }).click();
    await heading(A, 'People');
    const wrong = typo(last);
    await A.getByRole('searchbox', { name: 'Search people' }).fill(wrong);
    await A.waitForFunction((q) => decodeURIComponent(location.hash) === `#/people?q=${q}`, wrong);
    await A.locator('#people-status').getByText(/found$/).waitFor();
    const result = A.locator('#people-results li', { hasText: `@${b.handle}` });
    await result.waitFor();
    assert.equal(await A.locator('#people-results li', { hasText: `@${a.handle}` }).count(), 0, 'only people who match');
    assert.match(await result.innerText(), /Database engineer/);
    assert.equal(decodeURIComponent(new URL(A.url()).hash), `#/people?q=${wrong}`);
    await A.reload();
    await heading(A, 'People');
    assert.equal(await A.getByRole('searchbox', { name: 'Search people' }).inputValue(), wrong);
    await result.waitFor();
    await result.getByRole('link', { name: gName }).click();
    await heading(A, gName);
  });
});

test('tags, links, edits with history, deleting posts and replies, the composer limit', async (t) => {
  const { user, session } = await signedIn({ display_name: 'Tara Tagger' });
  const tag = unique('tg');
  const text = `Release notes #${tag} at https://example.org/notes). <img src=x onerror=alert(1)>`;
  const created = await api('POST', '/api/v1/posts', { session, json: { body: text } });
  assert.equal(created.status, 201, created.text);
  const id = created.body.post.id;

  await withPage(t, { session, storage: FAST }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, 'Welcome, Tara Tagger');
    // The timeline polls only while the page is visible, and again once it
    // is visible.
    let polls = 0;
    page.on('request', (req) => { if (req.url().includes('/api/v1/timeline/home')) polls += 1; });
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(100);
    polls = 0;
    await page.waitForTimeout(700);
    assert.equal(polls, 0, 'no polling while hidden');
    const polled = page.waitForRequest((req) => req.url().includes('/api/v1/timeline/home'), { timeout: 200 });
    await page.evaluate(() => {
      delete document.visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await polled;

    // The tag page: header, stream, follow.
    const card = page.locator(`#post-${id}`);
    await card.getByRole('link', { name: `#${tag}` }).click();
    await heading(page, `#${tag}`);
    assert.equal(await page.title(), `#${tag} · Parley`);
    assert.equal(await page.locator('#tag-stats').textContent(), '1 post · 0 followers');
    await card.waitFor();
    const out = card.getByRole('link', { name: 'https://example.org/notes' });
    assert.equal(await out.getAttribute('href'), 'https://example.org/notes', 'trailing punctuation stays outside the link');
    assert.equal(await out.getAttribute('rel'), 'noopener noreferrer nofollow');
    assert.equal(await out.getAttribute('target'), '_blank');
    assert.equal(await card.locator('.post-body').textContent(), text);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    await page.getByRole('button', { name: `Follow #${tag}` }).click();
    await page.getByRole('button', { name: `Unfollow #${tag}` }).waitFor();
    assert.equal(await page.locator('#tag-stats').textContent(), '1 post · 1 follower');
    assert.equal((await api('GET', `/api/v1/tags/${tag}`, { session })).body.followed_by_me, true);
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Home' }).click();
    await heading(page, 'Welcome, Tara Tagger');
    await page.getByRole('complementary').getByRole('link', { name: `#${tag}` }).waitFor();

    // Edit on the thread page; the earlier text stays in the history.
    await page.goto(`${BASE}/#/posts/${id}`);
    await heading(page, 'Post by Tara Tagger');
    await page.getByRole('button', { name: 'Edit post' }).click();
    const edit = page.getByRole('textbox', { name: 'Edit post' });
    assert.equal(await edit.inputValue(), text);
    await edit.fill(`Release notes, revised #${tag}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await statusText(page, 'Post updated.');
    const main = page.locator(`#post-${id}`);
    await main.getByText('Release notes, revised').waitFor();
    await main.getByText('edited', { exact: true }).waitFor();
    await main.getByRole('button', { name: 'View history' }).click();
    const history = page.locator(`#post-${id}-history`);
    await history.getByText('Earlier versions').waitFor();
    assert.equal(await history.locator('.version .post-body').first().textContent(), text);
    assert.equal(await main.getByRole('button', { name: 'Hide history' }).getAttribute('aria-expanded'), 'true');

    // A reply deleted in the thread leaves a placeholder.
    const replyBox = page.getByRole('textbox', { name: 'Reply to Tara Tagger' });
    await replyBox.fill('A reply I will take back');
    await replyBox.press('Control+Enter');
    const reply = page.locator('.thread-top > li > article', { hasText: 'A reply I will take back' });
    await reply.waitFor();
    await reply.getByRole('button', { name: 'Delete post' }).click();
    await reply.getByRole('button', { name: 'Yes, delete' }).click();
    await page.locator('.thread-top').getByText('This post was deleted.').waitFor();
    await page.getByRole('heading', { name: 'No replies yet' }).waitFor();

    // Over the limit: the counter says so and nothing is sent.
    await page.goto(`${BASE}/#/home`);
    await heading(page, 'Welcome, Tara Tagger');
    const box = page.getByRole('textbox', { name: 'Share an update' });
    await box.fill('x'.repeat(5001));
    assert.equal(await page.locator('#home-composer-count').textContent(), '1 character over the limit');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.locator('#home-composer-error').getByText('Posts are at most 5,000 characters.').waitFor();
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    await box.fill('');

    // Deleting one's own post from the timeline removes it, for good.
    const item = page.locator(`#post-${id}`);
    await item.getByRole('button', { name: 'Delete post' }).click();
    await item.getByRole('button', { name: 'Yes, delete' }).click();
    await statusText(page, 'Post deleted.');
    await item.waitFor({ state: 'detached' });
    await page.reload();
    await heading(page, 'Welcome, Tara Tagger');
    await page.getByText('Nothing here yet.').waitFor();
    assert.equal(await page.locator(`#post-${id}`).count(), 0);
    assert.equal((await api('GET', `/api/v1/users/${user.handle}/posts`, { session })).body.items.length, 0);
  });
});
