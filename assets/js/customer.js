// Customer care in the browser: the pieces the inbox, conversation,
// channel and report pages share (who may do what, labels, durations, the
// sub-navigation).
//
//   canActOnCustomers(user)   may resolve, link, escalate (not analysts)
//   conversationHref(id)      '#/customers/conversations/12'
//   duration(from, to)        '2 h 5 min' between two API timestamps
import { h, link } from './dom.js';
import { api } from './api.js';
import { errorMessage } from './forms.js';
import { ROUTES, canSee } from './nav.js';

/** Who reads conversations, and who changes them (the API's rules). */
export const READ_ROLES = new Set(['admin', 'community_manager', 'analyst']);
export const ACT_ROLES = new Set(['admin', 'community_manager']);

export function canReadCustomers(user) {
  return !!user && READ_ROLES.has(user.role);
}

export function canActOnCustomers(user) {
  return !!user && ACT_ROLES.has(user.role);
}

export const CHANNEL_KINDS = [
  ['twitter', 'Twitter'], ['facebook', 'Facebook'], ['email', 'E-mail'], ['chat', 'Chat'], ['other', 'Other'],
];

export function kindLabel(kind) {
  const k = CHANNEL_KINDS.find(([v]) => v === kind);
  return k ? k[1] : String(kind || '');
}

export const STATUS_LABELS = { open: 'Open', resolved: 'Resolved' };

export function statusBadge(status) {
  return h('span', { class: ['badge', status === 'resolved' ? 'badge-success' : 'badge-info', 'status-badge'] },
    STATUS_LABELS[status] || String(status || ''));
}

export function conversationHref(id) {
  return link(`customers/conversations/${encodeURIComponent(id)}`);
}

/** A length of time in minutes as people read it: '45 s', '12 min',
 *  '3 h 5 min', '2 d 4 h'. Null or not a number: fallback. */
export function minutesText(minutes, fallback = '—') {
  const m = Number(minutes);
  if (minutes === null || minutes === undefined || !Number.isFinite(m)) return fallback;
  if (m < 0) return fallback;
  if (m < 1) return `${Math.round(m * 60)} s`;
  if (m < 60) return `${Math.round(m)} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) {
    const rest = Math.round(m - hours * 60);
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const restH = hours - days * 24;
  return restH ? `${days} d ${restH} h` : `${days} d`;
}

/** Minutes from one API timestamp to another; null when either is missing. */
export function minutesBetween(fromIso, toIso) {
  if (!fromIso || !toIso) return null;
  const a = new Date(fromIso).getTime();
  const b = new Date(toIso).getTime();
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return (b - a) / 60000;
}

export function duration(fromIso, toIso, fallback = '—') {
  return minutesText(minutesBetween(fromIso, toIso), fallback);
}

export function csatText(csat) {
  return csat === null || csat === undefined ? '—' : `${csat}/5`;
}

export function fcrText(fcr) {
  if (fcr === null || fcr === undefined) return '—';
  return fcr ? 'Yes' : 'No';
}

/** The Customers section's sub-navigation: Inbox, and Channels for those
 *  who may manage them (from nav.js's roles). */
export function customerNav(route, user) {
  const paths = ['customers', 'customers/channels'];
  const items = paths.map((p) => ROUTES.find((r) => r.path === p)).filter((r) => r && canSee(r, user));
  if (items.length < 2) return null;
  return h('nav', { class: 'subnav', 'aria-label': 'Customer care' },
    h('ul', null, items.map((r) => h('li', null, h('a', {
      href: link(r.path),
      class: 'subnav-link',
      'aria-current': route && route.path === r.path ? 'page' : null,
    }, r.path === 'customers' ? 'Inbox' : (r.label || r.title))))));
}

/** A figure for a <dl class="figures">: term and value. */
export function figure(term, value, { id = null, hint = null } = {}) {
  return h('div', { class: 'figure', id },
    h('dt', null, term),
    h('dd', null, value, hint ? h('span', { class: 'figure-hint' }, hint) : null));
}

/**
 * "Tied to N customer conversations" for a question or a post with
 * customer_links > 0 (null otherwise). Readers of customer data (admins,
 * community managers, analysts) can list those conversations (GET
 * /customer/linked); everyone else sees the count only.
 */
export function customerLinksNote(type, id, count, user) {
  const n = Number(count) || 0;
  if (n <= 0) return null;
  const text = `Tied to ${n.toLocaleString()} customer ${n === 1 ? 'conversation' : 'conversations'}`;
  const box = h('div', { class: 'qa-links customer-links-note small', id: 'customer-links' });
  if (!canReadCustomers(user)) {
    box.append(h('p', { class: 'customer-links-text' }, text));
    return box;
  }
  const list = h('ul', { class: 'customer-links-list', id: 'customer-links-list', 'aria-live': 'polite' });
  const details = h('details', { class: 'customer-links-details' },
    h('summary', null, text),
    list);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    list.append(h('li', { class: 'muted' }, 'Loading…'));
    try {
      const r = await api.get(`/customer/linked?${new URLSearchParams({ type, id: String(id), limit: '50' })}`);
      list.replaceChildren(...(r.items || []).map((c) => h('li', null,
        h('a', { href: conversationHref(c.id) }, c.subject && c.subject.trim() ? c.subject : `Conversation with ${c.customer}`),
        h('span', { class: 'muted' }, ` · ${c.customer} on ${c.channel ? c.channel.name : 'a channel'} · ${STATUS_LABELS[c.status] || c.status}`))));
      if (r.next_cursor) list.append(h('li', null, h('a', { href: link('customers') }, 'More in the inbox')));
    } catch (err) {
      loaded = false;
      list.replaceChildren(h('li', { class: 'field-error' }, `The conversations did not load: ${errorMessage(err)}`));
    }
  });
  box.append(details);
  return box;
}
