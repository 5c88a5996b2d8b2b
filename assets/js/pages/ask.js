// #/communities/:slug/ask — ask a question in a community. While the title
// is typed (from 10 characters, 300 ms after the last key) similar
// questions already asked are offered, so the answer may be there already.
import { h, clear, link } from '../dom.js';
import { api } from '../api.js';
import { field, formAlert, submitButton, actions, handleSubmit, errorMessage } from '../forms.js';
import { codePoints } from '../text.js';
import { parseTags, plural, questionHref, communityHref, TITLE_MIN, TITLE_MAX, BODY_MAX, TAGS_MAX } from '../qa.js';

const DEBOUNCE_MS = 300;

function header(title, lead, slug) {
  return h('div', { class: 'page-header' },
    h('p', { class: 'breadcrumb small' },
      h('a', { href: link('communities') }, 'Communities'), ' / ',
      h('a', { href: communityHref(slug) }, slug)),
    h('h1', { tabindex: '-1', class: 'page-title' }, title),
    lead ? h('p', { class: 'page-lead' }, lead) : null);
}

/** The "Similar questions" box: similar.update(title) after typing. */
function similarQuestions(slug, isCurrent) {
  const list = h('ul', { class: 'similar-list', id: 'similar-list' });
  const status = h('p', { class: 'small muted similar-status' });
  const box = h('section', { class: 'similar', id: 'similar-questions', 'aria-labelledby': 'similar-title', hidden: true },
    h('h2', { class: 'similar-title', id: 'similar-title' }, 'Similar questions'),
    h('p', { class: 'small muted' }, 'Your question may have an answer already.'),
    list, status);
  // Announced once per new set of suggestions, not on every keystroke.
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  let timer = null;
  let seq = 0;
  let lastTitle = '';

  async function fetchSimilar(title) {
    const mine = ++seq;
    try {
      const s = new URLSearchParams({ title, community: slug });
      const r = await api.get(`/questions/similar?${s}`);
      if (mine !== seq || !isCurrent()) return;
      const items = r.items || [];
      clear(list);
      clear(status);
      for (const q of items) {
        list.append(h('li', { class: 'similar-item' },
          // A new tab, so that the question being typed is not lost.
          h('a', { href: questionHref(q.id), target: '_blank', rel: 'noopener' }, q.title,
            h('span', { class: 'visually-hidden' }, ' (opens in a new tab)')),
          h('span', { class: 'small muted' },
            ` ${plural(q.score ?? 0, 'vote', 'votes')} · ${plural(q.answer_count ?? 0, 'answer', 'answers')}`,
            q.accepted ? [' · ', h('span', { class: 'badge badge-success' }, 'Accepted answer')] : null,
            q.community && q.community !== slug ? ` · in ${q.community}` : null)));
      }
      box.hidden = items.length === 0;
      live.textContent = items.length ? `${plural(items.length, 'similar question', 'similar questions')} found.` : '';
    } catch (err) {
      if (mine !== seq || !isCurrent()) return;
      // Suggestions are a help, not a step: say so quietly and move on.
      clear(list);
      status.textContent = `Similar questions could not be looked up: ${errorMessage(err)}`;
      box.hidden = false;
    }
  }

  return {
    box,
    live,
    update(title) {
      clearTimeout(timer);
      const t = title.trim();
      if (codePoints(t) < TITLE_MIN) {
        seq += 1;
        lastTitle = '';
        box.hidden = true;
        return;
      }
      if (t === lastTitle) return;
      timer = setTimeout(() => {
        lastTitle = t;
        fetchSimilar(t);
      }, DEBOUNCE_MS);
    },
    stop: () => clearTimeout(timer),
  };
}

export async function render({ root, params, isCurrent, navigate }) {
  const slug = params.slug;
  const loading = h('p', { class: 'muted' }, 'Loading…');
  root.append(loading);
  let community;
  try {
    community = (await api.get(`/communities/${encodeURIComponent(slug)}`)).community;
  } catch (err) {
    if (!isCurrent()) return null;
    loading.remove();
    root.append(header(err.status === 404 ? 'Community not found' : 'This page did not load',
      err.status === 404 ? `There is no community at “${slug}”.` : errorMessage(err), slug));
    return null;
  }
  if (!isCurrent()) return null;
  loading.remove();
  document.title = `Ask in ${community.name} · Parley`;

  if (community.my_role !== 'member' && community.my_role !== 'manager') {
    root.append(header('Ask a question', `in ${community.name}`, slug),
      h('div', { class: 'notice' },
        h('p', null, community.my_role === 'pending'
          ? 'Your request to join is waiting for a manager. You can ask questions once you are a member.'
          : 'Only members ask questions here. Join the community first.'),
        h('p', null, h('a', { class: 'btn btn-secondary', href: communityHref(slug) }, `Go to ${community.name}`))));
    return null;
  }

  const similar = similarQuestions(slug, isCurrent);
  const form = h('form', { class: 'stack', id: 'ask-form' },
    formAlert(),
    field({
      name: 'title', label: 'Title', required: true,
      hint: 'One sentence someone could answer, 10 to 200 characters, e.g. “How do I rotate the staging database password?”',
      attrs: { maxlength: String(TITLE_MAX * 2), autocomplete: 'off' },
    }),
    field({
      name: 'body', label: 'Details', required: true, multiline: true, rows: 10,
      hint: 'What you tried and what happened. Plain text: links, @mentions and #tags work.',
      attrs: { maxlength: String(BODY_MAX * 2) },
    }),
    field({
      name: 'tags', label: 'Tags', optional: true,
      hint: `Up to ${TAGS_MAX}, separated by commas, e.g. postgresql, backups`,
      attrs: { autocomplete: 'off', spellcheck: 'false' },
    }),
    actions(submitButton('Post your question', { busyText: 'Posting…' }),
      h('a', { class: 'btn btn-ghost', href: communityHref(slug) }, 'Cancel')));
  const title = form.elements.namedItem('title');
  title.addEventListener('input', () => similar.update(title.value));
  // Right under the title, where the eyes are while typing it.
  title.closest('.field').after(similar.box, similar.live);

  handleSubmit(form, async (v) => {
    const r = await api.post(`/communities/${encodeURIComponent(slug)}/questions`, {
      title: v.title, body: v.body, tags: parseTags(v.tags),
    });
    similar.stop();
    navigate(`questions/${encodeURIComponent(r.question.id)}`, {
      message: ['Your question is posted. People who know the topic will be told about it.', 'success'],
    });
  }, {
    validate(v) {
      const p = {};
      const n = codePoints(v.title);
      if (n < TITLE_MIN) p.title = `Titles are at least ${TITLE_MIN} characters: say what you want to know.`;
      else if (n > TITLE_MAX) p.title = `Titles are at most ${TITLE_MAX} characters.`;
      if (!v.body) p.body = 'Add the details: what you tried and what happened.';
      else if (codePoints(v.body) > BODY_MAX) p.body = `Details are at most ${BODY_MAX.toLocaleString()} characters.`;
      if (parseTags(v.tags).length > TAGS_MAX) p.tags = `At most ${TAGS_MAX} tags.`;
      return p;
    },
  });

  root.append(
    header('Ask a question', `in ${community.name}`, slug),
    h('section', { class: 'card ask-card', 'aria-label': 'Your question' }, form),
  );
  return () => similar.stop();
}
