// #/customers/channels — the support channels (admins and community
// managers): the list with each webhook's address, creating a channel,
// rotating its secret (the secret is shown once, right after either), a
// signed-delivery example, and importing a CSV of the "Customer Support on
// Twitter" layout into a channel with upload progress and the result.
import { h, clear, time } from '../dom.js';
import { api, upload } from '../api.js';
import { field, formAlert, submitButton, actions, handleSubmit, errorMessage } from '../forms.js';
import { plural } from '../qa.js';
import { icon } from '../icons.js';
import { codePoints } from '../text.js';
import { customerNav, CHANNEL_KINDS, kindLabel } from '../customer.js';

const IMPORT_MAX = 32 * 1024 * 1024;
const NAME_MAX = 100;

export function webhookUrl(id) {
  return `${location.origin}/api/v1/customer/channels/${encodeURIComponent(id)}/messages`;
}

/** A shell example that signs a delivery the way the webhook checks it. */
function curlExample(id) {
  return [
    'SECRET=whsec_…   # the secret shown once',
    `BODY='{"external_id":"m-1","direction":"inbound","author":"@customer","text":"Hello","sent_at":"2025-01-31T10:00:00Z"}'`,
    'SIG=$(printf \'%s\' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed \'s/^.* //\')',
    `curl -X POST '${webhookUrl(id)}' \\`,
    '  -H \'Content-Type: application/json\' \\',
    '  -H "X-Parley-Signature: sha256=$SIG" \\',
    '  --data-binary "$BODY"',
  ].join('\n');
}

async function copyText(text, input) {
  if (input) {
    input.focus();
    input.select();
  }
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return !!(document.execCommand && document.execCommand('copy'));
  }
}

export function render({ root, route, user, announce, isCurrent }) {
  let channels = [];
  const revealSlot = h('div', { id: 'secret-slot' });
  const listSlot = h('div', { id: 'channel-list', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading channels…'));

  /* ---- The secret, shown once ---------------------------------------- */
  function hideReveal() {
    clear(revealSlot);
  }
  function showSecret(channel, secret, what) {
    const input = h('input', {
      id: 'webhook-secret', class: 'token-value mono', type: 'text', readOnly: true, value: secret,
      spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'webhook-secret-warning',
    });
    input.addEventListener('focus', () => input.select());
    const copy = h('button', { type: 'button', class: 'btn btn-secondary', id: 'copy-secret' }, 'Copy');
    copy.addEventListener('click', async () => {
      const ok = await copyText(input.value, input);
      announce(ok ? 'Secret copied to the clipboard.' : 'Select the secret and copy it with Ctrl+C (or ⌘C).', ok ? 'success' : 'info');
    });
    const done = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id: 'secret-done' }, 'I have copied it');
    done.addEventListener('click', () => {
      hideReveal();
      document.getElementById('channel-list-title')?.focus();
    });
    clear(revealSlot).append(h('section', { class: 'token-reveal secret-reveal', 'aria-labelledby': 'secret-title' },
      h('h3', { id: 'secret-title' }, `${what} webhook secret of “${channel.name}”`),
      h('p', { id: 'webhook-secret-warning', class: 'secret-warning' },
        h('strong', null, 'Copy it now: Parley will not show it again. '),
        'Keep it where the sending system keeps its credentials. If it is lost or leaks, rotate it.'),
      h('div', { class: 'token-reveal-row' },
        h('label', { for: 'webhook-secret', class: 'visually-hidden' }, 'Webhook secret'),
        input, copy),
      h('p', { class: 'small' }, 'Deliveries to ', h('code', { class: 'mono' }, webhookUrl(channel.id)),
        ' are signed with it: the header X-Parley-Signature is sha256= and the hex HMAC-SHA256 of the raw body under this secret.'),
      h('p', null, done)));
    input.focus();
  }

  /* ---- Create ------------------------------------------------------------ */
  const createForm = h('form', { class: 'inline-form', id: 'channel-form' },
    formAlert(),
    h('div', { class: 'inline-form-row' },
      field({ name: 'name', id: 'channel-name', label: 'Name', required: true, hint: 'For example “Twitter @acme_support”.', attrs: { maxlength: String(NAME_MAX) } }),
      field({ name: 'kind', id: 'channel-kind', label: 'Kind', options: CHANNEL_KINDS, value: 'twitter' }),
      actions(submitButton('Create channel', { busyText: 'Creating…' }))));
  handleSubmit(createForm, async (v) => {
    const r = await api.post('/customer/channels', { name: v.name, kind: v.kind });
    createForm.elements.namedItem('name').value = '';
    announce(`Channel “${r.channel.name}” created. Copy its secret now: it will not be shown again.`, 'success');
    await loadList(String(r.channel.id));
    showSecret(r.channel, r.webhook_secret, 'The');
  }, {
    validate(v) {
      if (!v.name) return { name: 'Give the channel a name.' };
      if (codePoints(v.name) > NAME_MAX) return { name: `Names are at most ${NAME_MAX} characters.` };
      return {};
    },
  });

  /* ---- List ---------------------------------------------------------------- */
  async function loadList(select = null) {
    listSlot.setAttribute('aria-busy', 'true');
    try {
      const r = await api.get('/customer/channels');
      if (!isCurrent()) return;
      channels = r.items || [];
      drawList();
      drawImportChannels(select);
    } catch (err) {
      if (!isCurrent()) return;
      clear(listSlot).append(h('div', { class: 'notice notice-error' },
        h('p', null, `The channels did not load: ${errorMessage(err)}`),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: () => loadList() }, 'Try again')));
    } finally {
      listSlot.setAttribute('aria-busy', 'false');
    }
  }

  function drawList() {
    clear(listSlot);
    if (!channels.length) {
      listSlot.append(h('p', { class: 'muted empty-inline' }, 'No channels yet. Create one to receive messages.'));
      return;
    }
    listSlot.append(h('div', { class: 'table-wrap' },
      h('table', { class: 'table channel-table' },
        h('caption', { class: 'visually-hidden' }, 'Channels'),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col' }, 'Kind'),
          h('th', { scope: 'col' }, 'Webhook address'),
          h('th', { scope: 'col' }, 'Created'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', null, channels.map(channelRow)))),
    h('details', { class: 'webhook-help' },
      h('summary', null, 'How to send a signed delivery'),
      h('p', { class: 'small' }, 'One message or an array of up to 1,000, as JSON. Replays of the same external_id change nothing; a reply names its parent in in_reply_to_external_id.'),
      h('pre', { class: 'code-block', id: 'curl-example', tabindex: '0', 'aria-label': 'Example delivery with curl' },
        h('code', null, curlExample(channels[channels.length - 1].id)))));
  }

  function channelRow(c) {
    const cell = h('td', { class: 'table-actions' });
    const row = h('tr', { dataset: { channelId: String(c.id) } },
      h('th', { scope: 'row' }, c.name),
      h('td', null, kindLabel(c.kind)),
      h('td', null, h('code', { class: 'mono webhook-url' }, webhookUrl(c.id))),
      h('td', null, time(c.created_at)),
      cell);

    function idle() {
      const rotate = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'aria-label': `Rotate the secret of ${c.name}` }, 'Rotate secret');
      rotate.addEventListener('click', confirming);
      clear(cell).append(rotate);
      return rotate;
    }
    function confirming() {
      const yes = h('button', { type: 'button', class: 'btn btn-danger btn-sm' }, 'Yes, rotate');
      const no = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Cancel');
      no.addEventListener('click', () => idle().focus());
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        no.disabled = true;
        try {
          const r = await api.post(`/customer/channels/${encodeURIComponent(c.id)}/secret`);
          idle();
          announce(`New secret for “${c.name}”: the old one no longer works.`, 'success');
          showSecret(c, r.webhook_secret, 'New');
        } catch (err) {
          announce(`Rotating failed: ${errorMessage(err)}`, 'error');
          idle().focus();
        }
      });
      clear(cell).append(h('span', { class: 'confirm-text' }, 'The old secret stops working at once. Rotate?'), ' ', yes, ' ', no);
      yes.focus();
    }
    idle();
    return row;
  }

  /* ---- Import ------------------------------------------------------------ */
  const importChannel = h('select', { id: 'import-channel', name: 'channel' });
  const fileInput = h('input', { type: 'file', id: 'import-file', class: 'file-input', accept: '.csv,text/csv' });
  const fileLabel = h('label', { for: 'import-file', class: 'btn btn-secondary' }, icon('upload'), 'Choose a CSV file…');
  const importArea = h('div', { class: 'import-area', id: 'import-area', 'aria-live': 'polite' });

  function drawImportChannels(select) {
    const current = select || importChannel.value;
    clear(importChannel);
    if (!channels.length) importChannel.append(h('option', { value: '' }, 'Create a channel first'));
    for (const c of channels) {
      importChannel.append(h('option', { value: String(c.id), selected: String(c.id) === current }, `${c.name} (${kindLabel(c.kind)})`));
    }
  }

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    clear(importArea);
    const channelId = importChannel.value;
    const channel = channels.find((c) => String(c.id) === channelId);
    if (!channel) {
      importArea.append(h('div', { class: 'notice notice-error' }, h('p', null, 'Choose the channel to import into first.')));
      fileInput.value = '';
      return;
    }
    if (file.size > IMPORT_MAX) {
      importArea.append(h('div', { class: 'notice notice-error' }, h('p', null, `${file.name} is too large to import (at most 32 MB).`)));
      fileInput.value = '';
      return;
    }
    const bar = h('progress', { max: '100', value: '0', id: 'import-progress', 'aria-label': `Uploading ${file.name}` });
    const phase = h('p', { id: 'import-phase' }, `Uploading ${file.name} (${sizeText(file.size)}) to “${channel.name}”…`);
    const percent = h('span', { class: 'progress-label', id: 'import-percent' }, '0%');
    const card = h('div', { class: 'card import-card', 'aria-busy': 'true' }, phase, h('div', { class: 'progress-row' }, bar, percent));
    importArea.append(card);
    fileLabel.setAttribute('aria-disabled', 'true');
    fileInput.disabled = true;
    importChannel.disabled = true;
    let uploaded = false;
    try {
      const r = await upload(`/customer/import?channel=${encodeURIComponent(channelId)}`, file, {
        contentType: 'text/csv',
        onProgress: (loaded, total) => {
          if (!total) return;
          const p = Math.min(100, Math.round((loaded / total) * 100));
          bar.value = p;
          percent.textContent = `${p}%`;
          if (loaded >= total && !uploaded) {
            uploaded = true;
            // The server reads the rows now: no more byte counts to show.
            bar.removeAttribute('value');
            bar.setAttribute('aria-label', `Importing the rows of ${file.name}`);
            percent.textContent = '';
            phase.textContent = `Uploaded. Parley is reading the rows of ${file.name}…`;
          }
        },
      });
      if (!isCurrent()) return;
      clear(importArea).append(importResult(file.name, channel, r));
      announce(`Imported ${file.name}: ${plural(r.imported ?? 0, 'message', 'messages')}.`, 'success');
    } catch (err) {
      if (!isCurrent()) return;
      clear(importArea).append(h('div', { class: 'notice notice-error', id: 'import-error' },
        h('p', null, `${file.name} was not imported: ${errorMessage(err)}`)));
    } finally {
      fileLabel.removeAttribute('aria-disabled');
      fileInput.disabled = false;
      importChannel.disabled = false;
      fileInput.value = '';
    }
  });

  root.append(
    h('div', { class: 'page-header' },
      h('h1', { tabindex: '-1', class: 'page-title' }, 'Customer channels'),
      h('p', { class: 'page-lead' }, 'Where customer messages come from. Each channel receives signed deliveries at its webhook address, or takes a CSV import.')),
    customerNav(route, user),
    h('section', { class: 'card', 'aria-labelledby': 'channel-create-title' },
      h('h2', { class: 'card-title', id: 'channel-create-title' }, 'New channel'),
      createForm,
      revealSlot),
    h('section', { class: 'card', 'aria-labelledby': 'channel-list-title' },
      h('h2', { class: 'card-title', id: 'channel-list-title', tabindex: '-1' }, 'Channels'),
      listSlot),
    h('section', { class: 'card', 'aria-labelledby': 'import-title' },
      h('h2', { class: 'card-title', id: 'import-title' }, 'Import a CSV'),
      h('p', { class: 'small muted', id: 'import-help' },
        'The layout of the public “Customer Support on Twitter” data set: a header with tweet_id, author_id, inbound, created_at, text and in_response_to_tweet_id (any order, other columns ignored). Up to 32 MB. Importing the same file again changes nothing.'),
      h('div', { class: 'import-controls' },
        h('div', { class: 'field' }, h('label', { for: 'import-channel' }, 'Into channel'), importChannel),
        h('div', { class: 'field' }, fileInput, fileLabel)),
      importArea),
  );
  loadList();
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function importResult(name, channel, r) {
  const rejected = r.rejected || [];
  const total = r.rejected_total ?? rejected.length;
  return h('div', { class: 'card import-card', id: 'import-result' },
    h('h3', { class: 'card-title' }, `Imported ${name} into “${channel.name}”`),
    h('ul', { class: 'import-counts' },
      h('li', { id: 'import-imported' }, h('strong', null, String(r.imported ?? 0)), ` ${(r.imported ?? 0) === 1 ? 'message' : 'messages'} imported`),
      h('li', { id: 'import-duplicates' }, h('strong', null, String(r.duplicates ?? 0)), ' already there'),
      h('li', { id: 'import-conversations' }, h('strong', null, String(r.conversations ?? 0)), ` ${(r.conversations ?? 0) === 1 ? 'conversation' : 'conversations'} opened`),
      h('li', { id: 'import-rejected-count' }, h('strong', null, String(total)), ` ${total === 1 ? 'row' : 'rows'} rejected`)),
    rejected.length
      ? h('details', { class: 'import-rejected', open: rejected.length <= 10 },
        h('summary', null, `Why ${plural(total, 'row was', 'rows were')} rejected`),
        h('ul', { id: 'import-rejected-list' }, rejected.map((x) => h('li', null, h('span', { class: 'mono' }, `Row ${x.row}`), `: ${x.reason}`))),
        total > rejected.length ? h('p', { class: 'small muted' }, `The first ${rejected.length.toLocaleString()} are listed.`) : null)
      : null);
}
