import { h, messageBox } from '../dom.js';
import { api } from '../api.js';
import { videoFields } from '../video_fields.js';
import { uploadVideo } from '../upload.js';
import { processingProgress, renditionsText } from '../video_status.js';

const POLL_MS = 1000;

export function uploadPage(view) {
  const msg = messageBox();
  const fields = videoFields();
  const fileInput = h('input', { type: 'file', name: 'file', accept: 'video/*', class: 'visually-hidden', id: 'upload-file' });
  const chosen = h('span', { class: 'chosen-file' }, 'No file chosen');
  const drop = h('label', { class: 'drop-zone' },
    fileInput, h('strong', {}, 'Choose a video file'), ' or drop it here', h('br'), chosen);
  let file = null;
  const choose = (f) => {
    file = f || null;
    chosen.textContent = file ? `${file.name} (${(file.size / 1048576).toFixed(1)} MB)` : 'No file chosen';
  };
  fileInput.addEventListener('change', () => choose(fileInput.files[0]));
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('dragging');
    if (ev.dataTransfer?.files?.length) choose(ev.dataTransfer.files[0]);
  });

  const bar = h('progress', { class: 'upload-progress', max: 100, value: 0, 'aria-label': 'Upload progress' });
  const percent = h('span', { class: 'upload-percent', 'data-percent': '0' }, '0%');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel upload');
  const progress = h('div', { class: 'upload-status', hidden: true }, bar, percent, cancel);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Upload');
  const form = h('form', { class: 'card form upload-form' },
    drop, fields.el, submit, progress, msg.el);

  const processing = h('section', { class: 'card processing', hidden: true, 'aria-live': 'polite' });
  let upload = null;
  let pollTimer = null;

  const setBusy = (on) => {
    for (const el of [submit, fileInput, ...fields.inputs]) el.disabled = on;
  };
  const showPercent = (p) => {
    bar.value = p;
    percent.textContent = `${p}%`;
    percent.dataset.percent = String(p);
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.set('', '');
    let values;
    try {
      if (!file) throw new Error('Choose a video file to upload.');
      values = fields.values();
    } catch (err) {
      msg.set('error', err.message);
      return;
    }
    const body = new FormData();
    body.set('title', values.title);
    body.set('description', values.description);
    body.set('category', values.category);
    body.set('price_per_minute_cents', String(values.price_per_minute_cents));
    body.set('file', file, file.name);
    setBusy(true);
    showPercent(0);
    progress.hidden = false;
    upload = uploadVideo(body, (sent, total) => showPercent(Math.floor((sent * 100) / total)));
    try {
      const video = await upload.done;
      showPercent(100);
      cancel.hidden = true;
      msg.set('ok', 'Uploaded. The video is being processed.');
      watchProcessing(video);
    } catch (err) {
      progress.hidden = true;
      setBusy(false);
      msg.set(err.code === 'cancelled' ? 'info' : 'error',
        err.code === 'cancelled' ? 'The upload was cancelled. Your details are kept.' : `${err.message} Your details are kept; try again.`);
    } finally {
      upload = null;
    }
  });
  cancel.addEventListener('click', () => upload?.cancel());

  function showState(video) {
    const link = h('a', { href: '#/my-videos' }, 'Go to my videos');
    processing.hidden = false;
    processing.dataset.status = video.status;
    if (video.status === 'ready') {
      processing.replaceChildren(h('h2', {}, 'Ready'),
        h('p', { class: 'video-state state-ready' }, `“${video.title}” is ready and in the catalog.`),
        video.renditions?.length ? h('p', { class: 'renditions' }, `Qualities: ${renditionsText(video)}`) : null,
        h('p', {}, h('a', { href: `#/watch/${video.id}` }, 'Watch it'), ' · ', link));
    } else if (video.status === 'failed') {
      processing.replaceChildren(h('h2', {}, 'Processing failed'),
        h('p', { class: 'video-state state-failed', role: 'alert' }, video.failure_reason || 'The video could not be processed.'),
        h('p', {}, link));
    } else {
      processing.replaceChildren(h('h2', {}, 'Processing'),
        h('p', { class: 'video-state state-processing' }, `“${video.title}” is being processed…`),
        processingProgress(video));
    }
  }

  function watchProcessing(video) {
    showState(video);
    if (video.status !== 'processing') return;
    pollTimer = setTimeout(async () => {
      try {
        watchProcessing(await api('GET', `/api/videos/${video.id}`));
      } catch (err) {
        msg.set('error', `The video's state could not be loaded. ${err.message}`);
      }
    }, POLL_MS);
  }

  view.append(h('h1', {}, 'Upload a video'),
    h('p', { class: 'lead' }, 'MP4 or WebM. Viewers pay your price for every minute they watch.'),
    form, processing);
  return () => {
    clearTimeout(pollTimer);
    upload?.cancel();
  };
}
