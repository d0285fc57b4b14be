import { h, clear, messageBox, formatDate } from '../dom.js';
import { api, query } from '../api.js';
import { formatCents } from '../money.js';
import { depositForm } from '../deposit.js';

const KIND_LABEL = { deposit: 'Top-up', charge: 'Watching', earning: 'Earning', refund: 'Refund' };

export function walletPage(view) {
  const balance = h('p', { class: 'balance', 'aria-live': 'polite' }, '…');
  const earned = h('dd', { class: 'earned' }, '…');
  const spent = h('dd', { class: 'spent' }, '…');
  const msg = messageBox();
  const rows = h('tbody', {});
  const table = h('table', { class: 'transactions' },
    h('caption', { class: 'visually-hidden' }, 'Transactions, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'What'),
      h('th', { scope: 'col', class: 'num' }, 'Amount'), h('th', { scope: 'col', class: 'num' }, 'Balance'))),
    rows);
  const emptyTx = h('p', { class: 'empty-state', hidden: true }, 'No transactions yet.');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older transactions');
  let cursor = null;

  async function loadWallet() {
    try {
      const w = await api('GET', '/api/wallet');
      balance.textContent = formatCents(w.balance_cents);
      earned.textContent = formatCents(w.earned_cents);
      spent.textContent = formatCents(w.spent_cents);
    } catch (err) {
      for (const el of [balance, earned, spent]) el.textContent = '—';
      msg.set('error', err.status === 404
        ? 'The wallet is not available on this server yet.'
        : `Your wallet could not be loaded. ${err.message}`);
    }
  }

  async function loadTransactions(reset) {
    more.disabled = true;
    try {
      const page = await api('GET', `/api/wallet/transactions${query({ limit: 20, cursor: reset ? '' : cursor })}`);
      if (reset) clear(rows);
      for (const t of page.items || []) {
        const amount = formatCents(t.amount_cents, { sign: true });
        rows.append(h('tr', { class: `tx tx-${t.kind}` },
          h('td', { class: 'date' }, h('time', { datetime: t.created_at }, formatDate(t.created_at, 'short'))),
          h('td', {}, KIND_LABEL[t.kind] || t.kind),
          h('td', { class: `num ${String(t.amount_cents).startsWith('-') ? 'negative' : 'positive'}` }, amount),
          h('td', { class: 'num' }, formatCents(t.balance_after_cents))));
      }
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
      emptyTx.hidden = rows.children.length > 0;
      table.hidden = rows.children.length === 0;
    } catch (err) {
      more.hidden = true;
      if (err.status !== 404) msg.set('error', `Transactions could not be loaded. ${err.message}`);
    } finally {
      more.disabled = false;
    }
  }

  const form = depositForm({
    onDeposit: async (result) => {
      balance.textContent = formatCents(result.balance_cents);
      await Promise.all([loadWallet(), loadTransactions(true)]);
    },
  });
  more.addEventListener('click', () => loadTransactions(false));

  view.append(
    h('h1', {}, 'Wallet'),
    msg.el,
    h('section', { class: 'card wallet-summary', 'aria-labelledby': 'balance-title' },
      h('h2', { id: 'balance-title' }, 'Balance'),
      balance,
      h('dl', { class: 'totals' }, h('dt', {}, 'Spent'), spent, h('dt', {}, 'Earned'), earned)),
    h('section', { class: 'card', 'aria-labelledby': 'topup-section-title' },
      h('h2', { id: 'topup-section-title' }, 'Top up'),
      h('p', { class: 'hint' }, 'Sandbox payments: no real money moves.'),
      form.el),
    h('section', { 'aria-labelledby': 'tx-title' },
      h('h2', { id: 'tx-title' }, 'Transactions'),
      h('div', { class: 'table-wrap' }, table), emptyTx, h('div', { class: 'more' }, more)),
  );
  table.hidden = true;
  loadWallet();
  loadTransactions(true);
}
