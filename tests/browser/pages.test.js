// Every page renders without console errors or CSP violations, at desktop and
// phone widths; the catalog works without an account; the profile page works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useNodeAndBrowser, open, assertNoProblems, logIn, waitForHash } from './support/fixture.js';
import { screenshot } from './support/browser.js';

const env = useNodeAndBrowser();

test('the catalog renders an empty state without an account', async () => {
  const page = await open(env, '#/catalog');
  await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
  const empty = page.locator('.empty-state');
  await empty.waitFor();
  const catalogBuilt = await env.node.serves('GET', '/api/videos');
  if (catalogBuilt) await empty.getByText('No videos have been published yet.').waitFor();
  else await empty.getByText('The catalog is not available on this server yet.').waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Sign up' }).waitFor();
  await page.getByLabel('Search').fill('nothing like this');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => location.hash.includes('q=nothing'));
  await screenshot(page, 'catalog-empty');
  assertNoProblems(page);
  await page.close();
});

test('the app sends a CSP without inline script and loads nothing from elsewhere', async () => {
  const page = await env.browser.page(env.node.baseUrl);
  const outside = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(env.node.baseUrl) && !r.url().startsWith('data:')) outside.push(r.url());
  });
  const res = await page.goto(`${env.node.baseUrl}/`);
  assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
  await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
  const inline = await page.evaluate(() => ({
    scripts: [...document.scripts].filter((s) => !s.src).length,
    styled: document.querySelectorAll('[style]').length,
  }));
  assert.deepEqual(inline, { scripts: 0, styled: 0 });
  assert.deepEqual(outside, []);
  assertNoProblems(page);
  await page.close();
});

const PAGES = ['catalog', 'wallet', 'history', 'profile', 'watch/00000000000000000000000000000000', 'login', 'signup'];

for (const [width, height, label] of [[1280, 800, 'desktop'], [390, 844, 'phone']]) {
  test(`every page renders cleanly at ${label} width`, async () => {
    const user = await env.node.signUp('viewer');
    const page = await open(env, '#/login');
    await page.setViewportSize({ width, height });
    await logIn(page, user.email, user.password);
    await waitForHash(page, '#/catalog');
    for (const name of PAGES) {
      if (name === 'login') {
        await page.getByRole('button', { name: 'Log out' }).click();
        await waitForHash(page, '#/login');
      } else {
        await page.goto(`${env.node.baseUrl}/#/${name}`);
      }
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at ${label} width`);
      await screenshot(page, `${label}-${name.split('/')[0]}`);
    }
    assertNoProblems(page);
    await page.close();
  });
}

test('the profile page changes the display name and the password', async () => {
  const user = await env.node.signUp('creator');
  const page = await open(env, '#/login');
  await logIn(page, user.email, user.password);
  await waitForHash(page, '#/catalog');
  await page.goto(`${env.node.baseUrl}/#/profile`);
  await page.getByText(user.email).waitFor();
  await page.getByText('Creator', { exact: true }).waitFor();

  const name = 'Renamed <b>creator</b>';
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByText('Your display name was saved.').waitFor();
  await page.getByRole('navigation').getByText(name, { exact: true }).waitFor();

  await page.getByLabel('Current password').fill('wrong password!');
  await page.getByLabel('New password', { exact: true }).fill('a brand new password');
  await page.getByLabel('Repeat new password').fill('a brand new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('alert').filter({ hasText: 'The current password is wrong.' }).waitFor();

  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password', { exact: true }).fill('a brand new password');
  await page.getByLabel('Repeat new password').fill('a brand new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your password was changed.').waitFor();
  await screenshot(page, 'profile');

  const relogin = await env.node.request('POST', '/api/auth/login',
    { body: { email: user.email, password: 'a brand new password' } });
  assert.equal(relogin.status, 200);
  assert.equal(relogin.body.user.display_name, name);
  assertNoProblems(page);
  await page.close();
});
