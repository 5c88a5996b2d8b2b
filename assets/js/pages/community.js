// #/communities/:slug — one community: what it is about, joining (or asking
// to join a closed one) and leaving, its questions (filtered by status and
// tag, newest or most voted first; the choice lives in the address), its
// posts (members and admins write into it here), its members, and for its
// managers the join requests to approve.
import { h, clear, link, avatar } from '../dom.js';
import { api } from '../api.js';
import { errorMessage } from '../forms.js';
import { pagedList, withCursor } from '../paged.js';
import { tabs } from '../tabs.js';
import { plural, questionItem, communityHref } from '../qa.js';
import { profileHref, composer } from '../post.js';
import { postFeed } from '../feed.js';
import { ROLE_TEXT } from './communities.js';

const PAGE = 20;
const STATUSES = [['all', 'All'], ['unanswered', 'Unanswered'], ['answered', 'Answered'], ['accepted', 'Accepted']];
const SORTS = [['newest', 'Newest first'], ['votes', 'Most votes first']];

function notFound(root, slug) {
  root.append(
    h('div', { class: 'page-header' },
      h('h1', { tabindex: '-1', class: 'page-title' }, 'Community not found'),
      h('p', { class: 'page-lead' }, `There is no community at “${slug}”.`)),
    h('p', null, h('a', { href: link('communities') }, 'See all communities')));
}

export async function render({ root, params, query, user, announce, isCurrent, navigate }) {
  const slug = params.slug;
  const base = `/communities/${encodeURIComponent(slug)}`;
  const loading = h('p', { class: 'muted' }, 'Loading community…');
  root.append(loading);
  let community;
  try {
    community = (await api.get(base)).community;
  } catch (err) {
    if (!isCurrent()) return null;
    loading.remove();
    if (err.status === 404) notFound(root, slug);
    else {
      root.append(h('div', { class: 'page-header' },
        h('h1', { tabindex: '-1', class: 'page-title' }, 'This community did not load'),
        h('p', { class: 'page-lead' }, errorMessage(err))),
      h('p', null, h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => navigate(`communities/${encodeURIComponent(slug)}`) }, 'Try again')));
    }
    return null;
  }
  if (!isCurrent()) return null;
  loading.remove();
  document.title = `${community.name} · Parley`;

  const isMember = () => community.my_role === 'member' || community.my_role === 'manager';
  const isAdmin = () => !!user && user.role === 'admin';
  const isManager = () => community.my_role === 'manager' || isAdmin();
  // A closed community's questions and members are for its members.
  const canRead = () => community.visibility === 'open' || isMember() || isAdmin();

  /* ---- Hero: name, counts, membership ------------------------------ */
  const hero = h('div', { class: 'page-header community-hero' });
  function drawHero() {
    const membership = h('button', { type: 'button', id: 'membership-button' });
    let note = null;
    switch (community.my_role) {
      case 'manager':
      case 'member':
        membership.className = 'btn btn-secondary';
        membership.textContent = 'Leave';
        membership.setAttribute('aria-label', `Leave ${community.name}`);
        break;
      case 'pending':
        membership.className = 'btn btn-secondary';
        membership.textContent = 'Cancel request';
        note = h('p', { class: 'small muted community-note', id: 'membership-note' }, 'Your request to join is waiting for a manager.');
        break;
      default:
        membership.className = 'btn btn-primary';
        membership.textContent = community.visibility === 'closed' ? 'Request to join' : 'Join';
    }
    membership.addEventListener('click', () => changeMembership(membership));
    clear(hero).append(
      h('div', { class: 'community-hero-text' },
        h('p', { class: 'breadcrumb small' }, h('a', { href: link('communities') }, 'Communities')),
        h('h1', { tabindex: '-1', class: 'page-title' }, community.name),
        h('p', { class: 'community-hero-meta muted' },
          h('span', { class: 'mono' }, community.slug), ' · ',
          community.visibility === 'closed' ? 'Closed: members are approved' : 'Open to everyone', ' · ',
          h('span', { id: 'community-counts' }, `${plural(community.members ?? 0, 'member', 'members')} · ${plural(community.questions ?? 0, 'question', 'questions')}`),
          community.my_role ? [' · ', h('span', { class: 'badge badge-info', id: 'my-role' }, ROLE_TEXT[community.my_role] || community.my_role)] : null),
        community.description ? h('p', { class: 'page-lead community-description' }, community.description) : null,
        note),
      h('div', { class: 'community-hero-actions' },
        isMember() ? h('a', { class: 'btn btn-primary', href: link(`communities/${encodeURIComponent(slug)}/ask`), id: 'ask-link' }, 'Ask a question') : null,
        membership));
  }

  async function refresh() {
    try {
      const r = await api.get(base);
      if (!isCurrent()) return;
      community = r.community;
    } catch {
      // Keep what is on screen; the action's own message said what happened.
    }
    drawHero();
    drawAccess();
    loadMembers();
  }

  async function changeMembership(button) {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    const role = community.my_role;
    try {
      if (role) {
        await api.del(`${base}/members/${encodeURIComponent(user.handle)}`);
      } else {
        const r = await api.post(`${base}/members`);
        if (r && r.community) community = r.community;
      }
      await refresh();
      if (!isCurrent()) return;
      if (!role) {
        announce(community.my_role === 'pending'
          ? `You asked to join ${community.name}. A manager will look at your request.`
          : `You joined ${community.name}.`, 'success');
      } else {
        announce(role === 'pending' ? 'Your request to join was withdrawn.' : `You left ${community.name}.`, 'success');
      }
      document.getElementById('membership-button')?.focus();
      if (canRead()) {
        questions.reload();
        posts.reload();
      }
    } catch (err) {
      button.removeAttribute('aria-busy');
      announce(`That did not work: ${errorMessage(err)}`, 'error');
    }
  }

  /* ---- Questions ---------------------------------------------------- */
  const state = {
    status: STATUSES.some(([v]) => v === query.get('status')) ? query.get('status') : 'all',
    sort: SORTS.some(([v]) => v === query.get('sort')) ? query.get('sort') : 'newest',
    tag: (query.get('tag') || '').replace(/^#/, ''),
  };
  function syncAddress() {
    const s = new URLSearchParams();
    if (state.status !== 'all') s.set('status', state.status);
    if (state.sort !== 'newest') s.set('sort', state.sort);
    if (state.tag) s.set('tag', state.tag);
    const target = communityHref(slug, s.toString() ? `?${s}` : '');
    if (location.hash !== target) history.replaceState(history.state, '', target);
  }
  const questions = pagedList({
    label: 'Questions',
    listClass: 'question-list',
    id: 'question-list',
    more: 'Load more questions',
    what: 'The questions',
    empty: 'No questions here yet.',
    isCurrent,
    load: (cursor) => {
      const s = new URLSearchParams({ community: slug, sort: state.sort });
      if (state.status !== 'all') s.set('status', state.status);
      if (state.tag) s.set('tag', state.tag);
      return api.get(withCursor(`/questions?${s}`, cursor, PAGE));
    },
    item: (q) => questionItem(q),
  });
  const statusTabs = tabs({
    label: 'Questions to show', id: 'question-status', items: STATUSES, value: state.status,
    onChange: (v) => { state.status = v; syncAddress(); questions.reload(); },
  });
  const sortSelect = h('select', { id: 'question-sort', class: 'compact-select' },
    SORTS.map(([v, text]) => h('option', { value: v, selected: v === state.sort }, text)));
  sortSelect.addEventListener('change', () => { state.sort = sortSelect.value; syncAddress(); questions.reload(); });
  const sortControl = h('div', { class: 'sort-control' },
    h('label', { for: 'question-sort', class: 'small muted' }, 'Order'), sortSelect);
  const tagFilter = h('div', { class: 'filter-note' });
  function drawTagFilter() {
    clear(tagFilter);
    if (!state.tag) return;
    tagFilter.append(h('span', null, 'Tagged ', h('strong', null, `#${state.tag}`)),
      h('button', {
        type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': `Show all tags, not only #${state.tag}`,
        onclick: () => { state.tag = ''; drawTagFilter(); syncAddress(); questions.reload(); statusTabs.element.querySelector('[aria-selected="true"]').focus(); },
      }, 'Show all tags'));
  }
  drawTagFilter();

  /* ---- Members and requests ----------------------------------------- */
  const memberList = h('ul', { class: 'member-list', id: 'member-list', 'aria-labelledby': 'members-title' });
  const pendingList = h('ul', { class: 'member-list', id: 'pending-list', 'aria-labelledby': 'pending-title' });
  const pendingCard = h('section', { class: 'card side-card', id: 'pending-card', hidden: true, 'aria-labelledby': 'pending-title' },
    h('h2', { class: 'card-title', id: 'pending-title' }, 'Requests to join'), pendingList);
  const membersMore = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', hidden: true }, 'More members');
  const membersProblem = h('div');
  let membersCursor = null;

  function memberItem(m) {
    const u = m.user || {};
    return h('li', { class: 'member', dataset: { handle: u.handle || '' } },
      avatar(u, 'sm'),
      h('span', { class: 'member-name' }, h('a', { href: profileHref(u.handle) }, u.display_name)),
      m.role === 'manager' ? h('span', { class: 'badge badge-info' }, 'Manager') : null);
  }

  function pendingItem(m) {
    const u = m.user || {};
    const li = h('li', { class: 'member member-pending', dataset: { handle: u.handle || '' } },
      avatar(u, 'sm'),
      h('span', { class: 'member-name' }, h('a', { href: profileHref(u.handle) }, u.display_name)));
    const approve = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'aria-label': `Approve ${u.display_name}` }, 'Approve');
    const decline = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': `Decline ${u.display_name}` }, 'Decline');
    async function act(ok) {
      for (const b of [approve, decline]) b.disabled = true;
      try {
        const who = `${base}/members/${encodeURIComponent(u.handle)}`;
        if (ok) await api.post(`${who}/approve`);
        else await api.del(who);
        announce(ok ? `${u.display_name} is now a member.` : `${u.display_name}'s request was declined.`, 'success');
        await refresh();
        (pendingList.querySelector('button') || document.getElementById('membership-button'))?.focus();
      } catch (err) {
        for (const b of [approve, decline]) b.disabled = false;
        announce(`That did not work: ${errorMessage(err)}`, 'error');
      }
    }
    approve.addEventListener('click', () => act(true));
    decline.addEventListener('click', () => act(false));
    li.append(h('span', { class: 'member-actions' }, approve, decline));
    return li;
  }

  async function loadPending() {
    clear(pendingList);
    pendingCard.hidden = true;
    if (!isManager()) return;
    try {
      const r = await api.get(withCursor(`${base}/members?status=pending`, null, 50));
      if (!isCurrent()) return;
      pendingList.append(...(r.items || []).map(pendingItem));
      pendingCard.hidden = pendingList.children.length === 0;
    } catch (err) {
      if (!isCurrent()) return;
      pendingList.append(h('li', { class: 'muted small' }, `Requests did not load: ${errorMessage(err)}`));
      pendingCard.hidden = false;
    }
  }

  async function loadMembers(more = false) {
    clear(membersProblem);
    if (!more) loadPending();
    if (!canRead()) {
      clear(memberList).append(h('li', { class: 'muted small' }, 'Only members see who belongs to a closed community.'));
      membersMore.hidden = true;
      return;
    }
    try {
      const r = await api.get(withCursor(`${base}/members?status=active`, more ? membersCursor : null, 50));
      if (!isCurrent()) return;
      if (!more) clear(memberList);
      memberList.append(...(r.items || []).map(memberItem));
      membersCursor = r.next_cursor || null;
      membersMore.hidden = !membersCursor;
      if (!memberList.children.length) memberList.append(h('li', { class: 'muted small' }, 'No members yet.'));
    } catch (err) {
      if (!isCurrent()) return;
      membersProblem.append(h('p', { class: 'muted small' }, `Members did not load: ${errorMessage(err)}`));
    }
  }

  /* ---- Posts: the community's stream, and a composer for those who may
   * write into it (active members and admins) ------------------------ */
  const posts = postFeed({
    label: `Posts in ${community.name}`,
    emptyText: 'No posts in this community yet.',
    isCurrent,
    load: (cursor) => api.get(withCursor(`${base}/posts`, cursor, PAGE)),
  });
  const postComposer = composer({
    id: 'community-composer',
    label: `Post in ${community.name}`,
    placeholder: 'Share something with this community. Use @handle to mention someone and #tag to file it.',
    community: slug,
    rows: 3,
    onPosted: (p) => {
      posts.insert([p]);
      announce(`Posted in ${community.name}.`, 'success');
    },
  });
  const postSection = h('section', { id: 'community-posts', 'aria-labelledby': 'community-posts-title' },
    h('h2', { class: 'section-title', id: 'community-posts-title' }, 'Posts'),
    postComposer.form, posts.element);
  function drawPosts() {
    postSection.hidden = !canRead();
    postComposer.form.hidden = !(isMember() || isAdmin());
  }

  /* A closed community shows outsiders a note instead of its questions. */
  const closedNote = h('div', { class: 'notice notice-info', id: 'closed-note' });
  const questionArea = h('div');
  function drawAccess() {
    const open = canRead();
    closedNote.hidden = open;
    clear(closedNote).append(h('p', null, community.my_role === 'pending'
      ? 'The questions and posts in this community are for its members. You will see them once a manager approves your request.'
      : 'The questions and posts in this community are for its members. Ask to join, and a manager will let you in.'));
    questionArea.hidden = !open;
    sortControl.hidden = !open;
    drawPosts();
  }
  membersMore.addEventListener('click', () => loadMembers(true));

  questionArea.append(statusTabs.element, statusTabs.panel(tagFilter, questions.element));
  drawHero();
  drawAccess();
  root.append(
    hero,
    h('div', { class: 'columns' },
      h('div', { class: 'column-main' },
        h('section', { 'aria-labelledby': 'questions-title' },
          h('div', { class: 'section-head' },
            h('h2', { class: 'section-title section-title-first', id: 'questions-title' }, 'Questions'),
            sortControl),
          closedNote,
          h('div', { class: 'question-area' }, questionArea)),
        postSection),
      h('aside', { class: 'column-side', 'aria-label': 'Members' },
        pendingCard,
        h('section', { class: 'card side-card', 'aria-labelledby': 'members-title' },
          h('h2', { class: 'card-title', id: 'members-title' }, 'Members'),
          membersProblem, memberList, h('div', { class: 'feed-more' }, membersMore)))),
  );
  if (canRead()) {
    questions.reload();
    posts.reload();
  }
  loadMembers();
  return null;
}
