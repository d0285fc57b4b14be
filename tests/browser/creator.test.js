// The creator's side of the app: upload with progress, my videos, the
// dashboard's numbers and charts, and the admin's platform totals, after a
// viewer (driven through the API) has paid for a few short minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeOptions } from './support/node.js';
import { artifactsDir } from './support/artifacts.js';
import { screenshot } from './support/browser.js';
import { useNodeAndBrowser, open, assertNoProblems, fillSignUp, logIn, waitForHash } from './support/fixture.js';

const MINUTE_S = 2;
const options = nodeOptions();
const extraArgs = [
  ...(options.has('billing.minute-seconds') ? [`--billing.minute-seconds=${MINUTE_S}`] : []),
  ...(options.has('streaming.heartbeat-interval') ? ['--streaming.heartbeat-interval=1'] : []),
  ...(options.has('http.rate-limit') ? ['--http.rate-limit=0'] : []),
  ...(options.has('analytics.poll-interval-ms') ? ['--analytics.poll-interval-ms=200'] : []),
];
const TITLE = 'Creator test pattern';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const env = useNodeAndBrowser({ extraArgs });
const creator = { name: 'Casey Creator', email: `casey-${process.pid}-${Date.now()}@example.com`, password: 'creator password 1' };
let webm;
let videoId;
let creatorToken;
let paidByViewer;
let creatorEarned;

function generateWebm(seconds) {
  const file = path.join(artifactsDir(), `creator-${process.pid}.webm`);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=size=160x90:rate=10:duration=${seconds}`,
    '-c:v', 'libvpx', '-b:v', '100k', '-deadline', 'realtime', file]);
  return file;
}

async function signedInPage(who) {
  const page = await open(env, '#/login');
  await logIn(page, who.email, who.password);
  await waitForHash(page, '#/catalog');
  return page;
}

async function until(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

test('a creator uploads with progress (a failed upload keeps the form), sees it ready, edits it, deletes another',
  async () => {
    webm = generateWebm(10);
    const page = await open(env, '#/signup');
    await fillSignUp(page, { ...creator, role: 'creator' });
    await waitForHash(page, '#/catalog');
    await page.getByRole('navigation').getByRole('link', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: 'Upload a video', level: 1 }).waitFor();
    creatorToken = await page.evaluate(() => sessionStorage.getItem('streamify.token'));

    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Description').fill('Bars and a counter.');
    await page.getByLabel('Category').selectOption('education');
    await page.getByLabel('Price per minute ($)').fill('0.05');
    // Dropping a file that is not a video: the server refuses it and the form keeps what was typed.
    await page.locator('.drop-zone').evaluate((zone) => {
      const data = new DataTransfer();
      data.items.add(new File(['just some text, not a video'], 'notes.txt', { type: 'text/plain' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.locator('.chosen-file').getByText('notes.txt').waitFor();
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Your details are kept' }).waitFor();
    assert.equal(await page.getByLabel('Title').inputValue(), TITLE);
    assert.equal(await page.getByLabel('Category').inputValue(), 'education');
    assert.equal(await page.getByLabel('Price per minute ($)').inputValue(), '0.05');
    await screenshot(page, 'creator-upload-refused');

    const percents = [];
    await page.exposeFunction('reportPercent', (p) => percents.push(p));
    await page.locator('.upload-percent').evaluate((el) => new MutationObserver(() => window.reportPercent(Number(el.dataset.percent)))
      .observe(el, { attributes: true, attributeFilter: ['data-percent'] }));
    await page.locator('input[type=file]').setInputFiles(webm);
    // A throttled upload shows partial progress and can be cancelled; nothing is created.
    const cdp = await page.context().newCDPSession(page);
    const throttle = (bytesPerSecond) => cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
    await throttle(16 * 1024);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.waitForFunction(() => {
      const p = Number(document.querySelector('.upload-percent')?.dataset.percent);
      return p > 0 && p < 100;
    });
    await screenshot(page, 'creator-upload-progress');
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await page.getByText('The upload was cancelled. Your details are kept.').waitFor();
    assert.equal(await page.getByLabel('Title').inputValue(), TITLE);
    const mine = await env.node.request('GET', '/api/creator/videos', { token: creatorToken });
    assert.deepEqual(mine.body.items, [], 'a cancelled upload creates no video');
    await throttle(-1);
    await cdp.detach();
    percents.length = 0;
    const created = page.waitForResponse((r) => r.url().endsWith('/api/videos') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const response = await created;
    assert.equal(response.status(), 201);
    videoId = (await response.json()).id;
    await page.locator('.upload-percent[data-percent="100"]').waitFor();
    assert.equal(await page.locator('progress.upload-progress').evaluate((p) => p.value), 100);
    assert.equal(percents.at(-1), 100);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'progress only grows');
    await page.locator('.processing[data-status="ready"]').waitFor({ timeout: 30000 });
    await screenshot(page, 'creator-upload');

    // A second video to delete, uploaded through the API.
    const form = new FormData();
    form.set('title', 'Delete me');
    form.set('price_per_minute_cents', '1');
    form.set('file', new Blob([readFileSync(webm)], { type: 'video/webm' }), 'other.webm');
    const other = await env.node.request('POST', '/api/videos', { token: creatorToken, body: form });
    assert.equal(other.status, 201);

    await page.getByRole('navigation').getByRole('link', { name: 'My videos' }).click();
    const row = page.locator(`.my-video[data-id="${videoId}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'ready');
    await row.locator('img.thumb').evaluate((img) => img.decode());
    await row.getByText('$0.05 / min').waitFor();
    await row.getByText('0 views').waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    await row.getByLabel('Price per minute ($)').fill('0.10');
    await row.getByLabel('Title').fill(`${TITLE} (edited)`);
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByText('$0.10 / min').waitFor();
    await row.getByRole('heading', { name: `${TITLE} (edited)` }).waitFor();
    const saved = await env.node.request('GET', `/api/videos/${videoId}`, { token: creatorToken });
    assert.equal(saved.body.price_per_minute_cents, 10);
    assert.equal(saved.body.category, 'education');

    const doomed = page.locator(`.my-video[data-id="${other.body.id}"]`);
    // Listed while processing or already ready; the page reads processing rows again until they are ready.
    await page.locator(`.my-video[data-id="${other.body.id}"][data-status="ready"]`).waitFor({ timeout: 30000 });
    await doomed.getByRole('button', { name: 'Delete' }).click();
    await doomed.getByRole('alertdialog').getByText('Delete “Delete me”?').waitFor();
    await screenshot(page, 'creator-my-videos');
    await doomed.getByRole('button', { name: 'Yes, delete' }).click();
    await doomed.waitFor({ state: 'detached' });
    assert.equal((await env.node.request('GET', `/api/videos/${other.body.id}`, { token: creatorToken })).status, 404);
    assertNoProblems(page);
    await page.close();
  });

test('after a viewer watched, the dashboard shows the views, minutes and revenue, charts them and the retention',
  async (t) => {
    if (!videoId) return t.skip('needs the uploaded video of the first test');
    const viewer = await env.node.signUp('viewer');
    const deposit = await env.node.request('POST', '/api/wallet/deposits',
      { token: viewer.token, body: { amount_cents: 100 }, headers: { 'Idempotency-Key': `dash-${viewer.user.id}` } });
    assert.equal(deposit.status, 201);
    const started = await env.node.request('POST', '/api/sessions', { token: viewer.token, body: { video_id: videoId } });
    assert.equal(started.status, 201);
    const sid = started.body.id;
    for (let seq = 1; seq <= 6; seq++) {
      await sleep(1000);
      const beat = await env.node.request('POST', `/api/sessions/${sid}/heartbeat`,
        { token: viewer.token, body: { position_s: seq, playing: true, seq } });
      assert.equal(beat.status, 200);
    }
    const ended = await env.node.request('POST', `/api/sessions/${sid}/end`, { token: viewer.token });
    assert.ok(ended.body.minutes_paid >= 2, `several short minutes paid: ${JSON.stringify(ended.body)}`);
    paidByViewer = ended.body.charged_cents;
    const earned = (await env.node.request('GET', '/api/wallet', { token: creatorToken })).body.earned_cents;
    assert.ok(earned > 0);
    creatorEarned = earned;
    // Play time arrives in its own events, after the money: wait for the numbers to settle.
    let previous = null;
    const analytics = await until('the analytics role to count the view, the money and the play time', async () => {
      const r = await env.node.request('GET', '/api/analytics/creator', { token: creatorToken });
      const tot = r.body?.totals;
      const settled = tot?.views === 1 && tot.revenue_cents === earned && tot.minutes_watched > 0
        && JSON.stringify(r.body) === JSON.stringify(previous);
      previous = r.body;
      if (!settled) await sleep(300);
      return settled ? r.body : null;
    });

    const page = await signedInPage(creator);
    await page.getByRole('navigation').getByRole('link', { name: 'Dashboard' }).click();
    const totals = page.locator('.dashboard-totals');
    await totals.waitFor();
    assert.equal(await totals.locator('.total-views').textContent(), '1');
    assert.equal(await totals.locator('.total-unique_viewers').textContent(), '1');
    assert.equal(await totals.locator('.total-revenue_cents').getAttribute('data-value'), String(earned));
    assert.equal(await totals.locator('.total-revenue_cents').textContent(), `$0.${String(earned).padStart(2, '0')}`);
    assert.equal(Number(await totals.locator('.total-minutes_watched').getAttribute('data-value')),
      analytics.totals.minutes_watched);

    const days = analytics.per_day.length;
    assert.equal(days, 30);
    const today = new Date().toISOString().slice(0, 10);
    for (const [key, total] of [['views', 1], ['revenue_cents', earned]]) {
      const chart = page.locator(`figure.chart-${key}`);
      await page.locator(`figure.chart-${key}[data-points="${days}"]`).waitFor();
      assert.equal(await chart.locator('canvas').count(), 1);
      const values = (await chart.getAttribute('data-values')).split(',').map(Number);
      assert.equal(values.length, days);
      assert.equal(values.reduce((a, b) => a + b, 0), total);
      assert.equal(values.at(-1), total, 'all of it today');
    }
    await page.locator(`figure.chart-minutes_watched[data-points="${days}"]`).waitFor();
    const todayRow = page.locator(`table.per-day tr[data-day="${today}"]`);
    assert.equal(await todayRow.locator('td.views').textContent(), '1');
    const videoRow = page.locator(`table.per-video-table tr[data-video-id="${videoId}"]`);
    assert.equal(await videoRow.locator('td.views').textContent(), '1');
    assert.equal(await videoRow.locator('td.revenue').textContent(), `$0.${String(earned).padStart(2, '0')}`);
    await videoRow.getByRole('button', { name: 'Retention' }).click();
    const retention = page.locator('figure.chart-retention[data-points="10"]');
    await retention.waitFor();
    const shares = (await retention.getAttribute('data-values')).split(',').map(Number);
    assert.equal(shares.length, 10);
    assert.equal(shares[0], 1);
    await screenshot(page, 'creator-dashboard');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 390);
    await screenshot(page, 'creator-dashboard-phone');
    assertNoProblems(page);
    await page.close();
  });

test('the admin sees the platform totals on their own page, and only admins see it in the nav', async (t) => {
  if (!videoId) return t.skip('needs the uploaded video of the first test');
  const admin = await env.node.createAdmin();
  const page = await signedInPage(admin);
  await page.getByRole('navigation').getByRole('link', { name: 'Admin' }).click();
  const totals = page.locator('.platform-totals');
  await totals.waitFor();
  assert.equal(await totals.locator('.platform-deposits').textContent(), '$1.00');
  const sessions = Number(await totals.locator('.platform-sessions').getAttribute('data-value'));
  assert.ok(sessions >= 1);
  assert.equal(Number(await totals.locator('.platform-revenue').getAttribute('data-value')), paidByViewer);
  assert.equal(Number(await totals.locator('.platform-fees').getAttribute('data-value')), paidByViewer - creatorEarned);
  assert.equal(await totals.locator('.platform-creators').textContent(), '1');
  await screenshot(page, 'admin');
  assertNoProblems(page);
  await page.close();

  const creatorPage = await signedInPage(creator);
  assert.equal(await creatorPage.getByRole('navigation').getByRole('link', { name: 'Admin' }).count(), 0);
  await creatorPage.goto(`${env.node.baseUrl}/#/admin`);
  await creatorPage.getByText('This page is for administrators.').waitFor();

  // The creator's pages at phone width: nothing scrolls sideways.
  await creatorPage.setViewportSize({ width: 390, height: 844 });
  for (const name of ['upload', 'my-videos']) {
    await creatorPage.goto(`${env.node.baseUrl}/#/${name}`);
    await creatorPage.locator('main h1').first().waitFor();
    await creatorPage.waitForLoadState('networkidle');
    const overflow = await creatorPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at phone width`);
    await screenshot(creatorPage, `creator-${name}-phone`);
  }
  assertNoProblems(creatorPage);
  await creatorPage.close();
});
