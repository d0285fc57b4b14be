// One viewing session bound to a <video>: heartbeats on a timer and on every
// player event, stream URL renewal, payment pauses, the end when the page goes.
import { api } from './api.js';

const MAX_RELOADS_PER_MINUTE = 4;

// feed: session_feed.js. media: media.js, loaded here and again after a stream error.
export function startViewing(video, feed, media, { startAt = 0, onState, onProblem, onPlayBlocked, onFatal }) {
  const initial = feed.get();
  let session = initial;
  let seq = 0;
  let timer = null;
  let inFlight = null;
  let pending = null;
  let stopped = false;
  let lastPosition = startAt;
  let reloads = [];
  const path = `/api/sessions/${encodeURIComponent(initial.id)}`;
  const intervalMs = Math.max(1, Number(initial.heartbeat_interval_s) || 15) * 1000;

  const position = () => Math.max(0, Math.floor(Number.isFinite(video.currentTime) ? video.currentTime : lastPosition));
  const isPlaying = () => !video.paused && !video.ended;
  const live = () => !stopped && session.state !== 'ended';

  function schedule() {
    clearTimeout(timer);
    if (live()) timer = setTimeout(beat, intervalMs);
  }

  function apply(next) {
    const changed = next.state !== session.state;
    session = { ...session, ...next };
    feed.set(session);
    if (next.state !== 'active' && !video.paused) video.pause();
    if (next.state === 'ended') {
      clearTimeout(timer);
      detach();
    }
    onState(next, changed);
  }

  function failed(err) {
    if (err.status === 410) {
      apply({ ...session, state: 'ended' });
    } else if (err.status === 401) {
      stop();
    } else if (err.status === 403 || err.status === 404) {
      apply({ ...session, state: 'ended' });
      onFatal(err);
    } else {
      onProblem(`Connection problem, retrying… (${err.message})`);
    }
  }

  // Sends a heartbeat now (or right after the one in flight); resolves with the session.
  function beat(playing) {
    if (!live()) return Promise.resolve(session);
    if (inFlight) {
      pending ??= inFlight.then(() => {
        pending = null;
        return beat(playing);
      });
      return pending;
    }
    clearTimeout(timer);
    const body = { position_s: position(), playing: playing ?? isPlaying(), seq: ++seq };
    inFlight = api('POST', `${path}/heartbeat`, { body })
      .then((s) => {
        if (!stopped) apply(s);
      }, (err) => {
        if (!stopped) failed(err);
      })
      .then(() => {
        inFlight = null;
        schedule();
        return session;
      });
    return inFlight;
  }

  function tryPlay() {
    if (!live() || session.state !== 'active') return;
    video.play()?.catch((err) => {
      if (err?.name === 'NotAllowedError') onPlayBlocked();
    });
  }

  // Loads the media at `at` (or where it stands); plays once it can when asked to.
  function load(at, play) {
    video.addEventListener('loadedmetadata', () => {
      const target = Math.min(at, Math.max(0, (video.duration || at) - 1));
      if (target > 0 && Math.abs(video.currentTime - target) > 1) video.currentTime = target;
      if (play) tryPlay();
    }, { once: true });
    media.load(at);
  }

  // Loads the current stream URL at the last position (after a stream error or an expired token).
  function reload(play) {
    const now = Date.now();
    reloads = reloads.filter((t) => now - t < 60000);
    if (reloads.length >= MAX_RELOADS_PER_MINUTE) {
      onFatal(new Error('The video stream keeps failing. Please try again later.'));
      return;
    }
    reloads.push(now);
    load(lastPosition, play);
  }

  const onPlayerEvent = () => {
    if (session.state === 'payment_required' && isPlaying()) {
      video.pause();
      onState(session, true);
      return;
    }
    beat();
  };
  const onTimeUpdate = () => {
    if (video.readyState > 0 && !video.seeking) lastPosition = video.currentTime;
  };
  // The stream answers 402 while payment is required and 410 once ended; a heartbeat tells which.
  // (Under hls.js a segment's 402 never gets here: hls_loading.js waits for the next paid minute.)
  const onMediaError = () => {
    if (!live()) return;
    beat().then((s) => {
      if (live() && s.state === 'active') reload(true);
    });
  };
  const onVisibility = () => beat();
  const onPageHide = () => stop();
  const playerEvents = ['play', 'pause', 'seeked', 'ended'];

  function attach() {
    for (const e of playerEvents) video.addEventListener(e, onPlayerEvent);
    video.addEventListener('timeupdate', onTimeUpdate);
    video.addEventListener('error', onMediaError);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    media.onFailure(onMediaError);
  }

  function detach() {
    for (const e of playerEvents) video.removeEventListener(e, onPlayerEvent);
    video.removeEventListener('timeupdate', onTimeUpdate);
    video.removeEventListener('error', onMediaError);
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
    media.onFailure(() => {});
    media.destroy();
    feed.close();
  }

  function stop() {
    if (stopped) return;
    const end = session.state !== 'ended';
    stopped = true;
    clearTimeout(timer);
    detach();
    video.pause();
    // keepalive lets the request outlive the page when this runs on pagehide.
    if (end) api('POST', `${path}/end`, { keepalive: true }).catch(() => {});
  }

  attach();
  onState(session, true);
  if (session.state !== 'ended') {
    load(startAt, true);
    schedule();
  }

  return {
    session: () => session,
    stop,
    // After a deposit: a heartbeat that says the viewer wants to play; true once active again.
    async resumeAfterDeposit() {
      const s = await beat(true);
      if (s.state !== 'active') return false;
      if (video.error || video.networkState === HTMLMediaElement.NETWORK_NO_SOURCE) reload(true);
      else tryPlay();
      return true;
    },
  };
}
