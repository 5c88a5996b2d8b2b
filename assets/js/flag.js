// Reporting content to the moderators ("flagging"), and how hidden content
// shows. The house rules are the reasons; the API is POST /api/v1/flags
// (app/moderation.c).
//
//   bar.append(flagButton({ type: 'post', id: post.id, what: 'post' }));
//   hiddenNote(post.moderation)   "Hidden by a moderator: <why>" for the
//                                 author and moderators, who still see it
//   hiddenPlaceholder('post')     what everyone else sees instead
//
// The dialog is a native <dialog> opened with showModal(): focus stays in
// it, Escape closes it, and focus goes back to the Report button. The
// reasons are radio buttons (arrow keys move between them); the note is
// optional. A second report of the same thing by the same person is a 409:
// the button then says so, and nothing is lost.
import { h, uid } from './dom.js';
import { api, ApiError } from './api.js';
import { errorMessage } from './forms.js';
import { announce } from './shell.js';
import { icon } from './icons.js';
import { codePoints } from './text.js';

export const NOTE_MAX = 1000;

/** [value, label, hint] in the order of the house rules. */
export const FLAG_REASONS = [
  ['harassment', 'Personal attack', 'Disagree with ideas, never attack people.'],
  ['off_topic', 'Off topic', 'Does not belong here.'],
  ['sensitive_topic', 'Sex, politics or religion', 'Topics kept out of work conversations.'],
  ['confidential', 'Confidential', 'Information that must not be shared here.'],
  ['spam', 'Spam', 'Advertising or repeated noise.'],
  ['other', 'Other', 'Say what is wrong in the note.'],
];

/** Human label of a reason or a policy category ('harassment' -> 'Personal attack'). */
export function reasonLabel(reason) {
  const r = FLAG_REASONS.find(([v]) => v === reason);
  return r ? r[1] : String(reason || '');
}

// A flag on a pole, drawn like icons.js's line icons (which has none).
const FLAG_PATH = 'M5 21V4M5 4h11l-2 4 2 4H5';

function flagIcon() {
  const svg = icon('flag');
  svg.querySelector('path').setAttribute('d', FLAG_PATH);
  return svg;
}

const NOUNS = { post: 'post', question: 'question', answer: 'answer', bookmark: 'bookmark' };

/** What the author and moderators see above hidden content. */
export function hiddenNote(moderation, what = 'post') {
  const reason = moderation && moderation.reason;
  return h('p', { class: 'hidden-note', role: 'note' },
    h('span', { class: 'badge badge-danger' }, 'Hidden by a moderator'),
    ' ',
    h('span', { class: 'hidden-note-text' },
      reason ? ['Only you and the moderators see this ', NOUNS[what] || 'item', '. Reason: ', h('q', { class: 'hidden-reason' }, reason)]
        : `Only you and the moderators see this ${NOUNS[what] || 'item'}.`));
}

/** What everyone else sees in place of hidden content. */
export function hiddenPlaceholder(what = 'post', className = 'hidden-placeholder') {
  return h('p', { class: className }, `Hidden by a moderator. This ${NOUNS[what] || 'item'} breaks the house rules.`);
}

/** The reported state of a button: disabled for clicks but still focusable
 *  and named (aria-disabled), so the reason stays readable. */
function markReported(button, text) {
  button.setAttribute('aria-disabled', 'true');
  button.classList.add('is-reported');
  const label = button.querySelector('.post-action-label');
  if (label) label.textContent = 'Reported';
  button.setAttribute('aria-label', text);
  button.title = text;
}

/**
 * A "Report" button that opens the dialog. type: post|question|answer|
 * bookmark; what: words for the thing ('post by Ann'); className: the
 * button's classes (the card's action style).
 */
export function flagButton({ type, id, what, className = 'post-action post-action-flag' }) {
  const button = h('button', {
    type: 'button', class: className, 'aria-haspopup': 'dialog', 'aria-label': `Report ${what || NOUNS[type] || 'this'}`,
    dataset: { flagType: type, flagId: String(id) },
  }, flagIcon(), h('span', { class: 'post-action-label' }, 'Report'));
  button.addEventListener('click', () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    openFlagDialog({ type, id, what, opener: button });
  });
  return button;
}

/** Opens the report dialog; resolves to 'sent', 'already' or null. */
export function openFlagDialog({ type, id, what, opener = null }) {
  const base = uid('flag');
  const noun = NOUNS[type] || 'item';
  const alert = h('div', { class: 'form-alert', role: 'alert' });
  const radios = FLAG_REASONS.map(([value, label, hint]) => {
    const rid = `${base}-${value}`;
    return h('div', { class: 'flag-reason' },
      h('input', { type: 'radio', name: 'reason', id: rid, value, 'aria-describedby': `${rid}-hint` }),
      h('div', { class: 'flag-reason-text' },
        h('label', { for: rid, class: 'flag-reason-label' }, label),
        h('span', { class: 'flag-reason-hint small muted', id: `${rid}-hint` }, hint)));
  });
  const reasonError = h('p', { class: 'field-error', id: `${base}-reason-error` });
  const note = h('textarea', {
    id: `${base}-note`, name: 'note', rows: 3, maxlength: String(NOTE_MAX),
    'aria-describedby': `${base}-note-hint ${base}-note-error`,
  });
  const send = h('button', { type: 'submit', class: 'btn btn-danger' }, 'Send report');
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost', value: 'cancel' }, 'Cancel');
  const form = h('form', { class: 'flag-form', method: 'dialog', novalidate: true },
    alert,
    h('fieldset', { class: 'flag-reasons', 'aria-describedby': `${base}-reason-error` },
      h('legend', null, 'Which house rule does it break?'),
      radios,
      reasonError),
    h('div', { class: 'field' },
      h('label', { for: `${base}-note` }, 'Note for the moderators', h('span', { class: 'optional' }, ' (optional)')),
      note,
      h('p', { class: 'field-hint', id: `${base}-note-hint` }, `What should they look at? At most ${NOTE_MAX.toLocaleString()} characters. The author is not told who reported it.`),
      h('p', { class: 'field-error', id: `${base}-note-error` })),
    h('div', { class: 'form-actions' }, send, cancel));
  const dialog = h('dialog', { class: 'flag-dialog', 'aria-labelledby': `${base}-title`, 'aria-describedby': `${base}-lead` },
    h('h2', { class: 'flag-title', id: `${base}-title` }, `Report this ${noun}`),
    h('p', { class: 'flag-lead small muted', id: `${base}-lead` },
      what ? `You are reporting the ${what}. ` : '', 'A moderator will look at it.'),
    form);
  document.body.append(dialog);

  let outcome = null;
  let busy = false;
  return new Promise((resolve) => {
    // Leaving the page (Back, a link elsewhere) closes the dialog too.
    const leave = () => dialog.close();
    function done() {
      window.removeEventListener('hashchange', leave);
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(outcome);
    }
    dialog.addEventListener('close', done, { once: true });
    window.addEventListener('hashchange', leave);
    cancel.addEventListener('click', () => dialog.close());

    function fieldError(el, errEl, message) {
      el.setAttribute('aria-invalid', 'true');
      errEl.textContent = message;
    }
    function clearAll() {
      alert.replaceChildren();
      reasonError.textContent = '';
      form.querySelector(`#${base}-note-error`).textContent = '';
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      clearAll();
      const picked = form.querySelector('input[name="reason"]:checked');
      if (!picked) {
        fieldError(form.querySelector('.flag-reasons'), reasonError, 'Choose the rule it breaks.');
        form.querySelector('input[name="reason"]').focus();
        return;
      }
      const text = note.value.trim();
      if (codePoints(text) > NOTE_MAX) {
        fieldError(note, form.querySelector(`#${base}-note-error`), `Notes are at most ${NOTE_MAX.toLocaleString()} characters.`);
        note.focus();
        return;
      }
      busy = true;
      send.setAttribute('aria-busy', 'true');
      send.setAttribute('aria-disabled', 'true');
      send.textContent = 'Sending…';
      try {
        const body = { target_type: type, target_id: Number(id), reason: picked.value };
        if (text) body.note = text;
        await api.post('/flags', body);
        outcome = 'sent';
        if (opener) markReported(opener, `Reported: you reported this ${noun}`);
        announce(`Thank you. Your report about this ${noun} went to the moderators.`, 'success');
        dialog.close();
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          outcome = 'already';
          if (opener) markReported(opener, `Reported: you already reported this ${noun}`);
          announce(`You already reported this ${noun}; the moderators have it.`, 'info');
          dialog.close();
          return;
        }
        if (err instanceof ApiError && err.field === 'note') {
          fieldError(note, form.querySelector(`#${base}-note-error`), errorMessage(err));
          note.focus();
        } else if (err instanceof ApiError && err.field === 'reason') {
          fieldError(form.querySelector('.flag-reasons'), reasonError, errorMessage(err));
          picked.focus();
        } else {
          alert.replaceChildren(h('p', null, `The report was not sent: ${errorMessage(err)}`));
          send.focus();
        }
      } finally {
        busy = false;
        send.removeAttribute('aria-busy');
        send.removeAttribute('aria-disabled');
        send.textContent = 'Send report';
      }
    });

    dialog.showModal();
    radios[0].querySelector('input').focus();
  });
}
