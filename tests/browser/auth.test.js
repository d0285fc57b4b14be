// Sign-up, login, logout and expired tokens in a real browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useNodeAndBrowser, open, assertNoProblems, token, fillSignUp, logIn, signedToken, waitForHash,
} from './support/fixture.js';
import { screenshot } from './support/browser.js';

const env = useNodeAndBrowser();
let n = 0;
const email = (tag) => `${tag}-${process.pid}-${++n}@example.com`;
const PASSWORD = 'correct horse battery';

for (const role of ['viewer', 'creator']) {
  test(`sign-up as ${role} lands signed in with the token in sessionStorage only`, async () => {
    const page = await open(env, '#/signup');
    const address = email(role);
    await fillSignUp(page, { name: `New ${role}`, email: address, password: PASSWORD, role });
    await waitForHash(page, '#/catalog');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await assert.doesNotReject(page.getByRole('navigation').getByText(`New ${role}`).waitFor());
    const t = await token(page);
    assert.ok(t, 'token in sessionStorage');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
    const me = await env.node.request('GET', '/api/auth/me', { token: t });
    assert.equal(me.status, 200);
    assert.equal(me.body.role, role);
    assert.equal(me.body.email, address);
    assertNoProblems(page);
    await page.close();
  });
}

test('sign-up shows the API error for a taken email and for a short password', async () => {
  const existing = await env.node.signUp('viewer');
  const page = await open(env, '#/signup');
  await fillSignUp(page, { name: 'Again', email: existing.email, password: PASSWORD, role: 'viewer' });
  await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
  assert.ok(page.url().includes('#/signup'));
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Email').fill(email('short'));
  // The browser's own validation stops a too-short password before any request.
  await page.getByRole('button', { name: 'Create account' }).click();
  assert.equal(await page.getByLabel('Password', { exact: true }).evaluate((el) => el.validity.valid), false);
  await screenshot(page, 'signup-error');
  assertNoProblems(page);
  await page.close();
});

test('logout clears the token and login brings the user back', async () => {
  const user = await env.node.signUp('viewer');
  const page = await open(env, '#/login');
  await logIn(page, user.email, user.password);
  await waitForHash(page, '#/catalog');
  await page.getByRole('button', { name: 'Log out' }).click();
  await waitForHash(page, '#/login');
  await page.getByText('You have logged out.').waitFor();
  assert.equal(await token(page), null);
  await page.getByRole('navigation').getByRole('link', { name: 'Log in' }).waitFor();
  await logIn(page, user.email.toUpperCase(), user.password);
  await waitForHash(page, '#/catalog');
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  assert.ok(await token(page));
  assertNoProblems(page);
  await page.close();
});

test('a page that needs an account asks to log in and returns there afterwards', async () => {
  const user = await env.node.signUp('viewer');
  const page = await open(env, '#/profile');
  await waitForHash(page, '#/login');
  await page.getByText('Log in to see your profile.').waitFor();
  await screenshot(page, 'login');
  await logIn(page, user.email, user.password);
  await waitForHash(page, '#/profile');
  await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
  assertNoProblems(page);
  await page.close();
});

test('a wrong password shows an error and keeps the user on the login page', async () => {
  const user = await env.node.signUp('viewer');
  const page = await open(env, '#/login');
  await logIn(page, user.email, 'not the password');
  await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
  assert.ok(page.url().includes('#/login'));
  assert.equal(await token(page), null);
  await screenshot(page, 'login-wrong-password');
  assertNoProblems(page);
  await page.close();
});

const badTokens = {
  expired: () => signedToken({ sub: '0'.repeat(32), role: 'viewer', iat: 1, exp: Math.floor(Date.now() / 1000) - 60 }),
  invalid: () => 'not.a.token',
};
for (const [kind, make] of Object.entries(badTokens)) {
  test(`an ${kind} token in sessionStorage leads back to login with a message`, async () => {
    const page = await env.browser.page(env.node.baseUrl);
    await page.goto(`${env.node.baseUrl}/#/catalog`);
    await page.evaluate((t) => sessionStorage.setItem('streamify.token', t), make());
    await page.goto('about:blank');
    await page.goto(`${env.node.baseUrl}/#/wallet`);
    await waitForHash(page, '#/login');
    await page.getByRole('alert').filter({ hasText: 'Your session has expired. Please log in again.' }).waitFor();
    assert.equal(await token(page), null);
    assert.match(decodeURIComponent(page.url()), /next=\/wallet/);
    assertNoProblems(page);
    await page.close();
  });
}

test('a 401 while the app is open (token expired meanwhile) leads back to login and then back', async () => {
  const user = await env.node.signUp('viewer');
  const page = await open(env, '#/login');
  await logIn(page, user.email, user.password);
  await waitForHash(page, '#/catalog');
  await page.goto(`${env.node.baseUrl}/#/profile`);
  // The node answers 401 once the token's exp has passed; here it is made to answer so at once.
  await page.route('**/api/auth/me', (route) => route.fulfill({
    status: 401,
    contentType: 'application/json',
    body: JSON.stringify({ error: 'invalid_token', message: 'the token is invalid or expired' }),
  }));
  await page.getByRole('button', { name: 'Save name' }).click();
  await waitForHash(page, '#/login');
  await page.getByRole('alert').filter({ hasText: 'Your session has expired. Please log in again.' }).waitFor();
  assert.equal(await token(page), null);
  await page.unroute('**/api/auth/me');
  await logIn(page, user.email, user.password);
  await waitForHash(page, '#/profile');
  assertNoProblems(page);
  await page.close();
});

test('sign-up and login work with the keyboard alone', async () => {
  const page = await open(env, '#/signup');
  const address = email('keys');
  await page.getByLabel('Display name').focus();
  await page.keyboard.type('Keyboard user');
  await page.keyboard.press('Tab');
  await page.keyboard.type(address);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // radio group: viewer → creator
  await page.keyboard.press('Enter');
  await waitForHash(page, '#/catalog');
  const t = await token(page);
  assert.equal((await env.node.request('GET', '/api/auth/me', { token: t })).body.role, 'creator');
  await page.getByRole('button', { name: 'Log out' }).focus();
  await page.keyboard.press('Enter');
  await waitForHash(page, '#/login');
  await page.getByLabel('Email').focus();
  await page.keyboard.type(address);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await waitForHash(page, '#/catalog');
  assertNoProblems(page);
  await page.close();
});
