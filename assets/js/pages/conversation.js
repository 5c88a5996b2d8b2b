// #/customers/conversations/:id — one customer conversation: its figures
// (status, first response, resolution, first-contact resolution, CSAT),
// the messages (the customer's and the agents', told apart by more than
// colour), what it is linked to inside the company, the collaboration it
// drew, and — for admins and community managers — the actions: resolve
// (with FCR and CSAT) or reopen, link to a question/post/community found
// by search, and escalate into a new question in a community. Analysts
// read only: the actions are not drawn for them.
import { h, clear, link, time } from '../dom.js';
import { api } from '../api.js';
import {
  field, formAlert, submitButton, actions, handleSubmit, errorMessage,
} from '../forms.js';
import { plural, questionHref, communityHref, TITLE_MIN, TITLE_MAX, BODY_MAX } from '../qa.js';
import { profileHref } from '../post.js';
import { codePoints } from '../text.js';
import { markParts } from '../marks.js';
import {
  canActOnCustomers, statusBadge, kindLabel, duration, csatText, fcrText, minutesText, figure,
} from '../customer.js';

const LINK_TYPES = [['question', 'Question'], ['post', 'Post'], ['community', 'Community']];
const SEARCH_DEBOUNCE_MS = 300;
const CSAT_OPTIONS = [
  ['', 'Not rated'], ['5', '5 — very satisfied'], ['4', '4 — satisfied'], ['3', '3 — neutral'],
  ['2', '2 — dissatisfied'], ['1', '1 — very dissatisfied'],
];

function failed(root, title, lead, retry) {
  root.append(h('div', { class: 'page-header' },
    h('h1', { tabindex: '-1', class: 'page-title' }, title),
    h('p', { class: 'page-lead' }, lead)),
  h('p', null, retry
    ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: retry }, 'Try again')
    : h('a', { href: link('customers') }, 'Back to the inbox')));
}

/** Where a linked item lives in the app. */
export function linkTargetHref(l) {
  if (l.type === 'question') return questionHref(l.id);
  if (l.type === 'post') return link(`posts/${encodeURIComponent(l.id)}`);
  if (l.type === 'community') return l.slug ? communityHref(l.slug) : link('communities');
  return null;
}

function typeLabel(type) {
  const t = LINK_TYPES.find(([v]) => v === type);
  return t ? t[1] : String(type || '');
}

function subjectOf(c) {
  return c.subject && c.subject.trim() ? c.subject : `Conversation with ${c.customer}`;
}

function messageItem(m) {
  const inbound = m.direction === 'inbound';
  return h('li', { class: ['message', inbound ? 'message-inbound' : 'message-outbound'], dataset: { messageId: String(m.id) } },
    h('article', { class: 'message-bubble', 'aria-label': `${inbound ? 'Customer' : 'Agent'} message from ${m.author}` },
      h('header', { class: 'message-head' },
        h('span', { class: 'message-who' }, inbound ? 'Customer' : 'Agent'),
        h('span', { class: 'message-author' }, m.author),
        time(m.sent_at, { withTime: true })),
      h('p', { class: 'message-text' }, m.text)));
}

export async function render({ root, params, user, announce, isCurrent, navigate }) {
  const id = params.id;
  if (!/^[1-9][0-9]{0,17}$/.test(id)) {
    failed(root, 'Conversation not found', 'There is no conversation at this address.');
    return null;
  }
  const base = `/customer/conversations/${id}`;
  const loading = h('p', { class: 'muted' }, 'Loading the conversation…');
  root.append(loading);
  let data;
  try {
    data = await api.get(base);
  } catch (err) {
    if (!isCurrent()) return null;
    loading.remove();
    if (err.status === 404) failed(root, 'Conversation not found', 'It may have been removed, or the address is wrong.');
    else failed(root, 'This conversation did not load', errorMessage(err), () => navigate(`customers/conversations/${id}`));
    return null;
  }
  if (!isCurrent()) return null;
  loading.remove();

  const mayAct = canActOnCustomers(user);
  let conv = data.conversation;
  document.title = `${subjectOf(conv)} · Parley`;
  const timers = new Set();

  /* ---- Figures --------------------------------------------------------- */
  const figures = h('dl', { class: 'figures', id: 'conv-figures', 'aria-label': 'Conversation figures' });
  function drawFigures() {
    clear(figures).append(
      figure('Status', statusBadge(conv.status), { id: 'fig-status' }),
      figure('Opened', time(conv.opened_at, { withTime: true }), { id: 'fig-opened' }),
      figure('First response', conv.first_response_at ? duration(conv.opened_at, conv.first_response_at) : 'None yet', { id: 'fig-first-response' }),
      figure('Resolution', conv.resolved_at ? duration(conv.opened_at, conv.resolved_at) : 'Not resolved', { id: 'fig-resolution' }),
      figure('First-contact resolution', fcrText(conv.first_contact_resolution), { id: 'fig-fcr' }),
      figure('CSAT', csatText(conv.csat), { id: 'fig-csat' }),
      figure('Messages', String(conv.message_count ?? 0), { id: 'fig-messages' }));
  }

  /* ---- Messages ---------------------------------------------------------- */
  const messages = data.messages || [];
  const messageList = h('ol', { class: 'message-list', id: 'message-list', 'aria-labelledby': 'messages-title' },
    messages.map(messageItem));

  /* ---- Links ------------------------------------------------------------- */
  const linksBox = h('div', { id: 'conv-links' });
  function drawLinks(links) {
    clear(linksBox);
    if (!links.length) {
      linksBox.append(h('p', { class: 'muted empty-inline', id: 'no-links' }, 'Not linked to anything inside Parley yet.'));
      return;
    }
    linksBox.append(h('ul', { class: 'link-list', 'aria-label': 'Linked items' }, links.map(linkItem)));
  }
  function linkItem(l) {
    const gone = l.available === false;
    const href = gone ? null : linkTargetHref(l);
    const title = l.title || (gone ? `${typeLabel(l.type)} ${l.id} (no longer available)` : `${typeLabel(l.type)} ${l.id}`);
    const titleEl = href ? h('a', { href, class: 'link-title' }, title) : h('span', { class: 'link-title' }, title);
    if (l.type === 'community' && !gone && !l.slug) communityAddress(l, titleEl);
    const item = h('li', { class: 'link-item', dataset: { type: l.type, id: String(l.id) } },
      h('span', { class: 'badge link-type' }, typeLabel(l.type)),
      h('div', { class: 'link-main' },
        titleEl,
        h('p', { class: 'muted small link-meta' },
          l.via === 'escalation' ? 'Escalated by ' : 'Linked by ',
          l.linked_by ? h('a', { href: profileHref(l.linked_by.handle) }, l.linked_by.display_name) : 'someone',
          ', ', time(l.linked_at, { withTime: true }))));
    if (mayAct) {
      const unlink = h('button', {
        type: 'button', class: 'btn btn-danger-ghost btn-sm', 'aria-label': `Unlink ${typeLabel(l.type).toLowerCase()} “${title}”`,
      }, 'Unlink');
      unlink.addEventListener('click', async () => {
        if (unlink.getAttribute('aria-busy') === 'true') return;
        unlink.setAttribute('aria-busy', 'true');
        try {
          await api.del(`${base}/links/${encodeURIComponent(l.type)}/${encodeURIComponent(l.id)}`);
          announce(`Unlinked “${title}”.`, 'success');
          await refresh();
          document.getElementById('links-title')?.focus();
        } catch (err) {
          unlink.removeAttribute('aria-busy');
          announce(`Unlinking failed: ${errorMessage(err)}`, 'error');
        }
      });
      item.append(unlink);
    }
    return item;
  }

  /** A link names a community by id; its page is at its slug, found by
   *  its name among the communities. */
  async function communityAddress(l, a) {
    try {
      const r = await api.get(`/communities?${new URLSearchParams({ q: l.title || '', limit: '50' })}`);
      const c = (r.items || []).find((x) => x.id === l.id);
      if (c && a.isConnected) a.setAttribute('href', communityHref(c.slug));
    } catch {
      // The link still leads to the list of communities.
    }
  }

  /* ---- Collaboration --------------------------------------------------- */
  const collab = h('dl', { class: 'figures figures-compact', id: 'conv-collaboration', 'aria-labelledby': 'collab-title' });
  const deptNames = h('p', { class: 'small', id: 'collab-department-names' });
  function drawCollaboration(c = {}, names = []) {
    deptNames.hidden = !names.length;
    deptNames.textContent = names.length ? `${names.length === 1 ? 'Department' : 'Departments'}: ${names.join(', ')}` : '';
    clear(collab).append(
      figure('Internal participants', String(c.internal_participants ?? 0), { id: 'collab-participants' }),
      figure('Departments', String(c.departments ?? 0), { id: 'collab-departments' }),
      figure('Internal messages', String(c.internal_messages ?? 0), { id: 'collab-messages' }),
      figure('First internal response', minutesText(c.minutes_to_first_internal_response, 'None yet'), { id: 'collab-first' }));
  }

  /* ---- Resolve / reopen ---------------------------------------------- */
  const stateBox = h('div', { id: 'conv-state-actions' });
  function drawStateActions() {
    clear(stateBox);
    if (conv.status === 'resolved') {
      const reopen = h('button', { type: 'button', class: 'btn btn-secondary', id: 'reopen-button' }, 'Reopen');
      reopen.addEventListener('click', async () => {
        if (reopen.getAttribute('aria-busy') === 'true') return;
        reopen.setAttribute('aria-busy', 'true');
        try {
          const r = await api.post(`${base}/reopen`);
          conv = r.conversation;
          drawFigures();
          drawStateActions();
          announce('Conversation reopened.', 'success');
          document.getElementById('resolve-fcr')?.focus();
        } catch (err) {
          reopen.removeAttribute('aria-busy');
          announce(`Reopening failed: ${errorMessage(err)}`, 'error');
        }
      });
      stateBox.append(
        h('p', { class: 'small' }, 'Resolved ', time(conv.resolved_at, { withTime: true }), '. Reopen it if the customer comes back about the same issue.'),
        reopen);
      return;
    }
    const form = h('form', { class: 'stack resolve-form', id: 'resolve-form' },
      formAlert(),
      h('div', { class: 'check-field' },
        h('input', { type: 'checkbox', id: 'resolve-fcr', name: 'first_contact_resolution' }),
        h('label', { for: 'resolve-fcr' }, 'Resolved at first contact')),
      field({
        name: 'csat', id: 'resolve-csat', label: 'Customer satisfaction (CSAT)', options: CSAT_OPTIONS, value: '',
        hint: 'The rating the customer gave, if they did.',
      }),
      actions(submitButton('Mark resolved', { busyText: 'Resolving…' })));
    handleSubmit(form, async (values) => {
      const body = { first_contact_resolution: form.elements.namedItem('first_contact_resolution').checked };
      if (values.csat) body.csat = Number(values.csat);
      const r = await api.post(`${base}/resolve`, body);
      conv = r.conversation;
      drawFigures();
      drawStateActions();
      announce(`Conversation resolved${conv.csat ? `, CSAT ${conv.csat}/5` : ''}.`, 'success');
      document.getElementById('reopen-button')?.focus();
    });
    stateBox.append(form);
  }

  /* ---- Link ------------------------------------------------------------ */
  function linkPanel() {
    const type = h('select', { id: 'link-type', name: 'type' }, LINK_TYPES.map(([v, t]) => h('option', { value: v }, t)));
    const q = h('input', {
      type: 'search', id: 'link-q', name: 'q', autocomplete: 'off', maxlength: '200',
      placeholder: 'Words from the title, or its number', 'aria-describedby': 'link-q-hint link-results-status',
    });
    const status = h('p', { class: 'muted small', id: 'link-results-status', role: 'status', 'aria-live': 'polite' });
    const results = h('ul', { class: 'pick-list', id: 'link-results', 'aria-label': 'Matches' });
    const alert = formAlert();
    const form = h('form', { class: 'stack link-form', id: 'link-form', role: 'search', 'aria-label': 'Find something to link' },
      alert,
      h('div', { class: 'field' }, h('label', { for: 'link-type' }, 'Kind'), type),
      h('div', { class: 'field' }, h('label', { for: 'link-q' }, 'Title words or number'), q,
        h('p', { class: 'field-hint', id: 'link-q-hint' }, 'Type words and pick a match, or type a number to link that item directly.')),
      actions(h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Search')),
      status,
      results);
    let seq = 0;
    let timer = null;
    timers.add(() => clearTimeout(timer));

    async function find() {
      clearTimeout(timer);
      const mine = ++seq;
      const words = q.value.trim();
      const kind = type.value;
      clear(results);
      clear(alert);
      if (!words) {
        status.textContent = '';
        return;
      }
      const found = [];
      if (/^#?[1-9][0-9]{0,17}$/.test(words) && kind !== 'community') {
        const n = words.replace('#', '');
        found.push({ type: kind, id: Number(n), title: `${typeLabel(kind)} number ${n}` });
      }
      status.textContent = 'Searching…';
      try {
        if (kind === 'community') {
          const r = await api.get(`/communities?${new URLSearchParams({ q: words, limit: '10' })}`);
          for (const c of r.items || []) found.push({ type: 'community', id: c.id, title: c.name, detail: c.slug });
        } else {
          const r = await api.get(`/search?${new URLSearchParams({ q: words, type: kind === 'post' ? 'posts' : 'questions', limit: '10' })}`);
          for (const x of r.items || []) {
            if (x.type === kind) found.push({ type: kind, id: x.id, title: x.title || `${typeLabel(kind)} ${x.id}`, detail: x.snippet });
          }
        }
      } catch (err) {
        if (mine !== seq || !isCurrent()) return;
        if (!found.length) {
          status.textContent = `The search failed: ${errorMessage(err)}`;
          return;
        }
      }
      if (mine !== seq || !isCurrent()) return;
      status.textContent = found.length
        ? `${plural(found.length, 'match', 'matches')}. Pick one to link it.`
        : `No ${typeLabel(kind).toLowerCase()} matches “${words}”.`;
      results.append(...found.map((x) => pickItem(x)));
    }

    function pickItem(x) {
      const b = h('button', { type: 'button', class: 'pick-button', 'aria-label': `Link ${typeLabel(x.type).toLowerCase()} “${x.title}”` },
        h('span', { class: 'pick-title' }, x.title),
        x.detail ? h('span', { class: 'pick-detail muted small' }, markless(x.detail)) : null);
      b.addEventListener('click', async () => {
        if (b.getAttribute('aria-busy') === 'true') return;
        b.setAttribute('aria-busy', 'true');
        clear(alert);
        try {
          await api.post(`${base}/links`, { type: x.type, id: x.id });
          clear(results);
          status.textContent = '';
          q.value = '';
          announce(`Linked ${typeLabel(x.type).toLowerCase()} “${x.title}”.`, 'success');
          await refresh();
          q.focus();
        } catch (err) {
          b.removeAttribute('aria-busy');
          alert.replaceChildren(h('p', null, err.status === 409 ? 'It is linked already.' : `Linking failed: ${errorMessage(err)}`));
          b.focus();
        }
      });
      return h('li', null, b);
    }

    q.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(find, SEARCH_DEBOUNCE_MS);
    });
    type.addEventListener('change', find);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      find();
    });
    return form;
  }

  /* ---- Escalate ------------------------------------------------------ */
  function escalatePanel() {
    const community = h('select', { id: 'escalate-community', name: 'community', required: true, 'aria-describedby': 'escalate-community-error' },
      h('option', { value: '' }, 'Loading communities…'));
    const form = h('form', { class: 'stack escalate-form', id: 'escalate-form' },
      formAlert(),
      h('div', { class: 'field' },
        h('label', { for: 'escalate-community' }, 'Community'), community,
        h('p', { class: 'field-error', id: 'escalate-community-error' })),
      field({
        name: 'title', id: 'escalate-question-title', label: 'Question title', required: true,
        value: subjectOf(conv).slice(0, TITLE_MAX), attrs: { maxlength: String(TITLE_MAX) },
      }),
      field({
        name: 'body', id: 'escalate-question-body', label: 'What you need from colleagues', multiline: true, rows: 3, optional: true,
        hint: 'The customer’s words are quoted in the question for you.', attrs: { maxlength: String(BODY_MAX) },
      }),
      actions(submitButton('Escalate', { busyText: 'Escalating…' })));
    const done = h('div', { id: 'escalate-result', 'aria-live': 'polite' });

    (async () => {
      try {
        // Every community, page by page (oldest first): the newest ones
        // are past the first page once there are more than 100.
        const items = [];
        let cursor = null;
        for (let pages = 0; pages < 50; pages++) {
          const r = await api.get(`/communities?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          if (!isCurrent()) return;
          items.push(...(r.items || []));
          cursor = r.next_cursor;
          if (!cursor) break;
        }
        const mineList = items.filter((c) => c.my_role === 'member' || c.my_role === 'manager');
        const others = items.filter((c) => !mineList.includes(c));
        clear(community).append(h('option', { value: '' }, items.length ? 'Choose a community' : 'No communities yet'));
        const option = (c) => h('option', { value: c.slug }, c.name);
        if (mineList.length) community.append(h('optgroup', { label: 'Your communities' }, mineList.map(option)));
        if (others.length) community.append(h('optgroup', { label: mineList.length ? 'Other communities' : 'Communities' }, others.map(option)));
      } catch (err) {
        if (!isCurrent()) return;
        clear(community).append(h('option', { value: '' }, 'Communities did not load'));
        form.querySelector('.form-alert').replaceChildren(h('p', null, `The communities did not load: ${errorMessage(err)}`));
      }
    })();

    handleSubmit(form, async (v) => {
      const body = { community: v.community, title: v.title };
      if (v.body) body.body = v.body;
      const r = await api.post(`${base}/escalate`, body);
      const q = r.question;
      form.elements.namedItem('body').value = '';
      clear(done).append(h('div', { class: 'notice notice-success' },
        h('p', null, 'Escalated: the question is posted in ', q.community, ' and linked to this conversation. ',
          h('a', { href: questionHref(q.id), id: 'escalated-question' }, `Open “${q.title}”`))));
      announce('Escalated to a new question.', 'success');
      await refresh();
      document.getElementById('escalated-question')?.focus();
    }, {
      validate(v) {
        const p = {};
        if (!v.community) p.community = 'Choose the community to ask.';
        const n = codePoints(v.title);
        if (n < TITLE_MIN) p.title = `Titles are at least ${TITLE_MIN} characters: say what you want to know.`;
        else if (n > TITLE_MAX) p.title = `Titles are at most ${TITLE_MAX} characters.`;
        if (codePoints(v.body || '') > BODY_MAX) p.body = 'That is too long.';
        return p;
      },
    });
    return h('div', null, form, done);
  }

  async function refresh() {
    try {
      const r = await api.get(base);
      if (!isCurrent()) return;
      conv = r.conversation;
      drawFigures();
      drawLinks(r.links || []);
      drawCollaboration(r.collaboration, r.department_names || []);
    } catch (err) {
      announce(`The conversation did not refresh: ${errorMessage(err)}`, 'error');
    }
  }

  drawFigures();
  drawLinks(data.links || []);
  drawCollaboration(data.collaboration, data.department_names || []);

  const side = [
    h('section', { class: 'card', 'aria-labelledby': 'links-title' },
      h('h2', { class: 'card-title', id: 'links-title', tabindex: '-1' }, 'Linked inside Parley'),
      linksBox,
      mayAct ? h('details', { class: 'conv-action', id: 'link-details' },
        h('summary', null, 'Link a question, post or community'),
        linkPanel()) : null),
    h('section', { class: 'card', 'aria-labelledby': 'collab-title' },
      h('h2', { class: 'card-title', id: 'collab-title' }, 'Collaboration it drew'),
      collab,
      deptNames,
      h('p', { class: 'muted small' }, 'Colleagues who wrote in the linked posts and questions after the customer’s first message, their departments, and how soon the first one did.')),
  ];
  if (mayAct) {
    drawStateActions();
    side.unshift(h('section', { class: 'card', 'aria-labelledby': 'state-title' },
      h('h2', { class: 'card-title', id: 'state-title' }, 'Resolution'),
      stateBox));
    side.push(h('section', { class: 'card', 'aria-labelledby': 'escalate-title' },
      h('h2', { class: 'card-title', id: 'escalate-title' }, 'Escalate to a community'),
      h('p', { class: 'muted small' }, 'Ask colleagues in a community: a new question quoting the customer, linked to this conversation.'),
      escalatePanel()));
  }

  root.append(
    h('p', { class: 'breadcrumb small' }, h('a', { href: link('customers') }, 'Customer conversations'), ' / ', `#${conv.id}`),
    h('div', { class: 'page-header' },
      h('h1', { tabindex: '-1', class: 'page-title' }, subjectOf(conv)),
      h('p', { class: 'page-lead' },
        h('span', { class: 'conv-customer' }, conv.customer), ' on ',
        h('span', { class: 'conv-channel' }, conv.channel ? `${conv.channel.name} (${kindLabel(conv.channel.kind)})` : 'an unknown channel'),
        mayAct ? null : h('span', { class: 'muted' }, ' · read only'))),
    figures,
    h('div', { class: 'conv-layout' },
      h('section', { class: 'card conv-messages', 'aria-labelledby': 'messages-title' },
        h('h2', { class: 'card-title', id: 'messages-title' }, plural(messages.length, 'message', 'messages')),
        messages.length ? messageList : h('p', { class: 'muted' }, 'No messages.')),
      h('div', { class: 'conv-side' }, side)),
  );
  return () => { for (const stop of timers) stop(); };
}

/** A search snippet without its «mark» delimiters, as plain text. */
function markless(s) {
  return markParts(s).map((p) => p.text).join('');
}
