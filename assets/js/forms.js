// Accessible form building blocks and the submit/error cycle.
//
//   const form = h('form', { novalidate: true },
//     formAlert(),
//     field({ name: 'title', label: 'Job title' }),
//     actions(submitButton('Save')));
//   handleSubmit(form, async (values) => { await api.patch('/me', values); });
//
// An ApiError whose `field` names an input of the form is shown next to that
// input (aria-invalid + aria-describedby) and focuses it; any other error
// goes into the form's alert box (role="alert").
import { h, uid } from './dom.js';
import { ApiError } from './api.js';

/**
 * A labelled input: {name, label, type, value, hint, required, autocomplete,
 * multiline, rows, options: [[value, text]], attrs: {...}}.
 */
export function field(opts) {
  const id = opts.id || uid(`f-${opts.name}`);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [opts.hint ? hintId : null, errorId].filter(Boolean).join(' ');
  const common = {
    id,
    name: opts.name,
    required: opts.required || null,
    autocomplete: opts.autocomplete || null,
    'aria-describedby': describedBy,
    ...(opts.attrs || {}),
  };
  let control;
  if (opts.options) {
    control = h('select', common, opts.options.map(([value, text]) =>
      h('option', { value, selected: value === (opts.value ?? '') }, text)));
  } else if (opts.multiline) {
    control = h('textarea', { ...common, rows: opts.rows || 4 });
    control.value = opts.value ?? '';
  } else {
    control = h('input', { ...common, type: opts.type || 'text' });
    control.value = opts.value ?? '';
  }
  return h('div', { class: ['field', opts.class] },
    h('label', { for: id }, opts.label,
      opts.optional ? h('span', { class: 'optional' }, ' (optional)') : null),
    control,
    opts.hint ? h('p', { class: 'field-hint', id: hintId }, opts.hint) : null,
    h('p', { class: 'field-error', id: errorId }));
}

export function formAlert() {
  return h('div', { class: 'form-alert', role: 'alert' });
}

export function submitButton(text, { busyText, variant = 'primary' } = {}) {
  return h('button', { type: 'submit', class: ['btn', `btn-${variant}`], dataset: { label: text, busy: busyText || text } }, text);
}

export function actions(...children) {
  return h('div', { class: 'form-actions' }, children);
}

/** Values of the form's named controls, strings trimmed (not passwords). */
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    out[el.name] = el.type === 'password' ? el.value : el.value.trim();
  }
  return out;
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error, .form-alert')) el.replaceChildren();
  for (const el of form.querySelectorAll('.field.has-error')) el.classList.remove('has-error');
}

/** Marks one input invalid with a message next to it; false when the form
 *  has no such input. */
export function showFieldError(form, name, message, { focus = true } = {}) {
  const control = name && form.elements.namedItem(name);
  if (!control || !(control instanceof Element)) return false;
  control.setAttribute('aria-invalid', 'true');
  const wrapper = control.closest('.field');
  if (wrapper) wrapper.classList.add('has-error');
  const error = document.getElementById(`${control.id}-error`);
  if (error) error.textContent = message;
  if (focus) control.focus();
  return true;
}

export function showFormError(form, message) {
  const alert = form.querySelector('.form-alert');
  if (alert) {
    alert.replaceChildren(h('p', null, message));
  }
}

/** A readable sentence for an error, e.g. with the Retry-After wait. */
export function errorMessage(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong in the browser. Reload the page and try again.';
  if (err.code === 'rate_limited') {
    const wait = err.retryAfter;
    if (wait) {
      const minutes = Math.ceil(wait / 60);
      return `Too many attempts. Try again in ${wait < 90 ? `${wait} seconds` : `${minutes} minutes`}.`;
    }
    return 'Too many attempts. Try again later.';
  }
  return err.message;
}

/** Shows an error where it belongs (see the top of this file). */
export function showError(form, err) {
  if (err instanceof ApiError && err.field && showFieldError(form, err.field, errorMessage(err))) return;
  showFormError(form, errorMessage(err));
}

/**
 * Runs onSubmit(values, form) on submit with the submit button busy; errors
 * (thrown ApiErrors, or {field: message} from validate) are shown in the form.
 * validate(values) may return {name: message} for client-side problems.
 */
export function handleSubmit(form, onSubmit, { validate } = {}) {
  form.noValidate = true;
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(form);
    const values = formValues(form);
    const problems = validate ? validate(values) : null;
    if (problems && Object.keys(problems).length) {
      let first = true;
      for (const [name, message] of Object.entries(problems)) {
        if (!showFieldError(form, name, message, { focus: first })) showFormError(form, message);
        first = false;
      }
      return;
    }
    busy = true;
    const buttons = [...form.querySelectorAll('button[type="submit"]')];
    // aria-disabled, not disabled: a disabled button would drop keyboard
    // focus to <body>. `busy` already ignores repeated submits.
    for (const b of buttons) {
      b.setAttribute('aria-disabled', 'true');
      b.setAttribute('aria-busy', 'true');
      if (b.dataset.busy) b.textContent = b.dataset.busy;
    }
    try {
      await onSubmit(values, form);
    } catch (err) {
      if (!(err instanceof ApiError)) console.warn(err); // eslint-disable-line no-console
      if (form.isConnected) showError(form, err);
    } finally {
      busy = false;
      for (const b of buttons) {
        b.removeAttribute('aria-disabled');
        b.removeAttribute('aria-busy');
        if (b.dataset.label) b.textContent = b.dataset.label;
      }
    }
  });
  return form;
}
