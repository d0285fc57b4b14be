import { h, clear, messageBox, formatDate, formatDuration } from '../dom.js';
import { api, query } from '../api.js';
import { formatCents } from '../money.js';

export function historyPage(view) {
  const msg = messageBox();
  const list = h('ul', { class: 'history-list' });
  const empty = h('div', { class: 'empty-state', hidden: true },
    h('p', {}, 'You have not watched anything yet. '), h('a', { href: '#/catalog' }, 'Browse the catalog'));
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older sessions');
  let cursor = null;

  function entry(s) {
    const watch = `#/watch/${encodeURIComponent(s.video_id)}`;
    const resume = s.resume_s !== undefined && s.resume_s !== null && Number(s.resume_s) > 0;
    return h('li', { class: 'card history-entry' },
      h('h2', { class: 'video-title' }, h('a', { href: watch }, s.title || 'Untitled video')),
      h('p', { class: 'meta' },
        h('time', { datetime: s.started_at }, formatDate(s.started_at)), ' · ',
        `watched ${formatDuration(s.billed_seconds)}`, ' · ',
        `paid ${formatCents(s.charged_cents)}`),
      h('p', { class: 'actions' },
        resume
          ? h('a', { class: 'button primary', href: `${watch}?t=${Math.floor(Number(s.resume_s))}` },
            `Resume at ${formatDuration(s.resume_s)}`)
          : h('a', { class: 'button secondary', href: watch }, 'Watch again')));
  }

  async function load(reset) {
    more.disabled = true;
    try {
      const page = await api('GET', `/api/history${query({ limit: 20, cursor: reset ? '' : cursor })}`);
      if (reset) clear(list);
      for (const s of page.items || []) list.append(entry(s));
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
      empty.hidden = list.children.length > 0;
    } catch (err) {
      more.hidden = true;
      msg.set('error', err.status === 404
        ? 'Your history is not available on this server yet.'
        : `Your history could not be loaded. ${err.message}`);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => load(false));
  view.append(h('h1', {}, 'History'), msg.el, list, empty, h('div', { class: 'more' }, more));
  load(true);
}
