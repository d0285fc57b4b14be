// The HTTP client: JSON in and out, the bearer token, readable errors.
// The token lives in memory and in sessionStorage (per tab, gone with the tab).

const TOKEN_KEY = 'streamify.token';

let token = sessionStorage.getItem(TOKEN_KEY);
let unauthorizedHandler = () => {};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function getToken() {
  return token;
}

export function setToken(value) {
  token = value || null;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Called when a request made with a token answers 401 (expired or revoked).
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export function authHeaders() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

const STATUS_TEXT = {
  400: 'The request was not understood.',
  401: 'Please log in.',
  402: 'Your balance is too low.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That conflicts with the current state.',
  410: 'This is no longer available.',
  413: 'That is too large.',
  422: 'Please check the values you entered.',
  429: 'Too many requests; please wait a moment.',
  503: 'The service is busy or unavailable; please try again shortly.',
};

// api('GET', '/api/wallet') → parsed JSON (null for 204); throws ApiError.
export async function api(method, path, { body, headers = {}, keepalive = false } = {}) {
  const sentToken = token;
  const init = { method, headers: { Accept: 'application/json', ...authHeaders(), ...headers }, keepalive };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  let data = null;
  const text = res.status === 204 ? '' : await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;
  const code = data?.error || `http_${res.status}`;
  const message = data?.message
    ? sentence(data.message)
    : STATUS_TEXT[res.status] || `The request failed (HTTP ${res.status}).`;
  const error = new ApiError(res.status, code, message);
  if (res.status === 401 && sentToken && sentToken === token) unauthorizedHandler(error);
  throw error;
}

function sentence(text) {
  const t = String(text).trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

export function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; an http origin other than localhost has only getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
