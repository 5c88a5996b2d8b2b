// The network tab of #/reports (GET /api/v1/reports/network,
// app/report_network.c): who works with whom across departments. The
// department x department matrix of interactions (replies, answers,
// mentions, likes, endorsements, customer-link collaboration) is a heatmap
// drawn as a table: every cell holds its number and is coloured from
// script, so it reads without colour and is its own text alternative. Then
// the departments that bridge others most (betweenness) and each
// department's E-I index (Krackhardt: -1 a silo, 1 only outward), as bars
// with their numbers in tables.
//
// Privacy is the server's: a cell rests on at least k people on each side
// or it is null ("—" here); small departments never appear by name. This
// tab says how much was hidden, in words.
import { h } from './dom.js';
import { plural } from './qa.js';
import { PALETTE } from './chart.js';
import {
  dayText, num, val, chartCard, simpleTable, drawPlans,
} from './report-common.js';

const KIND_LABELS = {
  replies: 'Replies', answers: 'Answers', mentions: 'Mentions', likes: 'Likes', endorsements: 'Endorsements', customer: 'Customer collaboration',
};

export const NETWORK = {
  id: 'network',
  label: 'Network',
  path: '/reports/network',
  options: [],
  csvName: (s) => `network-${s.from}-${s.to}.csv`,
  lead: 'Who works with whom across departments: the interactions between them, the departments that bridge the others, and which ones keep to themselves.',
  summary: (r) => `${plural((r.departments || []).length, 'department', 'departments')} shown`,
  draw: drawNetwork,
};

function deptName(d) {
  return d.department === '' ? 'No department' : (d.label || d.department);
}

/** The heat colour of a share 0..1 (the chart palette's blue). */
function heat(share) {
  const a = 0.08 + 0.92 * Math.max(0, Math.min(1, share));
  return { background: `rgb(59 99 240 / ${Math.round(a * 100)}%)`, dark: a > 0.55 };
}

export function drawNetwork(body, r, { charts, isCurrent, announce }) {
  const depts = r.departments || [];
  const matrix = r.matrix || [];
  const other = r.other || {};
  const k = r.k ?? 5;
  const kinds = r.kinds || Object.keys(KIND_LABELS);
  const hiddenDepts = Number(other.departments) || 0;
  const hiddenCells = Number(other.cells) || 0;

  body.append(h('div', { class: 'notice notice-info report-note report-explain', id: 'network-privacy' },
    h('p', null,
      r.requested && (r.requested.from !== r.from || r.requested.to !== r.to)
        ? `Whole weeks (Monday to Sunday, UTC) from ${dayText(r.from)} to ${dayText(r.to)}. ` : '',
      `A pair of departments is shown only for the weeks in which at least ${k} people acted and at least ${k} people were on the receiving end. `,
      hiddenDepts || hiddenCells
        ? `Folded into “Other” to protect privacy: ${plural(hiddenDepts, 'department', 'departments')} not shown by name and ${plural(hiddenCells, 'pair of departments', 'pairs of departments')} without a week that could be shown (“—” in the matrix).`
        : 'Nothing had to be hidden.'),
    h('p', { class: 'small' }, 'People who opted out of analytics are not counted at all. No report ever lists individuals.')));

  if (!depts.length) {
    body.append(h('p', { class: 'muted empty-inline', id: 'network-empty' },
      hiddenDepts || hiddenCells ? 'Nothing can be shown for these weeks without identifying people.' : 'No interactions between departments in these weeks.'));
    return;
  }

  body.append(heatmap());
  const chartsBox = h('div', { class: 'chart-grid', id: 'network-charts' });
  body.append(chartsBox, cellsTable(), method());
  drawCharts(chartsBox);

  function heatmap() {
    let max = 0;
    for (const row of matrix) for (const v of row || []) if (v !== null && Number(v) > max) max = Number(v);
    const id = 'network-heatmap';
    const table = h('table', { class: 'heatmap', id },
      h('caption', { class: 'visually-hidden' }, 'Interactions from the department of each row to the department of each column'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, h('span', { class: 'small muted' }, 'From ↓ · to →')),
        depts.map((d) => h('th', { scope: 'col' }, deptName(d))))),
      h('tbody', null, depts.map((from, i) => h('tr', { dataset: { from: from.department } },
        h('th', { scope: 'row' }, deptName(from)),
        depts.map((to, j) => {
          const v = (matrix[i] || [])[j];
          const masked = v === null || v === undefined;
          const td = h('td', {
            class: [masked ? 'is-masked' : null, i === j ? 'is-diagonal' : null],
            dataset: { to: to.department },
            title: masked ? `${deptName(from)} → ${deptName(to)}: not shown` : `${deptName(from)} → ${deptName(to)}: ${num(v)}`,
          }, masked ? '—' : num(v));
          if (!masked && max > 0) {
            const c = heat(Number(v) / max);
            td.style.backgroundColor = c.background;
            if (c.dark) td.style.color = '#fff';
          }
          return td;
        })))));
    return h('section', { class: 'card', 'aria-labelledby': `${id}-title` },
      h('h2', { class: 'card-title', id: `${id}-title` }, 'Interactions between departments'),
      h('p', { class: 'small muted' }, 'Each row is the department that acted, each column the one it reached; the diagonal is work within a department. Darker is more.'),
      h('div', { class: 'heatmap-wrap table-wrap', tabindex: '0', 'aria-labelledby': `${id}-title` }, table),
      h('p', { class: 'heatmap-legend', 'aria-hidden': 'true' }, '0', h('span', { class: 'heatmap-scale' }), num(max)));
  }

  function cellsTable() {
    const cells = r.cells || [];
    return h('details', { class: 'card chart-data network-cells' },
      h('summary', null, `Each pair of departments by kind of interaction (${plural(cells.length, 'pair', 'pairs')})`),
      h('div', { class: 'table-wrap' },
        simpleTable(['From', 'To', ...kinds.map((x) => KIND_LABELS[x] || x), 'Total'],
          cells.map((c) => [
            c.from === '' ? 'No department' : (c.from_label || c.from),
            c.to === '' ? 'No department' : (c.to_label || c.to),
            ...kinds.map((x) => num(c[x])), num(c.total)]),
          { caption: 'Interactions per pair of departments and kind' })));
  }

  function method() {
    const m = r.method || {};
    return h('div', { class: 'small muted report-explain', id: 'network-method' },
      m.ei_index ? h('p', null, h('strong', null, 'E-I index: '), m.ei_index) : null,
      m.betweenness ? h('p', null, h('strong', null, 'Bridging: '), m.betweenness) : null);
  }

  async function drawCharts(box) {
    const plans = [];
    const bridges = (r.bridges || []).filter((b) => val(b.betweenness) !== null);
    if (bridges.length) {
      const c = chartCard('chart-network-bridges', 'Departments that bridge others most',
        'Betweenness, 0 to 1: the share of shortest paths between other departments that pass through this one.',
        simpleTable(['Department', 'Betweenness'], bridges.map((b) => [b.department === '' ? 'No department' : (b.label || b.department), num(b.betweenness, 3)])));
      box.append(c.card);
      plans.push([c.canvas, {
        type: 'bar',
        data: {
          labels: bridges.map((b) => (b.department === '' ? 'No department' : (b.label || b.department))),
          datasets: [{ label: 'Betweenness', data: bridges.map((b) => val(b.betweenness)), backgroundColor: PALETTE[4] }],
        },
        options: { indexAxis: 'y', scales: { x: { min: 0, max: 1 } } },
      }]);
    } else {
      box.append(h('section', { class: 'card chart-card', id: 'network-no-bridges', 'aria-labelledby': 'network-no-bridges-title' },
        h('h2', { class: 'card-title', id: 'network-no-bridges-title' }, 'Departments that bridge others most'),
        h('p', { class: 'muted' }, 'No department stands between others in these weeks (it takes at least three connected departments).')));
    }
    const withEi = depts.filter((d) => val(d.ei_index) !== null);
    const c2 = chartCard('chart-network-ei', 'E-I index per department',
      'From −1 (all interactions inside the department: a silo) to 1 (all with other departments).',
      simpleTable(['Department', 'Internal', 'External', 'E-I index'], depts.map((d) => [deptName(d), num(d.internal), num(d.external), num(d.ei_index, 2)])));
    box.append(c2.card);
    plans.push([c2.canvas, {
      type: 'bar',
      data: {
        labels: withEi.map(deptName),
        datasets: [{
          label: 'E-I index',
          data: withEi.map((d) => val(d.ei_index)),
          backgroundColor: withEi.map((d) => (Number(d.ei_index) < 0 ? PALETTE[1] : PALETTE[2])),
        }],
      },
      options: { indexAxis: 'y', scales: { x: { min: -1, max: 1 } }, plugins: { legend: { display: false } } },
    }]);
    await drawPlans(plans, charts, { box, isCurrent, announce });
  }
}
