// What the report tabs (report-care.js, report-collab.js,
// report-network.js) and the moderation figures share: number formats,
// dates of ISO weeks, chart cards (a canvas described by a table of the same
// numbers) and drawing a list of planned charts once Chart.js has loaded.
import { h } from './dom.js';
import { errorMessage } from './forms.js';
import { chartCanvas, drawChart } from './chart.js';

export const weekFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
export const shortWeek = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

/** '2025-01-06' as people read it (UTC, so the day never shifts). */
export function dayText(iso, format = weekFormat) {
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? String(iso) : format.format(d);
}

export function pct(rate) {
  return rate === null || rate === undefined ? '—' : `${Math.round(Number(rate) * 100)}%`;
}

export function num(v, digits = 1) {
  if (v === null || v === undefined) return '—';
  const n = Number(v);
  if (!Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? n.toLocaleString() : n.toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** A figure's value for a chart: null stays null (a gap), not 0. */
export function val(v) {
  return v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v);
}

export const hiddenMark = () => h('span', { class: 'muted', title: 'Hidden: fewer than k people' }, 'hidden');

/**
 * A chart card: heading, canvas, optional caption, and the numbers as a
 * table (the canvas's description, in a <details> unless open).
 * Returns {card, canvas}.
 */
export function chartCard(id, title, caption, table, { tableOpen = false } = {}) {
  const tableId = `${id}-data`;
  table.id = tableId;
  const canvas = chartCanvas({ id, label: title, describedBy: tableId });
  const card = h('section', { class: 'card chart-card', 'aria-labelledby': `${id}-title` },
    h('h2', { class: 'card-title', id: `${id}-title` }, title),
    h('div', { class: 'chart-box' }, canvas),
    caption ? h('p', { class: 'chart-caption small muted' }, caption) : null,
    h('details', { class: 'chart-data', open: tableOpen }, h('summary', { class: 'small' }, 'The numbers'),
      h('div', { class: 'table-wrap' }, table)));
  return { card, canvas };
}

/** A plain table: head cells, then rows whose first cell is the row's
 *  header. Cells are text or nodes. */
export function simpleTable(head, rows, { caption = null, numeric = true } = {}) {
  return h('table', { class: 'table' },
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', null, h('tr', null, head.map((c, i) => h('th', { scope: 'col', class: numeric && i > 0 ? 'num' : null }, c)))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c, i) => (i === 0
      ? h('th', { scope: 'row' }, c)
      : h('td', { class: numeric ? 'num' : null }, c)))))));
}

/**
 * Draws [canvas, config] pairs one by one into `charts` (to destroy later).
 * On failure (Chart.js did not load) a notice goes before `box`'s content:
 * the tables still have every number.
 */
export async function drawPlans(plans, charts, { box, isCurrent, announce, noticeId = 'charts-failed' }) {
  try {
    for (const [canvas, config] of plans) {
      if (!isCurrent() || !canvas.isConnected) return;
      charts.push(await drawChart(canvas, config));
    }
  } catch (err) {
    if (!isCurrent()) return;
    console.warn(err); // eslint-disable-line no-console
    box.prepend(h('div', { class: 'notice notice-error', id: noticeId },
      h('p', null, 'The charts could not be drawn; the tables have every number.')));
    if (announce) announce(`Charts unavailable: ${errorMessage(err)}`, 'info');
  }
}

/** Destroys every chart in the list (when the page or the tab goes). */
export function destroyCharts(charts) {
  while (charts.length) {
    try {
      charts.pop().destroy();
    } catch {
      // already gone
    }
  }
}
