// #/customers — the inbox of customer conversations, newest first, with
// filters by words, channel and status. The filters live in the address
// (#/customers?status=open&channel=3&q=refund) so a view can be shared;
// the words filter applies 300 ms after the last key, or on Enter.
import { h, clear, time } from '../dom.js';
import { api } from '../api.js';
import { pagedList, withCursor } from '../paged.js';
import { plural } from '../qa.js';
import {
  customerNav, conversationHref, statusBadge, kindLabel, duration, csatText,
} from '../customer.js';

const PAGE = 25;
const DEBOUNCE_MS = 300;
const STATUSES = [['', 'Any status'], ['open', 'Open'], ['resolved', 'Resolved']];

function conversationRow(c) {
  const subject = c.subject && c.subject.trim() ? c.subject : `Conversation with ${c.customer}`;
  return h('li', { class: 'conv-row card', dataset: { conversationId: String(c.id) } },
    h('div', { class: 'conv-row-main' },
      h('h2', { class: 'conv-row-title' }, h('a', { href: conversationHref(c.id) }, subject)),
      h('p', { class: 'conv-row-meta muted small' },
        h('span', { class: 'conv-customer' }, c.customer),
        ' · ',
        h('span', { class: 'conv-channel' }, c.channel ? `${c.channel.name} (${kindLabel(c.channel.kind)})` : '—'),
        ' · ',
        plural(c.message_count, 'message', 'messages'))),
    h('dl', { class: 'conv-row-figures' },
      h('div', null, h('dt', null, 'Status'), h('dd', null, statusBadge(c.status))),
      h('div', null, h('dt', null, 'Opened'), h('dd', null, time(c.opened_at, { withTime: true }))),
      h('div', null, h('dt', null, 'First response'), h('dd', { class: 'conv-first-response' },
        c.first_response_at ? duration(c.opened_at, c.first_response_at) : h('span', { class: 'muted' }, 'None yet'))),
      h('div', null, h('dt', null, 'Links'), h('dd', { class: 'conv-links' }, String(c.links ?? 0))),
      h('div', null, h('dt', null, 'CSAT'), h('dd', { class: 'conv-csat' }, csatText(c.csat)))));
}

export function render({ root, route, query, user, isCurrent }) {
  const state = {
    q: (query.get('q') || '').slice(0, 200),
    status: STATUSES.some(([v]) => v && v === query.get('status')) ? query.get('status') : '',
    channel: /^[1-9][0-9]{0,17}$/.test(query.get('channel') || '') ? query.get('channel') : '',
  };

  function syncAddress() {
    const s = new URLSearchParams();
    if (state.q) s.set('q', state.q);
    if (state.status) s.set('status', state.status);
    if (state.channel) s.set('channel', state.channel);
    const target = `#/customers${s.toString() ? `?${s}` : ''}`;
    if (location.hash !== target) history.replaceState(history.state, '', target);
  }

  /* ---- Filters ------------------------------------------------------ */
  const words = h('input', {
    type: 'search', id: 'conv-q', name: 'q', autocomplete: 'off', maxlength: '200',
    placeholder: 'Customer, subject or message text', 'aria-describedby': 'conv-count',
  });
  words.value = state.q;
  const channel = h('select', { id: 'conv-channel', name: 'channel' }, h('option', { value: '' }, 'All channels'));
  if (state.channel) channel.append(h('option', { value: state.channel, selected: true }, `Channel ${state.channel}`));
  const status = h('select', { id: 'conv-status', name: 'status' },
    STATUSES.map(([v, text]) => h('option', { value: v, selected: v === state.status }, text)));
  const filters = h('form', { class: 'filter-bar conv-filters card', role: 'search', 'aria-label': 'Filter conversations' },
    h('div', { class: 'field field-grow' }, h('label', { for: 'conv-q' }, 'Words'), words),
    h('div', { class: 'field field-narrow' }, h('label', { for: 'conv-channel' }, 'Channel'), channel),
    h('div', { class: 'field field-narrow' }, h('label', { for: 'conv-status' }, 'Status'), status),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Filter')));

  const count = h('p', { class: 'muted small conv-count', id: 'conv-count', role: 'status', 'aria-live': 'polite' });

  /* ---- The list ------------------------------------------------------ */
  const list = pagedList({
    label: 'Conversations',
    listClass: 'conv-list',
    id: 'conversation-list',
    more: 'Load more conversations',
    what: 'The conversations',
    empty: '',
    isCurrent,
    load: (cursor) => {
      const s = new URLSearchParams();
      if (state.q) s.set('q', state.q);
      if (state.status) s.set('status', state.status);
      if (state.channel) s.set('channel', state.channel);
      return api.get(withCursor(`/customer/conversations${s.toString() ? `?${s}` : ''}`, cursor, PAGE));
    },
    item: conversationRow,
    onLoaded: (r, { count: n }) => {
      const more = !!r.next_cursor;
      const filtered = state.q || state.status || state.channel;
      if (!n) count.textContent = filtered ? 'No conversations match these filters.' : 'No customer conversations yet.';
      else count.textContent = `${more ? `${n.toLocaleString()}+` : n.toLocaleString()} ${n === 1 && !more ? 'conversation' : 'conversations'}${filtered ? ' match' : ''}`;
    },
  });

  let timer = null;
  function changed() {
    clearTimeout(timer);
    const next = { q: words.value.trim(), status: status.value, channel: channel.value };
    if (next.q === state.q && next.status === state.status && next.channel === state.channel) return;
    Object.assign(state, next);
    syncAddress();
    count.textContent = 'Loading…';
    list.reload();
  }
  words.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(changed, DEBOUNCE_MS);
  });
  channel.addEventListener('change', changed);
  status.addEventListener('change', changed);
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    changed();
  });

  async function loadChannels() {
    try {
      const r = await api.get('/customer/channels');
      if (!isCurrent()) return;
      const current = channel.value;
      clear(channel).append(h('option', { value: '' }, 'All channels'));
      for (const c of r.items || []) {
        channel.append(h('option', { value: String(c.id), selected: String(c.id) === current }, `${c.name} (${kindLabel(c.kind)})`));
      }
      if (current && !(r.items || []).some((c) => String(c.id) === current)) {
        channel.append(h('option', { value: current, selected: true }, `Channel ${current}`));
      }
    } catch {
      // The filter still works with the id from the address.
    }
  }

  root.append(
    h('div', { class: 'page-header' },
      h('h1', { tabindex: '-1', class: 'page-title' }, 'Customer conversations'),
      h('p', { class: 'page-lead' }, 'What customers said on the support channels, newest first. Open one to see its messages, what it is linked to and the collaboration it drew.')),
    customerNav(route, user),
    filters,
    count,
    list.element,
  );
  loadChannels();
  count.textContent = 'Loading…';
  list.reload();
  return () => clearTimeout(timer);
}
