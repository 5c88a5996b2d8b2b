// Browser suite for customer care: channel admin (secret shown once,
// rotation, CSV import with progress and its result), the inbox (filters
// by words, status and channel, also by keyboard), a conversation
// (messages as text, figures, linking, escalating into a community,
// resolving with CSAT and reopening), the report with its charts, the
// "tied to customer conversations" badge on questions, and the role
// guards (employees never see it, analysts read only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, api, login, unique } from '../lib/api.mjs';
import { useBrowser, withPage, signedIn, heading, statusText, activeElement, word, ok, withRole } from './lib.mjs';

useBrowser();

const XSS = '<img src=x onerror=alert(1)>';

/** A small CSV in the Twitter support layout: two conversations (the first
 *  with a reply and a follow-up, and markup in the customer's words), and
 *  one bad row (record 6). */
function csv(topic) {
  const rows = [
    'tweet_id,author_id,inbound,created_at,text,in_response_to_tweet_id,company',
    `1001,cust_${topic},True,Tue Oct 31 22:10:47 +0000 2017,"My ${topic} router ${XSS} keeps dropping",,Acme`,
    `1002,AcmeSupport,False,Tue Oct 31 22:25:47 +0000 2017,"@cust_${topic} Sorry! Which model?",1001.0,Acme`,
    `1003,cust_${topic},1,2017-10-31T23:00:00Z,"The ${topic} X200.\nStill dropping.",1002,Acme`,
    `1004,other_${topic},True,2017-11-01T09:00:00Z,"Billing question about invoice ${topic}",,Acme`,
    `1005,someone,maybe,2017-11-01T09:00:00Z,"bad inbound value",,Acme`,
  ];
  return `${rows.join('\n')}\n`;
}

test('channels: create (secret once), rotate, import a CSV with progress; inbox filters; a conversation resolved and reopened', async (t) => {
  const topic = word();
  const admin = await withRole('admin', { display_name: 'Ada Admin' });
  await withPage(t, { session: admin.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    const nav = page.getByRole('navigation', { name: 'Primary' });
    await nav.getByRole('link', { name: 'Customers', exact: true }).click();
    await heading(page, 'Customer conversations');
    const sub = page.getByRole('navigation', { name: 'Customer care' });
    assert.equal(await sub.getByRole('link', { name: 'Inbox' }).getAttribute('aria-current'), 'page');
    await sub.getByRole('link', { name: 'Channels' }).click();
    await heading(page, 'Customer channels');
    assert.equal(await nav.getByRole('link', { name: 'Customers', exact: true }).getAttribute('aria-current'), 'true');

    // Create: the secret is shown once, with a warning and a copy button.
    const name = `Twitter ${topic}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Kind').selectOption('twitter');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await statusText(page, `Channel “${name}” created.`);
    const secret = page.locator('#webhook-secret');
    await secret.waitFor();
    const first = await secret.inputValue();
    assert.match(first, /^whsec_/);
    assert.equal((await activeElement(page)).id, 'webhook-secret', 'focus goes to the secret');
    await page.getByText('Copy it now: Parley will not show it again.').waitFor();
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    const row = page.locator('#channel-list tbody tr', { hasText: name });
    await row.waitFor();
    const channelId = await row.getAttribute('data-channel-id');
    assert.match(await row.locator('.webhook-url').textContent(), new RegExp(`/api/v1/customer/channels/${channelId}/messages$`));
    assert.match(await page.locator('#curl-example').textContent(), /X-Parley-Signature: sha256=/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.locator('#webhook-secret').count(), 0, 'gone once copied');
    // Reloading never shows it again.
    await page.reload();
    await heading(page, 'Customer channels');
    await row.waitFor();
    assert.equal(await page.locator('#webhook-secret').count(), 0);
    assert.equal(await page.getByText(first).count(), 0);

    // Rotate (with a confirmation): a new secret, the old one refused.
    await row.getByRole('button', { name: `Rotate the secret of ${name}` }).click();
    await row.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.locator('#webhook-secret').count(), 0, 'cancel rotates nothing');
    await row.getByRole('button', { name: `Rotate the secret of ${name}` }).click();
    await row.getByRole('button', { name: 'Yes, rotate' }).click();
    await secret.waitFor();
    const second = await secret.inputValue();
    assert.match(second, /^whsec_/);
    assert.notEqual(second, first);

    // Import a CSV into the channel: progress, then the counts and the bad row.
    await page.getByLabel('Into channel').selectOption(channelId);
    // The progress bar is there while the file goes up (however briefly).
    await page.evaluate(() => {
      window.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('#import-area progress')) window.sawProgress = true;
      }).observe(document.getElementById('import-area'), { childList: true, subtree: true });
    });
    await page.locator('#import-file').setInputFiles({ name: `${topic}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv(topic)) });
    await page.locator('#import-result').waitFor();
    assert.equal(await page.evaluate(() => window.sawProgress), true, 'a progress bar was shown');
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/channels.png`, fullPage: true });
    assert.equal(await page.locator('#import-imported strong').textContent(), '4');
    assert.equal(await page.locator('#import-conversations strong').textContent(), '2');
    assert.equal(await page.locator('#import-rejected-count strong').textContent(), '1');
    assert.match(await page.locator('#import-rejected-list').textContent(), /^Row 6: /);
    await statusText(page, `Imported ${topic}.csv: 4 messages.`);
    // Again: nothing new, all duplicates.
    await page.locator('#import-file').setInputFiles({ name: `${topic}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv(topic)) });
    await page.locator('#import-duplicates strong').getByText('4', { exact: true }).waitFor();
    assert.equal(await page.locator('#import-imported strong').textContent(), '0');

    // The inbox: filter by words (typed), by status and channel.
    await sub.getByRole('link', { name: 'Inbox' }).click();
    await heading(page, 'Customer conversations');
    await page.getByLabel('Words').fill(`${topic} ROUTER`);
    await page.getByText('1 conversation match').waitFor();
    assert.match(page.url(), new RegExp(`q=${topic}\\+ROUTER`));
    const rows = page.locator('#conversation-list > li');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().locator('.conv-customer').textContent(), `cust_${topic}`);
    assert.equal(await rows.first().locator('.conv-first-response').textContent(), '15 min');
    assert.equal(await page.locator('main img').count(), 0, 'the customer’s markup is text');
    await page.getByLabel('Status').selectOption('resolved');
    await page.getByText('No conversations match these filters.').waitFor();
    await page.getByLabel('Status').selectOption('open');
    await page.getByText('1 conversation match').waitFor();
    await page.getByLabel('Words').fill(topic);
    await page.getByLabel('Channel').selectOption(channelId);
    await page.getByText('2 conversations match').waitFor();
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/inbox.png`, fullPage: true });
    assert.match(page.url(), new RegExp(`channel=${channelId}`));

    // A conversation: figures, the messages as text.
    await page.getByRole('link', { name: new RegExp(`My ${topic} router`) }).click();
    await heading(page, `My ${topic} router ${XSS} keeps dropping`);
    assert.equal(await page.locator('main img').count(), 0, 'no element from the customer’s words');
    assert.equal(await page.locator('#fig-status dd').textContent(), 'Open');
    assert.equal(await page.locator('#fig-first-response dd').textContent(), '15 min');
    const msgs = page.locator('#message-list > li');
    assert.equal(await msgs.count(), 3);
    assert.deepEqual(await msgs.evaluateAll((els) => els.map((e) => e.className)),
      ['message message-inbound', 'message message-outbound', 'message message-inbound']);
    assert.equal(await msgs.nth(0).locator('.message-text').textContent(), `My ${topic} router ${XSS} keeps dropping`);
    assert.equal(await msgs.nth(2).locator('.message-text').textContent(), `The ${topic} X200.\nStill dropping.`);
    assert.equal(await msgs.nth(1).locator('.message-who').textContent(), 'Agent');
    await page.getByText('Not linked to anything inside Parley yet.').waitFor();
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/conversation.png`, fullPage: true });

    // Resolve with the keyboard only: FCR, CSAT, submit.
    await page.locator('#resolve-fcr').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.equal((await activeElement(page)).id, 'resolve-csat');
    await page.keyboard.press('ArrowDown');   // "5 — very satisfied"
    await page.keyboard.press('ArrowDown');   // "4 — satisfied"
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await statusText(page, 'Conversation resolved, CSAT 4/5.');
    assert.equal(await page.locator('#fig-status dd').textContent(), 'Resolved');
    assert.equal(await page.locator('#fig-fcr dd').textContent(), 'Yes');
    assert.equal(await page.locator('#fig-csat dd').textContent(), '4/5');
    assert.equal((await activeElement(page)).id, 'reopen-button');
    const api1 = await ok(await api('GET', `/api/v1/customer/conversations?channel=${channelId}&status=resolved`, { session: admin.session }));
    assert.equal(api1.items.length, 1);
    assert.equal(api1.items[0].csat, 4);
    assert.equal(api1.items[0].first_contact_resolution, true);

    // Reopen: back to open, the figures cleared.
    await page.keyboard.press('Enter');
    await statusText(page, 'Conversation reopened.');
    assert.equal(await page.locator('#fig-status dd').textContent(), 'Open');
    assert.equal(await page.locator('#fig-csat dd').textContent(), '—');
    assert.equal((await activeElement(page)).id, 'resolve-fcr');
  });
});

test('inbox filters work with the keyboard alone', async (t) => {
  const topic = word();
  const admin = await withRole('admin');
  const ch = await ok(await api('POST', '/api/v1/customer/channels', { session: admin.session, json: { name: `Chat ${topic}`, kind: 'chat' } }), 201);
  await ok(await api('POST', `/api/v1/customer/import?channel=${ch.channel.id}`, { session: admin.session, raw: csv(topic), contentType: 'text/csv' }));
  await withPage(t, { session: admin.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/customers`);
    await heading(page, 'Customer conversations');
    // From the heading, Tab reaches the sub-navigation, then the filters.
    await page.locator('#conv-q').focus();
    await page.keyboard.type(`invoice ${topic}`);
    await page.keyboard.press('Enter');
    await page.getByText('1 conversation match').waitFor();
    await page.keyboard.press('Tab');
    assert.equal((await activeElement(page)).id, 'conv-channel');
    await page.keyboard.press('Tab');
    assert.equal((await activeElement(page)).id, 'conv-status');
    await page.keyboard.press('ArrowDown');   // Open
    await page.keyboard.press('ArrowDown');   // Resolved
    await page.getByText('No conversations match these filters.').waitFor();
    await page.keyboard.press('ArrowUp');     // Open
    await page.getByText('1 conversation match').waitFor();
    // Tab on to the conversation's link and open it with Enter.
    await page.keyboard.press('Tab');   // the Filter button
    await page.keyboard.press('Tab');
    assert.equal((await activeElement(page)).text, `Billing question about invoice ${topic}`);
    await page.keyboard.press('Enter');
    await heading(page, `Billing question about invoice ${topic}`);
  });
});

test('roles: employees see no Customers or Reports and get "No access"; analysts read only', async (t) => {
  const topic = word();
  const employee = await withRole('employee');
  await withPage(t, { session: employee.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    const nav = page.getByRole('navigation', { name: 'Primary' });
    await nav.getByRole('link', { name: 'Bookmarks' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Customers' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Reports' }).count(), 0);
    for (const path of ['customers', 'customers/channels', 'customers/conversations/1', 'reports']) {
      await page.goto(`${BASE}/#/${path}`);
      await heading(page, 'No access');
    }
  });

  const admin = await withRole('admin');
  const ch = await ok(await api('POST', '/api/v1/customer/channels', { session: admin.session, json: { name: `Mail ${topic}`, kind: 'email' } }), 201);
  await ok(await api('POST', `/api/v1/customer/import?channel=${ch.channel.id}`, { session: admin.session, raw: csv(topic), contentType: 'text/csv' }));
  const list = await ok(await api('GET', `/api/v1/customer/conversations?channel=${ch.channel.id}&q=invoice`, { session: admin.session }));
  const convId = list.items[0].id;

  const analyst = await withRole('analyst');
  await withPage(t, { session: analyst.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    const nav = page.getByRole('navigation', { name: 'Primary' });
    await nav.getByRole('link', { name: 'Customers', exact: true }).waitFor();
    await nav.getByRole('link', { name: 'Reports' }).waitFor();
    await page.goto(`${BASE}/#/customers/conversations/${convId}`);
    await heading(page, `Billing question about invoice ${topic}`);
    await page.getByText('read only').waitFor();
    assert.equal(await page.locator('#resolve-form').count(), 0, 'no resolving');
    assert.equal(await page.locator('#link-form').count(), 0, 'no linking');
    assert.equal(await page.locator('#escalate-form').count(), 0, 'no escalating');
    assert.equal(await page.getByRole('navigation', { name: 'Customer care' }).count(), 0, 'no Channels for analysts');
    await page.goto(`${BASE}/#/customers/channels`);
    await heading(page, 'No access');
  });
});

/** A community made by `owner` (its manager) and a question in it by `asker`. */
async function communityWithQuestion(owner, asker, topic) {
  const slug = `care-${topic}`;
  const community = (await ok(await api('POST', '/api/v1/communities', {
    session: owner, json: { slug, name: `Networking ${topic}`, description: 'Routers and links.', visibility: 'open' },
  }), 201)).community;
  await ok(await api('POST', `/api/v1/communities/${slug}/members`, { session: asker }), 201).catch(() => {});
  const question = (await ok(await api('POST', `/api/v1/communities/${slug}/questions`, {
    session: asker, json: { title: `Why do ${topic} routers drop the line at night?`, body: 'Seen by several customers.', tags: [] },
  }), 201)).question;
  return { community, question, slug };
}

test('a conversation: link a question and a post, unlink, escalate into a community; the question and the post say they are tied', async (t) => {
  const topic = word();
  const admin = await withRole('admin', { display_name: 'Ada Admin' });
  const bob = await withRole('employee', { display_name: 'Bob Builder' });
  await ok(await api('PATCH', '/api/v1/me', { session: bob.session, json: { department: 'Networking' } }));
  const { community, question, slug } = await communityWithQuestion(admin.session, bob.session, topic);
  const post = (await ok(await api('POST', '/api/v1/posts', { session: bob.session, json: { body: `Heads-up: ${topic} firmware 2.1 drops links.` } }), 201)).post;
  const ch = await ok(await api('POST', '/api/v1/customer/channels', { session: admin.session, json: { name: `Care ${topic}`, kind: 'twitter' } }), 201);
  await ok(await api('POST', `/api/v1/customer/import?channel=${ch.channel.id}`, { session: admin.session, raw: csv(topic), contentType: 'text/csv' }));
  const conv = (await ok(await api('GET', `/api/v1/customer/conversations?channel=${ch.channel.id}&q=router`, { session: admin.session }))).items[0];

  await withPage(t, { session: admin.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/customers/conversations/${conv.id}`);
    await heading(page, `My ${topic} router ${XSS} keeps dropping`);

    // Link the question, found by words.
    await page.getByText('Link a question, post or community').click();
    await page.getByLabel('Kind').selectOption('question');
    await page.getByLabel('Title words or number').fill(`${topic} routers`);
    const pick = page.getByRole('button', { name: `Link question “${question.title}”` });
    await pick.click();
    await statusText(page, `Linked question “${question.title}”.`);
    const links = page.locator('#conv-links');
    const qLink = links.getByRole('link', { name: question.title });
    assert.equal(await qLink.getAttribute('href'), `#/questions/${question.id}`);
    await links.getByText('Linked by').waitFor();
    assert.equal(await links.getByRole('link', { name: 'Ada Admin' }).count(), 1);
    // The question (asked after the customer wrote) is internal collaboration.
    assert.equal(await page.locator('#collab-participants dd').textContent(), '1');
    assert.equal(await page.locator('#collab-departments dd').textContent(), '1');
    assert.equal(await page.locator('#collab-department-names').textContent(), 'Department: Networking');
    assert.equal(await page.locator('#collab-messages dd').textContent(), '1');
    assert.notEqual(await page.locator('#collab-first dd').textContent(), 'None yet');
    assert.equal((await activeElement(page)).id, 'link-q', 'focus back in the search box');

    // Link the post by its number, and the community by name; unlink the community.
    await page.getByLabel('Kind').selectOption('post');
    await page.getByLabel('Title words or number').fill(String(post.id));
    await page.getByRole('button', { name: `Link post “Post number ${post.id}”` }).click();
    await statusText(page, `Linked post “Post number ${post.id}”.`);
    await links.getByRole('link', { name: new RegExp(`Heads-up: ${topic}`) }).waitFor();
    await page.getByLabel('Kind').selectOption('community');
    await page.getByLabel('Title words or number').fill(`Networking ${topic}`);
    await page.getByRole('button', { name: `Link community “${community.name}”` }).click();
    const cLink = links.getByRole('link', { name: community.name });
    await cLink.waitFor();
    await page.waitForFunction((href) => document.querySelector(`#conv-links a[href="${href}"]`), `#/communities/${slug}`);
    await links.getByRole('button', { name: `Unlink community “${community.name}”` }).click();
    await statusText(page, `Unlinked “${community.name}”.`);
    await cLink.waitFor({ state: 'detached' });
    assert.equal(await cLink.count(), 0);
    assert.equal(await links.locator('li').count(), 2);

    // Escalate: the title comes from the subject; a new question quotes the customer.
    await page.locator(`#escalate-community option[value="${slug}"]`).waitFor({ state: 'attached' });
    await page.getByLabel('Community', { exact: true }).selectOption(slug);
    assert.equal(await page.getByLabel('Question title').inputValue(), `My ${topic} router ${XSS} keeps dropping`);
    await page.getByLabel('What you need from colleagues').fill('Has anyone seen this on the X200?');
    await page.getByRole('button', { name: 'Escalate' }).click();
    await statusText(page, 'Escalated to a new question.');
    const open = page.locator('#escalated-question');
    // Focus moves to the new question's link once the links are redrawn.
    await page.waitForFunction(() => document.activeElement?.id === 'escalated-question');
    await links.getByText('Escalated by').waitFor();
    assert.equal(await links.locator('li').count(), 3);
    assert.equal(await page.locator('main img').count(), 0);
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/linked.png`, fullPage: true });
    await open.click();
    await heading(page, `My ${topic} router ${XSS} keeps dropping`);
    const body = await page.locator('.qa-question .qa-body').textContent();
    assert.ok(body.includes(`My ${topic} router ${XSS} keeps dropping`), `quotes the customer: ${body}`);
    assert.ok(body.includes('Has anyone seen this on the X200?'), body);
    assert.equal(await page.locator('main img').count(), 0, 'the quote is text, not markup');
    // The question says it is tied, and lists the conversation.
    const note = page.locator('#customer-links');
    await note.getByText('Tied to 1 customer conversation').click();
    const back = note.getByRole('link', { name: `My ${topic} router ${XSS} keeps dropping` });
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/question.png`, fullPage: true });
    assert.equal(await back.getAttribute('href'), `#/customers/conversations/${conv.id}`);

    // The linked question too.
    await page.goto(`${BASE}/#/questions/${question.id}`);
    await heading(page, question.title);
    await page.locator('#customer-links').getByText('Tied to 1 customer conversation').waitFor();
  });

  // Bob (an employee) sees on his post that it is tied, but no list.
  await withPage(t, { session: bob.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/posts/${post.id}`);
    await heading(page, 'Post by Bob Builder');
    const note = page.locator('#customer-links');
    await note.getByText('Tied to 1 customer conversation').waitFor();
    assert.equal(await note.locator('details, a').count(), 0, 'no way into the conversations');
  });
});

/** ISO time `minutes` before now. */
function ago(minutes) {
  return new Date(Date.now() - minutes * 60000).toISOString().replace(/\.\d+Z$/, 'Z');
}

test('reports: an analyst sees the customer-care table, the hidden small groups in words, the charts and the CSV link', async (t) => {
  const topic = word();
  const admin = await withRole('admin');
  const analyst = await withRole('analyst');
  // Channel A this week: 12 customers, each answered; 6 of them linked to
  // a question that five colleagues answered (internal collaboration).
  const a = await ok(await api('POST', '/api/v1/customer/channels', { session: admin.session, json: { name: `Alpha ${topic}`, kind: 'twitter' } }), 201);
  const rows = ['tweet_id,author_id,inbound,created_at,text,in_response_to_tweet_id'];
  for (let i = 0; i < 12; i++) {
    rows.push(`${100 + i},cust${i}_${topic},True,${ago(180 - i)},"Help ${topic} number ${i}",`);
    rows.push(`${200 + i},AcmeCare,False,${ago(170 - i * 2)},"On it ${i}",${100 + i}`);
  }
  await ok(await api('POST', `/api/v1/customer/import?channel=${a.channel.id}`, { session: admin.session, raw: `${rows.join('\n')}\n`, contentType: 'text/csv' }));
  // Channel B: two customers only, a group too small to show.
  const b = await ok(await api('POST', '/api/v1/customer/channels', { session: admin.session, json: { name: `Beta ${topic}`, kind: 'email' } }), 201);
  await ok(await api('POST', `/api/v1/customer/import?channel=${b.channel.id}`, {
    session: admin.session, contentType: 'text/csv',
    raw: `tweet_id,author_id,inbound,created_at,text,in_response_to_tweet_id\n1,x_${topic},1,${ago(90)},"Small ${topic}",\n2,y_${topic},1,${ago(80)},"Small too",\n`,
  }));
  const convs = (await ok(await api('GET', `/api/v1/customer/conversations?channel=${a.channel.id}&limit=50`, { session: admin.session }))).items;
  assert.equal(convs.length, 12);
  const asker = await withRole('employee');
  const { question } = await communityWithQuestion(admin.session, asker.session, topic);
  for (let i = 0; i < 5; i++) {
    const helper = await withRole('employee');
    await ok(await api('PATCH', '/api/v1/me', { session: helper.session, json: { department: `Dept ${i % 3}` } }));
    await ok(await api('POST', `/api/v1/questions/${question.id}/answers`, { session: helper.session, json: { body: `Try firmware ${i}.` } }), 201);
  }
  for (const [i, c] of convs.entries()) {
    if (i < 6) await ok(await api('POST', `/api/v1/customer/conversations/${c.id}/links`, { session: admin.session, json: { type: 'question', id: question.id } }), 201);
    await ok(await api('POST', `/api/v1/customer/conversations/${c.id}/resolve`, { session: admin.session, json: { first_contact_resolution: i % 2 === 0, csat: 1 + (i % 5) } }));
  }

  await withPage(t, { session: analyst.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /^Welcome/);
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Reports' }).click();
    await heading(page, 'Reports');
    await page.locator('#report-status').getByText(/^Weeks from /).waitFor();
    assert.match(page.url(), /#\/reports\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    const table = page.locator('.report-table');
    const alpha = table.locator(`tbody tr[data-channel="${a.channel.id}"]`);
    assert.equal(await alpha.count(), 1, 'one week of channel A');
    assert.equal(await alpha.locator('td').nth(0).textContent(), `Alpha ${topic} (Twitter)`);
    assert.equal(await alpha.locator('td').nth(1).textContent(), '12');
    assert.equal(await alpha.locator('td').nth(3).textContent(), '50%', 'FCR rate');
    assert.equal(await table.locator(`tbody tr[data-channel="${b.channel.id}"]`).count(), 0, 'the small group is not shown');
    assert.match(await page.locator('#report-other').textContent(), /^Other\d+ small groups? hidden to protect privacy/);
    assert.match(await page.locator('#report-privacy').textContent(), /small groups? hidden to protect privacy/);
    assert.equal(await page.getByText(`Beta ${topic}`).count(), 0);

    // Charts: drawn on canvases with a name and a table of their numbers.
    for (const id of ['chart-conversations', 'chart-quality', 'chart-comparison', 'chart-first-response']) {
      const canvas = page.locator(`#${id}`);
      assert.equal(await canvas.getAttribute('role'), 'img');
      const described = await canvas.getAttribute('aria-describedby');
      assert.equal(await page.locator(`#${described}`).evaluate((el) => el.tagName), 'TABLE');
      await page.waitForFunction((cid) => {
        const c = document.getElementById(cid);
        if (!c || !c.width || !c.height) return false;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
        return false;
      }, id);
    }
    assert.match(await page.locator('#correlation-note').textContent(), /^Correlation, not cause/);
    if (process.env.PARLEY_SHOTS) await page.screenshot({ path: `${process.env.PARLEY_SHOTS}/report.png`, fullPage: true });

    // The CSV download: same range, the session's cookie is enough.
    const csvLink = page.getByRole('link', { name: 'Download CSV' });
    const href = await csvLink.getAttribute('href');
    assert.match(href, /^\/api\/v1\/reports\/customer-care\?from=.*&to=.*&format=csv$/);
    assert.match(await csvLink.getAttribute('download'), /^customer-care-.*\.csv$/);
    const got = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
    }, href);
    assert.equal(got.status, 200);
    assert.match(got.type, /^text\/csv/);
    assert.ok(got.text.includes(`Alpha ${topic}`));
    assert.ok(!got.text.includes(`Beta ${topic}`));

    // Another range: the form's dates go to the address; a reversed one is refused here.
    await page.getByLabel('From', { exact: true }).fill('2017-10-30');
    await page.getByLabel('To', { exact: true }).fill('2017-10-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('The last day comes after the first.').waitFor();
    await page.getByLabel('To', { exact: true }).fill('2017-11-05');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=2017-10-30&to=2017-11-05/);
    await page.locator('#report-status').getByText(/^Weeks from /).waitFor();
    assert.equal(await table.locator(`tbody tr[data-channel="${a.channel.id}"]`).count(), 0);
  });
});
