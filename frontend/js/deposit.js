// Top-up: quick amounts and a custom amount, paid through the sandbox provider.
import { h, field, messageBox } from './dom.js';
import { api, newIdempotencyKey } from './api.js';
import { formatCents, parseAmount } from './money.js';

export const QUICK_AMOUNTS_CENTS = [500, 1000, 2000, 5000];

// A new Idempotency-Key per attempt; a retry after an unknown outcome (network
// error, 5xx) of the same amount reuses its key so it can never pay twice.
function keyKeeper() {
  let pending = null;
  return {
    keyFor(amount) {
      if (!pending || pending.amount !== amount) pending = { amount, key: newIdempotencyKey() };
      return pending.key;
    },
    settled() {
      pending = null;
    },
  };
}

export function deposit(amountCents, key) {
  return api('POST', '/api/wallet/deposits', {
    body: { amount_cents: amountCents },
    headers: { 'Idempotency-Key': key },
  });
}

// depositForm({ onDeposit(result) }) → { el, focus() }
export function depositForm({ onDeposit, idPrefix = 'deposit' }) {
  const keys = keyKeeper();
  const msg = messageBox();
  const custom = h('input', {
    type: 'text', inputmode: 'decimal', name: 'amount', id: `${idPrefix}-amount`, autocomplete: 'off',
    placeholder: '12.50',
  });
  let busy = false;

  async function pay(amount, button) {
    if (busy) return;
    busy = true;
    const buttons = el.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    el.setAttribute('aria-busy', 'true');
    msg.set('info', `Adding ${formatCents(amount)}…`);
    try {
      const result = await deposit(amount, keys.keyFor(amount));
      keys.settled();
      custom.value = '';
      msg.set('ok', `Added ${formatCents(result.amount_cents)}. Your balance is ${formatCents(result.balance_cents)}.`);
      await onDeposit?.(result);
    } catch (err) {
      if (err.status > 0 && err.status < 500) keys.settled();
      msg.set('error', `The top-up failed. ${err.message}`);
      button?.focus();
    } finally {
      busy = false;
      buttons.forEach((b) => { b.disabled = false; });
      el.removeAttribute('aria-busy');
    }
  }

  const quick = h('div', { class: 'quick-amounts', role: 'group', 'aria-label': 'Quick amounts' },
    QUICK_AMOUNTS_CENTS.map((c) => {
      const b = h('button', { type: 'button', class: 'amount', 'data-amount': String(c) }, `Add ${formatCents(c)}`);
      b.addEventListener('click', () => pay(c, b));
      return b;
    }));
  const customForm = h('form', { class: 'custom-amount' },
    field('Other amount', custom, 'In dollars, e.g. 12.50.'),
    h('button', { type: 'submit', class: 'primary' }, 'Add funds'));
  customForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const amount = parseAmount(custom.value);
    if (amount === null || amount <= 0) {
      msg.set('error', 'Enter an amount like 12.50 (at most two decimals).');
      custom.focus();
      return;
    }
    pay(amount, ev.submitter);
  });
  const el = h('div', { class: 'deposit' }, quick, customForm, msg.el);
  return { el, focus: () => quick.querySelector('button')?.focus() };
}

// topUpDialog(text, { onDeposit }) opens a modal; resolves true after a deposit, false when closed.
export function topUpDialog(text, { onDeposit } = {}) {
  return new Promise((resolve) => {
    let paid = false;
    const form = depositForm({
      idPrefix: 'topup',
      onDeposit: async (result) => {
        paid = true;
        const keepOpen = await onDeposit?.(result);
        if (!keepOpen) dialog.close();
      },
    });
    const close = h('button', { type: 'button', class: 'secondary' }, 'Not now');
    const dialog = h('dialog', { class: 'topup-dialog', 'aria-labelledby': 'topup-title' },
      h('h2', { id: 'topup-title' }, 'Top up your wallet'),
      h('p', { class: 'topup-reason' }, text),
      form.el,
      h('div', { class: 'dialog-actions' }, close));
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(paid);
    });
    document.body.append(dialog);
    dialog.showModal();
    form.focus();
    topUpDialog.current = dialog;
  });
}

export function isTopUpOpen() {
  return Boolean(topUpDialog.current?.open);
}

export function closeTopUpDialog() {
  if (topUpDialog.current?.open) topUpDialog.current.close();
}
