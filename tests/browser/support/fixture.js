// One node and one browser per test file, and small page helpers.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { TestNode, JWT_SECRET } from './node.js';
import { Browser } from './browser.js';

// setup(env) runs once both are up (root-level before hooks do not wait for each other).
export function useNodeAndBrowser({ setup, ...options } = {}) {
  const env = { node: null, browser: null };
  before(async () => {
    env.node = await TestNode.start(options);
    env.browser = await Browser.launch();
    await setup?.(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.node?.stop();
  });
  return env;
}

export async function open(env, hash = '#/catalog') {
  const page = await env.browser.page(env.node.baseUrl);
  await page.goto(`${env.node.baseUrl}/${hash}`);
  await page.locator('main h1').first().waitFor();
  return page;
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], `page problems:\n${page.problems.join('\n')}`);
}

export async function token(page) {
  return page.evaluate(() => sessionStorage.getItem('streamify.token'));
}

export async function fillSignUp(page, { name, email, password, role }) {
  await page.goto(`${page.baseUrl}/#/signup`);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.locator(`input[name=role][value=${role}]`).check();
  await page.getByRole('button', { name: 'Create account' }).click();
}

export async function logIn(page, email, password) {
  if (!page.url().includes('#/login')) await page.goto(`${page.baseUrl}/#/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

// An HS256 JWT signed with the test node's secret.
export function signedToken(claims) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', JWT_SECRET).update(body).digest('base64url')}`;
}

export async function waitForHash(page, prefix) {
  await page.waitForFunction((p) => location.hash.startsWith(p), prefix);
}
