// #/profile: your profile as colleagues see it, and the form to edit it.
import { h, clear, pageHeader, avatar, roleLabel, time, link } from '../dom.js';
import { field, formAlert, submitButton, actions, handleSubmit } from '../forms.js';
import { api } from '../api.js';
import { session, updateUser } from '../session.js';
import { accountNav } from '../account-nav.js';

const TEXT_FIELDS = ['display_name', 'title', 'department', 'location', 'bio'];
const MAX_SKILLS = 50;
const MAX_SKILL_LENGTH = 50;

/** "a, b ,, c" -> ['a', 'b', 'c'] */
export function parseSkills(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function skillNames(user) {
  return (user.skills || []).map((s) => s.name);
}

/** The PATCH /me body: only what differs from `user`. */
export function profileChanges(values, user) {
  const changes = {};
  for (const key of TEXT_FIELDS) {
    if (values[key] !== (user[key] || '')) changes[key] = values[key];
  }
  const skills = parseSkills(values.skills);
  if (skills.join('\n') !== skillNames(user).join('\n')) changes.skills = skills;
  const manager = values.manager.replace(/^@/, '').toLowerCase();
  const currentManager = user.manager ? user.manager.handle.toLowerCase() : '';
  if (manager !== currentManager) changes.manager = manager || null;
  if (typeof values.analytics_opt_out === 'boolean' && values.analytics_opt_out !== !!user.analytics_opt_out) {
    changes.analytics_opt_out = values.analytics_opt_out;
  }
  return changes;
}

function detail(term, value) {
  if (value === null || value === undefined || value === '') return null;
  return [h('dt', null, term), h('dd', null, value)];
}

function profileCard(user) {
  const subtitle = [user.title, user.department].filter(Boolean).join(' · ');
  const skills = user.skills || [];
  return h('section', { class: 'card profile-card', 'aria-labelledby': 'profile-name' },
    h('div', { class: 'profile-identity' },
      avatar(user, 'lg'),
      h('div', null,
        h('h2', { id: 'profile-name', class: 'profile-name' }, user.display_name),
        h('p', { class: 'profile-handle' }, `@${user.handle}`),
        subtitle ? h('p', { class: 'profile-subtitle' }, subtitle) : null)),
    h('ul', { class: 'profile-stats' },
      h('li', null, h('strong', null, String(user.followers ?? 0)), user.followers === 1 ? ' follower' : ' followers'),
      h('li', null, h('strong', null, String(user.following ?? 0)), ' following')),
    user.bio ? h('p', { class: 'profile-bio', id: 'profile-bio' }, user.bio) : null,
    h('dl', { class: 'profile-details' },
      detail('Location', user.location),
      detail('Reports to', user.manager
        ? h('span', null, user.manager.display_name, ' ', h('span', { class: 'muted' }, `@${user.manager.handle}`))
        : null),
      detail('Role', h('span', { class: 'badge' }, roleLabel(user.role))),
      detail('E-mail', user.email),
      detail('Member since', time(user.created_at))),
    h('div', { class: 'profile-skills' },
      h('h3', { class: 'section-label' }, 'Skills'),
      skills.length
        ? h('ul', { class: 'chips' }, skills.map((s) =>
          h('li', { class: 'chip' }, s.name,
            s.endorsements ? h('span', { class: 'chip-count', title: `${s.endorsements} endorsements` },
              h('span', { class: 'visually-hidden' }, ', endorsements: '), String(s.endorsements)) : null)))
        : h('p', { class: 'muted' }, 'No skills listed yet.')),
    h('p', { class: 'profile-public-link' },
      h('a', { href: link(`people/${encodeURIComponent(user.handle)}`) }, 'See your public profile and posts')));
}

function profileForm(user) {
  return h('form', { class: 'stack', id: 'profile-form' },
    formAlert(),
    field({ name: 'display_name', id: 'profile-display-name', label: 'Display name', required: true, value: user.display_name, autocomplete: 'name', attrs: { maxlength: '100' } }),
    h('div', { class: 'field-row' },
      field({ name: 'title', id: 'profile-title', label: 'Job title', value: user.title, autocomplete: 'organization-title', attrs: { maxlength: '100' } }),
      field({ name: 'department', id: 'profile-department', label: 'Department', value: user.department, attrs: { maxlength: '100' } })),
    h('div', { class: 'field-row' },
      field({ name: 'location', id: 'profile-location', label: 'Location', value: user.location, attrs: { maxlength: '100' } }),
      field({
        name: 'manager', id: 'profile-manager', label: 'Manager', value: user.manager ? user.manager.handle : '',
        hint: 'Your manager’s handle. Leave empty if you have none.',
        attrs: { maxlength: '31', autocapitalize: 'none', spellcheck: 'false' },
      })),
    field({ name: 'bio', id: 'profile-bio-input', label: 'About you', multiline: true, rows: 4, value: user.bio, attrs: { maxlength: '2000' } }),
    field({
      name: 'skills', id: 'profile-skills', label: 'Skills', value: skillNames(user).join(', '),
      hint: 'Separate skills with commas, for example: PostgreSQL, Negotiation, Public speaking.',
    }),
    // Person-level analytics (the collaboration reports): they never list
    // anyone, but a person may ask to be left out of the counts entirely.
    h('fieldset', { class: 'fieldset-plain', id: 'profile-analytics' },
      h('legend', null, 'Analytics'),
      h('div', { class: 'check-field' },
        h('input', {
          type: 'checkbox', id: 'profile-analytics-opt-out', name: 'analytics_opt_out',
          checked: !!user.analytics_opt_out, 'aria-describedby': 'profile-analytics-hint',
        }),
        h('label', { for: 'profile-analytics-opt-out' }, 'Leave me out of collaboration analytics')),
      h('p', { class: 'field-hint', id: 'profile-analytics-hint' },
        'The collaboration reports for HR and leadership count people by department and week, never by name, and only in groups of several people. Tick this to be left out of those counts altogether (from the next report on).')),
    actions(submitButton('Save profile', { busyText: 'Saving…' })));
}

export function render({ root, route, announce }) {
  let user = session.user;
  const cardSlot = h('div', { class: 'profile-aside' }, profileCard(user));
  const form = profileForm(user);

  handleSubmit(form, async (values, f) => {
    const changes = profileChanges({ ...values, analytics_opt_out: f.elements.namedItem('analytics_opt_out').checked }, user);
    if (!Object.keys(changes).length) {
      announce('Nothing to save: the profile is unchanged.', 'info');
      return;
    }
    const r = await api.patch('/me', changes);
    user = r.user;
    updateUser(user);
    clear(cardSlot).append(profileCard(user));
    // Show what the server kept (skills are trimmed and de-duplicated).
    form.elements.namedItem('skills').value = skillNames(user).join(', ');
    form.elements.namedItem('manager').value = user.manager ? user.manager.handle : '';
    form.elements.namedItem('analytics_opt_out').checked = !!user.analytics_opt_out;
    announce('Profile saved.', 'success');
  }, {
    validate: (values) => {
      const problems = {};
      if (!values.display_name) problems.display_name = 'Enter a display name.';
      const skills = parseSkills(values.skills);
      if (skills.length > MAX_SKILLS) problems.skills = `List at most ${MAX_SKILLS} skills.`;
      else if (skills.some((s) => [...s].length > MAX_SKILL_LENGTH)) problems.skills = `Each skill is at most ${MAX_SKILL_LENGTH} characters.`;
      if (values.manager && !/^@?[A-Za-z0-9_]{3,30}$/.test(values.manager)) problems.manager = 'Enter a handle, like ada_lovelace.';
      return problems;
    },
  });

  root.append(
    pageHeader('Your profile', 'How colleagues see you across Parley.'),
    accountNav(route, user),
    h('div', { class: 'profile-layout' },
      cardSlot,
      h('section', { class: 'card', 'aria-labelledby': 'edit-profile-title' },
        h('h2', { id: 'edit-profile-title', class: 'card-title' }, 'Edit profile'),
        form)),
  );
}
