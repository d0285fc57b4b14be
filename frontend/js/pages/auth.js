import { h, field, messageBox } from '../dom.js';
import { login, register } from '../session.js';
import { go, takeFlash } from '../router.js';

function safeNext(params) {
  const next = params.get('next');
  return next && next.startsWith('/') && !next.startsWith('/login') && !next.startsWith('/signup')
    ? next
    : '/catalog';
}

function goNext(params) {
  const next = safeNext(params);
  const [path, search] = next.split('?');
  go(path, search ? Object.fromEntries(new URLSearchParams(search)) : undefined);
}

function submitting(form, busy) {
  for (const el of form.elements) el.disabled = busy;
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
}

export function loginPage(view, { params }) {
  const msg = messageBox();
  const flash = takeFlash();
  if (flash) msg.set(flash.kind, flash.text);
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card form' },
    field('Email', email),
    field('Password', password),
    h('button', { type: 'submit', class: 'primary' }, 'Log in'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.set('', '');
    submitting(form, true);
    try {
      await login(email.value.trim(), password.value);
      goNext(params);
    } catch (err) {
      submitting(form, false);
      msg.set('error', err.status === 401 ? 'Wrong email or password.' : err.message);
      password.select();
      password.focus();
    }
  });
  const signupHref = `#/signup${params.get('next') ? `?next=${encodeURIComponent(params.get('next'))}` : ''}`;
  view.append(
    h('h1', {}, 'Log in'),
    msg.el,
    form,
    h('p', {}, 'New here? ', h('a', { href: signupHref }, 'Create an account')),
  );
}

export function signupPage(view, { params }) {
  const msg = messageBox();
  const flash = takeFlash();
  if (flash) msg.set(flash.kind, flash.text);
  const name = h('input', { type: 'text', name: 'display_name', autocomplete: 'nickname', required: true, maxlength: '100' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const password = h('input', {
    type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: '8',
  });
  const roleChoice = (value, label, hint, checked) => {
    const input = h('input', { type: 'radio', name: 'role', value, id: `role-${value}`, checked });
    return h('div', { class: 'choice' }, input,
      h('label', { for: `role-${value}` }, h('strong', {}, label), h('span', { class: 'hint' }, hint)));
  };
  const form = h('form', { class: 'card form' },
    field('Display name', name),
    field('Email', email),
    field('Password', password, 'At least 8 characters.'),
    h('fieldset', { class: 'roles' },
      h('legend', {}, 'I want to'),
      roleChoice('viewer', 'Watch videos', 'Viewer: pay per minute you watch.', true),
      roleChoice('creator', 'Publish videos', 'Creator: upload videos and earn; you can watch too.', false)),
    h('button', { type: 'submit', class: 'primary' }, 'Create account'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.set('', '');
    const role = form.elements.role.value;
    submitting(form, true);
    try {
      await register({ email: email.value.trim(), password: password.value, display_name: name.value.trim(), role });
      goNext(params);
    } catch (err) {
      submitting(form, false);
      msg.set('error', err.status === 409 ? 'An account with this email already exists. Log in instead?' : err.message);
    }
  });
  view.append(
    h('h1', {}, 'Create an account'),
    msg.el,
    form,
    h('p', {}, 'Already have an account? ', h('a', { href: '#/login' }, 'Log in')),
  );
}
