// #/questions/:id — a question and its answers (the accepted one first),
// votes on both, accepting an answer (the asker, or a manager of the
// community), and the form to answer.
import { h, clear, link } from '../dom.js';
import { api } from '../api.js';
import { errorMessage } from '../forms.js';
import { textComposer } from '../post.js';
import { icon } from '../icons.js';
import { customerLinksNote } from '../customer.js';
import { flagButton, hiddenNote, hiddenPlaceholder } from '../flag.js';
import { plural, qaBody, tagChips, byline, voteControl, communityHref, BODY_MAX } from '../qa.js';

// Besides the asker and the community's managers, admins may accept.
const ACCEPT_ROLES = new Set(['admin']);

function failed(root, title, lead, retry) {
  root.append(h('div', { class: 'page-header' },
    h('h1', { tabindex: '-1', class: 'page-title' }, title),
    h('p', { class: 'page-lead' }, lead)),
  h('p', null, retry
    ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: retry }, 'Try again')
    : h('a', { href: link('communities') }, 'See the communities')));
}

/** Accepted first, then as the server ordered them (by score). */
function ordered(answers, acceptedId) {
  const accepted = answers.filter((a) => a.id === acceptedId);
  return [...accepted, ...answers.filter((a) => a.id !== acceptedId)];
}

export async function render({ root, params, query, user, announce, isCurrent, navigate }) {
  const id = params.id;
  const loading = h('p', { class: 'muted' }, 'Loading question…');
  root.append(loading);
  let data;
  try {
    data = await api.get(`/questions/${encodeURIComponent(id)}`);
  } catch (err) {
    if (!isCurrent()) return null;
    loading.remove();
    if (err.status === 404 || err.status === 400) failed(root, 'Question not found', 'It may have been removed, or the address is wrong.');
    else failed(root, 'This question did not load', errorMessage(err), () => navigate(`questions/${encodeURIComponent(id)}`));
    return null;
  }
  if (!isCurrent()) return null;
  let question = data.question;
  let answers = data.answers || [];

  // Managers of the community may accept answers too.
  let myRole = null;
  try {
    myRole = (await api.get(`/communities/${encodeURIComponent(question.community)}`)).community.my_role;
  } catch {
    // Not knowing only hides the Accept buttons from managers.
  }
  if (!isCurrent()) return null;
  loading.remove();
  // Hidden by a moderator: its author and the moderators get it whole with
  // "moderation" (why); everyone else a placeholder without title or body.
  const questionGone = !!question.hidden && !question.moderation;
  document.title = `${questionGone ? 'Hidden question' : question.title} · Parley`;

  const asker = !!user && !!question.author && question.author.id === user.id;
  const canAccept = asker || myRole === 'manager' || (!!user && ACCEPT_ROLES.has(user.role));

  /* ---- The question -------------------------------------------------- */
  const links = Number(question.customer_links) || 0;
  const questionEl = h('article', { class: 'card qa-card qa-question', 'aria-labelledby': 'question-title' },
    voteControl({
      path: `/questions/${question.id}/votes`, score: question.score, myVote: question.my_vote, what: 'question',
      own: asker, ownText: 'You cannot vote on your own question',
    }),
    h('div', { class: 'qa-main' },
      h('h1', { tabindex: '-1', class: 'page-title qa-title', id: 'question-title' }, questionGone ? 'Hidden question' : question.title),
      question.hidden && !questionGone ? hiddenNote(question.moderation, 'question') : null,
      byline(question.author, question.created_at, 'Asked by'),
      questionGone ? hiddenPlaceholder('question') : qaBody(question.body),
      tagChips(question.tags, { hrefFor: (t) => communityHref(question.community, `?tag=${encodeURIComponent(t)}`) }),
      customerLinksNote('question', question.id, links, user),
      user && !asker && !question.hidden
        ? h('div', { class: 'qa-actions qa-report' }, flagButton({ type: 'question', id: question.id, what: 'question', className: 'post-action post-action-flag' }))
        : null));

  /* ---- Answers -------------------------------------------------------- */
  const answersTitle = h('h2', { class: 'section-title', id: 'answers-title' });
  const answerList = h('ol', { class: 'answer-list', id: 'answer-list', 'aria-labelledby': 'answers-title' });
  const noAnswers = h('p', { class: 'muted feed-empty', id: 'no-answers' }, 'No answers yet. If you know, say so below.');

  function answerItem(a) {
    const own = !!user && !!a.author && a.author.id === user.id;
    const gone = !!a.hidden && !a.moderation;
    const main = h('div', { class: 'qa-main' },
      a.accepted ? h('p', { class: 'accepted-label' }, icon('check', { className: 'icon icon-sm' }), 'Accepted answer') : null,
      a.hidden && !gone ? hiddenNote(a.moderation, 'answer') : null,
      gone ? hiddenPlaceholder('answer') : qaBody(a.body),
      byline(a.author, a.created_at, 'Answered by'));
    const bar = h('div', { class: 'qa-actions' });
    if (canAccept && !a.accepted && !a.hidden) {
      const accept = h('button', {
        type: 'button', class: 'btn btn-secondary btn-sm accept-button',
        'aria-label': `Accept the answer by ${a.author ? a.author.display_name : 'this person'}`,
      }, icon('check', { className: 'icon icon-sm' }), 'Accept');
      accept.addEventListener('click', () => acceptAnswer(a, accept));
      bar.append(accept);
    }
    if (user && !own && !a.hidden) {
      bar.append(flagButton({
        type: 'answer', id: a.id, what: `answer by ${a.author ? a.author.display_name : 'someone'}`, className: 'post-action post-action-flag',
      }));
    }
    if (bar.children.length) main.append(bar);
    return h('li', { class: 'answer-item' },
      h('article', {
        class: ['qa-card', 'qa-answer', a.accepted ? 'is-accepted' : null],
        id: `answer-${a.id}`, tabindex: '-1', dataset: { answerId: String(a.id) },
        'aria-label': `${a.accepted ? 'Accepted answer' : 'Answer'} by ${a.author ? a.author.display_name : 'someone'}`,
      },
      voteControl({
        path: `/answers/${a.id}/votes`, score: a.score, myVote: a.my_vote, what: 'answer',
        own, ownText: 'You cannot vote on your own answer',
      }),
      main));
  }

  function drawAnswers() {
    answersTitle.textContent = answers.length ? plural(answers.length, 'answer', 'answers') : 'Answers';
    clear(answerList).append(...ordered(answers, question.accepted_answer_id).map(answerItem));
    noAnswers.hidden = answers.length > 0;
  }

  async function acceptAnswer(a, button) {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    try {
      const r = await api.post(`/answers/${a.id}/accept`);
      if (r && r.question) question = { ...question, ...r.question };
      else question = { ...question, accepted_answer_id: a.id };
      answers = answers.map((x) => ({ ...x, accepted: x.id === question.accepted_answer_id }));
      drawAnswers();
      announce('Answer accepted.', 'success');
      document.getElementById(`answer-${a.id}`)?.focus();
    } catch (err) {
      button.removeAttribute('aria-busy');
      announce(`Accepting failed: ${errorMessage(err)}`, 'error');
    }
  }

  /* ---- Your answer ------------------------------------------------------ */
  const composer = textComposer({
    id: 'answer-body',
    label: 'Your answer',
    placeholder: 'Share what you know. Links, @mentions and #tags work.',
    submitText: 'Post your answer',
    rows: 6,
    max: BODY_MAX,
    noun: 'Answers',
    onSubmit: async (body) => {
      const r = await api.post(`/questions/${question.id}/answers`, { body });
      composer.textarea.value = '';
      composer.update();
      answers = [...answers, r.answer];
      question = { ...question, answer_count: answers.length };
      drawAnswers();
      announce('Your answer is posted.', 'success');
      document.getElementById(`answer-${r.answer.id}`)?.focus();
    },
  });

  drawAnswers();
  root.append(
    h('div', { class: 'qa-layout' },
      h('p', { class: 'breadcrumb small' },
        h('a', { href: link('communities') }, 'Communities'), ' / ',
        h('a', { href: communityHref(question.community), id: 'question-community' }, question.community)),
      questionEl,
      h('section', { 'aria-labelledby': 'answers-title' }, answersTitle, answerList, noAnswers),
      question.hidden
        ? h('p', { class: 'muted', id: 'answers-closed' }, 'A hidden question takes no answers.')
        : h('section', { class: 'card composer-card answer-composer', 'aria-label': 'Answer this question' }, composer.form)),
  );
  // A search result for an answer links here with ?answer=<id>: show it
  // once the router has put focus on the heading.
  const target = query.get('answer') && document.getElementById(`answer-${query.get('answer')}`);
  if (target) {
    target.classList.add('is-target');
    setTimeout(() => {
      if (!isCurrent()) return;
      target.scrollIntoView({ block: 'center' });
      target.focus({ preventScroll: true });
    }, 0);
  }
  return null;
}
