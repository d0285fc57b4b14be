// Money is integer cents. Formatting and parsing work on digit strings, never
// on fractional numbers, so no amount is ever rounded by floating point.

export const CURRENCY_SYMBOL = '$';

function centsToString(cents) {
  if (typeof cents === 'bigint') return cents.toString();
  if (typeof cents === 'number' && Number.isSafeInteger(cents)) return String(cents);
  if (typeof cents === 'string' && /^-?\d+$/.test(cents)) return cents;
  throw new TypeError(`not an integer amount of cents: ${cents}`);
}

function groupThousands(digits) {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return out;
}

// formatCents(12345) → "$123.45", formatCents(-5) → "−$0.05", with { sign: true } "+$1.00".
export function formatCents(cents, { sign = false } = {}) {
  const text = centsToString(cents);
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).replace(/^0+(?=\d)/, '').padStart(3, '0');
  const whole = groupThousands(digits.slice(0, -2));
  const amount = `${CURRENCY_SYMBOL}${whole}.${digits.slice(-2)}`;
  if (negative && digits !== '000') return `\u2212${amount}`;
  return sign && digits !== '000' ? `+${amount}` : amount;
}

// parseAmount("12.5") → 1250; null when the text is not a plain amount with at most two decimals.
export function parseAmount(text) {
  const match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(String(text ?? ''));
  if (!match) return null;
  const cents = match[1] + (match[2] ?? '').padEnd(2, '0');
  return Number.parseInt(cents, 10);
}
