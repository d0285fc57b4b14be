import { h, clear, field, messageBox } from '../dom.js';
import { api, query } from '../api.js';
import { formatCents } from '../money.js';
import { drawChart, chartFigure } from '../charts.js';

const DAY_MS = 86400000;

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayToSeconds(day) {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

const minutesText = (m) => Number(m).toFixed(2).replace(/\.?0+$/, '') || '0';
const countText = (v) => String(Math.round(v * 100) / 100);
const dollarText = (v) => `$${v.toFixed(2)}`;

const SERIES = [
  { key: 'views', caption: 'Views per day', format: countText, cell: (d) => String(d.views), bars: true },
  { key: 'minutes_watched', caption: 'Minutes watched per day', format: countText, cell: (d) => minutesText(d.minutes_watched) },
  { key: 'revenue_cents', caption: 'Revenue per day', format: dollarText, cell: (d) => formatCents(d.revenue_cents), bars: true, scale: 0.01 },
];

function totalsList(t) {
  const item = (key, label, value) =>
    h('div', {}, h('dt', {}, label), h('dd', { class: `total-${key}`, 'data-value': String(t[key]) }, value));
  return h('dl', { class: 'dashboard-totals' },
    item('views', 'Views', String(t.views)),
    item('unique_viewers', 'Unique viewers', String(t.unique_viewers)),
    item('minutes_watched', 'Minutes watched', minutesText(t.minutes_watched)),
    item('revenue_cents', 'Revenue', formatCents(t.revenue_cents)));
}

function perDayTable(perDay) {
  return h('details', { class: 'chart-data' }, h('summary', {}, 'Numbers per day'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data-table per-day' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'),
        ...SERIES.map((s) => h('th', { scope: 'col', class: 'num' }, s.caption.replace(' per day', ''))))),
      h('tbody', {}, perDay.map((d) => h('tr', { 'data-day': d.day }, h('th', { scope: 'row' }, d.day),
        ...SERIES.map((s) => h('td', { class: `num ${s.key}` }, s.cell(d)))))))));
}

export function dashboardPage(view) {
  const msg = messageBox();
  const today = Date.now();
  const to = h('input', { type: 'date', name: 'to', required: true, value: isoDay(today) });
  const from = h('input', { type: 'date', name: 'from', required: true, value: isoDay(today - 29 * DAY_MS) });
  const rangeForm = h('form', { class: 'range-form card' }, field('From', from), field('To', to),
    h('button', { type: 'submit', class: 'primary' }, 'Show'));
  const totals = h('section', { class: 'card totals-card', 'aria-labelledby': 'totals-title' });
  const charts = h('section', { class: 'charts', 'aria-label': 'Charts' });
  const perVideo = h('section', { class: 'per-video', 'aria-labelledby': 'per-video-title' });
  const retention = h('section', { class: 'card retention', hidden: true, 'aria-live': 'polite' });
  let drawn = [];
  let retentionChart = null;
  let seq = 0;

  const destroyCharts = () => {
    for (const c of drawn) c.destroy();
    drawn = [];
    retentionChart?.destroy();
    retentionChart = null;
  };

  async function showRetention(row) {
    const mySeq = seq;
    retention.hidden = false;
    clear(retention).append(h('h2', {}, `Retention: ${row.title}`), h('p', {}, 'Loading…'));
    try {
      const a = await api('GET', `/api/analytics/videos/${row.video_id}${query({ from: from.value, to: to.value })}`);
      if (mySeq !== seq) return;
      const figure = chartFigure('chart-retention', 'Share of sessions still watching at each tenth of the video');
      figure.dataset.values = a.retention.join(',');
      const table = h('table', { class: 'data-table retention-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Position'), h('th', { scope: 'col', class: 'num' }, 'Still watching'))),
        h('tbody', {}, a.retention.map((share, k) => h('tr', {}, h('th', { scope: 'row' }, `${k * 10}%`),
          h('td', { class: 'num' }, `${Math.round(share * 100)}%`)))));
      clear(retention).append(h('h2', {}, `Retention: ${a.title || row.title}`),
        h('p', { class: 'hint' }, `${a.sessions ?? 0} sessions in the range.`), figure,
        h('details', { class: 'chart-data' }, h('summary', {}, 'Numbers'), h('div', { class: 'table-wrap' }, table)));
      retentionChart?.destroy();
      retentionChart = await drawChart(figure, {
        x: a.retention.map((_, k) => k / 10), y: a.retention, xKind: 'share', label: 'Still watching',
        format: (v) => `${Math.round(v * 100)}%`,
      });
    } catch (err) {
      clear(retention).append(h('h2', {}, `Retention: ${row.title}`), h('p', { role: 'alert' }, err.message));
    }
  }

  async function load() {
    const mySeq = ++seq;
    msg.set('', '');
    try {
      const a = await api('GET', `/api/analytics/creator${query({ from: from.value, to: to.value })}`);
      if (mySeq !== seq) return;
      destroyCharts();
      retention.hidden = true;
      clear(totals).append(h('h2', { id: 'totals-title' }, `Totals from ${a.from} to ${a.to}`), totalsList(a.totals));
      const x = a.per_day.map((d) => dayToSeconds(d.day));
      const figures = SERIES.map((s) => {
        const figure = chartFigure(`chart-${s.key}`, s.caption);
        figure.dataset.values = a.per_day.map((d) => d[s.key]).join(',');
        return figure;
      });
      clear(charts).append(...figures.map((f) => h('div', { class: 'card chart-card' }, f)), perDayTable(a.per_day));
      const rows = a.per_video.map((v) => {
        const show = h('button', { type: 'button', class: 'secondary' }, 'Retention');
        show.addEventListener('click', () => showRetention(v));
        return h('tr', { 'data-video-id': v.video_id }, h('th', { scope: 'row' }, v.title),
          h('td', { class: 'num views' }, String(v.views)),
          h('td', { class: 'num unique' }, String(v.unique_viewers)),
          h('td', { class: 'num minutes' }, minutesText(v.minutes_watched)),
          h('td', { class: 'num revenue' }, formatCents(v.revenue_cents)),
          h('td', {}, show));
      });
      clear(perVideo).append(h('h2', { id: 'per-video-title' }, 'Per video'),
        rows.length
          ? h('div', { class: 'table-wrap' }, h('table', { class: 'data-table per-video-table' },
            h('thead', {}, h('tr', {}, ...['Video', 'Views', 'Unique viewers', 'Minutes', 'Revenue', ''].map((c, i) =>
              h('th', { scope: 'col', class: i > 0 && i < 5 ? 'num' : null }, c)))),
            h('tbody', {}, rows)))
          : h('p', { class: 'empty-state' }, 'No views in this range yet.'));
      drawn = await Promise.all(SERIES.map((s, i) => drawChart(figures[i], {
        x, y: a.per_day.map((d) => d[s.key] * (s.scale ?? 1)), xKind: 'day', label: s.caption, format: s.format, bars: s.bars,
      })));
      if (mySeq !== seq) destroyCharts();
    } catch (err) {
      msg.set('error', `The numbers could not be loaded. ${err.message}`);
    }
  }

  rangeForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });

  view.append(h('h1', {}, 'Dashboard'),
    h('p', { class: 'lead' }, 'Your views, watch time and earnings. Days are UTC; numbers lag a few seconds.'),
    rangeForm, msg.el, totals, charts, perVideo, retention);
  load();
  return destroyCharts;
}
