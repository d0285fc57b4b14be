import { h, messageBox } from '../dom.js';
import { api } from '../api.js';
import { formatCents } from '../money.js';

export async function adminPage(view) {
  const msg = messageBox();
  view.append(h('h1', {}, 'Platform totals'), h('p', { class: 'lead' }, 'All time, for the whole platform.'), msg.el);
  try {
    const p = await api('GET', '/api/analytics/platform');
    const item = (key, label, value, raw) =>
      h('div', {}, h('dt', {}, label), h('dd', { class: `platform-${key}`, 'data-value': String(raw) }, value));
    const users = p.users || {};
    view.append(h('section', { class: 'card', 'aria-labelledby': 'platform-title' },
      h('h2', { id: 'platform-title' }, 'Totals'),
      h('dl', { class: 'dashboard-totals platform-totals' },
        item('viewers', 'Viewers', String(users.viewer ?? 0), users.viewer ?? 0),
        item('creators', 'Creators', String(users.creator ?? 0), users.creator ?? 0),
        item('admins', 'Administrators', String(users.admin ?? 0), users.admin ?? 0),
        item('videos', 'Videos', String(p.videos), p.videos),
        item('sessions', 'Sessions', String(p.sessions), p.sessions),
        item('minutes', 'Minutes watched', String(p.minutes_watched), p.minutes_watched),
        item('deposits', 'Deposits', formatCents(p.deposits_cents), p.deposits_cents),
        item('revenue', 'Paid by viewers', formatCents(p.revenue_cents), p.revenue_cents),
        item('fees', 'Platform fees', formatCents(p.platform_fees_cents), p.platform_fees_cents))));
  } catch (err) {
    msg.set('error', `The platform totals could not be loaded. ${err.message}`);
  }
}
