// Browser suite for moderation (issue 6): an employee reports a post with a
// reason (and a second report is answered gracefully); a community
// manager finds it in the queue, hides it with a reason; another employee
// sees the placeholder; the author sees the post marked hidden with the
// reason and is notified; the manager restores it; an admin edits the
// policy terms (a 422 shown on its row) and a new post with a term lands in
// the queue by itself; the report dialog by keyboard only; reports on
// questions, answers and bookmarks; employees are refused the page. Every
// page is checked for console errors, page errors and CSP violations
// (lib.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, api, login, unique } from '../lib/api.mjs';
import { useBrowser, withPage, signedIn, heading, statusText, activeElement, word, ok, withRole } from './lib.mjs';

useBrowser();

async function newPost(who, body) {
  return (await ok(await api('POST', '/api/v1/posts', { session: who.session, json: { body } }), 201)).post;
}

/** The queue case of a target, as the API shows it to `who`. */
async function caseOf(who, type, id, status = 'open') {
  let cursor = null;
  for (let i = 0; i < 50; i++) {
    const q = await ok(await api('GET', `/api/v1/moderation/queue?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { session: who.session }));
    const found = q.items.find((c) => c.target.type === type && c.target.id === id);
    if (found || !q.next_cursor) return found || null;
    cursor = q.next_cursor;
  }
  return null;
}

/** Opens the moderation page and shows the case of a target (loading more
 *  pages of the queue until it is there: older cases come first). */
async function findCase(page, type, id) {
  const item = page.locator(`.mod-case[data-target-type="${type}"][data-target-id="${id}"]`);
  for (let i = 0; i < 50 && !(await item.count()); i++) {
    const more = page.getByRole('button', { name: 'Load more reports' });
    await page.locator('#mod-queue[aria-busy="false"]').waitFor();
    if (await item.count()) break;
    if (!(await more.isVisible())) break;
    await more.click();
  }
  await item.waitFor();
  return item;
}

test('report a post; a community manager hides it with a reason; placeholder for others, the author sees why and is notified; restore', async (t) => {
  const topic = word();
  const author = await withRole('employee', { display_name: `Ann ${topic}` });
  const reporter = await withRole('employee', { display_name: 'Rita Reporter' });
  const other = await withRole('employee');
  const cm = await withRole('community_manager', { display_name: 'Carl Manager' });
  const post = await newPost(author, `You are all wrong about ${topic} and you know it`);

  // The reporter flags it with a reason and a note; the button then says so.
  await withPage(t, { session: reporter.session, allow: [[409, '/api/v1/flags']] }, async ({ page }) => {
    await page.goto(`${BASE}/#/posts/${post.id}`);
    const card = page.locator(`#post-${post.id}`);
    await card.getByText(`wrong about ${topic}`).waitFor();
    await card.getByRole('button', { name: `Report post by Ann ${topic}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Report this post' });
    await dialog.waitFor();
    // No reason yet: the dialog says what is missing and sends nothing.
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await dialog.getByText('Choose the rule it breaks.').waitFor();
    for (const label of ['Personal attack', 'Off topic', 'Sex, politics or religion', 'Confidential', 'Spam', 'Other']) {
      await dialog.getByRole('radio', { name: label, exact: true }).waitFor();
    }
    await dialog.getByRole('radio', { name: 'Personal attack' }).check();
    await dialog.getByLabel('Note for the moderators').fill('Attacks the whole team <b>again</b>');
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/flag-dialog.png` });
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await statusText(page, 'Thank you. Your report about this post went to the moderators.');
    assert.equal(await dialog.count(), 0, 'the dialog is gone');
    const reported = card.locator('.post-action-flag');
    assert.equal(await reported.getAttribute('aria-disabled'), 'true');
    assert.equal(await reported.textContent(), 'Reported');
    assert.equal((await activeElement(page)).text, 'Reported', 'focus back on the button');

    // After a reload the button is fresh; a second report is a 409, said kindly.
    await page.reload();
    await card.getByRole('button', { name: `Report post by Ann ${topic}` }).click();
    await dialog.getByRole('radio', { name: 'Spam' }).check();
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await statusText(page, 'You already reported this post; the moderators have it.');
    assert.equal(await card.locator('.post-action-flag').getAttribute('aria-disabled'), 'true');
  });
  const flagged = await caseOf(cm, 'post', post.id);
  assert.ok(flagged, 'the case is in the queue');
  assert.equal(flagged.flag_count, 1, 'the 409 added nothing');

  // The community manager: Moderation in the header, the case in the open
  // queue with its excerpt, author, reason and the note; hide with a reason.
  await withPage(t, { session: cm.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Moderation' }).click();
    await heading(page, 'Moderation');
    assert.match(page.url(), /#\/moderation\?view=open$/);
    assert.equal(await page.getByRole('tab', { name: 'Open reports' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.getByRole('tab', { name: 'Policy terms' }).count(), 0, 'policy terms are for admins');
    const item = await findCase(page, 'post', post.id);
    assert.match(await item.locator('.mod-excerpt').textContent(), new RegExp(`wrong about ${topic}`));
    assert.match(await item.locator('.mod-byline').textContent(), new RegExp(`By Ann ${topic}`));
    assert.equal(await item.locator('.mod-reason-chips li').count(), 1);
    assert.match(await item.locator('.mod-reason-chips li').textContent(), /^Personal attack.*1$/);
    await item.getByText('Each report').click();
    await item.getByText('Attacks the whole team <b>again</b>').waitFor();   // text, not markup
    assert.match(await item.locator('.mod-flag').first().textContent(), /Personal attack · by Rita Reporter/);
    assert.equal(await item.locator('.mod-term').count(), 0, 'no policy term raised it');
    assert.equal(await item.getByRole('heading', { level: 2 }).textContent(), `Post by Ann ${topic}`);
    assert.ok(!/null|undefined/.test(await item.textContent()), 'no stray null or undefined');
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/moderation-queue.png` });
    // Hide: a reason is required.
    await item.getByRole('button', { name: 'Hide' }).click();
    const reason = item.getByLabel('Why hide it? The author reads this.');
    assert.equal((await activeElement(page)).tag, 'textarea', 'focus in the reason');
    await item.locator('.mod-action-form').getByRole('button', { name: 'Hide' }).click();
    await item.getByText('Give a reason: the author is told it.').waitFor();
    await reason.fill('Disagree with ideas, not with people.');
    await item.locator('.mod-action-form').getByRole('button', { name: 'Hide' }).click();
    await statusText(page, 'Hidden. The author is told why.');
    await item.waitFor({ state: 'detached' });

    // Resolved: the case with its resolution and a Restore button.
    await page.getByRole('tab', { name: 'Resolved' }).click();
    await page.waitForURL(/view=resolved$/);
    const done = await findCase(page, 'post', post.id);
    assert.match(await done.locator('.mod-resolution').textContent(), /^Hidden by Carl Manager .*: Disagree with ideas, not with people\.$/);
    await done.locator('.badge-danger', { hasText: 'Hidden' }).waitFor();
    await done.getByRole('button', { name: 'Restore' }).waitFor();
  });

  // Someone else: the placeholder, without the words.
  await withPage(t, { session: other.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/posts/${post.id}`);
    const card = page.locator(`#post-${post.id}`);
    await card.getByText('Hidden by a moderator. This post breaks the house rules.').waitFor();
    assert.equal(await page.getByText(`wrong about ${topic}`).count(), 0);
    assert.equal(await card.locator('.post-action-flag').count(), 0, 'nothing left to report');
  });

  // The author: the post, marked hidden with the reason; a notification.
  await withPage(t, { session: author.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/posts/${post.id}`);
    const card = page.locator(`#post-${post.id}`);
    await card.getByText(`wrong about ${topic}`).waitFor();
    const note = card.locator('.hidden-note');
    assert.match(await note.textContent(), /^Hidden by a moderator Only you and the moderators see this post\. Reason: Disagree with ideas, not with people\.$/);
    assert.equal(await card.locator('.post-action-flag').count(), 0, 'no reporting your own post');
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/hidden-author.png` });
    await page.goto(`${BASE}/#/notifications`);
    const n = page.locator('#notification-list li[data-kind="moderation"]');
    await n.first().waitFor();
    assert.equal(await n.count(), 1);
    assert.equal(await n.locator('a').getAttribute('href'), `#/posts/${post.id}`);
    // Anonymous, with the action and the reason.
    assert.equal(await n.locator('.notification-sentence a').textContent(), 'A moderator hid your post');
    assert.equal(await n.locator('.notification-detail').textContent(), 'Reason: Disagree with ideas, not with people.');
  });

  // Restore (with a reason): everyone sees it again.
  await withPage(t, { session: cm.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/moderation?view=resolved`);
    await heading(page, 'Moderation');
    const done = await findCase(page, 'post', post.id);
    await done.getByRole('button', { name: 'Restore' }).click();
    await done.getByLabel('Why restore it? The author reads this.').fill('Edited by the author; fine now.');
    await done.locator('.mod-action-form').getByRole('button', { name: 'Restore' }).click();
    await statusText(page, 'Restored: everyone sees it again.');
    await done.locator('.mod-resolution', { hasText: /^Restored by Carl Manager/ }).waitFor();
    assert.equal(await done.locator('.badge-danger').count(), 0);

    // The audit log has both actions with their reasons.
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.waitForURL(/view=audit$/);
    await page.locator('#audit-list li[data-action="moderation.restore"]').first().waitFor();
    await page.locator('#audit-list li', { hasText: 'Edited by the author; fine now.' }).waitFor();
    await page.locator('#audit-list li', { hasText: 'Disagree with ideas, not with people.' }).waitFor();
  });
  await withPage(t, { session: other.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/posts/${post.id}`);
    await page.locator(`#post-${post.id}`).getByText(`wrong about ${topic}`).waitFor();
  });
});

test('the report dialog by keyboard only: Escape cancels, arrows pick a reason, Tab to the note and the button', async (t) => {
  const topic = word();
  const author = await withRole('employee', { display_name: `Kim ${topic}` });
  const reporter = await withRole('employee');
  const cm = await withRole('community_manager');
  const post = await newPost(author, `Keyboard ${topic} post`);
  await withPage(t, { session: reporter.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/posts/${post.id}`);
    const button = page.getByRole('button', { name: `Report post by Kim ${topic}` });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Report this post' });
    await dialog.waitFor();
    let el = await activeElement(page);
    assert.equal(el.tag, 'input', 'focus on the first reason');
    assert.equal(await page.evaluate(() => document.activeElement.value), 'harassment');
    // Escape: nothing sent, focus back on the button.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await activeElement(page)).text, 'Report');
    assert.equal(await caseOf(cm, 'post', post.id), null, 'nothing was reported');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('ArrowDown');    // Off topic
    await page.keyboard.press('ArrowDown');    // Sex, politics or religion
    assert.equal(await page.evaluate(() => document.activeElement.value), 'sensitive_topic');
    assert.ok(await dialog.getByRole('radio', { name: 'Sex, politics or religion' }).isChecked());
    await page.keyboard.press('Tab');          // the note
    el = await activeElement(page);
    assert.equal(el.tag, 'textarea');
    await page.keyboard.type('Politics again.');
    await page.keyboard.press('Tab');          // Send report
    assert.equal((await activeElement(page)).text, 'Send report');
    await page.keyboard.press('Enter');
    await statusText(page, 'Thank you. Your report about this post went to the moderators.');
    assert.equal((await activeElement(page)).text, 'Reported');
  });
  const c = await caseOf(cm, 'post', post.id);
  assert.ok(c);
  assert.deepEqual(c.reasons, [{ reason: 'sensitive_topic', count: 1 }]);
  assert.equal(c.flags[0].note, 'Politics again.');
});

test('reports on a question, an answer and a bookmark; hidden ones show as placeholders', async (t) => {
  const topic = word();
  const asker = await withRole('employee', { display_name: `Quinn ${topic}` });
  const answerer = await withRole('employee', { display_name: `Abe ${topic}` });
  const reader = await withRole('employee');
  const owner = await withRole('employee');   // manages the community, nothing else
  const founder = await login('founder');
  const slug = unique('mq').replace(/_/g, '-');
  await ok(await api('POST', '/api/v1/communities', { session: owner.session, json: { slug, name: `Mod ${topic}`, visibility: 'open' } }), 201);
  await ok(await api('POST', `/api/v1/communities/${slug}/members`, { session: asker.session, raw: '' }), 201);
  const q = (await ok(await api('POST', `/api/v1/communities/${slug}/questions`, {
    session: asker.session, json: { title: `How do we handle ${topic} here?`, body: `Question body ${topic}` },
  }), 201)).question;
  const a = (await ok(await api('POST', `/api/v1/questions/${q.id}/answers`, { session: answerer.session, json: { body: `Answer body ${topic}` } }), 201)).answer;
  const b = (await ok(await api('POST', '/api/v1/bookmarks', {
    session: answerer.session, json: { url: `https://${topic}.example.org/page`, title: `Bookmark ${topic}`, tags: [topic] },
  }), 201)).bookmark;

  await withPage(t, { session: reader.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/questions/${q.id}`);
    await heading(page, `How do we handle ${topic} here?`);
    await page.getByRole('button', { name: 'Report question' }).click();
    let dialog = page.getByRole('dialog', { name: 'Report this question' });
    await dialog.getByRole('radio', { name: 'Off topic' }).check();
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await statusText(page, 'Thank you. Your report about this question went to the moderators.');
    await page.locator(`#answer-${a.id}`).getByRole('button', { name: `Report answer by Abe ${topic}` }).click();
    dialog = page.getByRole('dialog', { name: 'Report this answer' });
    await dialog.getByRole('radio', { name: 'Confidential' }).check();
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await statusText(page, 'Thank you. Your report about this answer went to the moderators.');

    await page.goto(`${BASE}/#/bookmarks?view=all&tag=${topic}`);
    const item = page.locator(`#bookmark-${b.id}`);
    await item.waitFor();
    await item.getByRole('button', { name: `Report bookmark “Bookmark ${topic}”` }).click();
    dialog = page.getByRole('dialog', { name: 'Report this bookmark' });
    await dialog.getByRole('radio', { name: 'Spam' }).check();
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await statusText(page, 'Thank you. Your report about this bookmark went to the moderators.');
  });

  // The community's manager (an employee) moderates it: no link in the
  // header, but the page shows the community's cases and not the bookmark.
  await withPage(t, { session: owner.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    const nav = page.getByRole('navigation', { name: 'Primary' });
    await nav.getByRole('link', { name: 'Bookmarks' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Moderation' }).count(), 0);
    await page.goto(`${BASE}/#/moderation`);
    await heading(page, 'Moderation');
    const qCase = await findCase(page, 'question', q.id);
    assert.equal(await qCase.getByRole('heading', { level: 2 }).textContent(), `How do we handle ${topic} here?`);
    assert.equal(await qCase.locator('.mod-community').textContent(), slug);
    const aCase = await findCase(page, 'answer', a.id);
    assert.equal(await aCase.getByRole('link', { name: `Answer by Abe ${topic} to “How do we handle ${topic} here?”` }).getAttribute('href'), `#/questions/${q.id}?answer=${a.id}`);
    assert.equal(await page.locator(`.mod-case[data-target-type="bookmark"][data-target-id="${b.id}"]`).count(), 0, 'bookmarks are for global moderators');
    assert.equal(await page.getByRole('tab', { name: 'Policy terms' }).count(), 0);
  });

  // Hide the answer and the bookmark through the API; the reader sees placeholders.
  for (const [type, id] of [['answer', a.id], ['bookmark', b.id]]) {
    const c = await caseOf({ session: founder }, type, id);
    assert.ok(c, `${type} in the queue`);
    await ok(await api('POST', `/api/v1/moderation/flags/${c.flags[0].id}`, { session: founder, json: { action: 'hide', reason: `Hidden ${type} ${topic}` } }));
  }
  await withPage(t, { session: reader.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/questions/${q.id}`);
    const ans = page.locator(`#answer-${a.id}`);
    await ans.getByText('Hidden by a moderator. This answer breaks the house rules.').waitFor();
    assert.equal(await page.getByText(`Answer body ${topic}`).count(), 0);
  });
  await withPage(t, { session: answerer.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/questions/${q.id}`);
    const ans = page.locator(`#answer-${a.id}`);
    await ans.getByText(`Answer body ${topic}`).waitFor();
    assert.match(await ans.locator('.hidden-note').textContent(), new RegExp(`Only you and the moderators see this answer\\. Reason: Hidden answer ${topic}$`));
    await page.goto(`${BASE}/#/bookmarks?tag=${topic}`);
    const item = page.locator(`#bookmark-${b.id}`);
    await item.locator('.hidden-note').getByText(`Hidden bookmark ${topic}`).waitFor();
    await item.getByRole('link', { name: `Bookmark ${topic}` }).waitFor();
  });
});

test('an admin edits the policy terms (a bad row shows its error) and a new post with a term lands in the queue', async (t) => {
  const topic = word();
  const admin = await withRole('admin', { display_name: 'Ada Admin' });
  const writer = await withRole('employee', { display_name: `Wes ${topic}` });
  const before = (await ok(await api('GET', '/api/v1/moderation/policy', { session: admin.session }))).terms;
  try {
    await withPage(t, { session: admin.session, allow: [[422, '/api/v1/moderation/policy']] }, async ({ page }) => {
      await page.goto(`${BASE}/#/moderation`);
      await heading(page, 'Moderation');
      await page.getByRole('tab', { name: 'Policy terms' }).click();
      await page.waitForURL(/view=policy$/);
      const rows = page.locator('#policy-rows tr');
      await page.locator('#policy-form').waitFor();
      const n = await rows.count();
      assert.equal(n, before.length, 'the current terms are listed');
      // Add two rows: a term, and a blank one the server refuses.
      await page.getByRole('button', { name: 'Add a term' }).click();
      assert.equal((await activeElement(page)).id, `policy-${n}-pattern`, 'focus in the new row');
      await page.keyboard.type(`Forbidden ${topic}`);
      await page.getByLabel(`Category of term ${n + 1}`).selectOption('confidential');
      await page.getByRole('button', { name: 'Add a term' }).click();
      await page.getByRole('button', { name: 'Save terms' }).click();
      const bad = page.locator(`#policy-${n + 1}-pattern`);
      await page.locator(`#policy-${n + 1}-pattern-error`).getByText(/.+/).waitFor();
      assert.equal(await bad.getAttribute('aria-invalid'), 'true', 'the error is on the blank row');
      assert.equal((await activeElement(page)).id, `policy-${n + 1}-pattern`);
      assert.equal(await page.locator(`#policy-${n}-pattern`).getAttribute('aria-invalid'), null);
      if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/policy-error.png`, fullPage: true });
      const saved = (await ok(await api('GET', '/api/v1/moderation/policy', { session: admin.session }))).terms;
      assert.equal(saved.length, before.length, 'nothing was saved');
      // Remove the blank row, save.
      await page.getByRole('button', { name: `Remove term ${n + 2}` }).click();
      await page.getByRole('button', { name: 'Save terms' }).click();
      await statusText(page, /^Policy saved: \d+ terms?\.$/);
      assert.equal(await rows.count(), n + 1);
      assert.equal(await page.locator(`#policy-${n}-pattern`).inputValue(), `Forbidden ${topic}`);
    });
    const now = (await ok(await api('GET', '/api/v1/moderation/policy', { session: admin.session }))).terms;
    assert.deepEqual(now.at(-1).pattern, `Forbidden ${topic}`);
    assert.equal(now.at(-1).category, 'confidential');

    // A new post with the term (other case, accents) is queued by itself.
    const post = await newPost(writer, `Note: the FORBÍDDEN ${topic.toUpperCase()} figures are out`);
    await withPage(t, { session: admin.session }, async ({ page }) => {
      await page.goto(`${BASE}/#/moderation?view=open`);
      await heading(page, 'Moderation');
      const item = await findCase(page, 'post', post.id);
      assert.match(await item.locator('.mod-term').textContent(), new RegExp(`^Raised by the policy term Forbidden ${topic} \\(Confidential\\)$`));
      assert.match(await item.locator('.mod-byline').textContent(), new RegExp(`By Wes ${topic}`));
      await item.getByRole('button', { name: 'Dismiss' }).click();
      await item.getByLabel('Why does it stay? The author reads this.').fill('Public figures, fine.');
      await item.locator('.mod-action-form').getByRole('button', { name: 'Dismiss' }).click();
      await statusText(page, 'Dismissed: the content stays as it is.');

      // Response times: a table and a drawn bar chart.
      await page.getByRole('tab', { name: 'Response times' }).click();
      await page.waitForURL(/view=stats$/);
      const table = page.locator('#stats-table');
      await table.waitFor();
      assert.ok(await table.locator('tbody tr').count() >= 1);
      assert.match(await table.locator('tfoot th').textContent(), /^Everywhere$/);
      const canvas = page.locator('#chart-moderation-times');
      assert.equal(await canvas.getAttribute('role'), 'img');
      const described = await canvas.getAttribute('aria-describedby');
      assert.equal(await page.locator(`#${described}`).evaluate((el) => el.tagName), 'TABLE');
      await page.waitForFunction(() => {
        const c = document.getElementById('chart-moderation-times');
        if (!c || !c.width || !c.height) return false;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
        return false;
      });
      if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/moderation-stats.png`, fullPage: true });
    });
  } finally {
    await api('PUT', '/api/v1/moderation/policy', { session: admin.session, json: { terms: before.map(({ pattern, category }) => ({ pattern, category })) } });
  }
});

test('employees are refused the moderation and reports pages; no Moderation link for them', async (t) => {
  const employee = await withRole('employee');
  await withPage(t, { session: employee.session, allow: [[403, '/api/v1/moderation/queue?status=open&limit=20']] }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    const nav = page.getByRole('navigation', { name: 'Primary' });
    await nav.getByRole('link', { name: 'Bookmarks' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Moderation' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Reports' }).count(), 0);
    await page.goto(`${BASE}/#/moderation`);
    await heading(page, 'No access');
    assert.equal(await page.locator('#mod-queue').count(), 0);
    await page.goto(`${BASE}/#/reports?tab=network`);
    await heading(page, 'No access');
  });
});
