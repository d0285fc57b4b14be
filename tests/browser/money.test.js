// The app's money helpers run in node too: integer cents in, strings out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCents, parseAmount } from '../../frontend/js/money.js';

test('formatCents formats integer cents with string arithmetic', () => {
  assert.equal(formatCents(0), '$0.00');
  assert.equal(formatCents(5), '$0.05');
  assert.equal(formatCents(100), '$1.00');
  assert.equal(formatCents(123456789), '$1,234,567.89');
  assert.equal(formatCents(-5), '\u2212$0.05');
  assert.equal(formatCents(250, { sign: true }), '+$2.50');
  assert.equal(formatCents(0, { sign: true }), '$0.00');
  assert.equal(formatCents(Number.MAX_SAFE_INTEGER), '$90,071,992,547,409.91');
  assert.equal(formatCents(92233720368547758n), '$922,337,203,685,477.58');
  assert.throws(() => formatCents(0.1));
  assert.throws(() => formatCents('1.5'));
});

test('parseAmount turns a typed amount into cents without floating point', () => {
  assert.equal(parseAmount('12.50'), 1250);
  assert.equal(parseAmount('0.29'), 29); // 0.29 * 100 is 28.999999999999996 in floating point
  assert.equal(parseAmount('1,5'), 150);
  assert.equal(parseAmount(' 7 '), 700);
  assert.equal(parseAmount('1.234'), null);
  assert.equal(parseAmount('-1'), null);
  assert.equal(parseAmount('1e3'), null);
  assert.equal(parseAmount(''), null);
});
