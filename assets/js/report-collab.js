// The collaboration tab of #/reports (GET /api/v1/reports/collaboration,
// app/report_collab.c): conversations and dialogue rather than volume, per
// department or per ISO week — active people, posts, replies,
// conversations (threads with two people or more), dialogue depth (turns
// per conversation), questions, answer rate, median minutes to first
// answer, cross-department interactions.
//
// Privacy is the server's: groups of fewer than k people are folded into
// "other", whose figures are all null, and the totals count only the
// groups shown. This tab says so in words, and never computes anything
// from what is not shown. The table comes first (it describes every
// chart); per week the charts are time series, per department bars.
import { h } from './dom.js';
import { plural } from './qa.js';
import { PALETTE } from './chart.js';
import { minutesText } from './customer.js';
import {
  dayText, shortWeek, pct, num, val, chartCard, simpleTable, drawPlans,
} from './report-common.js';

export const GROUP_BY = [['department', 'Department'], ['week', 'Week']];

export const COLLAB = {
  id: 'collaboration',
  label: 'Collaboration',
  path: '/reports/collaboration',
  options: ['group_by'],
  csvName: (s) => `collaboration-by-${s.group_by}-${s.from}-${s.to}.csv`,
  lead: 'Conversations and dialogue, not volume: how many people take part, how deep the exchanges go, how questions get answered and how often people work across departments.',
  summary: (r) => `${plural((r.groups || []).length, r.group_by === 'week' ? 'week' : 'department', r.group_by === 'week' ? 'weeks' : 'departments')} shown`,
  draw: drawCollab,
};

const COLUMNS = [
  ['active_people', 'Active people', (v) => num(v)],
  ['posts', 'Posts', (v) => num(v)],
  ['replies', 'Replies', (v) => num(v)],
  ['conversations', 'Conversations', (v) => num(v)],
  ['dialogue_depth', 'Dialogue depth', (v) => num(v, 2)],
  ['questions', 'Questions', (v) => num(v)],
  ['answer_rate', 'Answer rate', (v) => pct(v)],
  ['median_minutes_to_first_answer', 'Median first answer', (v) => minutesText(v, '—')],
  ['cross_department_interactions', 'Cross-department interactions', (v) => num(v)],
];

function groupName(g, byWeek) {
  if (byWeek) return `${g.label || g.group} (from ${dayText(g.group)})`;
  return g.group === '' ? 'No department' : (g.label || g.group);
}

function shortName(g, byWeek) {
  return byWeek ? dayText(g.group, shortWeek) : (g.group === '' ? 'No department' : (g.label || g.group));
}

export function drawCollab(body, r, { charts, isCurrent, announce }) {
  const byWeek = r.group_by === 'week';
  const groups = r.groups || [];
  const other = r.other || { groups: 0 };
  const folded = Number(other.groups) || 0;
  const k = r.k ?? 5;
  const totals = r.totals || {};
  const unit = byWeek ? ['week', 'weeks'] : ['department', 'departments'];

  // In words: what is hidden and why; what the figures mean.
  body.append(h('div', { class: 'notice notice-info report-note report-explain', id: 'collab-privacy' },
    h('p', null,
      r.requested && (r.requested.from !== r.from || r.requested.to !== r.to)
        ? `Whole weeks (Monday to Sunday, UTC) from ${dayText(r.from)} to ${dayText(r.to)}. ` : '',
      `A department’s week counts only when at least ${k} people were active in it, and a group is shown only when at least ${k} people stand behind it. `,
      folded
        ? `${plural(folded, `small ${unit[0]}`, `small ${unit[1]}`)} ${folded === 1 ? 'is' : 'are'} folded into “Other”: none of ${folded === 1 ? 'its' : 'their'} figures is shown or counted in the totals.`
        : `No ${unit[0]} had to be hidden.`),
    h('p', { class: 'small' },
      'People who opted out of analytics are not counted at all. No report ever lists individuals.')));

  if (!groups.length) {
    body.append(h('p', { class: 'muted empty-inline', id: 'collab-empty' },
      folded ? 'Nothing can be shown for these weeks without identifying people.' : 'No activity in these weeks.'));
    return;
  }

  const fig = (term, value, id) => h('div', { class: 'figure', id }, h('dt', null, term), h('dd', null, value));
  body.append(h('dl', { class: 'figures', id: 'collab-summary', 'aria-label': `Over the ${unit[1]} shown` },
    fig('Active people', num(totals.active_people), 'collab-sum-people'),
    fig('Conversations', num(totals.conversations), 'collab-sum-conversations'),
    fig('Dialogue depth', num(totals.dialogue_depth, 2), 'collab-sum-depth'),
    fig('Answer rate', pct(totals.answer_rate), 'collab-sum-answer-rate'),
    fig('Median first answer', minutesText(totals.median_minutes_to_first_answer, '—'), 'collab-sum-first-answer'),
    fig('Cross-department', num(totals.cross_department_interactions), 'collab-sum-cross')));

  const chartsBox = h('div', { class: 'chart-grid', id: 'collab-charts' });
  body.append(chartsBox, table());
  drawCharts(chartsBox);

  function table() {
    const id = 'collab-table';
    return h('section', { class: 'card', 'aria-labelledby': `${id}-title` },
      h('h2', { class: 'card-title', id: `${id}-title` }, byWeek ? 'Per week' : 'Per department'),
      h('div', { class: 'table-wrap', tabindex: '0', 'aria-labelledby': `${id}-title` },
        h('table', { class: 'table report-table', id },
          h('caption', { class: 'visually-hidden' }, `Collaboration per ${unit[0]}`),
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, byWeek ? 'Week' : 'Department'),
            COLUMNS.map(([, label]) => h('th', { scope: 'col', class: 'num' }, label)))),
          h('tbody', null,
            groups.map((g) => h('tr', { dataset: { group: g.group } },
              h('th', { scope: 'row' }, groupName(g, byWeek)),
              COLUMNS.map(([key, , fmt]) => h('td', { class: 'num', dataset: { key } }, fmt(g[key]))))),
            folded ? h('tr', { class: 'is-suppressed', id: 'collab-other' },
              h('th', { scope: 'row' }, 'Other'),
              h('td', { colspan: String(COLUMNS.length) },
                `${plural(folded, `small ${unit[0]}`, `small ${unit[1]}`)} hidden to protect privacy (fewer than ${k} people); none of their figures is shown or counted in the totals.`)) : null),
          h('tfoot', null, h('tr', null,
            h('th', { scope: 'row' }, `All ${unit[1]} shown`),
            COLUMNS.map(([key, , fmt]) => h('td', { class: 'num' }, fmt(totals[key]))))))),
      h('p', { class: 'small muted' },
        'Conversations: threads with at least two people. Dialogue depth: turns per conversation (a turn is a run of messages by one person). “—”: too few people to show, or nothing to compute.'));
  }

  async function drawCharts(box) {
    const labels = groups.map((g) => shortName(g, byWeek));
    const plans = [];
    if (byWeek) {
      // Time series: people and conversations per week, then depth.
      const c1 = chartCard('chart-collab-activity', 'Active people and conversations per week',
        'Only the weeks shown in the table; a gap is a week that could not be shown.',
        simpleTable(['Week', 'Active people', 'Conversations'], groups.map((g) => [groupName(g, true), num(g.active_people), num(g.conversations)])));
      const c2 = chartCard('chart-collab-depth', 'Dialogue depth per week',
        'Turns per conversation: higher means more back-and-forth.',
        simpleTable(['Week', 'Dialogue depth'], groups.map((g) => [groupName(g, true), num(g.dialogue_depth, 2)])));
      const c3 = chartCard('chart-collab-cross', 'Cross-department interactions per week', null,
        simpleTable(['Week', 'Cross-department interactions', 'Answer rate'], groups.map((g) => [groupName(g, true), num(g.cross_department_interactions), pct(g.answer_rate)])));
      box.append(c1.card, c2.card, c3.card);
      plans.push([c1.canvas, {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: 'Active people', data: groups.map((g) => val(g.active_people)), borderColor: PALETTE[0], backgroundColor: PALETTE[0], spanGaps: false },
            { label: 'Conversations', data: groups.map((g) => val(g.conversations)), borderColor: PALETTE[1], backgroundColor: PALETTE[1], borderDash: [6, 4], spanGaps: false },
          ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      }], [c2.canvas, {
        type: 'line',
        data: {
          labels,
          datasets: [{ label: 'Turns per conversation', data: groups.map((g) => val(g.dialogue_depth)), borderColor: PALETTE[2], backgroundColor: PALETTE[2] }],
        },
        options: { scales: { y: { beginAtZero: true } } },
      }], [c3.canvas, {
        type: 'bar',
        data: {
          labels,
          datasets: [{ label: 'Cross-department interactions', data: groups.map((g) => val(g.cross_department_interactions)), backgroundColor: PALETTE[3] }],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      }]);
    } else {
      // Bars per department.
      const c1 = chartCard('chart-collab-departments', 'Active people and conversations per department', null,
        simpleTable(['Department', 'Active people', 'Conversations'], groups.map((g) => [groupName(g, false), num(g.active_people), num(g.conversations)])));
      const c2 = chartCard('chart-collab-depth', 'Dialogue depth per department',
        'Turns per conversation started in the department.',
        simpleTable(['Department', 'Dialogue depth'], groups.map((g) => [groupName(g, false), num(g.dialogue_depth, 2)])));
      const c3 = chartCard('chart-collab-cross', 'Cross-department interactions per department',
        'Replies, answers, mentions and likes by the department’s people to people of another department.',
        simpleTable(['Department', 'Cross-department interactions'], groups.map((g) => [groupName(g, false), num(g.cross_department_interactions)])));
      box.append(c1.card, c2.card, c3.card);
      plans.push([c1.canvas, {
        type: 'bar',
        data: {
          labels,
          datasets: [
            { label: 'Active people', data: groups.map((g) => val(g.active_people)), backgroundColor: PALETTE[0] },
            { label: 'Conversations', data: groups.map((g) => val(g.conversations)), backgroundColor: PALETTE[1] },
          ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      }], [c2.canvas, {
        type: 'bar',
        data: { labels, datasets: [{ label: 'Turns per conversation', data: groups.map((g) => val(g.dialogue_depth)), backgroundColor: PALETTE[2] }] },
        options: { scales: { y: { beginAtZero: true } } },
      }], [c3.canvas, {
        type: 'bar',
        data: { labels, datasets: [{ label: 'Cross-department interactions', data: groups.map((g) => val(g.cross_department_interactions)), backgroundColor: PALETTE[3] }] },
        options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
      }]);
    }
    await drawPlans(plans, charts, { box, isCurrent, announce });
  }
}
