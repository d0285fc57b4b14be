// The player on HLS: hls.js plays the session's hls_url, the quality and speed
// menus, segments past the paid window waiting for the next paid minute, the
// top-up dialog when the money runs out, and the creator's processing bar.
// Each test skips itself, saying why, while the node does not transcode to
// renditions or answer hls_url.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeOptions } from './support/node.js';
import { artifactsDir } from './support/artifacts.js';
import { screenshot } from './support/browser.js';
import { useNodeAndBrowser, open, assertNoProblems, logIn, waitForHash } from './support/fixture.js';

// A short minute and no lookahead: the paid window (minutes paid x minute x
// max rate) is 8 s a minute, so hls.js, which buffers further ahead, meets it.
const MINUTE_S = 4;
const PRICE = 5;
const options = nodeOptions();
const windowed = ['streaming.lookahead-seconds', 'streaming.grant-ahead-seconds'].every((o) => options.has(o));
const extraArgs = [
  ...(options.has('billing.minute-seconds') ? [`--billing.minute-seconds=${MINUTE_S}`] : []),
  ...(options.has('streaming.heartbeat-interval') ? ['--streaming.heartbeat-interval=1'] : []),
  ...(options.has('http.rate-limit') ? ['--http.rate-limit=0'] : []),
  ...(windowed ? ['--streaming.lookahead-seconds=0', '--streaming.grant-ahead-seconds=0'] : []),
];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let creator;
let video;
let why = null;

// 720p H.264 + AAC at a low bit rate (about 1.4 MB for 30 s): every rendition of the ladder fits under it.
function generateMp4(name, seconds) {
  const file = path.join(artifactsDir(), `${name}-${process.pid}.mp4`);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=15:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '300k', '-maxrate', '300k', '-bufsize', '600k',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k', '-shortest', file]);
  return file;
}

async function upload(node, token, title, file) {
  const form = new FormData();
  form.set('title', title);
  form.set('price_per_minute_cents', String(PRICE));
  form.set('file', new Blob([readFileSync(file)], { type: 'video/mp4' }), 'clip.mp4');
  const up = await node.request('POST', '/api/videos', { token, body: form });
  assert.equal(up.status, 201, `upload: ${JSON.stringify(up.body)}`);
  return up.body;
}

async function untilProcessed(node, token, id) {
  for (let i = 0; i < 600; i++) {
    const r = await node.request('GET', `/api/videos/${id}`, { token });
    if (r.body?.status !== 'processing') return r.body;
    await sleep(200);
  }
  throw new Error('the uploaded video never left processing');
}

const env = useNodeAndBrowser({ extraArgs, setup: async ({ node }) => {
  creator = await node.signUp('creator');
  const uploaded = await upload(node, creator.token, 'HLS test pattern', generateMp4('player', 30));
  video = await untilProcessed(node, creator.token, uploaded.id);
  assert.equal(video.status, 'ready', `processing failed: ${video.failure_reason}`);
  if (!video.renditions?.length) why = 'this node makes no renditions yet (no transcoding): skipped until it does';
} });

async function viewerWith(cents) {
  const viewer = await env.node.signUp('viewer');
  const r = await env.node.request('POST', '/api/wallet/deposits', {
    token: viewer.token, body: { amount_cents: cents }, headers: { 'Idempotency-Key': `fund-${viewer.user.id}` },
  });
  assert.equal(r.status, 201);
  return viewer;
}

// Signs the viewer in, opens the watch page and returns { page, session } once
// the player runs on hls.js; null (after t.skip) when the session has no hls_url.
async function watch(t, viewer) {
  const page = await open(env, '#/login');
  await logIn(page, viewer.email, viewer.password);
  await waitForHash(page, '#/catalog');
  const hls = [];
  page.on('response', (r) => {
    if (r.url().includes('/hls/')) hls.push({ url: r.url(), status: r.status(), at: Date.now() });
  });
  const started = page.waitForResponse((r) => r.url().endsWith('/api/sessions') && r.request().method() === 'POST');
  await page.goto(`${env.node.baseUrl}/#/watch/${video.id}`);
  const session = await (await started).json();
  if (!session.hls_url) {
    await page.close();
    t.skip('the session has no hls_url: this node does not deliver HLS yet');
    return null;
  }
  assert.match(session.hls_url, new RegExp(`^/api/sessions/${session.id}/hls/[^/]+/master\\.m3u8$`));
  assert.equal(typeof session.max_playback_rate, 'number');
  await page.locator('.player-bar[data-media="hls.js"]').waitFor();
  return { page, session, hls };
}

const currentTime = (page) => page.evaluate(() => document.querySelector('video').currentTime);
const tokenOf = (url) => /\/hls\/([^/]+)\//.exec(new URL(url).pathname)?.[1];

test('a viewer plays the HLS stream, picks a quality and a speed, and pays only for the minutes', async (t) => {
  if (why) return t.skip(why);
  const viewer = await viewerWith(100);
  const watching = await watch(t, viewer);
  if (!watching) return undefined;
  const { page, session, hls } = watching;
  await page.waitForFunction(() => document.querySelector('video').currentTime > 1);
  await screenshot(page, 'watch-hls');

  // The quality menu: Auto (naming the playing rendition), then the video's renditions.
  const names = [...video.renditions].sort((a, b) => a.height - b.height).map((r) => r.name);
  assert.ok(names.length >= 2, `several renditions to choose from: ${JSON.stringify(video.renditions)}`);
  const quality = page.getByLabel('Quality');
  await page.locator('.player-controls:not([data-playing=""])').waitFor();
  const playing = await page.locator('.player-controls').getAttribute('data-playing');
  assert.ok(names.includes(playing), `playing ${playing}`);
  assert.deepEqual(await quality.locator('option').allTextContents(), [`Auto (${playing})`, ...names]);
  assert.equal(await quality.inputValue(), '-1');

  // Switching to the other end of the ladder keeps playing and costs nothing.
  const target = playing === names.at(-1) ? names[0] : names.at(-1);
  await quality.selectOption({ label: target });
  await page.locator(`.player-controls[data-playing="${target}"]`).waitFor({ timeout: 30000 });
  const switchedAt = await currentTime(page);
  await page.waitForFunction((t0) => {
    const v = document.querySelector('video');
    return !v.paused && v.currentTime > t0 + 2;
  }, switchedAt, { timeout: 30000 });
  await screenshot(page, 'watch-hls-quality');

  // Speeds up to the session's cap; a faster rate set another way falls back to the cap.
  const cap = session.max_playback_rate;
  const speed = page.getByLabel('Speed');
  const rates = (await speed.locator('option').evaluateAll((os) => os.map((o) => Number(o.value))));
  assert.ok(rates.includes(1) && rates.every((r) => r <= cap), `rates ${rates} capped at ${cap}`);
  assert.equal(Math.max(...rates), cap);
  await speed.focus();
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.querySelector('video').playbackRate > 1);
  assert.equal(await speed.inputValue(), String(await page.evaluate(() => document.querySelector('video').playbackRate)));
  await page.evaluate((r) => { document.querySelector('video').playbackRate = r; }, cap + 1);
  await page.waitForFunction((c) => document.querySelector('video').playbackRate === c, cap);

  // At phone width the menus fit and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(() => document.documentElement.scrollWidth <= 390);
  await screenshot(page, 'watch-hls-phone');

  // Every HLS request was answered 200 or 402 (never 401: its token was current), the later ones with renewed tokens.
  const tokens = new Set();
  const statuses = hls.map((r) => r.status);
  assert.ok(statuses.every((s) => s === 200 || s === 402), `HLS statuses: ${statuses}`);
  for (const r of hls) tokens.add(tokenOf(r.url));
  assert.ok(tokens.size >= 2, 'requests after a heartbeat carry the renewed token');
  assert.ok(!tokens.has(undefined));

  // Leaving ends the session; then its charges are final.
  await page.goto('about:blank');
  let after;
  for (let i = 0; i < 50 && after?.state !== 'ended'; i++) {
    if (i) await sleep(100);
    after = (await env.node.request('GET', `/api/sessions/${session.id}`, { token: viewer.token })).body;
  }
  assert.equal(after.state, 'ended');
  assert.equal(after.charged_cents, after.minutes_paid * PRICE, 'one price per paid minute, whatever the renditions');
  const wallet = (await env.node.request('GET', '/api/wallet', { token: viewer.token })).body;
  assert.equal(wallet.balance_cents, 100 - after.charged_cents);
  assert.equal(wallet.spent_cents, after.charged_cents);
  assertNoProblems(page);
  await page.close();
});

test('a segment past the paid window waits for the next paid minute and never shows as an error', async (t) => {
  if (why) return t.skip(why);
  if (!windowed) return t.skip('no streaming.lookahead-seconds option to make the paid window short');
  const viewer = await viewerWith(100);
  const watching = await watch(t, viewer);
  if (!watching) return undefined;
  const { page, session, hls } = watching;
  // With minute 0 paid the window is 8 s; playing past 20 s needs segments that first answered 402.
  await page.waitForFunction(() => document.querySelector('video').currentTime > 20, null, { timeout: 60000 });
  const segment = (url) => new URL(url).pathname.replace(/^.*\/hls\/[^/]+\//, '');
  const refused = hls.filter((r) => r.status === 402);
  assert.ok(refused.length > 0, 'hls.js asked for segments past the paid window');
  const waiting = new Set(refused.filter((r) => !hls.some((x) => x.status === 200 && x.at >= r.at
    && segment(x.url) === segment(r.url))).map((r) => segment(r.url)));
  // Each refused segment came once a minute was paid, but for the one (at most) waiting now.
  assert.ok(waiting.size <= 1, `segments never fetched again: ${[...waiting]}`);
  assert.ok(refused.length > waiting.size);
  assert.equal(await page.locator('.message-error').count(), 0);
  assert.equal(await page.evaluate(() => document.querySelector('video').error), null);
  const now = (await env.node.request('GET', `/api/sessions/${session.id}`, { token: viewer.token })).body;
  assert.equal(now.state, 'active');
  assert.equal(now.charged_cents, now.minutes_paid * PRICE);
  await screenshot(page, 'watch-hls-window');
  assertNoProblems(page);
  await page.close();
});

test('running out of money mid-video opens the top-up dialog, and paying resumes the HLS stream', async (t) => {
  if (why) return t.skip(why);
  const viewer = await viewerWith(2 * PRICE);
  const watching = await watch(t, viewer);
  if (!watching) return undefined;
  const { page } = watching;
  await page.waitForFunction(() => document.querySelector('video').currentTime > 1);
  const dialog = page.getByRole('dialog', { name: 'Top up your wallet' });
  await dialog.waitFor({ timeout: 30000 });
  assert.equal(await page.evaluate(() => document.querySelector('video').paused), true, 'paused while unpaid');
  assert.equal(await page.locator('.message-error').count(), 0);
  await screenshot(page, 'watch-hls-topup');
  await dialog.getByRole('button', { name: 'Add $5.00' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator('.ticker .minutes-paid').getByText('3', { exact: true }).waitFor({ timeout: 15000 });
  const resumedAt = await currentTime(page);
  await page.waitForFunction((t0) => document.querySelector('video').currentTime > t0 + 2, resumedAt, { timeout: 30000 });
  assert.equal(await page.locator('.message-error').count(), 0);
  assertNoProblems(page);
  await page.close();
});

test('the creator sees the processing bar move, then the renditions of the ready video', async (t) => {
  if (why) return t.skip(why);
  const page = await open(env, '#/login');
  await logIn(page, creator.email, creator.password);
  await waitForHash(page, '#/catalog');
  const seen = [];
  await page.exposeFunction('reportRow', (status, progress) => seen.push({ status, progress }));
  const uploaded = await upload(env.node, creator.token, 'Being processed', generateMp4('processing', 30));
  await page.goto(`${env.node.baseUrl}/#/my-videos`);
  const row = page.locator(`.my-video[data-id="${uploaded.id}"]`);
  await row.waitFor();
  await row.evaluate((el) => {
    const report = () => window.reportRow(el.dataset.status, el.querySelector('.processing-state')?.dataset.progress ?? null);
    report();
    new MutationObserver(report).observe(el, { subtree: true, attributes: true, childList: true });
  });
  if (seen[0]?.status === 'processing') await screenshot(page, 'creator-processing');
  await page.locator(`.my-video[data-id="${uploaded.id}"][data-status="ready"]`).waitFor({ timeout: 120000 });
  const processing = seen.filter((s) => s.status === 'processing').map((s) => Number(s.progress));
  assert.ok(processing.length > 0, 'the row was shown processing: the video was processed before the page opened');
  assert.ok(processing.every((p) => p >= 0 && p <= 100), `progress ${processing}`);
  assert.deepEqual(processing, [...processing].sort((a, b) => a - b), 'the bar only moves forward');
  const ready = (await env.node.request('GET', `/api/videos/${uploaded.id}`, { token: creator.token })).body;
  await row.locator('.renditions').getByText(ready.renditions.map((r) => r.name).join(' · ')).waitFor();
  await screenshot(page, 'creator-ready');
  assertNoProblems(page);
  await page.close();
});
