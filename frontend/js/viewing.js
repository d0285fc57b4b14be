// One viewing session bound to a <video>: heartbeats on a timer and on every
// player event, stream URL renewal, payment pauses, the end when the page goes.
import { api } from './api.js';

const MAX_RELOADS_PER_MINUTE = 4;

export function startViewing(video, initial, { startAt = 0, onState, onProblem, onPlayBlocked, onFatal }) {
  let session = initial;
  let streamUrl = initial.stream_url;
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
    session = next;
    if (next.stream_url) streamUrl = next.stream_url;
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

  // Loads the current stream URL at the last position (after a stream error or an expired token).
  function reload(play) {
    const now = Date.now();
    reloads = reloads.filter((t) => now - t < 60000);
    if (reloads.length >= MAX_RELOADS_PER_MINUTE) {
      onFatal(new Error('The video stream keeps failing. Please try again later.'));
      return;
    }
    reloads.push(now);
    const at = lastPosition;
    video.addEventListener('loadedmetadata', () => {
      if (at > 0) video.currentTime = at;
      if (play) tryPlay();
    }, { once: true });
    video.src = streamUrl;
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
  }

  function detach() {
    for (const e of playerEvents) video.removeEventListener(e, onPlayerEvent);
    video.removeEventListener('timeupdate', onTimeUpdate);
    video.removeEventListener('error', onMediaError);
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
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
    video.addEventListener('loadedmetadata', () => {
      if (startAt > 0) video.currentTime = Math.min(startAt, Math.max(0, (video.duration || startAt) - 1));
      tryPlay();
    }, { once: true });
    video.src = streamUrl;
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
