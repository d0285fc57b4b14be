// How hls.js fetches a session's HLS stream. Every request carries the
// session's current stream token: it is renewed by each heartbeat and expires
// within minutes, while hls.js keeps the playlist URLs it saw first. A segment
// answered 402 (past the paid window, or payment required) is no error: it is
// asked for again once a heartbeat has raised minutes_paid.

// /api/sessions/{id}/hls/{st}/{rest}
const HLS_PATH = /^(\/api\/sessions\/[^/]+\/hls\/)([^/]+)(\/.*)$/;

// url with the stream token of hlsUrl in place of its own (url unchanged when it is not the same session's HLS).
export function withToken(url, hlsUrl) {
  const target = new URL(url, location.href);
  const current = new URL(hlsUrl, location.href);
  const old = HLS_PATH.exec(target.pathname);
  const fresh = HLS_PATH.exec(current.pathname);
  if (!old || !fresh || old[1] !== fresh[1] || old[2] === fresh[2] || target.origin !== current.origin) return url;
  target.pathname = `${old[1]}${fresh[2]}${old[3]}`;
  return target.href;
}

// hls.js config: the token rewrite for playlists and segments, the fragment loader that waits out a 402.
export function sessionLoading(Hls, feed) {
  return {
    xhrSetup(xhr, url) {
      xhr.open('GET', withToken(url, feed.get().hls_url), true);
    },
    fLoader: paidFragmentLoader(Hls, feed),
  };
}

function restartStats(stats) {
  stats.aborted = false;
  stats.loaded = 0;
  stats.total = 0;
  stats.chunkCount = 0;
  stats.loading = { start: 0, first: 0, end: 0 };
}

// A hls.js fragment loader around its default one: a 402 answer waits for
// feed.paidBeyond(minutes paid when the request went out), then the fragment is
// requested again by a fresh default loader sharing the same stats. hls.js sees
// a slow fragment, never the 402.
function paidFragmentLoader(Hls, feed) {
  const Base = Hls.DefaultConfig.loader;
  return class PaidFragmentLoader {
    constructor(config) {
      this.config = config;
      this.inner = new Base(config);
      this.stats = this.inner.stats;
      this.context = null;
      this.callbacks = null;
      this.over = false;
    }

    load(context, loaderConfig, callbacks) {
      this.context = context;
      this.callbacks = callbacks;
      const attempt = (inner) => {
        const seen = feed.get().minutes_paid;
        this.inner = inner;
        inner.load(context, loaderConfig, {
          ...callbacks,
          onError: (error, ctx, details, stats) => {
            if (error.code !== 402 || this.over) {
              callbacks.onError(error, ctx, details, stats);
              return;
            }
            inner.destroy();
            this.inner = null;
            feed.paidBeyond(seen).then(() => {
              if (this.over) return;
              const next = new Base(this.config);
              restartStats(this.stats);
              next.stats = this.stats;
              attempt(next);
            });
          },
        });
      };
      attempt(this.inner);
    }

    abort() {
      this.over = true;
      if (this.inner) {
        this.inner.abort();
      } else {
        this.stats.aborted = true;
        this.callbacks?.onAbort?.(this.stats, this.context, null);
      }
    }

    destroy() {
      this.over = true;
      this.inner?.destroy();
      this.inner = null;
      this.callbacks = null;
      this.context = null;
    }

    getCacheAge() {
      return this.inner?.getCacheAge() ?? null;
    }

    getResponseHeader(name) {
      return this.inner?.getResponseHeader(name) ?? null;
    }
  };
}
