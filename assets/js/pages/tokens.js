// #/tokens: personal access tokens. A new token's secret is shown exactly
// once, right after it is created; the list only has names and dates.
import { h, clear, pageHeader, time } from '../dom.js';
import { field, formAlert, submitButton, actions, handleSubmit, errorMessage } from '../forms.js';
import { api } from '../api.js';
import { accountNav } from '../account-nav.js';

export function render({ root, route, user, announce, isCurrent }) {
  const listSlot = h('div', { class: 'token-list', id: 'token-list', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading tokens…'));
  const revealSlot = h('div', { id: 'new-token-slot' });
  let revealedId = null;

  const form = h('form', { class: 'inline-form', id: 'token-form' },
    formAlert(),
    h('div', { class: 'inline-form-row' },
      field({
        name: 'name', id: 'token-name', label: 'Token name', required: true,
        hint: 'What will use it, for example “Weekly report script”.', attrs: { maxlength: '100' },
      }),
      actions(submitButton('Create token', { busyText: 'Creating…' }))));

  function hideReveal() {
    revealedId = null;
    clear(revealSlot);
  }

  function showReveal(created) {
    revealedId = created.id;
    const tokenInput = h('input', {
      id: 'new-token-value', class: 'token-value mono', type: 'text', readOnly: true,
      value: created.token, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'new-token-help',
    });
    tokenInput.addEventListener('focus', () => tokenInput.select());
    const copyButton = h('button', { type: 'button', class: 'btn btn-secondary', id: 'copy-token' }, 'Copy');
    copyButton.addEventListener('click', async () => {
      tokenInput.focus();
      tokenInput.select();
      let copied = false;
      try {
        await navigator.clipboard.writeText(tokenInput.value);
        copied = true;
      } catch {
        copied = document.execCommand && document.execCommand('copy');
      }
      announce(copied ? 'Token copied to the clipboard.' : 'Select the token and copy it with Ctrl+C (or ⌘C).', copied ? 'success' : 'info');
    });
    const done = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: () => { hideReveal(); form.elements.namedItem('name').focus(); } }, 'I have copied it');
    clear(revealSlot).append(h('section', { class: 'token-reveal', 'aria-labelledby': 'new-token-title' },
      h('h3', { id: 'new-token-title' }, `New token “${created.name}”`),
      h('p', { id: 'new-token-help' }, 'Copy this token now. For your security Parley will not show it again; if you lose it, revoke it and create a new one.'),
      h('div', { class: 'token-reveal-row' },
        h('label', { for: 'new-token-value', class: 'visually-hidden' }, 'Token value'),
        tokenInput, copyButton),
      h('p', null, done)));
    tokenInput.focus();
  }

  async function loadList() {
    listSlot.setAttribute('aria-busy', 'true');
    try {
      const r = await api.get('/me/tokens');
      if (!isCurrent()) return;
      drawList(r.items || []);
    } catch (err) {
      if (!isCurrent()) return;
      clear(listSlot).append(h('div', { class: 'notice notice-error' },
        h('p', null, `The tokens did not load: ${errorMessage(err)}`),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: loadList }, 'Try again')));
    } finally {
      listSlot.setAttribute('aria-busy', 'false');
    }
  }

  function drawList(items) {
    clear(listSlot);
    if (!items.length) {
      listSlot.append(h('p', { class: 'muted empty-inline' }, 'You have no access tokens.'));
      return;
    }
    const rows = items.map((t) => tokenRow(t));
    listSlot.append(h('div', { class: 'table-wrap' },
      h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, 'Your access tokens'),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col' }, 'Created'),
          h('th', { scope: 'col' }, 'Last used'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', null, rows))));
  }

  function tokenRow(t) {
    const cell = h('td', { class: 'table-actions' });
    const row = h('tr', { dataset: { tokenId: String(t.id) } },
      h('th', { scope: 'row', class: 'token-name' }, t.name),
      h('td', null, time(t.created_at, { withTime: true })),
      h('td', null, time(t.last_used_at, { withTime: true, fallback: 'Never' })),
      cell);

    function idle() {
      const revoke = h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm', 'aria-label': `Revoke ${t.name}` }, 'Revoke');
      revoke.addEventListener('click', () => confirming());
      clear(cell).append(revoke);
      return revoke;
    }

    function confirming() {
      const yes = h('button', { type: 'button', class: 'btn btn-danger btn-sm' }, 'Yes, revoke');
      const no = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Cancel');
      no.addEventListener('click', () => idle().focus());
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        no.disabled = true;
        try {
          await api.del(`/me/tokens/${encodeURIComponent(t.id)}`);
          if (revealedId === t.id) hideReveal();
          announce(`Token “${t.name}” revoked.`, 'success');
          await loadList();
          if (isCurrent()) form.elements.namedItem('name').focus();
        } catch (err) {
          announce(`Revoking failed: ${errorMessage(err)}`, 'error');
          if (err.status === 404) await loadList();
          else idle().focus();
        }
      });
      clear(cell).append(h('span', { class: 'confirm-text' }, 'Revoke this token?'), ' ', yes, ' ', no);
      yes.focus();
    }

    idle();
    return row;
  }

  handleSubmit(form, async ({ name }) => {
    const created = await api.post('/me/tokens', { name });
    form.reset();
    showReveal(created);
    announce('Token created. Copy it now: it will not be shown again.', 'success');
    await loadList();
  }, {
    validate: ({ name }) => (name ? {} : { name: 'Give the token a name.' }),
  });

  root.append(
    pageHeader('Access tokens', 'Personal access tokens let scripts and tools use the Parley API as you. Treat them like passwords.'),
    accountNav(route, user),
    h('section', { class: 'card', 'aria-labelledby': 'create-token-title' },
      h('h2', { id: 'create-token-title', class: 'card-title' }, 'Create a token'),
      form,
      revealSlot),
    h('section', { class: 'card', 'aria-labelledby': 'token-list-title' },
      h('h2', { id: 'token-list-title', class: 'card-title' }, 'Your tokens'),
      listSlot),
  );
  loadList();
}
