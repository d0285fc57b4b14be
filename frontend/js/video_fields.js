// The metadata fields of a video (upload and edit share them): title,
// description, category and the price per minute typed in dollars.
import { h, field } from './dom.js';
import { CATEGORIES } from './categories.js';
import { formatCents, parseAmount } from './money.js';

function priceText(cents) {
  return formatCents(cents).replace(/^\$/, '').replace(/,/g, '');
}

export function videoFields(video = {}) {
  const title = h('input', { type: 'text', name: 'title', required: true, maxlength: '200', value: video.title || '' });
  const description = h('textarea', { name: 'description', rows: 3, maxlength: '5000' });
  description.value = video.description || '';
  const category = h('select', { name: 'category' });
  const options = new Set(CATEGORIES);
  if (video.category) options.add(video.category);
  category.append(...[...options].map((c) => h('option', { value: c }, c)));
  category.value = video.category || 'general';
  const price = h('input', {
    type: 'text', name: 'price', inputmode: 'decimal', required: true,
    value: priceText(video.price_per_minute_cents ?? 0),
  });
  return {
    el: h('div', { class: 'video-fields' },
      field('Title', title),
      field('Description', description),
      field('Category', category),
      field('Price per minute ($)', price, 'For example 0.05. 0 makes the video free.')),
    inputs: [title, description, category, price],
    // { title, description, category, price_per_minute_cents } or throws Error with a sentence.
    values() {
      const cents = parseAmount(price.value);
      if (cents === null) throw new Error('Enter the price as an amount such as 0.05, with at most two decimals.');
      if (!title.value.trim()) throw new Error('Enter a title.');
      return {
        title: title.value.trim(),
        description: description.value,
        category: category.value,
        price_per_minute_cents: cents,
      };
    },
  };
}
