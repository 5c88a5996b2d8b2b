// #/moderation — the moderators' page (app/moderation.c, policy.c,
// modaudit.c): the queue of reported content (open: oldest first;
// resolved: most recent first), each case with its excerpt, author, the
// flags with their reasons and the policy term that raised it, and the
// actions hide / dismiss / restore, each with a reason the author is told;
// the audit log; and for admins the policy terms and the time to first
// moderator action per community.
//
// Who gets here: the link is in the header for admins and community
// managers (nav.js); a community's own managers may moderate that
// community but /me does not say who they are, so the route is open to
// everyone signed in and the server decides: a 403 from the queue shows
// "No access" (as the router does for roles).
//
// The view is in the address: #/moderation?view=open|resolved|audit|
// policy|stats.
import { h, clear, append, pageHeader, link, time } from '../dom.js';
import { api, ApiError } from '../api.js';
import { errorMessage, showFieldError, showFormError, clearErrors } from '../forms.js';
import { pagedList, withCursor } from '../paged.js';
import { tabs } from '../tabs.js';
import { plural, questionHref } from '../qa.js';
import { profileHref } from '../post.js';
import { externalLink } from '../bookmark.js';
import { minutesText } from '../customer.js';
import { FLAG_REASONS, reasonLabel } from '../flag.js';
import { PALETTE } from '../chart.js';
import { chartCard, simpleTable, drawPlans, destroyCharts, num } from '../report-common.js';

const PAGE = 20;
const REASON_MAX = 500;
const TYPE_LABELS = { post: 'Post', question: 'Question', answer: 'Answer', bookmark: 'Bookmark' };

const ACTIONS = {
  hide: {
    label: 'Hide', busy: 'Hiding…', done: 'Hidden. The author is told why.',
    prompt: 'Why hide it? The author reads this.', variant: 'btn-danger',
  },
  dismiss: {
    label: 'Dismiss', busy: 'Dismissing…', done: 'Dismissed: the content stays as it is.',
    prompt: 'Why does it stay? The author reads this.', variant: 'btn-secondary',
  },
  restore: {
    label: 'Restore', busy: 'Restoring…', done: 'Restored: everyone sees it again.',
    prompt: 'Why restore it? The author reads this.', variant: 'btn-secondary',
  },
};

/** Where the reported content is: a route link, or the bookmark's address.
 *  Posts have no title: "Post by Ann" (the text is below); answers are
 *  named after their question. */
function targetLink(t, author) {
  const by = author ? ` by ${author.display_name || `@${author.handle}`}` : '';
  const title = t.type === 'answer'
    ? `Answer${by}${t.title ? ` to “${t.title}”` : ''}`
    : t.title || `${TYPE_LABELS[t.type] || 'Item'}${by}`;
  switch (t.type) {
    case 'post': return h('a', { href: link(`posts/${t.id}`), class: 'mod-target-link' }, title);
    case 'question': return h('a', { href: questionHref(t.id), class: 'mod-target-link' }, title);
    case 'answer':
      return t.question_id
        ? h('a', { href: `${questionHref(t.question_id)}?answer=${encodeURIComponent(t.id)}`, class: 'mod-target-link' }, title)
        : h('span', { class: 'mod-target-link' }, title);
    case 'bookmark': return externalLink(t.url, title, 'mod-target-link');
    default: return h('span', { class: 'mod-target-link' }, title);
  }
}

function userLink(u) {
  if (!u) return h('span', { class: 'muted' }, 'someone');
  return h('a', { href: profileHref(u.handle) }, u.display_name || `@${u.handle}`);
}

function termText(term) {
  return [h('q', { class: 'mod-term-pattern' }, term.pattern), ` (${reasonLabel(term.category)})`];
}

function actionName(a) {
  return { hide: 'Hidden', dismiss: 'Dismissed', restore: 'Restored' }[a] || String(a || '');
}

export async function render({ root, query, user, announce, isCurrent }) {
  const isAdmin = !!user && user.role === 'admin';
  const views = [['open', 'Open reports'], ['resolved', 'Resolved'], ['audit', 'Audit log']];
  if (isAdmin) views.push(['policy', 'Policy terms'], ['stats', 'Response times']);
  let view = views.some(([v]) => v === query.get('view')) ? query.get('view') : 'open';

  // The server says who moderates: a 403 here is "No access".
  const probe = h('p', { class: 'muted' }, 'Loading the moderation queue…');
  root.append(probe);
  let first = null;
  try {
    first = await api.get(withCursor(`/moderation/queue?status=${view === 'resolved' ? 'resolved' : 'open'}`, null, PAGE));
  } catch (err) {
    if (!isCurrent()) return null;
    probe.remove();
    if (err instanceof ApiError && err.status === 403) {
      document.title = 'No access · Parley';
      root.append(
        pageHeader('No access', 'Moderation is for community managers, the managers of a community and admins.'),
        h('p', null, h('a', { href: link('home') }, 'Go to the start page')));
      return null;
    }
    root.append(pageHeader('Moderation', null),
      h('div', { class: 'notice notice-error' }, h('p', null, `The queue did not load: ${errorMessage(err)}`)));
    return null;
  }
  if (!isCurrent()) return null;
  probe.remove();

  const charts = [];
  const panel = h('div', { id: 'moderation-panel' });
  const t = tabs({
    label: 'Moderation', items: views, value: view, id: 'mod-tabs',
    onChange: (v) => {
      view = v;
      syncAddress();
      show();
    },
  });

  function syncAddress() {
    const target = `#/moderation?view=${view}`;
    if (location.hash !== target) history.replaceState(history.state, '', target);
  }

  function show(preloaded = null) {
    destroyCharts(charts);
    clear(panel);
    if (view === 'open' || view === 'resolved') queueView(view, preloaded);
    else if (view === 'audit') auditView();
    else if (view === 'policy' && isAdmin) policyView();
    else if (view === 'stats' && isAdmin) statsView();
  }

  /* ---- The queue ---------------------------------------------------------- */
  function queueView(status, preloaded) {
    let pre = preloaded;
    const count = h('p', { class: 'muted small mod-count', id: 'mod-count', role: 'status', 'aria-live': 'polite' });
    const list = pagedList({
      label: status === 'open' ? 'Open reports, oldest first' : 'Resolved reports, most recent first',
      more: 'Load more reports',
      empty: status === 'open' ? 'Nothing to moderate. Every report has been dealt with.' : 'Nothing resolved yet.',
      what: 'The queue',
      listClass: 'mod-queue',
      id: 'mod-queue',
      isCurrent,
      load: (cursor) => {
        if (!cursor && pre) {
          const r = pre;
          pre = null;
          return Promise.resolve(r);
        }
        return api.get(withCursor(`/moderation/queue?status=${status}`, cursor, PAGE));
      },
      item: (c) => caseItem(c, status, list, count),
      onLoaded: (r, { count: n }) => {
        count.textContent = `${plural(n, 'case', 'cases')} shown${r.next_cursor ? ', more below' : ''}.`;
      },
    });
    panel.append(
      h('p', { class: 'small muted mod-help' }, status === 'open'
        ? 'Reports on the same item are one case. Acting on a case answers all its reports; the author is told the reason, never who reported it.'
        : 'Cases already dealt with. A hidden item can be restored.'),
      count,
      list.element);
    list.reload();
  }

  function caseItem(c, status, list, count) {
    const tg = c.target || {};
    const flags = c.flags || [];
    const terms = flags.filter((f) => f.term);
    const li = h('li', { class: 'card mod-case', id: `case-${c.id}`, tabindex: '-1', dataset: { caseId: String(c.id), targetType: tg.type, targetId: String(tg.id) } });
    const headingId = `case-${c.id}-title`;
    li.setAttribute('aria-labelledby', headingId);

    function draw() {
      const actionsBar = h('div', { class: 'mod-actions', role: 'group', 'aria-label': 'Moderation actions' });
      const choices = [];
      if (c.status === 'open') choices.push('hide', 'dismiss');
      else if (tg.hidden) choices.push('restore');
      else if (!tg.deleted) choices.push('hide');
      for (const a of choices) {
        const b = h('button', { type: 'button', class: ['btn', 'btn-sm', ACTIONS[a].variant], dataset: { action: a } }, ACTIONS[a].label);
        b.addEventListener('click', () => openAction(a, actionsBar, b));
        actionsBar.append(b);
      }
      append(clear(li), [
        h('div', { class: 'mod-case-head' },
          h('span', { class: 'badge mod-type' }, TYPE_LABELS[tg.type] || tg.type),
          tg.hidden ? h('span', { class: 'badge badge-danger' }, 'Hidden') : null,
          tg.deleted ? h('span', { class: 'badge' }, 'Deleted by its author') : null,
          h('h2', { class: 'mod-case-title', id: headingId }, targetLink(tg, c.author)),
          tg.community ? h('a', { class: 'mod-community small', href: link(`communities/${encodeURIComponent(tg.community)}`) }, tg.community) : null),
        tg.excerpt ? h('blockquote', { class: 'mod-excerpt' }, tg.excerpt) : h('p', { class: 'muted mod-excerpt-empty' }, 'No text.'),
        h('p', { class: 'mod-byline small muted' },
          'By ', userLink(c.author),
          c.author && c.author.department ? ` (${c.author.department})` : null,
          ' · first reported ', time(c.opened_at, { withTime: true })),
        terms.length ? h('p', { class: 'mod-term', id: `case-${c.id}-term` },
          h('strong', null, 'Raised by the policy term '), termText(terms[0].term),
          terms.length > 1 ? ` and ${plural(terms.length - 1, 'more', 'more')}` : null) : null,
        h('div', { class: 'mod-reasons' },
          h('h3', { class: 'visually-hidden' }, 'Reasons'),
          h('ul', { class: 'chips mod-reason-chips', 'aria-label': 'Reasons given' }, (c.reasons || []).map((r) =>
            h('li', { class: 'chip', dataset: { reason: r.reason } }, reasonLabel(r.reason),
              h('span', { class: 'chip-count' }, h('span', { class: 'visually-hidden' }, ', times: '), String(r.count))))),
          h('span', { class: 'small muted' },
            `${plural(c.flag_count, 'report', 'reports')} from ${plural(c.flagger_count, 'person', 'people')}${terms.length ? ' and the policy' : ''}`)),
        h('details', { class: 'mod-flags' },
          h('summary', { class: 'small' }, 'Each report'),
          h('ol', { class: 'mod-flag-list' }, flags.map((f) => h('li', { class: 'mod-flag' },
            h('strong', null, reasonLabel(f.reason)),
            ' · ',
            f.flagger ? ['by ', userLink(f.flagger)] : (f.term ? ['policy term ', termText(f.term)] : 'automatic'),
            ' · ', time(f.created_at, { withTime: true }),
            f.note ? h('p', { class: 'mod-flag-note' }, f.note) : null)))),
        c.resolution ? h('p', { class: 'mod-resolution', id: `case-${c.id}-resolution` },
          h('strong', null, actionName(c.resolution.action)), ' by ', userLink(c.resolution.moderator), ' ',
          time(c.resolution.at, { withTime: true }), ': ', h('q', null, c.resolution.reason)) : null,
        actionsBar.children.length ? actionsBar : null]);
    }

    function openAction(action, bar, opener) {
      const a = ACTIONS[action];
      const id = `case-${c.id}-${action}-reason`;
      const textarea = h('textarea', { id, name: 'reason', rows: 2, required: true, 'aria-describedby': `${id}-error` });
      const confirm = h('button', { type: 'submit', class: ['btn', 'btn-sm', a.variant] }, a.label);
      const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Cancel');
      const form = h('form', { class: 'mod-action-form', novalidate: true, 'aria-label': `${a.label}: give a reason` },
        h('div', { class: 'form-alert', role: 'alert' }),
        h('div', { class: 'field' },
          h('label', { for: id }, a.prompt),
          textarea,
          h('p', { class: 'field-error', id: `${id}-error` })),
        h('div', { class: 'form-actions' }, confirm, cancel));
      bar.hidden = true;
      bar.after(form);
      textarea.focus();
      const close = () => {
        form.remove();
        bar.hidden = false;
        opener.focus();
      };
      cancel.addEventListener('click', close);
      form.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          close();
        }
      });
      let busy = false;
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (busy) return;
        clearErrors(form);
        const reason = textarea.value.trim();
        if (!reason) {
          showFieldError(form, 'reason', 'Give a reason: the author is told it.');
          return;
        }
        if ([...reason].length > REASON_MAX) {
          showFieldError(form, 'reason', `Reasons are at most ${REASON_MAX} characters.`);
          return;
        }
        busy = true;
        confirm.setAttribute('aria-busy', 'true');
        confirm.textContent = a.busy;
        try {
          const r = await api.post(`/moderation/flags/${flags[0].id}`, { action, reason });
          announce(a.done, 'success');
          if (status === 'open') {
            // Dealt with: it leaves the open queue; focus goes on.
            const next = li.nextElementSibling || li.previousElementSibling;
            li.remove();
            list.removed();
            count.textContent = `${plural(list.size(), 'case', 'cases')} shown.`;
            (next || document.querySelector('#mod-tabs [aria-selected="true"]'))?.focus();
          } else {
            tg.hidden = r && r.target ? !!r.target.hidden : action === 'hide';
            c.resolution = {
              action, reason, at: (r && r.action && r.action.created_at) || new Date().toISOString(),
              moderator: (r && r.action && r.action.moderator) || user,
            };
            draw();
            li.focus();
          }
        } catch (err) {
          busy = false;
          confirm.removeAttribute('aria-busy');
          confirm.textContent = a.label;
          if (err instanceof ApiError && err.field === 'reason') showFieldError(form, 'reason', errorMessage(err));
          else showFormError(form, `${a.label} failed: ${errorMessage(err)}`);
        }
      });
    }

    draw();
    return li;
  }

  /* ---- The audit log --------------------------------------------------------- */
  function auditView() {
    const list = pagedList({
      label: 'Audit log, newest first',
      more: 'Load older entries',
      empty: 'No moderation or admin actions yet.',
      what: 'The audit log',
      listClass: 'audit-list',
      id: 'audit-list',
      isCurrent,
      load: (cursor) => api.get(withCursor('/moderation/audit', cursor, PAGE)),
      item: (e) => {
        const tg = e.target || {};
        return h('li', { class: 'audit-entry', dataset: { action: e.action } },
          h('p', { class: 'audit-when small muted' }, time(e.created_at, { withTime: true })),
          h('p', { class: 'audit-what' },
            e.actor ? userLink(e.actor) : h('span', { class: 'muted' }, 'The system'), ' ',
            h('code', { class: 'audit-action' }, e.action),
            tg.type ? [' on ', `${TYPE_LABELS[tg.type] || tg.type} ${tg.id ?? ''}`.trim()] : null),
          e.reason ? h('p', { class: 'audit-why' }, 'Why: ', h('q', null, e.reason)) : null);
      },
    });
    panel.append(
      h('p', { class: 'small muted mod-help' }, 'Every moderation action (and, for admins, every admin action): who, what, when and why. Nothing here can be changed or removed.'),
      list.element);
    list.reload();
  }

  /* ---- Policy terms (admins) ---------------------------------------------- */
  async function policyView() {
    const loading = h('p', { class: 'muted' }, 'Loading the policy…');
    panel.append(loading);
    let terms;
    try {
      terms = (await api.get('/moderation/policy')).terms || [];
    } catch (err) {
      if (!isCurrent()) return;
      loading.replaceWith(h('div', { class: 'notice notice-error' }, h('p', null, `The policy did not load: ${errorMessage(err)}`)));
      return;
    }
    if (!isCurrent() || view !== 'policy') return;
    loading.remove();

    const tbody = h('tbody', { id: 'policy-rows' });
    const emptyRow = h('p', { class: 'muted small', id: 'policy-empty' }, 'No terms: nothing is flagged automatically.');
    const form = h('form', { class: 'card policy-form', id: 'policy-form', novalidate: true, 'aria-labelledby': 'policy-title' },
      h('h2', { class: 'card-title', id: 'policy-title' }, 'Policy terms'),
      h('p', { class: 'small muted', id: 'policy-help' },
        'New and edited posts, questions, answers and bookmarks that contain a term are put in the queue for review. ',
        'Terms are words or phrases, matched whole, ignoring case and accents; they are never patterns. Saving replaces the whole list; content already written is not rescanned.'),
      h('div', { class: 'form-alert', role: 'alert' }),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table policy-table', 'aria-describedby': 'policy-help' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Word or phrase'),
            h('th', { scope: 'col' }, 'Category'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Remove')))),
          tbody)),
      emptyRow,
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'btn btn-secondary', id: 'policy-add' }, 'Add a term'),
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'policy-save' }, 'Save terms')));

    function renumber() {
      [...tbody.children].forEach((tr, i) => {
        const p = tr.querySelector('input');
        const s = tr.querySelector('select');
        p.name = `terms[${i}].pattern`;
        p.id = `policy-${i}-pattern`;
        p.setAttribute('aria-describedby', `policy-${i}-pattern-error`);
        p.setAttribute('aria-label', `Term ${i + 1}`);
        tr.querySelector('.pattern-error').id = `policy-${i}-pattern-error`;
        s.name = `terms[${i}].category`;
        s.id = `policy-${i}-category`;
        s.setAttribute('aria-describedby', `policy-${i}-category-error`);
        s.setAttribute('aria-label', `Category of term ${i + 1}`);
        tr.querySelector('.category-error').id = `policy-${i}-category-error`;
        tr.querySelector('button').setAttribute('aria-label', `Remove term ${i + 1}${p.value ? ` “${p.value}”` : ''}`);
      });
      emptyRow.hidden = tbody.children.length > 0;
    }

    function row(term = { pattern: '', category: 'harassment' }) {
      const pattern = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
      pattern.value = term.pattern || '';
      const category = h('select', null, FLAG_REASONS.map(([v, label]) => h('option', { value: v, selected: v === term.category }, label)));
      const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-sm policy-remove' }, 'Remove');
      const tr = h('tr', { class: 'policy-row' },
        h('td', null, h('div', { class: 'field' }, pattern, h('p', { class: 'field-error pattern-error' }))),
        h('td', null, h('div', { class: 'field' }, category, h('p', { class: 'field-error category-error' }))),
        h('td', { class: 'table-actions' }, remove));
      pattern.addEventListener('change', renumber);
      remove.addEventListener('click', () => {
        const next = tr.nextElementSibling || tr.previousElementSibling;
        tr.remove();
        renumber();
        (next ? next.querySelector('input') : form.querySelector('#policy-add')).focus();
        announce('Term removed. Save to apply.', 'info');
      });
      return tr;
    }

    for (const term of terms) tbody.append(row(term));
    renumber();
    form.querySelector('#policy-add').addEventListener('click', () => {
      const tr = row();
      tbody.append(tr);
      renumber();
      tr.querySelector('input').focus();
    });

    let busy = false;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      clearErrors(form);
      for (const tr of tbody.children) tr.classList.remove('has-error');
      const list = [...tbody.children].map((tr) => ({
        pattern: tr.querySelector('input').value, category: tr.querySelector('select').value,
      }));
      busy = true;
      const save = form.querySelector('#policy-save');
      save.setAttribute('aria-busy', 'true');
      save.textContent = 'Saving…';
      try {
        const r = await api.put('/moderation/policy', { terms: list });
        const kept = r.terms || [];
        clear(tbody).append(...kept.map((x) => row(x)));
        renumber();
        const dropped = list.length - kept.length;
        announce(`Policy saved: ${plural(kept.length, 'term', 'terms')}${dropped > 0 ? ` (${plural(dropped, 'duplicate', 'duplicates')} dropped)` : ''}.`, 'success');
      } catch (err) {
        // "terms[3].pattern": the row's own input; "terms[3]" its pattern.
        const m = err instanceof ApiError && err.field ? /^terms\[(\d+)\](?:\.(pattern|category))?$/.exec(err.field) : null;
        if (m && showFieldError(form, `terms[${m[1]}].${m[2] || 'pattern'}`, errorMessage(err))) {
          tbody.children[Number(m[1])]?.classList.add('has-error');
        } else {
          showFormError(form, `The policy was not saved: ${errorMessage(err)}`);
        }
      } finally {
        busy = false;
        save.removeAttribute('aria-busy');
        save.textContent = 'Save terms';
      }
    });
    panel.append(form);
  }

  /* ---- Response times (admins) --------------------------------------------- */
  async function statsView() {
    const loading = h('p', { class: 'muted' }, 'Loading the figures…');
    panel.append(loading);
    let r;
    try {
      r = await api.get('/moderation/stats');
    } catch (err) {
      if (!isCurrent()) return;
      loading.replaceWith(h('div', { class: 'notice notice-error' }, h('p', null, `The figures did not load: ${errorMessage(err)}`)));
      return;
    }
    if (!isCurrent() || view !== 'stats') return;
    loading.remove();
    const items = r.items || [];
    const name = (x) => (x.community ? x.community.name || x.community.slug : 'Outside communities');
    const o = r.overall || {};
    const head = ['Community', 'Open reports', 'Open cases', 'Resolved cases', 'Median time to first action', '90th percentile'];
    const rowOf = (x) => [name(x), num(x.open_flags), num(x.open_cases), num(x.resolved_cases),
      minutesText(x.median_minutes_to_first_action, '—'), minutesText(x.p90_minutes_to_first_action, '—')];
    const table = h('table', { class: 'table report-table', id: 'stats-table' },
      h('caption', { class: 'visually-hidden' }, 'Time to first moderator action per community'),
      h('thead', null, h('tr', null, head.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
      h('tbody', null, items.map((x) => h('tr', { dataset: { community: x.community ? x.community.slug : '' } },
        rowOf(x).map((c, i) => (i ? h('td', { class: 'num' }, c) : h('th', { scope: 'row' }, c)))))),
      h('tfoot', null, h('tr', null, rowOf({ ...o, community: { name: 'Everywhere' } }).map((c, i) => (i ? h('td', { class: 'num' }, c) : h('th', { scope: 'row' }, c))))));
    panel.append(h('section', { class: 'card', 'aria-labelledby': 'stats-title' },
      h('h2', { class: 'card-title', id: 'stats-title' }, 'Time to first moderator action'),
      h('p', { class: 'small muted' }, 'From the first report on an item to the moderator action that answered it; later actions (a restore after a hide) do not count. “—”: nothing answered yet.'),
      h('div', { class: 'table-wrap', tabindex: '0', 'aria-labelledby': 'stats-title' }, table)));

    const timed = items.filter((x) => x.median_minutes_to_first_action !== null && x.median_minutes_to_first_action !== undefined);
    if (!timed.length) {
      panel.append(h('p', { class: 'muted', id: 'stats-no-chart' }, 'The chart appears once reports have been answered.'));
      return;
    }
    // The unit that suits the slowest figure: seconds, minutes or hours.
    const top = Math.max(...timed.map((x) => Number(x.p90_minutes_to_first_action ?? x.median_minutes_to_first_action) || 0));
    const [unit, per] = top < 2 ? ['seconds', 1 / 60] : top < 120 ? ['minutes', 1] : ['hours', 60];
    const inUnit = (m) => (m === null || m === undefined ? null : Math.round((Number(m) / per) * 100) / 100);
    const c = chartCard('chart-moderation-times', 'Time to first moderator action, per community',
      `Median and 90th percentile, in ${unit}.`,
      simpleTable(['Community', 'Median', '90th percentile'], timed.map((x) => [name(x),
        minutesText(x.median_minutes_to_first_action), minutesText(x.p90_minutes_to_first_action)])));
    const box = h('div', { class: 'chart-grid', id: 'stats-charts' }, c.card);
    panel.append(box);
    drawPlans([[c.canvas, {
      type: 'bar',
      data: {
        labels: timed.map(name),
        datasets: [
          { label: `Median (${unit})`, data: timed.map((x) => inUnit(x.median_minutes_to_first_action)), backgroundColor: PALETTE[0] },
          { label: `90th percentile (${unit})`, data: timed.map((x) => inUnit(x.p90_minutes_to_first_action)), backgroundColor: PALETTE[1] },
        ],
      },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, title: { display: true, text: unit } } } },
    }]], charts, { box, isCurrent, announce });
  }

  root.append(
    pageHeader('Moderation', 'Reports on posts, questions, answers and bookmarks against the house rules: no personal attacks, no sex, politics or religion, nothing confidential.'),
    t.element,
    t.panel(panel));
  syncAddress();
  show(view === 'open' || view === 'resolved' ? first : null);
  return () => destroyCharts(charts);
}
