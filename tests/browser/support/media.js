// Test videos made by ffmpeg and published through the API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { artifactsDir } from './artifacts.js';

export function generateWebm(seconds, name = `test-${process.pid}`) {
  const file = path.join(artifactsDir(), `${name}.webm`);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=size=320x180:rate=10:duration=${seconds}`,
    '-c:v', 'libvpx', '-b:v', '150k', '-deadline', 'realtime', file]);
  return file;
}

// Uploads `fields.file` as the creator and waits until the video is ready.
export async function publish(node, token, fields) {
  const form = new FormData();
  form.set('title', fields.title);
  form.set('price_per_minute_cents', String(fields.price));
  form.set('description', fields.description || '');
  form.set('file', new Blob([readFileSync(fields.file)], { type: 'video/webm' }), 'clip.webm');
  const up = await node.request('POST', '/api/videos', { token, body: form });
  assert.equal(up.status, 201, `upload: ${JSON.stringify(up.body)}`);
  for (let i = 0; i < 600; i++) {
    const r = await node.request('GET', `/api/videos/${up.body.id}`, { token });
    if (r.body?.status === 'ready') return r.body;
    assert.notEqual(r.body?.status, 'failed', `processing failed: ${r.body?.failure_reason}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error('the uploaded video never became ready');
}
