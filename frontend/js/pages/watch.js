import { h, messageBox, formatDuration } from '../dom.js';
import { api, newIdempotencyKey, query } from '../api.js';
import { formatCents } from '../money.js';
import { go } from '../router.js';
import { topUpDialog, closeTopUpDialog, isTopUpOpen } from '../deposit.js';
import { startViewing } from '../viewing.js';
import { sessionFeed } from '../session_feed.js';
import { openMedia, loadHls } from '../media.js';
import { playerControls } from '../player_controls.js';

const END_TEXT = {
  viewer: 'You ended this viewing session.',
  timeout: 'This viewing session ended because the player stopped reporting for too long.',
  video_deleted: 'The creator removed this video, so the session ended.',
};

function tickerItem(label, cls) {
  const dd = h('dd', { class: cls }, '—');
  return { dd, nodes: h('div', { class: 'tick' }, h('dt', {}, label), dd) };
}

export async function watchPage(view, { parts, params }) {
  const videoId = parts[1] || '';
  const startAt = Math.max(0, Number.parseInt(params.get('t') || '0', 10) || 0);
  const msg = messageBox();
  const title = h('h1', {}, 'Loading video…');
  const byline = h('p', { class: 'creator' });
  const description = h('p', { class: 'description' });
  const videoEl = h('video', { class: 'player', controls: true, preload: 'auto', playsinline: true });
  const stateLine = h('p', { class: 'session-state', role: 'status', 'aria-live': 'polite' });
  const minutes = tickerItem('Minutes paid', 'minutes-paid');
  const charged = tickerItem('Charged', 'charged');
  const balance = tickerItem('Balance', 'balance');
  const price = tickerItem('Price', 'price');
  const ticker = h('dl', { class: 'ticker', 'aria-label': 'Cost of this session' },
    minutes.nodes, charged.nodes, balance.nodes, price.nodes);
  const actions = h('div', { class: 'player-actions' });
  const playerWrap = h('div', { class: 'player-wrap' }, videoEl);
  const playerBar = h('div', { class: 'player-bar' });
  const tickerCard = h('section', { class: 'card ticker-card', 'aria-labelledby': 'ticker-title' },
    h('h2', { id: 'ticker-title', class: 'visually-hidden' }, 'This session'), ticker, stateLine, actions);
  view.append(
    h('p', { class: 'back' }, h('a', { href: '#/catalog' }, '← Back to the catalog')),
    title, byline, msg.el, playerWrap, playerBar, tickerCard, description);

  let details = null;
  try {
    details = await api('GET', `/api/videos/${encodeURIComponent(videoId)}`);
    title.textContent = details.title;
    document.title = `${details.title} · Streamify`;
    byline.textContent = details.owner_display_name ? `by ${details.owner_display_name}` : '';
    description.textContent = details.description || '';
    price.dd.textContent = `${formatCents(details.price_per_minute_cents)} / min`;
    if (details.renditions?.length) loadHls();
  } catch (err) {
    title.textContent = 'Video unavailable';
    msg.set('error', err.status === 404 ? 'This video does not exist or is not available.' : err.message);
    if (err.status === 404) {
      playerWrap.hidden = true;
      tickerCard.hidden = true;
      return undefined;
    }
  }

  const showSession = (s) => {
    minutes.dd.textContent = String(s.minutes_paid);
    charged.dd.textContent = formatCents(s.charged_cents);
    balance.dd.textContent = formatCents(s.balance_cents);
    price.dd.textContent = `${formatCents(s.price_per_minute_cents)} / min`;
  };

  let viewing = null;
  let controls = null;
  let disposed = false;

  const offerRestart = (label) => {
    const again = h('button', { type: 'button', class: 'primary' }, label);
    again.addEventListener('click', () => {
      actions.replaceChildren();
      begin();
    });
    actions.replaceChildren(again);
  };

  const onState = async (s, changed) => {
    showSession(s);
    if (s.state === 'active') {
      stateLine.textContent = videoEl.paused ? 'Paused. You pay for the minutes you watch.' : 'Playing.';
      closeTopUpDialog();
      actions.querySelector('.topup-again')?.remove();
    } else if (s.state === 'payment_required') {
      if (!changed || isTopUpOpen()) return;
      actions.replaceChildren();
      stateLine.textContent = 'Paused: your balance does not cover the next minute.';
      const paid = await topUpDialog(
        `Your balance of ${formatCents(s.balance_cents)} does not cover the next minute `
          + `(${formatCents(s.price_per_minute_cents)}). Add funds and playback resumes.`,
        { onDeposit: async () => !(await viewing?.resumeAfterDeposit()) });
      if (!paid && !disposed && viewing?.session()?.state === 'payment_required') {
        stateLine.textContent = 'Paused until you top up.';
        const topup = h('button', { type: 'button', class: 'primary topup-again' }, 'Top up to continue');
        topup.addEventListener('click', () => {
          actions.replaceChildren();
          onState(viewing.session(), true);
        });
        actions.replaceChildren(topup);
      }
    } else if (s.state === 'ended' && changed) {
      closeTopUpDialog();
      stateLine.textContent = '';
      msg.set('info', END_TEXT[s.end_reason] || 'This viewing session has ended.');
      offerRestart('Start a new session');
    }
  };

  async function begin() {
    msg.set('', '');
    stateLine.textContent = 'Starting…';
    let session;
    try {
      session = await api('POST', '/api/sessions', {
        body: { video_id: videoId },
        headers: { 'Idempotency-Key': newIdempotencyKey() },
      });
    } catch (err) {
      if (disposed) return;
      stateLine.textContent = '';
      if (err.status === 402) {
        msg.set('error', 'Your balance is too low to start this video.');
        const paid = await topUpDialog(
          `Watching starts with the first minute (${formatCents(details?.price_per_minute_cents ?? 0)}). `
            + 'Add funds to start.');
        if (paid && !disposed) begin();
        else if (!disposed) offerRestart('Top up and watch');
      } else if (err.status === 404) {
        msg.set('error', 'This video cannot be watched: it does not exist or is not available.');
      } else if (err.status !== 401) {
        msg.set('error', `The video could not be started. ${err.message}`);
        offerRestart('Try again');
      }
      return;
    }
    const feed = sessionFeed(session);
    const media = await openMedia(videoEl, feed, details?.renditions ?? []);
    if (disposed) {
      api('POST', `/api/sessions/${encodeURIComponent(session.id)}/end`, { keepalive: true }).catch(() => {});
      return;
    }
    controls?.destroy();
    controls = playerControls(videoEl, media, session.max_playback_rate);
    playerBar.append(controls.el);
    playerBar.dataset.media = media.kind;
    viewing = startViewing(videoEl, feed, media, {
      startAt,
      onState,
      onProblem: (text) => { stateLine.textContent = text; },
      onPlayBlocked: () => { stateLine.textContent = 'Press play to start watching.'; },
      onFatal: (err) => {
        msg.set('error', err.message);
      },
    });
    if (!startAt) offerResume();
  }

  async function offerResume() {
    try {
      const page = await api('GET', `/api/history${query({ limit: 20 })}`);
      const last = (page.items || []).find((e) => e.video_id === videoId && Number(e.resume_s) > 0);
      if (!last || disposed || videoEl.currentTime > 5) return;
      const resume = h('button', { type: 'button', class: 'secondary' }, `Resume at ${formatDuration(last.resume_s)}`);
      resume.addEventListener('click', () => {
        videoEl.currentTime = Number(last.resume_s);
        videoEl.play().catch(() => {});
        resume.remove();
      });
      actions.append(resume);
    } catch {
      // Resuming is an offer; without history the video simply starts at 0.
    }
  }

  const onPageShow = (ev) => {
    if (ev.persisted) go(`/watch/${encodeURIComponent(videoId)}`);
  };
  window.addEventListener('pageshow', onPageShow);
  begin();

  return () => {
    disposed = true;
    window.removeEventListener('pageshow', onPageShow);
    closeTopUpDialog();
    viewing?.stop();
    controls?.destroy();
    document.title = 'Streamify';
  };
}
