// Browser suite for the knowledge pages: communities and Q&A (create, ask
// with similar-question suggestions, answer, vote, accept, notifications),
// bookmarks (add, duplicate, tag filter, import of a real browser file,
// export download, delete), search (marks as text, no markup from titles)
// and the expert finder. Two people at once where the story needs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BASE, api, unique } from '../lib/api.mjs';
import { useBrowser, withPage, withPages, signedIn, heading, statusText, activeElement, word, ok } from './lib.mjs';
import { markParts } from '../../assets/js/marks.js';

useBrowser();

const FAST = { 'parley.badgePollMs': '250' };
const FIREFOX = '/work/shared/data/netscape-bookmarks/netscape-bookmark-parser/firefox_nested.htm';

function slug(prefix) {
  return `${prefix}-${unique('x').slice(2).replace(/_/g, '-')}`;
}

/** A community made through the API by `owner` (its manager). */
async function community(owner, fields = {}) {
  const s = fields.slug ?? slug('kb');
  const body = { slug: s, name: fields.name ?? `Community ${s}`, description: fields.description ?? 'For tests.', visibility: fields.visibility ?? 'open' };
  return (await ok(await api('POST', '/api/v1/communities', { session: owner, json: body }), 201)).community;
}

async function question(asker, slugName, title, body = 'Details of the question.', tags = []) {
  return (await ok(await api('POST', `/api/v1/communities/${slugName}/questions`, { session: asker, json: { title, body, tags } }), 201)).question;
}

test('Q&A journey: create a community, ask with similar questions, answer, vote, accept, notifications', async (t) => {
  const topic = word();
  const ann = await signedIn({ display_name: 'Ann Asker' });
  const bob = await signedIn({ display_name: 'Bob Answerer' });
  const name = `Ops ${topic}`;

  await withPages(t, [{ session: ann.session, storage: FAST }, { session: bob.session, storage: FAST }], async ([pa, pb]) => {
    const A = pa.page;
    const B = pb.page;

    // A starts a community through the form; the address follows the name.
    await A.goto(`${BASE}/#/communities`);
    await heading(A, 'Communities');
    const nav = A.getByRole('navigation', { name: 'Primary' });
    assert.equal(await nav.getByRole('link', { name: 'Communities' }).getAttribute('aria-current'), 'page');
    await A.getByRole('button', { name: 'New community' }).click();
    assert.equal(await A.getByRole('button', { name: 'New community' }).getAttribute('aria-expanded'), 'true');
    await A.getByLabel('Name').fill(name);
    assert.equal(await A.getByLabel('Address').inputValue(), `ops-${topic}`);
    await A.getByLabel('What is it about?').fill('Runbooks, on-call and <b>databases</b>.');
    await A.getByRole('button', { name: 'Create community' }).click();
    await heading(A, name);
    await statusText(A, `Community “${name}” created. You are its manager.`);
    assert.match(A.url(), new RegExp(`#/communities/ops-${topic}$`));
    assert.equal(await A.locator('#my-role').textContent(), 'Manager');
    assert.equal(await A.locator('.community-description').textContent(), 'Runbooks, on-call and <b>databases</b>.');
    assert.equal(await A.locator('main b').count(), 0, 'the description is text');
    await A.locator('#member-list').getByRole('link', { name: 'Ann Asker' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Communities' }).getAttribute('aria-current'), 'true', 'the nav marks the section');
    await A.getByText('No questions here yet.').waitFor();
    const slugName = `ops-${topic}`;

    // An earlier question, asked through the API.
    const earlier = await question(ann.session, slugName, `How do I rotate the ${topic} staging password?`);

    // Asking: a title like the earlier one brings it up as similar.
    await A.getByRole('link', { name: 'Ask a question' }).click();
    await heading(A, 'Ask a question');
    const title = A.getByLabel('Title');
    await title.fill('How do I');
    await A.waitForTimeout(500);
    assert.equal(await A.locator('#similar-questions').isHidden(), true, 'nothing is looked up for a short title');
    await title.fill(`Rotating the ${topic} staging password without downtime`);
    const similar = A.locator('#similar-questions');
    await similar.getByRole('heading', { name: 'Similar questions' }).waitFor();
    const suggestion = similar.getByRole('link', { name: new RegExp(earlier.title) });
    assert.equal(await suggestion.getAttribute('href'), `#/questions/${earlier.id}`);
    assert.equal(await suggestion.getAttribute('target'), '_blank', 'a suggestion opens beside the draft');

    // Client-side checks before anything is sent.
    await title.fill('Too short');
    await A.getByRole('button', { name: 'Post your question' }).click();
    await A.getByText('Titles are at least 10 characters: say what you want to know.').waitFor();
    assert.equal(await title.getAttribute('aria-invalid'), 'true');
    assert.equal((await activeElement(A)).id, await title.getAttribute('id'), 'focus goes to the field');

    const qTitle = `Rotating the ${topic} staging password without downtime`;
    const qBody = `We tried <script>alert(1)</script> and ALTER ROLE.\nAny ideas @${bob.user.handle}? #${topic}`;
    await title.fill(qTitle);
    await A.getByLabel('Details').fill(qBody);
    await A.getByLabel('Tags').fill('postgresql, #Ops, postgresql');
    await A.getByRole('button', { name: 'Post your question' }).click();
    await heading(A, qTitle);
    await statusText(A, 'Your question is posted.');
    const qid = Number(A.url().match(/#\/questions\/(\d+)$/)[1]);
    assert.ok(qid > earlier.id);
    const qCard = A.locator('.qa-question');
    assert.equal(await qCard.locator('.qa-body').textContent(), qBody, 'the body is text, newlines kept');
    assert.equal(await qCard.locator('script').count(), 0);
    assert.equal(await qCard.getByRole('link', { name: `@${bob.user.handle}` }).getAttribute('href'), `#/people/${bob.user.handle}`);
    assert.equal(await qCard.getByRole('link', { name: `#${topic}` }).getAttribute('href'), `#/tags/${topic}`);
    // Tags are kept lower-cased, once each.
    assert.deepEqual(await qCard.locator('.tag-chips .chip').allTextContents(), ['#postgresql', '#ops']);
    // One's own question: no voting, and the buttons say why.
    const ownUp = qCard.getByRole('button', { name: 'Vote up' });
    assert.equal(await ownUp.isDisabled(), true);
    assert.equal(await ownUp.getAttribute('title'), 'You cannot vote on your own question');
    await A.getByText('No answers yet.').waitFor();

    // B opens it (open community: no need to join), votes, answers.
    await B.goto(`${BASE}/#/questions/${qid}`);
    await heading(B, qTitle);
    const bq = B.locator('.qa-question');
    const up = bq.getByRole('button', { name: /^Vote up/ });
    const score = bq.locator('.vote-count');
    assert.equal(await up.getAttribute('aria-pressed'), 'false');
    await up.click();
    await bq.getByRole('button', { name: 'Vote up (your vote)' }).waitFor();
    assert.equal(await up.getAttribute('aria-pressed'), 'true');
    assert.equal(await score.innerText(), '1');
    await up.click();   // the active vote again takes it back
    await bq.getByRole('button', { name: 'Vote up', exact: true }).waitFor();
    assert.equal(await up.getAttribute('aria-pressed'), 'false');
    assert.equal(await score.innerText(), '0');
    await bq.getByRole('button', { name: /^Vote down/ }).click();
    await bq.getByRole('button', { name: 'Vote down (your vote)' }).waitFor();
    assert.equal(await score.innerText(), '-1');
    await up.click();   // switching sides
    await bq.getByRole('button', { name: 'Vote up (your vote)' }).waitFor();
    assert.equal(await score.innerText(), '1');
    assert.equal(await bq.getByRole('button', { name: 'Vote down' }).getAttribute('aria-pressed'), 'false');
    assert.equal((await ok(await api('GET', `/api/v1/questions/${qid}`, { session: bob.session }))).question.my_vote, 1);

    const answerText = `Create the new role first, then switch. See https://example.com/runbook and #${topic}`;
    await B.getByRole('textbox', { name: 'Your answer' }).fill(answerText);
    await B.getByRole('button', { name: 'Post your answer' }).click();
    await statusText(B, 'Your answer is posted.');
    const bAnswer = B.locator('.qa-answer').first();
    assert.equal(await bAnswer.evaluate((el) => el === document.activeElement), true, 'focus moves to the new answer');
    assert.equal(await bAnswer.locator('.qa-body').textContent(), answerText);
    const runbook = bAnswer.getByRole('link', { name: 'https://example.com/runbook' });
    assert.equal(await runbook.getAttribute('rel'), 'noopener noreferrer nofollow');
    await B.getByRole('heading', { name: '1 answer' }).waitFor();
    assert.equal(await bAnswer.getByRole('button', { name: 'Vote up' }).getAttribute('title'), 'You cannot vote on your own answer');
    assert.equal(await B.getByRole('button', { name: /^Accept/ }).count(), 0, 'only the asker or a manager accepts');
    assert.equal(await B.getByRole('textbox', { name: 'Your answer' }).inputValue(), '');

    // A hears of it: the badge, then the notification, which leads to the question.
    await A.waitForFunction(() => /Notifications, \d+ unread/.test(document.getElementById('nav-notifications')?.getAttribute('aria-label') || ''));
    await nav.getByRole('link', { name: /^Notifications/ }).click();
    await heading(A, 'Notifications');
    const answered = A.getByRole('link', { name: 'Bob Answerer answered your question' });
    assert.equal(await answered.getAttribute('href'), `#/questions/${qid}`);
    await answered.click();
    await heading(A, qTitle);

    // A votes the answer up and accepts it.
    const aAnswer = A.locator('.qa-answer').first();
    await aAnswer.getByRole('button', { name: /^Vote up/ }).click();
    await aAnswer.getByRole('button', { name: 'Vote up (your vote)' }).waitFor();
    assert.equal(await aAnswer.locator('.vote-count').innerText(), '1');
    await aAnswer.getByRole('button', { name: 'Accept the answer by Bob Answerer' }).click();
    await statusText(A, 'Answer accepted.');
    const accepted = A.locator('.qa-answer.is-accepted');
    await accepted.getByText('Accepted answer').waitFor();
    assert.equal(await accepted.evaluate((el) => el === document.activeElement), true, 'focus stays on the accepted answer');
    assert.equal(await A.getByRole('button', { name: /^Accept the answer/ }).count(), 0);
    const stored = await ok(await api('GET', `/api/v1/questions/${qid}`, { session: ann.session }));
    assert.equal(stored.question.accepted_answer_id, stored.answers[0].id);
    assert.equal(stored.answers[0].score, 1);
    assert.equal(stored.question.score, 1);

    // B is told, and the notification leads back to the question.
    await B.goto(`${BASE}/#/notifications`);
    await heading(B, 'Notifications');
    const acceptedNote = B.getByRole('link', { name: 'Ann Asker accepted your answer' });
    assert.equal(await acceptedNote.getAttribute('href'), `#/questions/${qid}`);

    // The community lists both questions; the status tabs filter them.
    await A.locator('#question-community').click();
    await heading(A, name);
    const list = A.locator('.question-list');
    await list.getByRole('link', { name: qTitle }).waitFor();
    await list.getByRole('link', { name: earlier.title }).waitFor();
    const tabs = A.getByRole('tablist', { name: 'Questions to show' });
    await tabs.getByRole('tab', { name: 'Accepted' }).click();
    await A.waitForFunction((t) => {
      const links = [...document.querySelectorAll('.question-list .question-title a')].map((a) => a.textContent);
      return links.length === 1 && links[0] === t;
    }, qTitle);
    assert.equal(await tabs.getByRole('tab', { name: 'Accepted' }).getAttribute('aria-selected'), 'true');
    assert.match(A.url(), /status=accepted/);
    // Arrow keys move between the tabs (and choose them).
    await tabs.getByRole('tab', { name: 'Accepted' }).press('ArrowLeft');
    await A.waitForFunction(() => document.activeElement?.textContent === 'Answered' && document.activeElement.getAttribute('aria-selected') === 'true');
    await tabs.getByRole('tab', { name: 'Unanswered' }).click();
    await list.getByRole('link', { name: earlier.title }).waitFor();
    assert.equal(await list.getByRole('link', { name: qTitle }).count(), 0);
    // A tag chip filters by tag.
    await tabs.getByRole('tab', { name: 'All' }).click();
    await list.getByRole('link', { name: qTitle }).waitFor();
    await list.getByRole('link', { name: '#ops' }).click();
    await A.getByText('Tagged').waitFor();
    await A.waitForFunction(() => document.querySelectorAll('.question-list .question-item').length === 1);
    assert.match(A.url(), /tag=ops/);
  });
});

test('communities: joining a closed one is a request a manager approves', async (t) => {
  const mia = await signedIn({ display_name: 'Mia Manager' });
  const joe = await signedIn({ display_name: 'Joe Joiner' });
  const c = await community(mia.session, { visibility: 'closed', name: `Closed ${word()}` });
  await question(mia.session, c.slug, 'What is the closed question about?');

  await withPages(t, [{ session: joe.session }, { session: mia.session }], async ([pj, pm]) => {
    const J = pj.page;
    const M = pm.page;
    await J.goto(`${BASE}/#/communities/${c.slug}`);
    await heading(J, c.name);
    await J.getByText('The questions and posts in this community are for its members.').waitFor();
    assert.equal(await J.locator('.question-list .question-item').count(), 0, 'no questions leak');
    await J.getByRole('button', { name: 'Request to join' }).click();
    await statusText(J, `You asked to join ${c.name}.`);
    await J.getByText('Your request to join is waiting for a manager.').waitFor();
    assert.equal(await J.locator('#my-role').textContent(), 'Request pending');
    assert.equal(await J.getByRole('link', { name: 'Ask a question' }).count(), 0);

    await M.goto(`${BASE}/#/communities/${c.slug}`);
    await heading(M, c.name);
    const requests = M.locator('#pending-card');
    await requests.getByRole('heading', { name: 'Requests to join' }).waitFor();
    await requests.getByRole('button', { name: 'Approve Joe Joiner' }).click();
    await statusText(M, 'Joe Joiner is now a member.');
    await M.locator('#member-list').getByRole('link', { name: 'Joe Joiner' }).waitFor();
    assert.equal(await requests.isHidden(), true);

    await J.reload();
    await heading(J, c.name);
    assert.equal(await J.locator('#my-role').textContent(), 'Member');
    await J.locator('.question-list').getByRole('link', { name: 'What is the closed question about?' }).waitFor();
    await J.getByRole('button', { name: `Leave ${c.name}` }).click();
    await statusText(J, `You left ${c.name}.`);
    await J.getByRole('button', { name: 'Request to join' }).waitFor();
  });
});

test('bookmarks: add, duplicate offers the existing one, tag filter, import a Firefox file, export, delete', async (t) => {
  const cat = await signedIn({ display_name: 'Cat Collector' });
  const u = word();
  const url = `https://example.org/${u}/guide`;

  await withPage(t, { session: cat.session, allow: [[409, '/api/v1/bookmarks']] }, async ({ page }) => {
    await page.goto(`${BASE}/#/bookmarks`);
    await heading(page, 'Bookmarks');
    await page.getByText('You have no bookmarks yet.').waitFor();

    // Add one.
    await page.getByRole('button', { name: 'Add bookmark' }).click();
    await page.getByLabel('Address (URL)').fill('javascript:alert(1)');
    await page.getByLabel('Title').fill('Nope');
    await page.getByRole('button', { name: 'Save bookmark' }).click();
    await page.getByText('Enter a web address starting with http:// or https://.').waitFor();
    await page.getByLabel('Address (URL)').fill(url);
    await page.getByLabel('Title').fill(`The ${u} guide <script>x</script>`);
    await page.getByLabel('Notes').fill('Read this first.');
    await page.getByLabel('Tags').fill('alpha, Beta');
    await page.getByRole('button', { name: 'Save bookmark' }).click();
    await statusText(page, 'Bookmark saved.');
    const list = page.locator('#bookmark-list');
    const link = list.getByRole('link', { name: `The ${u} guide <script>x</script>` });
    assert.equal(await link.getAttribute('href'), url);
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await list.locator('script').count(), 0);
    assert.deepEqual(await list.locator('.bookmark').first().locator('.chip').allTextContents(), ['#alpha', '#beta']);

    // The same address again: the form says so and offers the saved one.
    await page.getByRole('button', { name: 'Add bookmark' }).click();
    await page.getByLabel('Address (URL)').fill(url);
    await page.getByLabel('Title').fill('Again');
    await page.getByRole('button', { name: 'Save bookmark' }).click();
    await page.getByText('You saved this address already.').waitFor();
    await page.getByRole('button', { name: 'Edit the existing one' }).click();
    await page.getByRole('heading', { name: 'Your saved bookmark' }).waitFor();
    const edit = page.locator('#bookmark-add form');
    const editTitle = edit.getByLabel('Title');
    assert.equal(await editTitle.inputValue(), `The ${u} guide <script>x</script>`);
    await editTitle.fill(`The ${u} guide, second edition`);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await statusText(page, 'Bookmark updated.');
    // The panel closes and the list shows the change.
    assert.equal(await page.locator('#bookmark-add').isHidden(), true);
    await list.getByRole('link', { name: `The ${u} guide, second edition` }).waitFor();
    const mine = await ok(await api('GET', `/api/v1/bookmarks?owner=${cat.user.handle}`, { session: cat.session }));
    assert.deepEqual(mine.items.map((b) => b.title), [`The ${u} guide, second edition`]);

    // Import a real Firefox export through the file input.
    const file = await readFile(FIREFOX, 'utf8');
    const links = (file.match(/<A HREF="https?:/g) || []).length;
    await page.locator('#bookmark-import-file').setInputFiles(FIREFOX);
    const result = page.locator('#import-result');
    await result.getByRole('heading', { name: 'Imported firefox_nested.htm' }).waitFor();
    const counts = await result.locator('.import-counts li').allInnerTexts();
    assert.equal(counts[0], `${links} bookmarks added`, counts.join(' | '));
    assert.equal(counts[1], '0 already saved');
    const skipped = Number(counts[2].split(' ')[0]);
    assert.ok(skipped >= 2, 'the place: entries are skipped');
    await result.getByText(/Why \d+ entries were skipped/).click();
    assert.match(await result.locator('.import-rejected li').first().innerText(), /^Line \d+: /);
    await list.getByRole('link', { name: 'xkcd: Slippery Slope' }).waitFor();
    // Importing the same file again finds them all saved already.
    await page.locator('#bookmark-import-file').setInputFiles(FIREFOX);
    await result.locator('.import-counts li', { hasText: 'already saved' }).getByText(String(links)).waitFor();
    assert.equal((await result.locator('.import-counts li').first().innerText()), '0 bookmarks added');

    // A tag filters the list (folders became tags).
    await list.locator('.bookmark', { hasText: `The ${u} guide` }).getByRole('button', { name: 'Filter by tag alpha' }).click();
    await page.locator('#bookmark-tag-filter').getByText('#alpha').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#bookmark-list .bookmark').length === 1);
    assert.match(page.url(), /tag=alpha/);
    await page.getByRole('button', { name: 'Show all tags, not only #alpha' }).click();
    await list.getByRole('link', { name: 'xkcd: Slippery Slope' }).waitFor();
    // Words filter too.
    await page.getByRole('searchbox', { name: 'Filter by words' }).fill('Slippery');
    await page.waitForFunction(() => document.querySelectorAll('#bookmark-list .bookmark').length === 1);
    await list.getByRole('link', { name: 'xkcd: Slippery Slope' }).waitFor();
    await page.getByRole('searchbox', { name: 'Filter by words' }).fill('');
    await list.getByRole('link', { name: `The ${u} guide, second edition` }).waitFor();

    // Export downloads a bookmark file with all of them.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'bookmarks.html');
    const exported = await readFile(await download.path(), 'utf8');
    assert.match(exported, /NETSCAPE-Bookmark-file-1/);
    assert.ok(exported.includes(url), 'the added bookmark is in the file');
    assert.ok(exported.includes('http://xkcd.com/1332/'), 'the imported ones are in the file');
    await statusText(page, 'Your bookmarks were saved as bookmarks.html.');

    // Everyone's and Popular.
    await page.getByRole('tab', { name: 'Everyone’s' }).click();
    await list.getByRole('link', { name: `The ${u} guide, second edition` }).waitFor();
    await page.getByRole('tab', { name: 'Popular' }).click();
    await page.locator('.bookmark-popular').first().waitFor();
    assert.equal(await page.locator('.filter-bar').isHidden(), true);
    await page.getByRole('tab', { name: 'Mine' }).click();

    // Delete, with a confirmation.
    const item = list.locator('.bookmark', { hasText: `The ${u} guide, second edition` });
    await item.getByRole('button', { name: `Delete The ${u} guide, second edition` }).click();
    await item.getByRole('button', { name: 'Yes, delete' }).click();
    await statusText(page, 'Bookmark deleted.');
    assert.equal(await list.getByRole('link', { name: `The ${u} guide, second edition` }).count(), 0);
  });
});

test('marks.js splits search snippets on « and », whatever else they hold', () => {
  const cases = [
    ['plain', [['plain', false]]],
    ['a «b» c', [['a ', false], ['b', true], [' c', false]]],
    ['«x»«y»', [['xy', true]]],
    ['<script>«alert»</script>', [['<script>', false], ['alert', true], ['</script>', false]]],
    ['open «without close', [['open without close', false]]],
    ['stray » close', [['stray  close', false]]],
    ['‹kept› «hit»', [['‹kept› ', false], ['hit', true]]],
    ['', []],
  ];
  for (const [snippet, want] of cases) {
    assert.deepEqual(markParts(snippet).map((p) => [p.text, p.marked]), want, snippet);
  }
});

test('search: finds the question, marks the matches, keeps markup as text', async (t) => {
  const dee = await signedIn({ display_name: 'Dee Searcher' });
  const w = word();
  const c = await community(dee.session);
  const q = await question(dee.session, c.slug, `Why does <script>alert(1)</script> break ${w} builds?`, `The ${w} build fails after the upgrade.`);

  await withPage(t, { session: dee.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/home`);
    await heading(page, /Welcome/);
    // The header's search box leads to the search page.
    const box = page.getByRole('searchbox', { name: 'Search Parley' }).first();
    await box.fill(w);
    await box.press('Enter');
    await heading(page, 'Search');
    assert.match(page.url(), new RegExp(`#/search\\?q=${w}$`));
    assert.equal(await page.locator('#search-q').inputValue(), w);
    const results = page.locator('.search-results');
    const hit = results.locator('.search-result', { has: page.locator(`a[href="#/questions/${q.id}"]`) });
    await hit.waitFor();
    assert.equal(await hit.getByRole('link').textContent(), `Why does <script>alert(1)</script> break ${w} builds?`);
    assert.equal(await results.locator('script').count(), 0, 'no markup from titles or snippets');
    const marks = await hit.locator('.search-snippet mark').allTextContents();
    assert.ok(marks.length > 0 && marks.every((m) => m.toLowerCase() === w), `marks: ${marks}`);
    assert.doesNotMatch(await hit.locator('.search-snippet').textContent(), /[«»]/, 'no markers left over');
    await page.locator('#search-status').getByText(`for “${w}”`).waitFor();

    // Type tabs: people have no such word; questions do.
    await page.getByRole('tab', { name: 'People' }).click();
    await page.getByText('Nothing matches. Try other or fewer words.').waitFor();
    assert.match(page.url(), /type=people/);
    await page.getByRole('tab', { name: 'Questions' }).click();
    await hit.waitFor();
    await hit.getByRole('link').click();
    await heading(page, `Why does <script>alert(1)</script> break ${w} builds?`);
  });
});

test('experts: the person who answered is ranked, with the reason and the evidence', async (t) => {
  const w = word();
  const asker = await signedIn({ display_name: 'Ivy Inquirer' });
  const expert = await signedIn({ display_name: 'Eve Expert' });
  const c = await community(asker.session);
  const q = await question(asker.session, c.slug, `How do we tune ${w} for large tables?`, `Our ${w} setup is slow.`);
  const a = (await ok(await api('POST', `/api/v1/questions/${q.id}/answers`, { session: expert.session, json: { body: `Tune ${w} with smaller batches.` } }), 201)).answer;
  await ok(await api('POST', `/api/v1/answers/${a.id}/accept`, { session: asker.session, raw: '' }));

  await withPage(t, { session: asker.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/experts`);
    await heading(page, 'Find an expert');
    await page.getByLabel('What do you need help with?').fill(w);
    await page.getByRole('button', { name: 'Find experts' }).click();
    const first = page.locator('#expert-list > li').first();
    await first.waitFor();
    const profile = first.getByRole('link', { name: expert.user.display_name });
    assert.equal(await profile.getAttribute('href'), `#/people/${expert.user.handle}`);
    const why = await first.locator('.expert-why').textContent();
    assert.ok(why.length > 10 && why.endsWith('.'), `why: ${why}`);
    assert.match(why, new RegExp(w, 'i'));
    assert.equal(await first.locator('.evidence-item', { hasText: 'Accepted answers' }).locator('dd').textContent(), '1');
    assert.equal(await first.locator('meter').getAttribute('aria-label'), `Relevance of ${expert.user.display_name}`);
    assert.match(page.url(), new RegExp(`#/experts\\?q=${w}$`));
    await page.locator('#experts-status').getByText(`about “${w}”`).waitFor();
  });
});

test('notifications: an expert suggestion reads as one and leads to the question', async (t) => {
  const w = word();
  const asker = await signedIn({ display_name: 'Quinn Questioner' });
  const expert = await signedIn({ display_name: 'Xena Expert' });
  const c = await community(asker.session);
  // Xena shows she knows the topic: two accepted answers.
  for (let i = 0; i < 2; i++) {
    const q = await question(asker.session, c.slug, `Question ${i + 1} about ${w} and its settings`, `How does ${w} behave?`);
    const a = (await ok(await api('POST', `/api/v1/questions/${q.id}/answers`, { session: expert.session, json: { body: `${w} behaves well with care.` } }), 201)).answer;
    await ok(await api('POST', `/api/v1/answers/${a.id}/accept`, { session: asker.session, raw: '' }));
  }
  const fresh = await question(asker.session, c.slug, `Another question about ${w} tuning`, `Which ${w} settings matter?`);

  await withPage(t, { session: expert.session }, async ({ page }) => {
    await page.goto(`${BASE}/#/notifications`);
    await heading(page, 'Notifications');
    const suggestion = page.locator('.notification[data-kind="expert"]').first();
    await suggestion.waitFor();
    const link = suggestion.getByRole('link', { name: 'You may know the answer to a question' });
    assert.equal(await link.getAttribute('href'), `#/questions/${fresh.id}`);
    await link.click();
    await heading(page, `Another question about ${w} tuning`);
  });
});

test('knowledge pages: keyboard and small screens', async (t) => {
  const kim = await signedIn({ display_name: 'Kim Keyboard' });
  const c = await community(kim.session, { name: `Small ${word()}` });
  await question(kim.session, c.slug, 'A question that fits on a small screen?');
  await withPage(t, { session: kim.session, viewport: { width: 390, height: 844 } }, async ({ page }) => {
    await page.goto(`${BASE}/#/communities/${c.slug}`);
    await heading(page, c.name);
    // No sideways scrolling on a phone.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `page width ${wide}`);
    // The header's search box gives way to a Search link.
    assert.equal(await page.locator('#header-search').isHidden(), true);
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Search' }).click();
    await heading(page, 'Search');
    await page.getByText('Type a word or two').waitFor();
    for (const path of ['communities', 'bookmarks', 'experts', `communities/${c.slug}/ask`]) {
      await page.goto(`${BASE}/#/${path}`);
      await page.locator('main h1').waitFor();
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 390, `${path}: page width ${w}`);
    }
  });
});
