// Small DOM helpers. Everything that comes from the server goes in as text:
// h() turns strings into text nodes and never touches innerHTML, so
// user-supplied data cannot become markup.
//
//   h('p', { class: 'lead' }, 'Hello, ', user.display_name)
//   h('button', { type: 'button', onclick: fn }, 'Save')
//
// Props: class (string or array), on<event> (listener), dataset (object),
// value/checked/disabled/hidden (set as properties), anything else as an
// attribute (true -> present, false/null/undefined -> left out). Inline
// styles are refused: the Content-Security-Policy blocks them anyway.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'readOnly']);

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (key === 'class') {
      el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    } else if (key === 'style') {
      throw new Error('Inline styles are not allowed (CSP); use a class.');
    } else if (key.startsWith('on') && typeof v === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), v);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (PROPERTIES.has(key)) {
      el[key] = v;
    } else {
      el.setAttribute(key, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A page's heading block. The router focuses the h1 after navigation. */
export function pageHeader(title, lead, ...extra) {
  return h('div', { class: 'page-header' },
    h('h1', { tabindex: '-1', class: 'page-title' }, title),
    lead ? h('p', { class: 'page-lead' }, lead) : null,
    extra);
}

/** href for a route path, e.g. link('people/ada') -> '#/people/ada'. */
export function link(path) {
  return '#/' + path;
}

let idCounter = 0;
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A <time> element for an API timestamp (ISO 8601), or fallback text. */
export function time(iso, { withTime = false, fallback = '—' } = {}) {
  if (!iso) return h('span', { class: 'muted' }, fallback);
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', null, iso);
  return h('time', { datetime: iso, title: dateTimeFormat.format(d) },
    (withTime ? dateTimeFormat : dateFormat).format(d));
}

export function initials(name, handle) {
  const words = String(name || handle || '?').trim().split(/\s+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => Array.from(w)[0] || '').join('').toUpperCase() || '?';
}

/** A round avatar with initials; its colour is picked from the handle. */
export function avatar(user, size = 'md') {
  const key = String(user.handle || user.display_name || '');
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return h('span', { class: ['avatar', `avatar-${size}`, `avatar-c${hash % 8}`], 'aria-hidden': 'true' },
    initials(user.display_name, user.handle));
}

/** Role names as people read them. */
export function roleLabel(role) {
  return {
    employee: 'Employee',
    community_manager: 'Community manager',
    analyst: 'Analyst',
    admin: 'Admin',
  }[role] || String(role || '');
}
