// Posts in the browser: the body (tokenised with text.js, built as DOM
// nodes: never the API's `html`, never innerHTML), the post card with its
// like / edit / history / delete controls, and the composer.
//
//   const card = postCard(post, { onDeleted: (p, el) => el.remove() });
//   const c = composer({ id: 'home-composer', onPosted: (p) => feed.add(p) });
import { h, clear, link, avatar, uid } from './dom.js';
import { api } from './api.js';
import { session } from './session.js';
import { errorMessage, showError, showFieldError, clearErrors } from './forms.js';
import { announce } from './shell.js';
import { tokenize, codePoints, POST_MAX } from './text.js';
import { icon } from './icons.js';
import { flagButton, hiddenNote, hiddenPlaceholder } from './flag.js';

const MODERATOR_ROLES = new Set(['community_manager', 'admin']);

/* ---- Times ----------------------------------------------------------- */

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday", or a date after a week. */
export function relativeText(iso, now = Date.now()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || '');
  const s = Math.round((now - d.getTime()) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return relativeFormat.format(-m, 'minute');
  const hours = Math.round(m / 60);
  if (hours < 24) return relativeFormat.format(-hours, 'hour');
  const days = Math.round(hours / 24);
  if (days < 7) return relativeFormat.format(-days, 'day');
  return shortDate.format(d);
}

/** <time datetime=ISO title="full date">5 minutes ago</time>; kept fresh. */
export function relativeTime(iso) {
  const d = new Date(iso);
  return h('time', {
    datetime: iso,
    title: Number.isNaN(d.getTime()) ? null : absoluteFormat.format(d),
    dataset: { relative: '' },
  }, relativeText(iso));
}

// One timer for the whole app: relative times on screen stay right.
setInterval(() => {
  for (const el of document.querySelectorAll('time[data-relative]')) {
    el.textContent = relativeText(el.getAttribute('datetime'));
  }
}, 60_000);

/* ---- Body ------------------------------------------------------------ */

/** The body as nodes: text, links, known @mentions and #tags. mentions:
 *  the handles the server found (only those are linked), or true to link
 *  every @handle (questions and answers, which carry no such list). */
export function bodyNodes(body, mentions = []) {
  const all = mentions === true;
  const known = new Set((all ? [] : mentions || []).map((m) => String(m).toLowerCase()));
  return tokenize(body).map((t) => {
    switch (t.type) {
      case 'link':
        return h('a', { href: t.href, rel: 'noopener noreferrer nofollow', target: '_blank', class: 'post-link' }, t.text);
      case 'mention':
        return all || known.has(t.handle)
          ? h('a', { href: link(`people/${encodeURIComponent(t.handle)}`), class: 'mention' }, t.text)
          : t.text;
      case 'tag':
        return h('a', { href: link(`tags/${encodeURIComponent(t.tag)}`), class: 'tag' }, t.text);
      default:
        return t.text;
    }
  });
}

export function postBody(post) {
  return h('div', { class: 'post-body' }, bodyNodes(post.body, post.mentions));
}

/* ---- Permissions ----------------------------------------------------- */

export function isAuthor(post, user = session.user) {
  return !!user && !!post.author && post.author.id === user.id;
}

export function canDelete(post, user = session.user) {
  return isAuthor(post, user) || (!!user && MODERATOR_ROLES.has(user.role));
}

export function profileHref(handle) {
  return link(`people/${encodeURIComponent(handle)}`);
}

/* ---- Composer -------------------------------------------------------- */

function counterText(left) {
  if (left >= 0) return `${left.toLocaleString()} ${left === 1 ? 'character' : 'characters'} left`;
  return `${(-left).toLocaleString()} ${left === -1 ? 'character' : 'characters'} over the limit`;
}

/**
 * A textarea with a live remaining-characters counter; Ctrl+Enter (or
 * ⌘+Enter) submits. Returns {form, textarea, update()}.
 * opts: id, label, labelHidden, placeholder, submitText, busyText, value,
 *       rows, max (code points; POST_MAX), noun ('Posts', for the limit
 *       message), onSubmit(body) -> promise (throws ApiError to show it),
 *       extraActions (nodes next to the submit button)
 */
export function textComposer(opts) {
  const id = opts.id || uid('composer');
  const max = opts.max || POST_MAX;
  const noun = opts.noun || 'Posts';
  const textarea = h('textarea', {
    id,
    name: 'body',
    rows: opts.rows || 3,
    placeholder: opts.placeholder || null,
    'aria-describedby': `${id}-hint ${id}-count ${id}-error`,
    class: 'composer-input',
  });
  textarea.value = opts.value || '';
  const count = h('span', { class: 'composer-count', id: `${id}-count` });
  // Spoken only when crossing a threshold; the counter itself is read with
  // the field (aria-describedby), not after every keystroke.
  const spoken = h('span', { class: 'visually-hidden', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-sm' }, opts.submitText || 'Post');
  const form = h('form', { class: 'composer', novalidate: true },
    h('div', { class: 'form-alert', role: 'alert' }),
    h('div', { class: 'field' },
      h('label', { for: id, class: opts.labelHidden ? 'visually-hidden' : null }, opts.label || 'Post'),
      textarea,
      h('p', { class: 'field-error', id: `${id}-error` })),
    h('div', { class: 'composer-footer' },
      h('p', { class: 'composer-hint', id: `${id}-hint` }, 'Ctrl+Enter to send'),
      count,
      spoken,
      h('div', { class: 'composer-actions' }, opts.extraActions || null, submit)));

  let lastBand = 'ok';
  function update() {
    const left = max - codePoints(textarea.value);
    count.textContent = counterText(left);
    count.classList.toggle('is-low', left >= 0 && left <= 100);
    count.classList.toggle('is-over', left < 0);
    const band = left < 0 ? 'over' : left <= 100 ? 'low' : 'ok';
    if (band !== lastBand) spoken.textContent = band === 'ok' ? '' : counterText(left);
    lastBand = band;
  }
  textarea.addEventListener('input', update);
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  let busy = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    clearErrors(form);
    const body = textarea.value.trim();
    let problem = null;
    if (!body) problem = 'Write something first.';
    else if (codePoints(body) > max) problem = `${noun} are at most ${max.toLocaleString()} characters.`;
    if (problem) {
      showFieldError(form, 'body', problem);
      return;
    }
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    submit.setAttribute('aria-busy', 'true');
    try {
      await opts.onSubmit(body);
    } catch (err) {
      if (form.isConnected) showError(form, err);
    } finally {
      busy = false;
      submit.removeAttribute('aria-disabled');
      submit.removeAttribute('aria-busy');
    }
  });
  update();
  return { form, textarea, update };
}

/** A composer that creates a post (or a reply when replyTo is set); with
 * community (a slug) the post goes into that community. */
export function composer({ id, label = 'Write a post', labelHidden = false, placeholder, replyTo = null, community = null, submitText, onPosted, extraActions, rows }) {
  const c = textComposer({
    id, label, labelHidden, placeholder, rows, extraActions,
    submitText: submitText || (replyTo ? 'Reply' : 'Post'),
    onSubmit: async (body) => {
      const payload = replyTo ? { body, reply_to: replyTo } : { body };
      if (community && !replyTo) payload.community = community;
      const r = await api.post('/posts', payload);
      c.textarea.value = '';
      c.update();
      if (onPosted) onPosted(r.post);
    },
  });
  return c;
}

/* ---- The card -------------------------------------------------------- */

function pluralise(n, one, many) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/**
 * One post as an <article>. The element stays the same when the post
 * changes (like, edit), so lists can keep it.
 * opts:
 *   onDeleted(post, el)   after a successful DELETE (default: remove el)
 *   keepDeleted           true: show "This post was deleted." in its place
 *                         (threads, where replies hang under it)
 *   onReply(post, el)     show a Reply button that calls it (threads);
 *                         without it the reply count links to the thread
 *   context               true: show "in reply to" for replies (streams)
 */
export function postCard(initial, opts = {}) {
  let post = initial;
  const el = h('article', {
    class: 'post',
    id: `post-${post.id}`,
    tabindex: '-1',
    dataset: { postId: String(post.id) },
  });
  let historyOpen = false;
  let historySlot = null;

  function draw() {
    clear(el);
    el.classList.toggle('post-deleted', !!post.deleted);
    el.classList.toggle('post-hidden', !!post.hidden && !post.deleted);
    // A hidden post: its author and the moderators get it with
    // "moderation" (why it was hidden); everyone else a placeholder.
    if (post.deleted || (post.hidden && !post.moderation)) {
      el.removeAttribute('aria-labelledby');
      el.append(post.deleted
        ? h('p', { class: 'post-placeholder' }, 'This post was deleted.')
        : hiddenPlaceholder('post', 'post-placeholder'));
      return;
    }
    const authorId = `post-${post.id}-author`;
    el.setAttribute('aria-labelledby', authorId);
    const a = post.author || { handle: '', display_name: 'Unknown' };
    const meta = h('div', { class: 'post-meta' },
      h('a', { href: profileHref(a.handle), class: 'post-author', id: authorId }, a.display_name),
      h('span', { class: 'post-handle' }, `@${a.handle}`),
      h('span', { class: 'post-dot', 'aria-hidden': 'true' }, '·'),
      h('a', { href: link(`posts/${post.id}`), class: 'post-time' },
        relativeTime(post.created_at),
        h('span', { class: 'visually-hidden' }, ', open post')),
      post.edited_at ? [
        h('span', { class: 'post-dot', 'aria-hidden': 'true' }, '·'),
        h('span', { class: 'post-edited', title: `Edited ${absoluteFormat.format(new Date(post.edited_at))}` }, 'edited'),
      ] : null,
      post.community ? [
        h('span', { class: 'post-dot', 'aria-hidden': 'true' }, '·'),
        h('a', { href: link(`communities/${encodeURIComponent(post.community)}`), class: 'post-community' },
          h('span', { class: 'visually-hidden' }, 'in community '), post.community),
      ] : null);
    const context = opts.context && post.reply_to
      ? h('p', { class: 'post-context' },
        icon('reply', { className: 'icon icon-sm' }),
        h('a', { href: link(`posts/${post.reply_to}`) }, 'In reply to a post'))
      : null;

    el.append(
      h('div', { class: 'post-avatar' },
        h('a', { href: profileHref(a.handle), tabindex: '-1', 'aria-hidden': 'true' }, avatar(a, 'md'))),
      h('div', { class: 'post-main' },
        meta,
        context,
        post.hidden ? hiddenNote(post.moderation, 'post') : null,
        postBody(post),
        historySlot = h('div', { class: 'post-history', id: `post-${post.id}-history`, hidden: !historyOpen }),
        actions()));
    if (historyOpen) loadHistory();
  }

  function actions() {
    const bar = h('div', { class: 'post-actions' });
    const like = h('button', {
      type: 'button',
      class: ['post-action', 'post-like', post.liked_by_me ? 'is-on' : null],
      'aria-pressed': post.liked_by_me ? 'true' : 'false',
      'aria-label': `Like (${pluralise(post.like_count, 'like', 'likes')})`,
    }, icon('heart'), h('span', { class: 'post-action-label' }, 'Like'),
    h('span', { class: 'post-count', 'aria-hidden': 'true' }, post.like_count ? String(post.like_count) : ''));
    like.addEventListener('click', () => toggleLike(like));
    bar.append(like);

    if (opts.onReply) {
      const reply = h('button', { type: 'button', class: 'post-action', 'aria-label': `Reply to ${post.author.display_name}` },
        icon('reply'), h('span', { class: 'post-action-label' }, 'Reply'));
      reply.addEventListener('click', () => opts.onReply(post, el, reply));
      bar.append(reply);
    } else {
      bar.append(h('a', { href: link(`posts/${post.id}`), class: 'post-action post-replies' },
        icon('reply'), h('span', null, post.reply_count ? pluralise(post.reply_count, 'reply', 'replies') : 'Reply')));
    }
    if (post.edited_at) {
      const hist = h('button', {
        type: 'button', class: 'post-action', 'aria-expanded': historyOpen ? 'true' : 'false',
        'aria-controls': `post-${post.id}-history`,
      }, icon('history'), h('span', { class: 'post-action-label' }, historyOpen ? 'Hide history' : 'View history'));
      hist.addEventListener('click', () => {
        historyOpen = !historyOpen;
        hist.setAttribute('aria-expanded', historyOpen ? 'true' : 'false');
        hist.querySelector('.post-action-label').textContent = historyOpen ? 'Hide history' : 'View history';
        historySlot.hidden = !historyOpen;
        if (historyOpen) loadHistory();
      });
      bar.append(hist);
    }
    const spacer = h('span', { class: 'post-actions-spacer' });
    bar.append(spacer);
    if (isAuthor(post)) {
      const edit = h('button', { type: 'button', class: 'post-action', 'aria-label': 'Edit post' },
        icon('edit'), h('span', { class: 'post-action-label' }, 'Edit'));
      edit.addEventListener('click', () => startEdit());
      bar.append(edit);
    }
    // Anyone but the author may report a post to the moderators (not once
    // it is hidden: there is nothing left to report).
    if (session.user && !isAuthor(post) && !post.hidden) {
      bar.append(flagButton({ type: 'post', id: post.id, what: `post by ${(post.author || {}).display_name || 'someone'}` }));
    }
    if (canDelete(post)) {
      const del = h('button', { type: 'button', class: 'post-action post-action-danger', 'aria-label': 'Delete post' },
        icon('trash'), h('span', { class: 'post-action-label' }, 'Delete'));
      del.addEventListener('click', () => confirmDelete(bar));
      bar.append(del);
    }
    return bar;
  }

  async function toggleLike(button) {
    if (button.getAttribute('aria-busy') === 'true') return;
    const liked = !post.liked_by_me;
    button.setAttribute('aria-busy', 'true');
    try {
      if (liked) await api.post(`/posts/${post.id}/like`);
      else await api.del(`/posts/${post.id}/like`);
      post = { ...post, liked_by_me: liked, like_count: Math.max(0, post.like_count + (liked ? 1 : -1)) };
      button.classList.toggle('is-on', liked);
      button.setAttribute('aria-pressed', liked ? 'true' : 'false');
      button.setAttribute('aria-label', `Like (${pluralise(post.like_count, 'like', 'likes')})`);
      button.querySelector('.post-count').textContent = post.like_count ? String(post.like_count) : '';
    } catch (err) {
      announce(`${liked ? 'Liking' : 'Unliking'} failed: ${errorMessage(err)}`, 'error');
    } finally {
      button.removeAttribute('aria-busy');
    }
  }

  async function loadHistory() {
    const slot = historySlot;
    clear(slot).append(h('p', { class: 'muted' }, 'Loading earlier versions…'));
    try {
      const r = await api.get(`/posts/${post.id}/versions`);
      if (slot !== historySlot) return;
      const items = r.items || [];
      clear(slot).append(
        h('h3', { class: 'section-label' }, 'Earlier versions'),
        items.length
          ? h('ol', { class: 'version-list' }, items.slice().reverse().map((v) =>
            h('li', { class: 'version' },
              h('p', { class: 'version-meta' }, 'Written ', relativeTime(v.written_at), ', replaced ', relativeTime(v.replaced_at)),
              h('div', { class: 'post-body' }, bodyNodes(v.body, [])))))
          : h('p', { class: 'muted' }, 'No earlier versions.'));
    } catch (err) {
      if (slot === historySlot) clear(slot).append(h('p', { class: 'notice notice-error' }, `The history did not load: ${errorMessage(err)}`));
    }
  }

  function startEdit() {
    const main = el.querySelector('.post-main');
    const body = main.querySelector('.post-body');
    const bar = main.querySelector('.post-actions');
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Cancel');
    const c = textComposer({
      id: `post-${post.id}-edit`,
      label: 'Edit post',
      labelHidden: true,
      value: post.body,
      submitText: 'Save',
      rows: 4,
      extraActions: cancel,
      onSubmit: async (text) => {
        const r = await api.patch(`/posts/${post.id}`, { body: text });
        post = r.post;
        draw();
        announce('Post updated.', 'success');
        const again = el.querySelector('.post-action[aria-label="Edit post"]');
        (again || el).focus();
      },
    });
    c.form.classList.add('post-edit-form');
    cancel.addEventListener('click', () => {
      draw();
      const again = el.querySelector('.post-action[aria-label="Edit post"]');
      (again || el).focus();
    });
    c.form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        cancel.click();
      }
    });
    body.replaceWith(c.form);
    bar.hidden = true;
    c.textarea.focus();
    c.textarea.setSelectionRange(c.textarea.value.length, c.textarea.value.length);
  }

  function confirmDelete(bar) {
    const yes = h('button', { type: 'button', class: 'btn btn-danger btn-sm' }, 'Yes, delete');
    const no = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Cancel');
    const box = h('div', { class: 'post-confirm', role: 'group', 'aria-label': 'Confirm deletion' },
      h('span', { class: 'confirm-text' }, 'Delete this post?'), yes, no);
    bar.hidden = true;
    bar.after(box);
    no.addEventListener('click', () => {
      box.remove();
      bar.hidden = false;
      const del = bar.querySelector('[aria-label="Delete post"]');
      if (del) del.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        await api.del(`/posts/${post.id}`);
        post = { ...post, deleted: true, body: '' };
        announce('Post deleted.', 'success');
        if (opts.keepDeleted) {
          draw();
          el.focus();
        }
        if (opts.onDeleted) opts.onDeleted(post, el);
        else if (!opts.keepDeleted) el.remove();
      } catch (err) {
        announce(`Deleting failed: ${errorMessage(err)}`, 'error');
        box.remove();
        bar.hidden = false;
      }
    });
    yes.focus();
  }

  draw();
  return el;
}
