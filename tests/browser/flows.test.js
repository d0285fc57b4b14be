// Catalog, wallet, player and history against the catalog, billing and
// streaming roles. Each test skips itself, saying why, while the node does not
// serve the endpoints it needs (their routes answer 404 "no such route").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeOptions } from './support/node.js';
import { generateWebm, publish } from './support/media.js';
import { screenshot } from './support/browser.js';
import { useNodeAndBrowser, open, assertNoProblems, logIn, waitForHash } from './support/fixture.js';

// A short minute makes several billed minutes fit in seconds.
const MINUTE_S = 4;
const options = nodeOptions();
const shortMinute = options.has('billing.minute-seconds');
const extraArgs = [
  ...(shortMinute ? [`--billing.minute-seconds=${MINUTE_S}`] : []),
  ...(options.has('streaming.heartbeat-interval') ? ['--streaming.heartbeat-interval=1'] : []),
  ...(options.has('http.rate-limit') ? ['--http.rate-limit=0'] : []),
];
const HOSTILE_TITLE = 'Demo <img src=x onerror=alert(1)> reel';
const PRICE = 5;

const has = {};
let creator;
let video;

function missing(...needs) {
  const absent = needs.filter((n) => !has[n]);
  return absent.length ? `not served by this node yet: ${absent.join(', ')} (skipped until those roles are merged)` : null;
}

const env = useNodeAndBrowser({ extraArgs, setup: async ({ node }) => {
  creator = await node.signUp('creator');
  const viewer = await node.signUp('viewer');
  has.catalog = await node.serves('GET', '/api/videos');
  has.wallet = await node.serves('GET', '/api/wallet', { token: viewer.token });
  has.sessions = await node.serves('POST', '/api/sessions', { token: viewer.token, body: { video_id: '0'.repeat(32) } });
  has.history = await node.serves('GET', '/api/history', { token: viewer.token });
  has.stream = await node.serves('GET', `/api/sessions/${'0'.repeat(32)}/stream`, { token: viewer.token });
  if (has.catalog) {
    video = await publish(node, creator.token, {
      title: HOSTILE_TITLE, price: PRICE, file: generateWebm(60), description: 'A test pattern.\nSecond line.',
    });
  }
} });

test('the catalog shows published videos as text, filters them, and asks to log in to watch', async (t) => {
  const why = missing('catalog');
  if (why) return t.skip(why);
  const page = await open(env, '#/catalog');
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  const card = page.locator('.video-card').filter({ hasText: HOSTILE_TITLE });
  await card.waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'the title must not become markup');
  await card.getByText(creator.user.display_name).waitFor();
  await card.getByText('$0.05 / min').waitFor();
  assert.match(await card.locator('.duration').textContent(), /^1:0\d$|^0:5\d$/);
  await card.locator('img.thumb').evaluate((img) => img.decode()); // rejects when the thumbnail does not load
  await screenshot(page, 'catalog');

  await page.getByLabel('Search').fill('no such words anywhere');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('.empty-state').getByText('No videos match your search.').waitFor();
  await page.getByLabel('Search').fill('Demo');
  await page.getByRole('button', { name: 'Search' }).click();
  await card.waitFor();
  await page.getByLabel('Sort by').selectOption('price_desc');
  await card.waitFor();
  await page.getByLabel('Category').selectOption('music');
  await page.locator('.empty-state').getByText('No videos match your search.').waitFor();
  await page.getByLabel('Category').selectOption('general');
  await card.waitFor();

  await card.getByRole('link', { name: HOSTILE_TITLE }).click();
  await waitForHash(page, '#/login');
  await page.getByText('Log in to watch this video.').waitFor();
  assert.deepEqual(dialogs, []);
  assertNoProblems(page);
  await page.close();
});

test('the wallet tops up with a fresh Idempotency-Key per attempt and pages its transactions', async (t) => {
  const why = missing('wallet');
  if (why) return t.skip(why);
  const viewer = await env.node.signUp('viewer');
  for (let i = 0; i < 21; i++) {
    const r = await env.node.request('POST', '/api/wallet/deposits',
      { token: viewer.token, body: { amount_cents: 1 }, headers: { 'Idempotency-Key': `seed-${i}-${viewer.user.id}` } });
    assert.equal(r.status, 201);
  }
  const page = await open(env, '#/login');
  await logIn(page, viewer.email, viewer.password);
  await waitForHash(page, '#/catalog');
  await page.goto(`${env.node.baseUrl}/#/wallet`);
  await page.locator('.balance').getByText('$0.21').waitFor();
  const keys = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/wallet/deposits')) keys.push(r.headers()['idempotency-key']);
  });
  await page.getByRole('button', { name: 'Add $5.00' }).click();
  await page.locator('.balance').getByText('$5.21').waitFor();
  await page.getByLabel('Other amount').fill('0.35');
  await page.getByRole('button', { name: 'Add funds' }).click();
  await page.locator('.balance').getByText('$5.56').waitFor();
  await page.getByLabel('Other amount').fill('1.234');
  await page.getByRole('button', { name: 'Add funds' }).click();
  await page.getByRole('alert').filter({ hasText: 'at most two decimals' }).waitFor();
  assert.equal(keys.length, 2);
  assert.notEqual(keys[0], keys[1]);
  for (const k of keys) assert.match(k, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  const rows = page.locator('table.transactions tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('table.transactions tbody tr').length === 20);
  assert.match(await rows.first().textContent(), /\+\$0\.35/);
  await page.getByRole('button', { name: 'Show older transactions' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.transactions tbody tr').length === 23);
  await screenshot(page, 'wallet');
  assertNoProblems(page);
  await page.close();
});

async function tickerText(page) {
  return page.evaluate(() => ({
    minutes: document.querySelector('.ticker .minutes-paid')?.textContent,
    charged: document.querySelector('.ticker .charged')?.textContent,
    balance: document.querySelector('.ticker .balance')?.textContent,
  }));
}

test('a viewer watches, pays per minute, runs out, tops up in the dialog, resumes, and the session ends on leaving',
  async (t) => {
    const why = missing('catalog', 'wallet', 'sessions');
    if (why) return t.skip(why);
    const viewer = await env.node.signUp('viewer');
    await env.node.request('POST', '/api/wallet/deposits', {
      token: viewer.token, body: { amount_cents: 3 * PRICE }, headers: { 'Idempotency-Key': `start-${viewer.user.id}` },
    });
    const page = await open(env, '#/login');
    await logIn(page, viewer.email, viewer.password);
    await waitForHash(page, '#/catalog');
    const beats = [];
    page.on('request', (r) => {
      if (r.url().includes('/heartbeat')) beats.push(JSON.parse(r.postData() || '{}'));
    });
    const started = page.waitForResponse((r) => r.url().endsWith('/api/sessions') && r.request().method() === 'POST');
    await page.locator('.video-card').filter({ hasText: HOSTILE_TITLE }).getByRole('link').click();
    const session = await (await started).json();
    assert.equal(session.minutes_paid, 1);
    assert.equal(session.charged_cents, PRICE);
    await page.getByRole('heading', { name: HOSTILE_TITLE, level: 1 }).waitFor();
    await page.locator('.ticker .minutes-paid').getByText('1', { exact: true }).waitFor();
    assert.deepEqual(await tickerText(page), { minutes: '1', charged: '$0.05', balance: '$0.10' });
    const rest = missing('stream') || (shortMinute ? null : 'no billing.minute-seconds option for a short minute');
    if (rest) {
      await screenshot(page, 'watch');
      assertNoProblems(page);
      await page.close();
      return t.skip(`started and billed minute 0; the rest needs playback: ${rest}`);
    }
    await page.waitForFunction(() => document.querySelector('video').currentTime > 1);
    await screenshot(page, 'watch');

    // Three paid minutes (0, 1, 2) use the whole balance; the fourth needs a top-up.
    await page.locator('.ticker .minutes-paid').getByText('3', { exact: true }).waitFor({ timeout: 30000 });
    assert.deepEqual(await tickerText(page), { minutes: '3', charged: '$0.15', balance: '$0.00' });
    const dialog = page.getByRole('dialog', { name: 'Top up your wallet' });
    await dialog.waitFor({ timeout: 30000 });
    assert.equal(await page.evaluate(() => document.querySelector('video').paused), true, 'paused while unpaid');
    await screenshot(page, 'watch-topup');
    await dialog.getByRole('button', { name: 'Add $5.00' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.ticker .minutes-paid').getByText('4', { exact: true }).waitFor({ timeout: 15000 });
    await page.waitForFunction(() => !document.querySelector('video').paused);
    const before = await page.evaluate(() => document.querySelector('video').currentTime);
    await page.waitForFunction((t0) => document.querySelector('video').currentTime > t0 + 1, before);
    assert.deepEqual(await tickerText(page), { minutes: '4', charged: '$0.20', balance: '$4.95' });

    await page.evaluate(() => { document.querySelector('video').currentTime = 40; });
    await page.waitForFunction(() => document.querySelector('video').currentTime >= 40);
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(beats.some((b) => b.position_s >= 40), 'a heartbeat reports the seek');
    assert.ok(beats.some((b) => b.playing === false), 'heartbeats go while paused too');
    const seqs = beats.map((b) => b.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));

    const ended = page.waitForResponse((r) => r.url().endsWith(`/api/sessions/${session.id}/end`));
    await page.getByRole('navigation').getByRole('link', { name: 'History' }).click();
    assert.equal((await ended).status(), 200);
    const after = await env.node.request('GET', `/api/sessions/${session.id}`, { token: viewer.token });
    assert.equal(after.body.state, 'ended');
    assert.equal(after.body.end_reason, 'viewer');

    if (has.history) {
      const entry = page.locator('.history-entry').filter({ hasText: HOSTILE_TITLE });
      await entry.waitFor();
      await entry.getByText('paid $0.20').waitFor();
      await screenshot(page, 'history');
      const resume = entry.getByRole('link', { name: /Resume at/ });
      if (await resume.count()) {
        await resume.click();
        await page.waitForFunction(() => document.querySelector('video')?.currentTime >= 39);
      }
    }
    assertNoProblems(page);
    await page.close();
  });

test('leaving the page ends the session with a keepalive request', async (t) => {
  const why = missing('catalog', 'wallet', 'sessions');
  if (why) return t.skip(why);
  const viewer = await env.node.signUp('viewer');
  await env.node.request('POST', '/api/wallet/deposits', {
    token: viewer.token, body: { amount_cents: 500 }, headers: { 'Idempotency-Key': `leave-${viewer.user.id}` },
  });
  const page = await open(env, '#/login');
  await logIn(page, viewer.email, viewer.password);
  await waitForHash(page, '#/catalog');
  const started = page.waitForResponse((r) => r.url().endsWith('/api/sessions') && r.request().method() === 'POST');
  await page.goto(`${env.node.baseUrl}/#/watch/${video.id}`);
  const session = await (await started).json();
  await page.locator('.ticker .minutes-paid').getByText('1', { exact: true }).waitFor();
  if (has.stream) await page.waitForFunction(() => document.querySelector('video').currentTime > 0.5);
  await page.goto('about:blank');
  let state;
  for (let i = 0; i < 50 && state !== 'ended'; i++) {
    state = (await env.node.request('GET', `/api/sessions/${session.id}`, { token: viewer.token })).body?.state;
    if (state !== 'ended') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(state, 'ended');
  assertNoProblems(page);
  await page.close();
});

test('starting without enough money opens the top-up dialog, and paying starts the video', async (t) => {
  const why = missing('catalog', 'wallet', 'sessions');
  if (why) return t.skip(why);
  const viewer = await env.node.signUp('viewer');
  const page = await open(env, '#/login');
  await logIn(page, viewer.email, viewer.password);
  await waitForHash(page, '#/catalog');
  await page.goto(`${env.node.baseUrl}/#/watch/${video.id}`);
  const dialog = page.getByRole('dialog', { name: 'Top up your wallet' });
  await dialog.waitFor();
  await dialog.getByLabel('Other amount').fill('1');
  await dialog.getByRole('button', { name: 'Add funds' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator('.ticker .balance').getByText('$0.95').waitFor();
  if (has.stream) await page.waitForFunction(() => document.querySelector('video').currentTime > 0.5);
  assertNoProblems(page);
  await page.close();
});
