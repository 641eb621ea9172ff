/**
 * Amounts, dates and numbers in the agent's locale.
 *
 * Money arrives as decimal strings ("1234.50") and is never turned into a float here:
 * `formatMoney` lets `Intl.NumberFormat` lay out the sign, symbol and digit groups of the
 * integer part (as a BigInt, which is exact at any size) and then puts the string's own
 * fraction digits in place of the formatter's. Dates arrive as "YYYY-MM-DD" calendar dates
 * and are formatted in UTC so that no time zone can move them to the day before.
 */

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** @type {Map<string, Intl.NumberFormat>} */
const moneyFormats = new Map();

/**
 * Split a decimal string into sign, integer digits and fraction digits.
 * @param {string} text
 * @returns {{negative: boolean, integer: string, fraction: string} | null}
 */
export function parseDecimal(text) {
  const match = DECIMAL.exec(String(text).trim());
  if (!match) return null;
  const integer = match[2].replace(/^0+(?=\d)/, '');
  const fraction = match[3] ?? '';
  const isZero = /^0*$/.test(integer + fraction);
  return { negative: match[1] === '-' && !isZero, integer, fraction };
}

/**
 * Compare two decimal strings exactly; nulls sort first.
 * @param {string | null | undefined} a
 * @param {string | null | undefined} b
 * @returns {number} negative, zero or positive
 */
export function compareDecimal(a, b) {
  const x = a === null || a === undefined ? null : parseDecimal(a);
  const y = b === null || b === undefined ? null : parseDecimal(b);
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const width = Math.max(x.fraction.length, y.fraction.length);
  const left = BigInt(x.integer + x.fraction.padEnd(width, '0'));
  const right = BigInt(y.integer + y.fraction.padEnd(width, '0'));
  const magnitude = left === right ? 0 : left < right ? -1 : 1;
  return x.negative ? -magnitude : magnitude;
}

/**
 * Whether a decimal string is below zero.
 * @param {string | null | undefined} text
 */
export function isNegative(text) {
  return Boolean(text && parseDecimal(text)?.negative);
}

/**
 * Whether a decimal string is above zero.
 * @param {string | null | undefined} text
 */
export function isPositive(text) {
  return Boolean(text) && compareDecimal(text, '0') > 0;
}

/**
 * A decimal string as a number, for drawing only (bar lengths), never for arithmetic.
 * @param {string | null | undefined} text
 */
export function toDrawingNumber(text) {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}

/**
 * @param {string} locale
 * @param {string} currency
 * @param {number} digits
 */
function moneyFormat(locale, currency, digits) {
  const key = `${locale}|${currency}|${digits}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * The number of minor-unit digits of a currency (2 for EUR, 0 for JPY).
 * @param {string} currency
 */
export function currencyDigits(currency) {
  try {
    const options = new Intl.NumberFormat('en', { style: 'currency', currency });
    return options.resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

const NUMERIC_PARTS = new Set(['integer', 'group', 'decimal', 'fraction']);

/**
 * Format a decimal string as money in a locale, exactly.
 *
 * Fraction digits beyond the currency's minor unit are kept (the API refuses such amounts,
 * so they should not occur; showing them beats rounding them silently).
 * @param {string | null | undefined} amount decimal string such as "-1234.50"
 * @param {string} currency ISO 4217 code
 * @param {string} locale BCP 47 tag
 * @returns {string} the formatted amount, or an en dash when there is none
 */
export function formatMoney(amount, currency, locale) {
  if (amount === null || amount === undefined || amount === '') return '–';
  const parsed = parseDecimal(amount);
  if (!parsed || !currency) return String(amount);
  const digits = Math.max(currencyDigits(currency), parsed.fraction.length);
  const format = moneyFormat(locale, currency, digits);

  // Digits of the amount laid out by the locale, fraction replaced by the exact one.
  const numeric = format
    .formatToParts(BigInt(parsed.integer))
    .filter((part) => NUMERIC_PARTS.has(part.type))
    .map((part) => (part.type === 'fraction' ? parsed.fraction.padEnd(digits, '0') : part.value))
    .join('');

  // Sign and symbol placed by the locale around the digits.
  const template = format.formatToParts(parsed.negative ? -1n : 1n);
  let inserted = false;
  return template
    .map((part) => {
      if (!NUMERIC_PARTS.has(part.type)) return part.value;
      if (inserted) return '';
      inserted = true;
      return numeric;
    })
    .join('');
}

/**
 * @param {string} text "YYYY-MM-DD" or "YYYY-MM"
 * @returns {Date | null}
 */
function calendarDate(text) {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(String(text ?? ''));
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3] ?? 1)));
}

/**
 * Format a calendar date ("YYYY-MM-DD") in a locale.
 * @param {string | null | undefined} text
 * @param {string} locale
 * @returns {string}
 */
export function formatDate(text, locale) {
  const date = calendarDate(text ?? '');
  if (!date) return text ? String(text) : '–';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/**
 * Format a month ("YYYY-MM") briefly, for chart axes.
 * @param {string} text
 * @param {string} locale
 * @param {'short' | 'long'} [length]
 */
export function formatMonth(text, locale, length = 'short') {
  const date = calendarDate(text);
  if (!date) return String(text);
  const options = length === 'short'
    ? { month: 'short', year: '2-digit', timeZone: 'UTC' }
    : { month: 'long', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale, /** @type {Intl.DateTimeFormatOptions} */ (options))
    .format(date);
}

/**
 * Format a timestamp (ISO 8601 with time) in a locale.
 * @param {string | null | undefined} text
 * @param {string} locale
 */
export function formatDateTime(text, locale) {
  const date = text ? new Date(text) : null;
  if (!date || Number.isNaN(date.getTime())) return text ? String(text) : '–';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/**
 * Format a plain number (counts, days) in a locale.
 * @param {number | null | undefined} value
 * @param {string} locale
 * @param {number} [maximumFractionDigits]
 */
export function formatNumber(value, locale, maximumFractionDigits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
}

/**
 * Format a share from 0 to 1 as a percentage.
 * @param {number | null | undefined} share
 * @param {string} locale
 */
export function formatShare(share, locale) {
  if (share === null || share === undefined) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })
    .format(share);
}

/**
 * Pick a locale the browser can format with, falling back to "en-US".
 * @param {readonly (string | null | undefined)[]} candidates best first
 * @returns {string}
 */
export function resolveLocale(candidates) {
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf([candidate]);
      if (supported) return Intl.getCanonicalLocales(candidate)[0];
    } catch {
      // An invalid tag: try the next candidate.
    }
  }
  return 'en-US';
}

/**
 * "promise_to_pay" as "Promise to pay".
 * @param {string | null | undefined} text
 */
export function humanize(text) {
  const words = String(text ?? '').replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
