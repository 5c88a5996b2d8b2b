// #/admin (admins only): change a person's role or status by handle.
import { h, clear, pageHeader, avatar, roleLabel } from '../dom.js';
import { field, formAlert, submitButton, actions, handleSubmit } from '../forms.js';
import { api } from '../api.js';

const ROLES = ['employee', 'community_manager', 'analyst', 'admin'];
const STATUSES = [['active', 'Active'], ['suspended', 'Suspended']];

export function render({ root, announce }) {
  const result = h('div', { id: 'admin-result' });
  const form = h('form', { class: 'stack', id: 'admin-form' },
    formAlert(),
    field({
      name: 'handle', id: 'admin-handle', label: 'Handle', required: true,
      attrs: { maxlength: '31', autocapitalize: 'none', spellcheck: 'false' },
    }),
    h('div', { class: 'field-row' },
      field({
        name: 'role', id: 'admin-role', label: 'Role',
        options: [['', 'Keep current role'], ...ROLES.map((r) => [r, roleLabel(r)])],
      }),
      field({
        name: 'status', id: 'admin-status', label: 'Status',
        hint: 'Suspending someone signs them out everywhere and revokes their tokens.',
        options: [['', 'Keep current status'], ...STATUSES],
      })),
    actions(submitButton('Apply changes', { busyText: 'Applying…' })));

  handleSubmit(form, async ({ handle, role, status }) => {
    const body = {};
    if (role) body.role = role;
    if (status) body.status = status;
    const target = handle.replace(/^@/, '').toLowerCase();
    const r = await api.patch(`/admin/users/${encodeURIComponent(target)}`, body);
    const u = r.user;
    clear(result).append(h('section', { class: 'card admin-result', 'aria-labelledby': 'admin-result-title' },
      h('h2', { id: 'admin-result-title', class: 'card-title' }, 'Updated'),
      h('div', { class: 'person-row' },
        avatar(u, 'md'),
        h('div', null,
          h('p', { class: 'person-name' }, u.display_name, ' ', h('span', { class: 'muted' }, `@${u.handle}`)),
          h('p', null,
            h('span', { class: 'badge' }, roleLabel(u.role)), ' ',
            h('span', { class: ['badge', u.status === 'active' ? 'badge-success' : 'badge-danger'] },
              u.status === 'active' ? 'Active' : 'Suspended'))))));
    announce(`@${u.handle} is now ${roleLabel(u.role).toLowerCase()}, ${u.status}.`, 'success');
  }, {
    validate: ({ handle, role, status }) => {
      if (!handle) return { handle: 'Enter the person’s handle.' };
      if (!role && !status) return { role: 'Choose a new role, a new status, or both.' };
      return {};
    },
  });

  root.append(
    pageHeader('Admin', 'Manage people’s roles and account status.'),
    h('section', { class: 'card' },
      h('h2', { id: 'admin-form-title', class: 'card-title' }, 'Change a role or status'),
      form),
    result,
  );
}
