// A viewer's whole flow in chromium over HTTPS through the TLS edge
// (deploy/edge), trusting the test CA as a browser trusts a public one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNode } from './support/node.js';
import { TestEdge } from './support/edge.js';
import { Browser, screenshot } from './support/browser.js';
import { assertNoProblems, logIn, waitForHash } from './support/fixture.js';
import { generateWebm, publish } from './support/media.js';

const TITLE = 'Over TLS';
const PRICE = 5;
let node;
let edge;
let browser;

before(async () => {
  node = await TestNode.start({ extraArgs: [
    '--billing.minute-seconds=4', '--streaming.heartbeat-interval=1', '--http.rate-limit=0',
    '--http.trusted-proxies=127.0.0.1',
  ] });
  edge = await TestEdge.start(node.port);
  browser = await Browser.launch({ env: edge.browserEnv() });
  const creator = await node.signUp('creator');
  await publish(node, creator.token, { title: TITLE, price: PRICE, file: generateWebm(30, `https-${process.pid}`) });
});

after(async () => {
  await browser?.close();
  edge?.stop();
  await node?.stop();
});

test('plain HTTP on the public port redirects the browser to HTTPS', async () => {
  const page = await browser.page(edge.baseUrl);
  const first = await page.goto(`http://127.0.0.1:${edge.httpPort}/#/catalog`);
  assert.equal(new URL(page.url()).protocol, 'https:');
  assert.equal(first.status(), 200);
  assert.match(first.headers()['strict-transport-security'] || '', /max-age=\d+/);
  await page.locator('.video-card').filter({ hasText: TITLE }).waitFor();
  assertNoProblems(page);
  await page.close();
});

test('a viewer logs in, pays and watches over HTTPS, every request on the edge', async () => {
  const viewer = await node.signUp('viewer');
  const deposit = await node.request('POST', '/api/wallet/deposits', {
    token: viewer.token, body: { amount_cents: 100 }, headers: { 'Idempotency-Key': `tls-${viewer.user.id}` },
  });
  assert.equal(deposit.status, 201);
  const page = await browser.page(edge.baseUrl);
  const origins = new Set();
  page.on('request', (r) => origins.add(new URL(r.url()).origin));
  await page.goto(`${edge.baseUrl}/#/login`);
  await logIn(page, viewer.email, viewer.password);
  await waitForHash(page, '#/catalog');
  const beat = page.waitForResponse((r) => r.url().includes('/heartbeat') && r.status() === 200);
  await page.locator('.video-card').filter({ hasText: TITLE }).getByRole('link').first().click();
  await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
  await page.waitForFunction(() => document.querySelector('video')?.currentTime > 1, null, { timeout: 30000 });
  const session = await (await beat).json();
  assert.equal(session.state, 'active');
  assert.ok(session.minutes_paid >= 1);
  await screenshot(page, 'https-watch');
  assert.deepEqual([...origins].filter((o) => !o.startsWith('blob:') && o !== 'null'), [edge.baseUrl]);
  assertNoProblems(page);
  await page.close();
});
