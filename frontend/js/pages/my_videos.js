import { h, clear, messageBox, formatDuration } from '../dom.js';
import { api, query } from '../api.js';
import { formatCents } from '../money.js';
import { videoFields } from '../video_fields.js';
import { processingProgress, renditionsText } from '../video_status.js';

const STATUS_LABEL = { processing: 'Processing', ready: 'Ready', failed: 'Failed' };
const POLL_MS = 2000;

function thumbnail(video) {
  if (video.status === 'ready' && video.thumbnail_url) {
    return h('img', { class: 'thumb', src: video.thumbnail_url, alt: '', loading: 'lazy' });
  }
  return h('div', { class: `thumb thumb-${video.status}` }, STATUS_LABEL[video.status] || video.status);
}

function videoRow(video, msg, onRemoved) {
  const row = h('li', { class: 'my-video', 'data-id': video.id, 'data-status': video.status });
  const render = (v) => {
    const facts = h('p', { class: 'meta' },
      h('span', { class: `status status-${v.status}` }, STATUS_LABEL[v.status] || v.status), ' · ',
      h('span', { class: 'views' }, `${v.views ?? 0} views`), ' · ',
      h('span', { class: 'price' }, `${formatCents(v.price_per_minute_cents)} / min`), ' · ',
      h('span', { class: 'category' }, v.category || 'general'),
      v.duration_s != null ? [' · ', formatDuration(v.duration_s)] : null);
    const edit = h('button', { type: 'button', class: 'secondary' }, 'Edit');
    const remove = h('button', { type: 'button', class: 'secondary danger' }, 'Delete');
    const actions = h('div', { class: 'row-actions' }, edit, remove);
    const body = h('div', { class: 'my-video-info' },
      h('h2', { class: 'video-title' }, v.status === 'ready' ? h('a', { href: `#/watch/${v.id}` }, v.title) : v.title),
      facts,
      v.status === 'processing' ? processingProgress(v) : null,
      v.status === 'failed' ? h('p', { class: 'failure', role: 'note' }, v.failure_reason || 'Processing failed.') : null,
      v.status === 'ready' && v.renditions?.length
        ? h('p', { class: 'renditions' }, h('span', { class: 'visually-hidden' }, 'Qualities: '), renditionsText(v)) : null,
      actions);
    clear(row).append(h('div', { class: 'thumb-box' }, thumbnail(v)), body);
    row.dataset.status = v.status;
    edit.addEventListener('click', () => editForm(v, body, actions));
    remove.addEventListener('click', () => confirmDelete(v, actions));
  };

  function editForm(v, body, actions) {
    const fields = videoFields(v);
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const form = h('form', { class: 'edit-form', 'aria-label': `Edit ${v.title}` }, fields.el,
      h('div', { class: 'row-actions' }, save, cancel));
    actions.replaceWith(form);
    fields.inputs[0].focus();
    cancel.addEventListener('click', () => render(v));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const updated = await api('PATCH', `/api/videos/${v.id}`, { body: fields.values() });
        render(updated);
        msg.set('ok', `“${updated.title}” was saved.`);
      } catch (err) {
        msg.set('error', err.message);
      }
    });
  }

  function confirmDelete(v, actions) {
    const yes = h('button', { type: 'button', class: 'primary danger' }, 'Yes, delete');
    const no = h('button', { type: 'button', class: 'secondary' }, 'Keep it');
    const ask = h('div', { class: 'confirm', role: 'alertdialog', 'aria-label': 'Confirm deletion' },
      h('p', {}, `Delete “${v.title}”? Viewers can no longer watch it. This cannot be undone.`), yes, no);
    actions.replaceWith(ask);
    no.focus();
    no.addEventListener('click', () => render(v));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api('DELETE', `/api/videos/${v.id}`);
        row.remove();
        msg.set('ok', `“${v.title}” was deleted.`);
        onRemoved();
      } catch (err) {
        yes.disabled = false;
        msg.set('error', err.message);
      }
    });
  }

  render(video);
  // A newer reading of the video: the bar moves in place; a new status redraws the row unless a form is open.
  row.update = (v) => {
    if (v.status === 'processing' && row.dataset.status === 'processing') {
      row.querySelector('.processing-state')?.replaceWith(processingProgress(v));
    } else if (!row.querySelector('form, .confirm')) {
      render(v);
    }
  };
  return row;
}

export function myVideosPage(view) {
  const msg = messageBox();
  const list = h('ul', { class: 'my-videos' });
  const empty = h('p', { class: 'empty-state', hidden: true }, 'You have not uploaded any videos yet. ',
    h('a', { href: '#/upload' }, 'Upload one'), '.');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more');
  let cursor = null;
  const updateEmpty = () => { empty.hidden = list.children.length > 0; };

  // While a row is processing, the list is read again every POLL_MS (its newest
  // videos: those are the ones processing) and the rows follow it.
  let pollTimer = null;
  let closed = false;
  const processingRows = () => list.querySelectorAll('.my-video[data-status="processing"]');
  function pollSoon() {
    clearTimeout(pollTimer);
    if (!closed && processingRows().length) pollTimer = setTimeout(poll, POLL_MS);
  }
  async function poll() {
    try {
      const page = await api('GET', `/api/creator/videos${query({ limit: 100 })}`);
      const latest = new Map((page.items || []).map((v) => [v.id, v]));
      for (const row of processingRows()) {
        const v = latest.get(row.dataset.id);
        if (v) row.update(v);
      }
    } catch {
      // A failed reading is retried with the next one.
    }
    pollSoon();
  }

  async function load(reset) {
    more.disabled = true;
    try {
      const page = await api('GET', `/api/creator/videos${query({ limit: 50, cursor: reset ? '' : cursor })}`);
      if (reset) clear(list);
      for (const v of page.items || []) list.append(videoRow(v, msg, updateEmpty));
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
      updateEmpty();
      pollSoon();
    } catch (err) {
      msg.set('error', `Your videos could not be loaded. ${err.message}`);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => load(false));

  view.append(h('h1', {}, 'My videos'),
    h('p', { class: 'lead' }, h('a', { href: '#/upload' }, 'Upload a video'), ' · ', h('a', { href: '#/dashboard' }, 'Dashboard')),
    msg.el, list, empty, h('div', { class: 'more' }, more));
  load(true);
  return () => {
    closed = true;
    clearTimeout(pollTimer);
  };
}
