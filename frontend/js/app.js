import { h, clear } from './dom.js';
import { onUnauthorized } from './api.js';
import { currentUser, onUserChange, restore, logout } from './session.js';
import { parseHash, go, setFlash, hasFlash } from './router.js';
import { loginPage, signupPage } from './pages/auth.js';
import { catalogPage } from './pages/catalog.js';
import { watchPage } from './pages/watch.js';
import { walletPage } from './pages/wallet.js';
import { historyPage } from './pages/history.js';
import { profilePage } from './pages/profile.js';
import { uploadPage } from './pages/upload.js';
import { myVideosPage } from './pages/my_videos.js';
import { dashboardPage } from './pages/dashboard.js';
import { adminPage } from './pages/admin.js';
import { apiPage } from './pages/api_reference.js';

// path head → [page, needs a signed-in user, what the login page says]
const routes = {
  catalog: [catalogPage, false],
  login: [loginPage, false],
  signup: [signupPage, false],
  watch: [watchPage, true, 'Log in to watch this video.'],
  wallet: [walletPage, true, 'Log in to see your wallet.'],
  history: [historyPage, true, 'Log in to see your history.'],
  profile: [profilePage, true, 'Log in to see your profile.'],
  upload: [uploadPage, true, 'Log in to upload a video.', 'creator'],
  'my-videos': [myVideosPage, true, 'Log in to see your videos.', 'creator'],
  dashboard: [dashboardPage, true, 'Log in to see your dashboard.', 'creator'],
  admin: [adminPage, true, 'Log in to see the platform totals.', 'admin'],
  api: [apiPage, false],
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;

function renderNav(user) {
  const route = parseHash().parts[0] || 'catalog';
  const link = (name, label) =>
    h('li', {}, h('a', { href: `#/${name}`, 'aria-current': route === name ? 'page' : null }, label));
  const items = [link('catalog', 'Catalog')];
  if (user) {
    items.push(link('wallet', 'Wallet'), link('history', 'History'));
    if (user.role === 'creator') items.push(link('upload', 'Upload'), link('my-videos', 'My videos'), link('dashboard', 'Dashboard'));
    if (user.role === 'admin') items.push(link('admin', 'Admin'));
    items.push(link('profile', 'Profile'));
    items.push(
      h('li', { class: 'nav-user' }, h('span', { class: 'who' }, user.display_name),
        h('button', { type: 'button', class: 'link-button', id: 'logout', onclick: signOut }, 'Log out')),
    );
  } else {
    items.push(link('login', 'Log in'), link('signup', 'Sign up'));
  }
  clear(nav).append(h('ul', {}, items));
}

function signOut() {
  logout();
  setFlash('info', 'You have logged out.');
  go('/login');
}

let renderSeq = 0;
let booting = true;

function runCleanup(c) {
  try {
    c?.();
  } catch (err) {
    console.warn('page cleanup failed', err);
  }
}

async function render() {
  const seq = ++renderSeq;
  runCleanup(cleanup);
  cleanup = null;
  const { parts, params } = parseHash();
  const entry = routes[parts[0]];
  if (!entry) {
    go('/catalog');
    return;
  }
  const [page, needsUser, loginReason, role] = entry;
  if (needsUser && !currentUser()) {
    if (!hasFlash()) setFlash('info', loginReason);
    go('/login', { next: location.hash.slice(1) });
    return;
  }
  renderNav(currentUser());
  clear(main);
  const view = h('div', { class: `page page-${parts[0]}` });
  main.append(view);
  const pageCleanup = role && currentUser().role !== role
    ? notAllowed(view, role)
    : await page(view, { parts, params, user: currentUser() });
  if (seq !== renderSeq) {
    runCleanup(pageCleanup);
    return;
  }
  cleanup = pageCleanup || null;
  const heading = view.querySelector('h1');
  if (heading && document.activeElement === document.body) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

onUnauthorized(() => {
  logout();
  setFlash('error', 'Your session has expired. Please log in again.');
  const current = location.hash.slice(1);
  if (current.startsWith('/login')) {
    if (!booting) go(parseHash().path, Object.fromEntries(parseHash().params));
    return;
  }
  const next = current ? { next: current } : undefined;
  // While starting, the first render shows the login page; no second navigation.
  if (booting) history.replaceState(null, '', `#/login${next ? `?${new URLSearchParams(next)}` : ''}`);
  else go('/login', next);
});

onUserChange(renderNav);
window.addEventListener('hashchange', () => {
  render().catch(showFatal);
});

function notAllowed(view, role) {
  view.append(h('h1', {}, 'Not available'),
    h('p', { role: 'alert' }, role === 'admin' ? 'This page is for administrators.' : 'This page is for creator accounts.'));
}

function showFatal(err) {
  console.warn(err);
  clear(main).append(h('div', { class: 'page' }, h('h1', {}, 'Something went wrong'),
    h('p', { role: 'alert' }, err?.message || 'The page could not be shown.')));
}

async function start() {
  try {
    await restore();
  } catch (err) {
    console.warn('could not restore the session', err);
  }
  if (!location.hash) history.replaceState(null, '', '#/catalog');
  booting = false;
  await render();
}

start().catch(showFatal);

// The skip link must not change the hash (that is the router's).
document.querySelector('.skip-link')?.addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
});
