// Hash routes (#/catalog, #/watch/<id>?t=30): the static server needs no rewrites.

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/catalog';
  const [path, search = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { path, parts, params: new URLSearchParams(search) };
}

export function go(path, params) {
  const search = params ? new URLSearchParams(params).toString() : '';
  const target = `#${path}${search ? `?${search}` : ''}`;
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}

// A message carried to the next page (e.g. "your session expired" on the login page).
let flash = null;
export function setFlash(kind, text) {
  flash = { kind, text };
}
export function hasFlash() {
  return flash !== null;
}
export function takeFlash() {
  const f = flash;
  flash = null;
  return f;
}
