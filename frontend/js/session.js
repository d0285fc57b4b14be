// Who is signed in. The token is in api.js; the user object is fetched with it.
import { api, setToken, getToken } from './api.js';

let user = null;
const listeners = new Set();

export function currentUser() {
  return user;
}

export function onUserChange(listener) {
  listeners.add(listener);
}

function setUser(value) {
  user = value;
  for (const l of listeners) l(user);
}

export async function restore() {
  if (!getToken()) return null;
  try {
    setUser(await api('GET', '/api/auth/me'));
  } catch (err) {
    if (err.status !== 401) throw err;
  }
  return user;
}

export async function login(email, password) {
  const res = await api('POST', '/api/auth/login', { body: { email, password } });
  setToken(res.token);
  setUser(res.user);
  return res.user;
}

export async function register(fields) {
  const res = await api('POST', '/api/auth/register', { body: fields });
  setToken(res.token);
  setUser(res.user);
  return res.user;
}

export function updateUser(value) {
  setUser(value);
}

export function logout() {
  setToken(null);
  setUser(null);
}
