import { h, field, messageBox, formatDate } from '../dom.js';
import { api } from '../api.js';
import { currentUser, updateUser } from '../session.js';

const ROLE_LABEL = { viewer: 'Viewer', creator: 'Creator', admin: 'Administrator' };

function busy(form, on) {
  for (const el of form.elements) el.disabled = on;
}

export function profilePage(view) {
  const user = currentUser();
  const nameMsg = messageBox();
  const passMsg = messageBox();

  const name = h('input', { type: 'text', name: 'display_name', value: user.display_name, required: true, maxlength: '100', autocomplete: 'nickname' });
  const nameForm = h('form', { class: 'card form', 'aria-labelledby': 'name-title' },
    h('h2', { id: 'name-title' }, 'Your name'),
    field('Display name', name),
    h('button', { type: 'submit', class: 'primary' }, 'Save name'),
    nameMsg.el);
  nameForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    busy(nameForm, true);
    try {
      const updated = await api('PATCH', '/api/auth/me', { body: { display_name: name.value.trim() } });
      updateUser(updated);
      name.value = updated.display_name;
      nameMsg.set('ok', 'Your display name was saved.');
    } catch (err) {
      nameMsg.set('error', err.message);
    } finally {
      busy(nameForm, false);
    }
  });

  const current = h('input', { type: 'password', name: 'current_password', required: true, autocomplete: 'current-password' });
  const next = h('input', { type: 'password', name: 'new_password', required: true, minlength: '8', autocomplete: 'new-password' });
  const confirm = h('input', { type: 'password', name: 'confirm_password', required: true, minlength: '8', autocomplete: 'new-password' });
  const passForm = h('form', { class: 'card form', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Change password'),
    h('input', { type: 'text', name: 'username', value: user.email, autocomplete: 'username', hidden: true, readonly: true }),
    field('Current password', current),
    field('New password', next, 'At least 8 characters.'),
    field('Repeat new password', confirm),
    h('button', { type: 'submit', class: 'primary' }, 'Change password'),
    passMsg.el);
  passForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (next.value !== confirm.value) {
      passMsg.set('error', 'The new passwords do not match.');
      confirm.focus();
      return;
    }
    busy(passForm, true);
    try {
      await api('PATCH', '/api/auth/me', { body: { current_password: current.value, new_password: next.value } });
      passForm.reset();
      passMsg.set('ok', 'Your password was changed.');
    } catch (err) {
      passMsg.set('error', err.status === 403 ? 'The current password is wrong.' : err.message);
      current.focus();
    } finally {
      busy(passForm, false);
    }
  });

  view.append(
    h('h1', {}, 'Profile'),
    h('section', { class: 'card' },
      h('dl', { class: 'profile-facts' },
        h('dt', {}, 'Email'), h('dd', {}, user.email),
        h('dt', {}, 'Account'), h('dd', {}, ROLE_LABEL[user.role] || user.role),
        h('dt', {}, 'Member since'), h('dd', {}, formatDate(user.created_at)))),
    nameForm,
    passForm,
  );
}
