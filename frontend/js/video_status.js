// How far a creator's video has got: the progress of its processing, or the
// renditions it is ready in.
import { h } from './dom.js';

// A bar and the percent of processing_progress (0-100); a bar without a value when the server gives none.
export function processingProgress(v) {
  const known = v.processing_progress !== undefined && v.processing_progress !== null;
  const percent = known ? Math.max(0, Math.min(100, Math.floor(Number(v.processing_progress) || 0))) : null;
  return h('div', { class: 'processing-state', 'data-progress': known ? String(percent) : '' },
    h('progress', { class: 'processing-progress', max: 100, value: known ? percent : undefined,
      'aria-label': `Processing “${v.title}”` }),
    h('span', { class: 'processing-percent' }, known ? `${percent}%` : 'Processing…'));
}

// "240p · 360p · 720p"
export function renditionsText(v) {
  return (v.renditions || []).map((r) => r.name).join(' · ');
}
