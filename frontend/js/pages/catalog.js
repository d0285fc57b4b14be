import { h, clear, field, messageBox, formatDuration } from '../dom.js';
import { api, query } from '../api.js';
import { formatCents } from '../money.js';
import { CATEGORIES } from '../categories.js';

const SORTS = [
  ['new', 'Newest'],
  ['popular', 'Most viewed'],
  ['price_asc', 'Price: low to high'],
  ['price_desc', 'Price: high to low'],
];
const PAGE_SIZE = 24;

function videoCard(video) {
  const href = `#/watch/${encodeURIComponent(video.id)}`;
  const price = Number(video.price_per_minute_cents) === 0
    ? 'Free'
    : `${formatCents(video.price_per_minute_cents)} / min`;
  return h('li', { class: 'video-card' },
    h('a', { href, class: 'thumb-link', tabindex: '-1', 'aria-hidden': 'true' },
      h('img', { class: 'thumb', src: video.thumbnail_url || `/api/videos/${encodeURIComponent(video.id)}/thumbnail`,
        alt: '', loading: 'lazy', width: '320', height: '180' }),
      h('span', { class: 'duration' }, formatDuration(video.duration_s))),
    h('div', { class: 'video-info' },
      h('h2', { class: 'video-title' }, h('a', { href }, video.title)),
      h('p', { class: 'creator' }, video.owner_display_name || ''),
      h('p', { class: 'meta' },
        h('span', { class: 'price' }, price),
        h('span', { class: 'sep', 'aria-hidden': 'true' }, ' · '),
        h('span', { class: 'category' }, video.category || 'general'),
        h('span', { class: 'visually-hidden' }, `, duration ${formatDuration(video.duration_s)}`))));
}

export function catalogPage(view, { params }) {
  const state = {
    q: params.get('q') || '',
    category: params.get('category') || '',
    sort: SORTS.some(([v]) => v === params.get('sort')) ? params.get('sort') : 'new',
    cursor: null,
    seq: 0,
  };
  const categories = new Set(CATEGORIES);
  if (state.category) categories.add(state.category);

  const search = h('input', { type: 'search', name: 'q', value: state.q, placeholder: 'Title or description' });
  const category = h('select', { name: 'category' });
  const sort = h('select', { name: 'sort' }, SORTS.map(([v, label]) => h('option', { value: v }, label)));
  sort.value = state.sort;
  const fillCategories = () => {
    const chosen = category.value || state.category;
    clear(category).append(h('option', { value: '' }, 'All categories'),
      ...[...categories].sort().map((c) => h('option', { value: c }, c)));
    category.value = chosen;
  };
  fillCategories();

  const grid = h('ul', { class: 'video-grid', 'aria-label': 'Videos' });
  const empty = h('div', { class: 'empty-state', hidden: true });
  const msg = messageBox();
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more videos');
  const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  const filters = h('form', { class: 'filters', role: 'search' },
    field('Search', search),
    field('Category', category),
    field('Sort by', sort),
    h('button', { type: 'submit', class: 'primary' }, 'Search'));

  function syncHash() {
    const search = query({ q: state.q, category: state.category, sort: state.sort === 'new' ? '' : state.sort });
    history.replaceState(null, '', `#/catalog${search}`);
  }

  async function load(reset) {
    const seq = ++state.seq;
    more.disabled = true;
    view.setAttribute('aria-busy', 'true');
    msg.set('', '');
    try {
      const page = await api('GET', `/api/videos${query({
        q: state.q, category: state.category, sort: state.sort, limit: PAGE_SIZE, cursor: reset ? '' : state.cursor,
      })}`);
      if (seq !== state.seq) return;
      if (reset) clear(grid);
      const items = page?.items || [];
      for (const v of items) {
        grid.append(videoCard(v));
        if (v.category) categories.add(v.category);
      }
      fillCategories();
      state.cursor = page?.next_cursor || null;
      more.hidden = !state.cursor;
      const none = grid.children.length === 0;
      empty.hidden = !none;
      if (none) {
        clear(empty).append(h('h2', {}, 'No videos found'),
          h('p', {}, state.q || state.category
            ? 'No videos match your search. Try other words or another category.'
            : 'No videos have been published yet. Check back soon.'));
      }
      status.textContent = none ? 'No videos found.' : `${grid.children.length} videos shown.`;
    } catch (err) {
      if (seq !== state.seq) return;
      if (reset) clear(grid);
      more.hidden = true;
      empty.hidden = false;
      clear(empty).append(h('h2', {}, 'No videos to show'),
        h('p', {}, err.status === 404
          ? 'The catalog is not available on this server yet.'
          : `The catalog could not be loaded. ${err.message}`),
        h('button', { type: 'button', class: 'secondary', onclick: () => load(true) }, 'Try again'));
    } finally {
      if (seq === state.seq) {
        more.disabled = false;
        view.removeAttribute('aria-busy');
      }
    }
  }

  const apply = () => {
    state.q = search.value.trim();
    state.category = category.value;
    state.sort = sort.value;
    syncHash();
    load(true);
  };
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  category.addEventListener('change', apply);
  sort.addEventListener('change', apply);
  more.addEventListener('click', () => load(false));

  view.append(h('h1', {}, 'Catalog'), h('p', { class: 'lead' }, 'Pay only for the minutes you watch.'),
    filters, msg.el, status, grid, empty, h('div', { class: 'more' }, more));
  load(true);
}
