// #/posts/:id — a post and the thread under it. The API sends the replies
// oldest first, each with reply_to, so the tree is rebuilt here and drawn
// as nested lists (indented, capped so deep threads stay readable).
import { h, pageHeader, link } from '../dom.js';
import { api } from '../api.js';
import { postCard, composer } from '../post.js';
import { errorMessage } from '../forms.js';
import { customerLinksNote } from '../customer.js';

function notFound(root, message) {
  root.append(
    pageHeader('Post not found', message),
    h('p', null, h('a', { href: link('home') }, 'Back to your timeline')));
}

export async function render({ root, params, user, navigate, announce, isCurrent }) {
  const id = params.id;
  if (!/^[1-9][0-9]{0,17}$/.test(id)) {
    notFound(root, 'There is no post at this address.');
    return null;
  }
  const loading = h('p', { class: 'muted' }, 'Loading the conversation…');
  root.append(loading);
  let data;
  try {
    data = await api.get(`/posts/${id}`);
  } catch (err) {
    if (!isCurrent()) return null;
    loading.remove();
    if (err.status === 404) notFound(root, 'It may have been deleted, or the link is wrong.');
    else {
      root.append(pageHeader('This post did not load', errorMessage(err)),
        h('p', null, h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => navigate(`posts/${id}`) }, 'Try again')));
    }
    return null;
  }
  if (!isCurrent()) return null;
  loading.remove();

  const { post } = data;
  const replies = data.replies || [];
  document.title = `Post by ${post.author.display_name} · Parley`;

  // reply_to -> [replies], in the API's order (oldest first).
  const children = new Map();
  for (const r of replies) {
    if (!children.has(r.reply_to)) children.set(r.reply_to, []);
    children.get(r.reply_to).push(r);
  }

  const replyCount = h('span', null);
  let total = replies.filter((r) => !r.deleted).length;
  function drawCount() {
    replyCount.textContent = total === 0 ? 'No replies yet' : `${total} ${total === 1 ? 'reply' : 'replies'}`;
  }
  drawCount();

  // An inline composer under a reply; one open at a time.
  let openInline = null;
  function closeInline(focusBack) {
    if (!openInline) return;
    const { box, button } = openInline;
    openInline = null;
    box.remove();
    if (focusBack && button.isConnected) button.focus();
  }

  function onReply(parent, el, button) {
    if (openInline && openInline.parentId === parent.id) {
      closeInline(true);
      return;
    }
    closeInline(false);
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Cancel');
    const c = composer({
      id: `reply-to-${parent.id}`,
      label: `Reply to ${parent.author.display_name}`,
      replyTo: parent.id,
      rows: 2,
      extraActions: cancel,
      onPosted: (p) => {
        closeInline(false);
        addReply(p);
      },
    });
    cancel.addEventListener('click', () => closeInline(true));
    c.form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        closeInline(true);
      }
    });
    const box = h('div', { class: 'inline-reply' }, c.form);
    el.after(box);
    openInline = { box, button, parentId: parent.id };
    c.textarea.focus();
  }

  function node(p) {
    const li = h('li', { class: 'thread-item', dataset: { postId: String(p.id) } },
      postCard(p, { onReply, keepDeleted: true, onDeleted: () => { total -= 1; drawCount(); } }));
    const kids = children.get(p.id);
    if (kids && kids.length) li.append(h('ol', { class: 'thread' }, kids.map(node)));
    return li;
  }

  function addReply(p) {
    total += 1;
    drawCount();
    let list;
    if (p.reply_to === post.id) {
      list = topList;
    } else {
      const parentLi = topList.querySelector(`li.thread-item[data-post-id="${p.reply_to}"]`);
      if (!parentLi) {
        list = topList;
      } else {
        list = parentLi.querySelector(':scope > ol.thread');
        if (!list) {
          list = h('ol', { class: 'thread' });
          parentLi.append(list);
        }
      }
    }
    const li = node(p);
    list.append(li);
    const card = li.querySelector('article');
    card.classList.add('post-fresh');
    card.focus();
    announce('Reply posted.', 'success');
  }

  const topList = h('ol', { class: 'thread thread-top', 'aria-label': 'Replies' },
    (children.get(post.id) || []).map(node));

  const main = postCard(post, {
    onReply: () => {
      rootComposer.textarea.focus();
    },
    onDeleted: () => {
      // Replace: Back should not lead to a post that is gone. (A replacing
      // navigation renders at once, so the message below survives it.)
      navigate('home', { replace: true });
      announce('Post deleted.', 'success');
    },
  });
  main.classList.add('post-main-card');

  const rootComposer = composer({
    id: 'thread-reply',
    label: `Reply to ${post.author.display_name}`,
    replyTo: post.id,
    rows: 2,
    onPosted: (p) => addReply(p),
  });

  const up = [];
  if (post.reply_to) {
    up.push(h('a', { href: link(`posts/${post.reply_to}`) }, '↑ The post this replies to'));
    if (post.root_id && post.root_id !== post.reply_to) {
      up.push(h('a', { href: link(`posts/${post.root_id}`) }, 'The start of the conversation'));
    }
  }

  root.append(
    pageHeader(`${post.reply_to ? 'Reply' : 'Post'} by ${post.author.display_name}`, null,
      up.length ? h('nav', { class: 'thread-up', 'aria-label': 'Conversation' }, up) : null),
    h('div', { class: 'thread-layout' },
      h('div', { class: 'card card-flush' }, main,
        customerLinksNote('post', post.id, post.customer_links, user)),
      h('section', { class: 'card', 'aria-labelledby': 'replies-title' },
        h('h2', { id: 'replies-title', class: 'card-title' }, replyCount),
        // A deleted or hidden post takes no new replies (the API says 422).
        post.deleted || post.hidden ? null : rootComposer.form,
        topList)),
  );
  return () => closeInline(false);
}

