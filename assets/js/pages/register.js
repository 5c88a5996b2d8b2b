// #/register: create an account, then continue to sign in with the new
// handle filled in.
import { h, pageHeader, link } from '../dom.js';
import { field, formAlert, submitButton, actions, handleSubmit } from '../forms.js';
import { api } from '../api.js';

const HANDLE = /^[a-z0-9_]{3,30}$/;

export function render({ root, navigate }) {
  const form = h('form', { class: 'stack', id: 'register-form', 'aria-labelledby': 'register-title' },
    formAlert(),
    field({
      name: 'display_name', id: 'register-display-name', label: 'Full name', required: true,
      autocomplete: 'name', attrs: { maxlength: '100' },
    }),
    field({
      name: 'handle', id: 'register-handle', label: 'Handle', required: true, autocomplete: 'username',
      hint: '3 to 30 lowercase letters, digits or underscores. Colleagues mention you with @handle.',
      attrs: { maxlength: '30', autocapitalize: 'none', spellcheck: 'false' },
    }),
    field({
      name: 'email', id: 'register-email', label: 'Work e-mail', type: 'email', required: true,
      autocomplete: 'email', attrs: { maxlength: '254' },
    }),
    field({
      name: 'password', id: 'register-password', label: 'Password', type: 'password', required: true,
      autocomplete: 'new-password', hint: 'At least 10 characters.', attrs: { minlength: '10' },
    }),
    actions(submitButton('Create account', { busyText: 'Creating account…' })));

  handleSubmit(form, async (values) => {
    const body = { ...values, handle: values.handle.toLowerCase() };
    const { user } = await api.post('/auth/register', body);
    navigate(`signin?created=1&login=${encodeURIComponent(user.handle)}`);
  }, {
    validate: (v) => {
      const problems = {};
      if (!v.display_name) problems.display_name = 'Enter your name as colleagues should see it.';
      if (!HANDLE.test(v.handle.toLowerCase())) problems.handle = 'A handle is 3 to 30 letters, digits or underscores.';
      if (!/^[^\s@]+@[^\s@]+$/.test(v.email)) problems.email = 'Enter an e-mail address like name@company.com.';
      if ([...v.password].length < 10) problems.password = 'The password needs at least 10 characters.';
      return problems;
    },
  });

  const header = pageHeader('Create your Parley account', 'Use your work e-mail address.');
  header.querySelector('h1').id = 'register-title';
  root.append(h('div', { class: 'auth-layout' },
    h('section', { class: 'card auth-card' },
      header,
      form,
      h('p', { class: 'auth-switch' }, 'Already have an account? ', h('a', { href: link('signin') }, 'Sign in')))));
}
