// #/reports — the reports for analysts and admins, one tab each:
//   Customer care   report-care.js    GET /api/v1/reports/customer-care
//   Collaboration   report-collab.js  GET /api/v1/reports/collaboration
//   Network         report-network.js GET /api/v1/reports/network
// This shell owns what they share: the date range (default: the last 12
// weeks; the server widens it to whole ISO weeks), the address, the CSV
// link, the status line, and the charts' lifetime. Each tab module exports
// {id, label, path, lead, csvName(state), summary?(r), options?, draw(body,
// r, {charts, isCurrent, announce})}.
//
// The address holds the view: #/reports?from=2025-01-06&to=2025-03-30 is
// customer care; &tab=collaboration&group_by=week or &tab=network the
// others. Privacy is enforced by the server; the tabs only say in words
// what it folded away.
import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { errorMessage, showFieldError, showFormError, clearErrors } from '../forms.js';
import { tabs } from '../tabs.js';
import { dayText, isoDate, destroyCharts } from '../report-common.js';
import { CARE } from '../report-care.js';
import { COLLAB, GROUP_BY } from '../report-collab.js';
import { NETWORK } from '../report-network.js';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_DAYS = 83;   // 12 weeks, today included (as the server does)
const TABS = [CARE, COLLAB, NETWORK];

export function render({ root, query, announce, isCurrent }) {
  const today = new Date();
  const start = new Date(today.getTime() - DEFAULT_DAYS * 86400000);
  const state = {
    tab: TABS.find((x) => x.id === query.get('tab')) || CARE,
    from: DATE_RE.test(query.get('from') || '') ? query.get('from') : isoDate(start),
    to: DATE_RE.test(query.get('to') || '') ? query.get('to') : isoDate(today),
    group_by: GROUP_BY.some(([v]) => v === query.get('group_by')) ? query.get('group_by') : 'department',
  };
  const charts = [];
  let seq = 0;

  /* ---- Range (and grouping) -------------------------------------------- */
  const from = h('input', { type: 'date', id: 'report-from', name: 'from', required: true, 'aria-describedby': 'report-from-error' });
  const to = h('input', { type: 'date', id: 'report-to', name: 'to', required: true, 'aria-describedby': 'report-to-error' });
  from.value = state.from;
  to.value = state.to;
  const groupBy = h('select', { id: 'report-group-by', name: 'group_by', 'aria-describedby': 'report-group_by-error' },
    GROUP_BY.map(([v, text]) => h('option', { value: v, selected: v === state.group_by }, text)));
  const groupField = h('div', { class: 'field field-select', id: 'report-group-field' },
    h('label', { for: 'report-group-by' }, 'Group by'), groupBy, h('p', { class: 'field-error', id: 'report-group_by-error' }));
  const csvLink = h('a', { class: 'btn btn-secondary', id: 'report-csv', download: '' }, 'Download CSV');
  const form = h('form', { class: 'filter-bar report-range card', id: 'report-form', 'aria-label': 'Report range' },
    h('div', { class: 'form-alert', role: 'alert' }),
    h('div', { class: 'field' }, h('label', { for: 'report-from' }, 'From'), from, h('p', { class: 'field-error', id: 'report-from-error' })),
    h('div', { class: 'field' }, h('label', { for: 'report-to' }, 'To'), to, h('p', { class: 'field-error', id: 'report-to-error' })),
    groupField,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Show'),
      csvLink));

  const lead = h('p', { class: 'page-lead report-tab-lead', id: 'report-lead' });
  const status = h('p', { class: 'muted small', id: 'report-status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { id: 'report-body', 'aria-busy': 'true' });

  const t = tabs({
    label: 'Reports', id: 'report-tabs', items: TABS.map((x) => [x.id, x.label]), value: state.tab.id,
    onChange: (v) => {
      state.tab = TABS.find((x) => x.id === v) || CARE;
      syncAddress();
      load();
    },
  });
  t.element.classList.add('report-tabs');

  function params(format) {
    const s = new URLSearchParams({ from: state.from, to: state.to });
    if ((state.tab.options || []).includes('group_by')) s.set('group_by', state.group_by);
    if (format) s.set('format', format);
    return s;
  }
  function address() {
    const s = new URLSearchParams({ from: state.from, to: state.to });
    if (state.tab !== CARE) s.set('tab', state.tab.id);
    if ((state.tab.options || []).includes('group_by')) s.set('group_by', state.group_by);
    return `#/reports?${s}`;
  }
  function syncAddress() {
    const target = address();
    if (location.hash !== target) history.replaceState(history.state, '', target);
    csvLink.href = `/api/v1${state.tab.path}?${params('csv')}`;
    csvLink.setAttribute('download', state.tab.csvName(state));
    groupField.hidden = !(state.tab.options || []).includes('group_by');
    lead.textContent = state.tab.lead;
  }

  async function load() {
    const mine = ++seq;
    const tab = state.tab;
    clearErrors(form);
    body.setAttribute('aria-busy', 'true');
    status.textContent = `Loading the ${tab.label.toLowerCase()} report…`;
    try {
      const r = await api.get(`${tab.path}?${params()}`);
      if (mine !== seq || !isCurrent()) return;
      destroyCharts(charts);
      clear(body);
      body.dataset.tab = tab.id;
      tab.draw(body, r, { charts, isCurrent: () => isCurrent() && mine === seq, announce });
      const what = tab.summary ? tab.summary(r) : `${(r.groups || []).length.toLocaleString()} ${(r.groups || []).length === 1 ? 'group' : 'groups'} shown`;
      status.textContent = `Weeks from ${dayText(r.from)} to ${dayText(r.to)}: ${what}.`;
    } catch (err) {
      if (mine !== seq || !isCurrent()) return;
      status.textContent = '';
      destroyCharts(charts);
      clear(body);
      if (!(err.field && showFieldError(form, err.field, errorMessage(err)))) {
        showFormError(form, `The report did not load: ${errorMessage(err)}`);
      }
    } finally {
      if (mine === seq) body.setAttribute('aria-busy', 'false');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!DATE_RE.test(from.value)) {
      showFieldError(form, 'from', 'Choose the first day.');
      return;
    }
    if (!DATE_RE.test(to.value)) {
      showFieldError(form, 'to', 'Choose the last day.');
      return;
    }
    if (from.value > to.value) {
      showFieldError(form, 'to', 'The last day comes after the first.');
      return;
    }
    state.from = from.value;
    state.to = to.value;
    state.group_by = groupBy.value;
    syncAddress();
    load();
  });
  // Another grouping is another view of the same range: show it at once.
  groupBy.addEventListener('change', () => {
    state.group_by = groupBy.value;
    syncAddress();
    load();
  });

  root.append(
    h('div', { class: 'page-header' },
      h('h1', { tabindex: '-1', class: 'page-title' }, 'Reports'),
      lead),
    t.element,
    t.panel(form, status, body),
  );
  syncAddress();
  load();
  return () => destroyCharts(charts);
}
