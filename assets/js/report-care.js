// The customer-care tab of #/reports (analysts and admins): for a date
// range (the server widens it to whole ISO weeks), per channel and week,
// effectiveness beside efficiency — conversations, first-contact
// resolution, CSAT, first response, the share escalated inside the company
// and the collaboration it drew — and conversations with internal
// collaboration beside those without (correlation, not cause). Groups
// behind which fewer than k people stand are never shown: the answer's
// "other" only says how many were hidden, and this tab says so in words.
//
// The table comes first (it is the text alternative of every chart); the
// charts follow once Chart.js has loaded (chart.js). The range form, the
// address and the CSV link are the shell's (pages/reports.js).
import { h, uid } from './dom.js';
import { plural } from './qa.js';
import { PALETTE } from './chart.js';
import { kindLabel, minutesText } from './customer.js';
import {
  dayText, shortWeek, pct, num, hiddenMark, chartCard, simpleTable, drawPlans,
} from './report-common.js';

export const CARE = {
  id: 'care',
  label: 'Customer care',
  path: '/reports/customer-care',
  csvName: (s) => `customer-care-${s.from}-${s.to}.csv`,
  lead: 'Customer care measured by effectiveness beside efficiency: first-contact resolution, satisfaction and the internal collaboration customer issues drew, per channel and week.',
  draw: drawCare,
};

function csat(avg, n) {
  if (avg === null || avg === undefined) return '—';
  return `${num(avg, 2)}${n ? ` (${n})` : ''}`;
}

function minutes(v) {
  return minutesText(v, '—');
}

const hidden = hiddenMark;

/** A block's figure, or "hidden" when the block is suppressed. */
function maybe(block, fn) {
  if (!block || block.suppressed) return hidden();
  return fn(block);
}

function groupLabel(g) {
  return g.channel ? `${g.channel.name} (${kindLabel(g.channel.kind)})` : 'Other';
}

/** Weighted averages over the shown groups of one week (rule: totals over
 *  shown groups only, never "everything minus what is shown"). */
function perWeek(groups) {
  const weeks = new Map();
  for (const g of groups) {
    if (!weeks.has(g.week)) weeks.set(g.week, { fcrN: 0, fcrSum: 0, csatN: 0, csatSum: 0 });
    const w = weeks.get(g.week);
    if (g.first_contact_resolution_rate !== null && g.first_contact_resolution_rate !== undefined && g.resolved) {
      w.fcrN += g.resolved;
      w.fcrSum += g.first_contact_resolution_rate * g.resolved;
    }
    if (g.csat_average !== null && g.csat_average !== undefined && g.csat_responses) {
      w.csatN += g.csat_responses;
      w.csatSum += g.csat_average * g.csat_responses;
    }
  }
  return weeks;
}

/** Draws the report `r` into `body`; charts go into `charts` (the shell
 *  destroys them). */
export function drawCare(body, r, { charts, isCurrent, announce }) {
  function draw() {
    const groups = r.groups || [];
    const other = r.other || { groups: 0 };
    const k = r.k ?? 5;
    const folded = Number(other.groups) || 0;
    const summary = r.summary || {};

    body.append(h('div', { class: 'notice notice-info report-note', id: 'report-privacy' },
      h('p', null,
        r.requested && (r.requested.from !== r.from || r.requested.to !== r.to)
          ? `Whole weeks (Monday to Sunday, UTC) from ${dayText(r.from)} to ${dayText(r.to)}. ` : '',
        folded
          ? `${plural(folded, 'small group', 'small groups')} hidden to protect privacy: a channel’s week is shown only when at least ${k} people stand behind it.`
          : `Every group here has at least ${k} people behind it; smaller ones would be hidden to protect privacy.`)));

    if (!groups.length) {
      body.append(h('p', { class: 'muted empty-inline', id: 'report-empty' },
        folded ? 'Nothing can be shown for these weeks without identifying people.' : 'No customer conversations in these weeks.'));
      return;
    }

    body.append(summaryFigures(summary));
    const tableId = uid('report-table');
    const chartsBox = h('div', { class: 'chart-grid', id: 'report-charts' });
    body.append(chartsBox, reportTable(r, tableId, folded, k));
    drawCharts(chartsBox, r, tableId);
  }

  function summaryFigures(s) {
    const fig = (term, value, id) => h('div', { class: 'figure', id }, h('dt', null, term), h('dd', null, value));
    return h('dl', { class: 'figures', id: 'report-summary', 'aria-label': 'Over the groups shown' },
      fig('Conversations', num(s.conversations), 'sum-conversations'),
      fig('First-contact resolution', pct(s.first_contact_resolution_rate), 'sum-fcr'),
      fig('CSAT', csat(s.csat_average, s.csat_responses), 'sum-csat'),
      fig('Median first response', minutes(s.median_first_response_minutes), 'sum-first-response'),
      fig('Escalated internally', pct(s.escalated_share), 'sum-escalated'),
      fig('Participants per linked', maybe(s.collaboration, (c) => num(c.internal_participants_per_linked)), 'sum-participants'),
      fig('Departments per linked', maybe(s.collaboration, (c) => num(c.departments_per_linked)), 'sum-departments'));
  }

  function reportTable(r, id, folded, k) {
    const groups = r.groups || [];
    const cols = ['Week', 'Channel', 'Conversations', 'Customers', 'FCR rate', 'CSAT (answers)', 'Median first response',
      'Escalated', 'Participants per linked', 'Departments per linked',
      'With collaboration: median resolution', 'With: CSAT', 'Without collaboration: median resolution', 'Without: CSAT'];
    const row = (g) => h('tr', { dataset: { week: g.week, channel: g.channel ? String(g.channel.id) : '' } },
      h('th', { scope: 'row' }, dayText(g.week)),
      h('td', null, groupLabel(g)),
      h('td', { class: 'num' }, num(g.conversations)),
      h('td', { class: 'num' }, num(g.customers)),
      h('td', { class: 'num' }, pct(g.first_contact_resolution_rate)),
      h('td', { class: 'num' }, csat(g.csat_average, g.csat_responses)),
      h('td', { class: 'num' }, minutes(g.median_first_response_minutes)),
      h('td', { class: 'num' }, pct(g.escalated_share)),
      h('td', { class: 'num' }, maybe(g.collaboration, (c) => num(c.internal_participants_per_linked))),
      h('td', { class: 'num' }, maybe(g.collaboration, (c) => num(c.departments_per_linked))),
      h('td', { class: 'num' }, maybe(g.comparison, (c) => maybe(c.with_collaboration, (x) => minutes(x.median_resolution_minutes)))),
      h('td', { class: 'num' }, maybe(g.comparison, (c) => maybe(c.with_collaboration, (x) => csat(x.csat_average, x.csat_responses)))),
      h('td', { class: 'num' }, maybe(g.comparison, (c) => maybe(c.without_collaboration, (x) => minutes(x.median_resolution_minutes)))),
      h('td', { class: 'num' }, maybe(g.comparison, (c) => maybe(c.without_collaboration, (x) => csat(x.csat_average, x.csat_responses)))));
    const s = r.summary || {};
    return h('section', { class: 'card', 'aria-labelledby': `${id}-title` },
      h('h2', { class: 'card-title', id: `${id}-title` }, 'Per channel and week'),
      h('div', { class: 'table-wrap', tabindex: '0', 'aria-labelledby': `${id}-title` },
        h('table', { class: 'table report-table', id },
          h('caption', { class: 'visually-hidden' }, 'Customer care per channel and week'),
          h('thead', null, h('tr', null, cols.map((c, i) => h('th', { scope: 'col', class: i > 1 ? 'num' : null }, c)))),
          h('tbody', null,
            groups.map(row),
            folded ? h('tr', { class: 'is-suppressed', id: 'report-other' },
              h('th', { scope: 'row' }, 'Other'),
              h('td', { colspan: String(cols.length - 1) },
                `${plural(folded, 'small group', 'small groups')} hidden to protect privacy (fewer than ${k} people each); none of their figures is shown or counted in the totals.`)) : null),
          h('tfoot', null, h('tr', null,
            h('th', { scope: 'row', colspan: '2' }, 'All groups shown'),
            h('td', { class: 'num' }, num(s.conversations)),
            h('td', { class: 'num' }, num(s.customers)),
            h('td', { class: 'num' }, pct(s.first_contact_resolution_rate)),
            h('td', { class: 'num' }, csat(s.csat_average, s.csat_responses)),
            h('td', { class: 'num' }, minutes(s.median_first_response_minutes)),
            h('td', { class: 'num' }, pct(s.escalated_share)),
            h('td', { class: 'num' }, maybe(s.collaboration, (c) => num(c.internal_participants_per_linked))),
            h('td', { class: 'num' }, maybe(s.collaboration, (c) => num(c.departments_per_linked))),
            h('td', { class: 'num' }, maybe(s.comparison, (c) => maybe(c.with_collaboration, (x) => minutes(x.median_resolution_minutes)))),
            h('td', { class: 'num' }, maybe(s.comparison, (c) => maybe(c.with_collaboration, (x) => csat(x.csat_average, x.csat_responses)))),
            h('td', { class: 'num' }, maybe(s.comparison, (c) => maybe(c.without_collaboration, (x) => minutes(x.median_resolution_minutes)))),
            h('td', { class: 'num' }, maybe(s.comparison, (c) => maybe(c.without_collaboration, (x) => csat(x.csat_average, x.csat_responses)))))))),
      h('p', { class: 'small muted' }, '“hidden”: fewer than k people stand behind that figure. “—”: nothing to compute (e.g. no ratings).'));
  }

  async function drawCharts(box, r) {
    const groups = r.groups || [];
    const weeks = [...new Set(groups.map((g) => g.week))].sort();
    const channels = [];
    for (const g of groups) if (g.channel && !channels.some((c) => c.id === g.channel.id)) channels.push(g.channel);
    const at = (week, ch) => groups.find((g) => g.week === week && g.channel && g.channel.id === ch.id);
    const labels = weeks.map((w) => dayText(w, shortWeek));
    const plans = [];

    // 1. Conversations per week, per channel (stacked).
    {
      const c = chartCard('chart-conversations', 'Conversations per week',
        'By channel. Only the channel-weeks shown in the table are counted.',
        simpleTable(['Week', ...channels.map((ch) => ch.name)],
          weeks.map((w) => [dayText(w), ...channels.map((ch) => num(at(w, ch)?.conversations ?? null))])));
      box.append(c.card);
      plans.push([c.canvas, {
        type: 'bar',
        data: {
          labels,
          datasets: channels.map((ch, i) => ({
            label: ch.name, data: weeks.map((w) => at(w, ch)?.conversations ?? null), backgroundColor: PALETTE[i % PALETTE.length],
          })),
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
      }]);
    }

    // 2. First-contact resolution rate and CSAT per week.
    {
      const w = perWeek(groups);
      const fcr = weeks.map((x) => (w.get(x).fcrN ? Math.round((w.get(x).fcrSum / w.get(x).fcrN) * 100) : null));
      const sat = weeks.map((x) => (w.get(x).csatN ? Math.round((w.get(x).csatSum / w.get(x).csatN) * 100) / 100 : null));
      const c = chartCard('chart-quality', 'First-contact resolution and CSAT per week',
        'Resolution rate of the resolved conversations (left axis, %) and the average rating (right axis, 1–5), over the channels shown.',
        simpleTable(['Week', 'FCR rate', 'CSAT'], weeks.map((x, i) => [dayText(x), fcr[i] === null ? '—' : `${fcr[i]}%`, sat[i] === null ? '—' : num(sat[i], 2)])));
      box.append(c.card);
      plans.push([c.canvas, {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: 'FCR rate (%)', data: fcr, borderColor: PALETTE[0], backgroundColor: PALETTE[0], yAxisID: 'y', spanGaps: true },
            { label: 'CSAT (1–5)', data: sat, borderColor: PALETTE[1], backgroundColor: PALETTE[1], yAxisID: 'y1', spanGaps: true, borderDash: [6, 4] },
          ],
        },
        options: {
          scales: {
            y: { min: 0, max: 100, title: { display: true, text: 'FCR %' } },
            y1: { min: 1, max: 5, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'CSAT' } },
          },
        },
      }]);
    }

    // 3. With internal collaboration vs without: correlation, not cause.
    {
      const cmp = (r.summary || {}).comparison;
      const shown = cmp && !cmp.suppressed && cmp.with_collaboration && cmp.without_collaboration
        && !cmp.with_collaboration.suppressed && !cmp.without_collaboration.suppressed;
      const note = r.comparison_note || 'correlation, not cause';
      if (!shown) {
        box.append(h('section', { class: 'card chart-card', 'aria-labelledby': 'chart-comparison-title', id: 'comparison-hidden' },
          h('h2', { class: 'card-title', id: 'chart-comparison-title' }, 'With internal collaboration vs without'),
          h('p', null, 'Too few people on one side to compare without identifying them.'),
          h('p', { class: 'small correlation-note' }, h('strong', null, 'Correlation, not cause.'))));
      } else {
        const sides = [cmp.with_collaboration, cmp.without_collaboration];
        const hours = sides.map((x) => (x.median_resolution_minutes === null ? null : Math.round((x.median_resolution_minutes / 60) * 10) / 10));
        const sat = sides.map((x) => x.csat_average);
        const c = chartCard('chart-comparison', 'With internal collaboration vs without',
          null,
          simpleTable(['', 'Conversations', 'Median resolution', 'CSAT (answers)'], [
            ['With collaboration', num(sides[0].conversations), minutes(sides[0].median_resolution_minutes), csat(sides[0].csat_average, sides[0].csat_responses)],
            ['Without', num(sides[1].conversations), minutes(sides[1].median_resolution_minutes), csat(sides[1].csat_average, sides[1].csat_responses)],
          ]));
        c.card.insertBefore(h('p', { class: 'correlation-note small', id: 'correlation-note' },
          h('strong', null, 'Correlation, not cause: '), note.replace(/^correlation, not cause:\s*/i, '')), c.card.querySelector('details'));
        box.append(c.card);
        plans.push([c.canvas, {
          type: 'bar',
          data: {
            labels: ['Median resolution (hours)', 'CSAT (1–5)'],
            datasets: [
              { label: 'With internal collaboration', data: [hours[0], sat[0]], backgroundColor: PALETTE[2] },
              { label: 'Without', data: [hours[1], sat[1]], backgroundColor: PALETTE[6] },
            ],
          },
          options: { scales: { y: { beginAtZero: true } } },
        }]);
      }
    }

    // 4. Median first response per week, per channel.
    {
      const c = chartCard('chart-first-response', 'Median first response per week',
        'Minutes from the customer’s first message to the first answer, by channel.',
        simpleTable(['Week', ...channels.map((ch) => ch.name)],
          weeks.map((w) => [dayText(w), ...channels.map((ch) => minutes(at(w, ch)?.median_first_response_minutes ?? null))])));
      box.append(c.card);
      plans.push([c.canvas, {
        type: 'line',
        data: {
          labels,
          datasets: channels.map((ch, i) => ({
            label: ch.name, data: weeks.map((w) => at(w, ch)?.median_first_response_minutes ?? null),
            borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], spanGaps: true,
          })),
        },
        options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'minutes' } } } },
      }]);
    }

    await drawPlans(plans, charts, { box, isCurrent, announce });
  }

  draw();
}
