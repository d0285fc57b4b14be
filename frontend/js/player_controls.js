// The quality and speed menus under the player: native <select>s, so they are
// labelled, reachable by keyboard and usable on a phone.
import { h, field } from './dom.js';

const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];

// The speeds up to the session's cap (the cap itself among them); 2 when the session names none.
export function playbackRates(maxRate) {
  const cap = Number(maxRate) > 0 ? Number(maxRate) : 2;
  const rates = RATES.filter((r) => r <= cap);
  if (cap > 1 && !rates.includes(cap)) rates.push(cap);
  return rates.length ? rates : [1];
}

// playerControls(video, media, maxRate) → { el, destroy() }
export function playerControls(video, media, maxRate) {
  const rates = playbackRates(maxRate);
  const top = rates.at(-1);
  const speed = h('select', { name: 'speed', class: 'speed-menu' },
    rates.map((r) => h('option', { value: String(r) }, `${r}×`)));
  const quality = h('select', { name: 'quality', class: 'quality-menu' });
  const qualityField = field('Quality', quality);
  qualityField.hidden = true;
  const el = h('div', { class: 'player-controls' }, qualityField, field('Speed', speed));

  const showRate = () => {
    speed.value = String(rates.includes(video.playbackRate) ? video.playbackRate : 1);
  };
  // The browser's own menu may offer more than the session allows.
  const onRateChange = () => {
    if (video.playbackRate > top) video.playbackRate = top;
    else showRate();
  };
  speed.addEventListener('change', () => {
    video.defaultPlaybackRate = Number(speed.value);
    video.playbackRate = Number(speed.value);
  });
  video.addEventListener('ratechange', onRateChange);
  onRateChange();

  quality.addEventListener('change', () => media.selectLevel(Number(quality.value)));
  const auto = h('option', { value: '-1' }, 'Auto');
  let listed = null;
  media.onLevels(({ list, selected, playing }) => {
    // Rebuilt only when the levels change, so an open menu stays as it is while the playing level moves.
    if (list !== listed) {
      listed = list;
      quality.replaceChildren(auto, ...list.map((l) => h('option', { value: String(l.index) }, l.name)));
      qualityField.hidden = list.length < 2;
    }
    auto.textContent = playing ? `Auto (${playing})` : 'Auto';
    el.dataset.playing = playing ?? '';
    quality.value = String(selected);
  });

  return {
    el,
    destroy() {
      video.removeEventListener('ratechange', onRateChange);
      media.onLevels(() => {});
      el.remove();
    },
  };
}
