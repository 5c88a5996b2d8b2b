// #/signin: log in with a handle or e-mail and a password. On success the
// router's guard moves on (to ?next= or the start page).
import { h, pageHeader, link } from '../dom.js';
import { field, formAlert, submitButton, actions, handleSubmit } from '../forms.js';
import { signIn } from '../session.js';

export function render({ root, query, announce }) {
  const form = h('form', { class: 'stack', id: 'signin-form', 'aria-labelledby': 'signin-title' },
    formAlert(),
    field({
      name: 'login', id: 'signin-login', label: 'Handle or e-mail', required: true,
      autocomplete: 'username', value: query.get('login') || '',
      attrs: { autocapitalize: 'none', spellcheck: 'false' },
    }),
    field({
      name: 'password', id: 'signin-password', label: 'Password', type: 'password',
      required: true, autocomplete: 'current-password',
    }),
    actions(submitButton('Sign in', { busyText: 'Signing in…' })));

  handleSubmit(form, async ({ login, password }) => {
    let user;
    try {
      user = await signIn(login, password);
    } catch (err) {
      if (err.code === 'invalid_credentials') {
        const input = form.elements.namedItem('password');
        input.value = '';
        input.focus();
      }
      throw err;   // shown in the form's alert
    }
    announce(`Signed in as ${user.display_name}.`, 'success');
  }, {
    validate: ({ login, password }) => {
      const problems = {};
      if (!login) problems.login = 'Enter your handle or e-mail address.';
      if (!password) problems.password = 'Enter your password.';
      return problems;
    },
  });

  if (query.get('created') === '1' && query.get('login')) {
    announce(`Account @${query.get('login')} created. Sign in to continue.`, 'success');
  }
  const header = pageHeader('Sign in to Parley', 'Your company’s place to find people, share knowledge and get answers.');
  header.querySelector('h1').id = 'signin-title';
  root.append(h('div', { class: 'auth-layout' },
    h('section', { class: 'card auth-card' },
      header,
      form,
      h('p', { class: 'auth-switch' }, 'New to Parley? ', h('a', { href: link('register') }, 'Create an account')))));
}
