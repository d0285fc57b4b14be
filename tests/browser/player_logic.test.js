// The player's rules that need no browser: the stream token in HLS URLs, the
// speeds under the cap, and waiting for the next paid minute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withToken } from '../../frontend/js/hls_loading.js';
import { playbackRates } from '../../frontend/js/player_controls.js';
import { sessionFeed } from '../../frontend/js/session_feed.js';

globalThis.location = new URL('http://127.0.0.1:8080/#/watch/v1');
const session = 'a'.repeat(32);

test('withToken puts the current stream token into every URL of the same session\'s HLS', () => {
  const current = `/api/sessions/${session}/hls/new.tok-en_2/master.m3u8`;
  const old = `http://127.0.0.1:8080/api/sessions/${session}/hls/old.tok-en_1`;
  assert.equal(withToken(`${old}/master.m3u8`, current),
    `http://127.0.0.1:8080/api/sessions/${session}/hls/new.tok-en_2/master.m3u8`);
  assert.equal(withToken(`${old}/720p/index.m3u8`, current),
    `http://127.0.0.1:8080/api/sessions/${session}/hls/new.tok-en_2/720p/index.m3u8`);
  assert.equal(withToken(`${old}/240p/seg_00003.m4s`, current),
    `http://127.0.0.1:8080/api/sessions/${session}/hls/new.tok-en_2/240p/seg_00003.m4s`);
  // Already current, another session, another origin, not HLS: unchanged.
  const same = `http://127.0.0.1:8080${current}`;
  assert.equal(withToken(same, current), same);
  const other = `http://127.0.0.1:8080/api/sessions/${'b'.repeat(32)}/hls/old/240p/init.mp4`;
  assert.equal(withToken(other, current), other);
  const elsewhere = `http://example.com/api/sessions/${session}/hls/old/240p/init.mp4`;
  assert.equal(withToken(elsewhere, current), elsewhere);
  const stream = `http://127.0.0.1:8080/api/sessions/${session}/stream?st=old`;
  assert.equal(withToken(stream, current), stream);
});

test('the speed menu offers the usual speeds up to the session\'s cap', () => {
  assert.deepEqual(playbackRates(2), [0.5, 0.75, 1, 1.25, 1.5, 2]);
  assert.deepEqual(playbackRates(1.5), [0.5, 0.75, 1, 1.25, 1.5]);
  assert.deepEqual(playbackRates(1.75), [0.5, 0.75, 1, 1.25, 1.5, 1.75]);
  assert.deepEqual(playbackRates(1), [0.5, 0.75, 1]);
  assert.deepEqual(playbackRates(4), [0.5, 0.75, 1, 1.25, 1.5, 2, 4]);
  assert.deepEqual(playbackRates(undefined), playbackRates(2), 'the contract\'s default when the session names none');
});

test('paidBeyond waits for a heartbeat that raises minutes_paid, or for the end', async () => {
  const feed = sessionFeed({ state: 'active', minutes_paid: 1 });
  const order = [];
  const first = feed.paidBeyond(1).then(() => order.push('first'));
  const second = feed.paidBeyond(2).then(() => order.push('second'));
  await feed.paidBeyond(0);
  feed.set({ state: 'active', minutes_paid: 1 });
  await Promise.resolve();
  assert.deepEqual(order, []);
  feed.set({ state: 'active', minutes_paid: 2 });
  await first;
  assert.deepEqual(order, ['first']);
  feed.set({ state: 'payment_required', minutes_paid: 2 });
  await Promise.resolve();
  assert.deepEqual(order, ['first']);
  feed.set({ state: 'ended', minutes_paid: 2 });
  await second;
  assert.deepEqual(order, ['first', 'second']);

  const closed = sessionFeed({ state: 'active', minutes_paid: 3 });
  const waiting = closed.paidBeyond(3);
  closed.close();
  await waiting;
});
