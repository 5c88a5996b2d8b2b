// #/notifications — what happened to you, newest first, as sentences
// ("Ann and 3 others liked your post"), each linking to what it is about.
// Unread ones stand out until "Mark all as read".
import { h, clear, pageHeader, link, avatar } from '../dom.js';
import { api } from '../api.js';
import { errorMessage } from '../forms.js';
import { relativeTime, profileHref } from '../post.js';
import { refreshUnread } from '../unread.js';

const PAGE = 30;
const QUESTION_KINDS = new Set(['answer', 'accepted', 'expert']);

/** The sentence after the actor's name. */
function predicate(n) {
  const others = Math.max(0, (n.count || 1) - 1);
  switch (n.kind) {
    case 'mention': return ['mentioned you'];
    case 'reply': return ['replied to your post'];
    case 'like':
      return others > 0
        ? [`and ${others} ${others === 1 ? 'other' : 'others'} liked your post`]
        : ['liked your post'];
    case 'follow': return ['followed you'];
    case 'endorsement':
      return n.detail ? ['endorsed you for ', h('strong', null, n.detail)] : ['endorsed your skills'];
    case 'answer': return ['answered your question'];
    case 'accepted': return ['accepted your answer'];
    case 'escalation': return ['escalated a conversation to you'];
    case 'moderation': return [moderationSentence(n)];
    default: return [`sent you a notification (${n.kind})`];
  }
}

const MODERATED = { hide: 'hid', dismiss: 'kept', restore: 'restored' };
const THINGS = { post: 'post', question: 'question', answer: 'answer', bookmark: 'bookmark' };

/** "hid your answer" — moderators stay anonymous, so there is no actor. */
function moderationSentence(n) {
  const verb = MODERATED[n.moderation && n.moderation.action] || 'reviewed';
  const thing = THINGS[n.object && n.object.type] || 'content';
  return `A moderator ${verb} your ${thing}`;
}

/** Where a notification leads: the post or question, or the person who
 *  acted. */
export function notificationHref(n) {
  const o = n.object || {};
  if (o.type === 'post' && o.id) return link(`posts/${o.id}`);
  if (o.type === 'question' && o.id) return link(`questions/${o.id}`);
  if (n.actor && n.actor.handle) return profileHref(n.actor.handle);
  return null;
}

export function render({ root, announce, isCurrent }) {
  const list = h('ol', { class: 'notification-list', id: 'notification-list', 'aria-labelledby': 'notifications-title', 'aria-busy': 'true' });
  const empty = h('p', { class: 'muted empty-inline', hidden: true }, 'Nothing yet. When someone mentions you, replies, likes your posts, follows or endorses you, or answers your questions, it shows up here.');
  const problem = h('div');
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, 'Load more');
  const markAll = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id: 'mark-all-read', hidden: true }, 'Mark all as read');
  const items = [];   // {n, li}
  let cursor = null;

  function item(n) {
    const href = notificationHref(n);
    const actor = n.actor || { handle: '', display_name: 'Someone' };
    // An expert suggestion is about a question, not about what someone did.
    const sentence = n.kind === 'expert'
      ? ['You may know the answer to a question']
      : n.kind === 'moderation'
        ? predicate(n)
        : [h('strong', null, actor.display_name), ' ', ...predicate(n)];
    const li = h('li', { class: ['notification', n.read ? null : 'is-unread'], dataset: { id: String(n.id), kind: n.kind } },
      avatar(actor, 'md'),
      h('div', { class: 'notification-text' },
        h('p', { class: 'notification-sentence' },
          n.read ? null : h('span', { class: 'visually-hidden unread-label' }, 'Unread: '),
          href ? h('a', { href, class: 'notification-link' }, sentence) : sentence),
        // Q&A notifications carry the question's title.
        QUESTION_KINDS.has(n.kind) && n.detail ? h('p', { class: 'notification-detail' }, `“${n.detail}”`) : null,
        // A moderation notice says why.
        n.kind === 'moderation' && n.detail ? h('p', { class: 'notification-detail' }, `Reason: ${n.detail}`) : null,
        h('p', { class: 'notification-time muted small' }, relativeTime(n.created_at))),
      n.read ? null : h('span', { class: 'unread-dot', 'aria-hidden': 'true' }));
    return li;
  }

  function refreshControls() {
    empty.hidden = items.length > 0;
    markAll.hidden = !items.some((x) => !x.n.read);
  }

  async function load(append) {
    list.setAttribute('aria-busy', 'true');
    clear(problem);
    try {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (append && cursor) q.set('cursor', cursor);
      const r = await api.get(`/notifications?${q}`);
      if (!isCurrent()) return;
      if (!append) {
        clear(list);
        items.length = 0;
      }
      const firstNew = items.length;
      for (const n of r.items || []) {
        const li = item(n);
        items.push({ n, li });
        list.append(li);
      }
      cursor = r.next_cursor || null;
      more.hidden = !cursor;
      refreshControls();
      if (append && items[firstNew]) {
        const a = items[firstNew].li.querySelector('a');
        if (a) a.focus();
      }
    } catch (err) {
      if (!isCurrent()) return;
      problem.append(h('div', { class: 'notice notice-error' },
        h('p', null, `Notifications did not load: ${errorMessage(err)}`),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: () => load(append) }, 'Try again')));
    } finally {
      list.setAttribute('aria-busy', 'false');
    }
  }

  markAll.addEventListener('click', async () => {
    if (!items.length || markAll.getAttribute('aria-busy') === 'true') return;
    const upTo = Math.max(...items.map((x) => x.n.id));
    markAll.setAttribute('aria-busy', 'true');
    try {
      await api.post('/notifications/read', { up_to_id: upTo });
      for (const x of items) {
        if (x.n.read) continue;
        x.n = { ...x.n, read: true };
        const li = item(x.n);
        x.li.replaceWith(li);
        x.li = li;
      }
      refreshControls();
      await refreshUnread();
      announce('All notifications marked as read.', 'success');
      document.querySelector('main h1')?.focus();
    } catch (err) {
      announce(`Marking as read failed: ${errorMessage(err)}`, 'error');
    } finally {
      markAll.removeAttribute('aria-busy');
    }
  });
  more.addEventListener('click', () => load(true));

  root.append(
    pageHeader('Notifications', 'Mentions, replies, likes, follows, endorsements, and answers to your questions.'),
    h('section', { class: 'card notifications-card', 'aria-labelledby': 'notifications-title' },
      h('div', { class: 'card-head' },
        h('h2', { id: 'notifications-title', class: 'card-title' }, 'Recent'),
        markAll),
      problem,
      list,
      empty,
      h('div', { class: 'feed-more' }, more)),
  );
  load(false);
  refreshUnread();
  return null;
}
