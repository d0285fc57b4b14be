// How a session's video reaches the <video>: HLS through hls.js (vendored into
// frontend/vendor by deploy/local/lib.sh) where the browser has Media Source
// Extensions, the browser's own HLS where it has that instead (Safari), and the
// progressive file when the session has no HLS or the video no renditions.
//
// A media: { kind, load(at), destroy(), onFailure(fn), onLevels(fn),
// selectLevel(index) }. load starts (again) at `at` seconds with the session's
// current URL; onFailure is told of an error the media could not recover from
// itself; onLevels of { list: [{ index, name }], selected, playing } whenever
// that changes (never where the browser picks the quality).
import { sessionLoading } from './hls_loading.js';

const HLS_TYPE = 'application/vnd.apple.mpegurl';

let hlsModule = null;
// The hls.js class, or null when the vendored file is missing.
export function loadHls() {
  hlsModule ??= import('../vendor/hls.esm.js').then((m) => m.default, () => null);
  return hlsModule;
}

export async function openMedia(video, feed, renditions) {
  const session = feed.get();
  if (session.hls_url && renditions.length > 0) {
    const Hls = await loadHls();
    if (Hls?.isSupported()) return hlsMedia(Hls, video, feed, renditions);
    if (video.canPlayType(HLS_TYPE)) return srcMedia(video, 'native-hls', () => feed.get().hls_url);
  }
  return srcMedia(video, 'progressive', () => feed.get().stream_url);
}

function srcMedia(video, kind, url) {
  return {
    kind,
    load() {
      video.src = url();
    },
    destroy() {},
    onFailure() {},
    onLevels() {},
    selectLevel() {},
  };
}

// A level's name: the rendition folder its playlist is in (…/240p/index.m3u8), else its height.
function levelName(level, renditions) {
  const folder = /\/([^/]+)\/[^/]*$/.exec(new URL(level.uri, location.href).pathname)?.[1];
  const byName = renditions.find((r) => r.name === folder);
  const byHeight = renditions.find((r) => r.height === level.height);
  return (byName ?? byHeight)?.name ?? `${level.height}p`;
}

function hlsMedia(Hls, video, feed, renditions) {
  let hls = null;
  let failed = () => {};
  let listener = () => {};
  // The viewer's choice, a level index or -1 for automatic; kept over reloads.
  let selected = -1;
  const media = {
    kind: 'hls.js',
    levels: null, // what onLevels was last told
    load(at) {
      hls?.destroy();
      media.levels = null;
      const h = new Hls({ ...sessionLoading(Hls, feed), startPosition: at > 0 ? at : -1, startLevel: selected });
      hls = h;
      h.on(Hls.Events.MANIFEST_PARSED, () => {
        if (selected >= h.levels.length) selected = -1;
        media.levels = { list: h.levels.map((l, index) => ({ index, name: levelName(l, renditions) })), selected, playing: null };
        if (selected >= 0) h.nextLevel = selected;
        listener(media.levels);
      });
      h.on(Hls.Events.FRAG_CHANGED, (event, { frag }) => {
        if (!media.levels || frag.level < 0) return;
        media.levels = { ...media.levels, playing: media.levels.list[frag.level]?.name ?? null };
        listener(media.levels);
      });
      h.on(Hls.Events.ERROR, (event, data) => {
        if (data.fatal && hls === h) failed(data);
      });
      h.loadSource(feed.get().hls_url);
      h.attachMedia(video);
    },
    destroy() {
      hls?.destroy();
      hls = null;
    },
    onFailure(fn) {
      failed = fn;
    },
    onLevels(fn) {
      listener = fn;
      if (media.levels) fn(media.levels);
    },
    // Switches as soon as it can without interrupting playback; -1 hands the choice back to hls.js.
    selectLevel(index) {
      selected = index;
      if (hls && media.levels) {
        hls.nextLevel = index;
        media.levels = { ...media.levels, selected };
        listener(media.levels);
      }
    },
  };
  return media;
}
