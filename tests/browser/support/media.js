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

// 720p H.264 + AAC at a low bit rate (about 1 MB for 24 s), so the catalog makes every rendition of its ladder.
export function generateMp4(seconds, name = `test-${process.pid}`) {
  const file = path.join(artifactsDir(), `${name}.mp4`);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=5:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '300k', '-maxrate', '300k', '-bufsize', '600k',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k', '-shortest', file]);
  return file;
}

// Uploads `fields.file` (.webm or .mp4) as the creator; returns the new video, still processing.
export async function upload(node, token, fields) {
  const form = new FormData();
  form.set('title', fields.title);
  form.set('price_per_minute_cents', String(fields.price));
  form.set('description', fields.description || '');
  const type = fields.file.endsWith('.mp4') ? 'video/mp4' : 'video/webm';
  form.set('file', new Blob([readFileSync(fields.file)], { type }), path.basename(fields.file));
  const up = await node.request('POST', '/api/videos', { token, body: form });
  assert.equal(up.status, 201, `upload: ${JSON.stringify(up.body)}`);
  return up.body;
}

// Uploads as above and waits until the video is ready.
export async function publish(node, token, fields) {
  const { id } = await upload(node, token, fields);
  for (let i = 0; i < 600; i++) {
    const r = await node.request('GET', `/api/videos/${id}`, { token });
    if (r.body?.status === 'ready') return r.body;
    assert.notEqual(r.body?.status, 'failed', `processing failed: ${r.body?.failure_reason}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error('the uploaded video never became ready');
}
