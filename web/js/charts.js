/**
 * Small SVG charts: the aging buckets and the payment history by month.
 *
 * Each chart is a `figure` with an SVG drawn to a fixed view box that scales to its
 * container, a text alternative on the SVG (role="img" with a label that reads out every
 * value) and the same figures as a table behind a disclosure, for those who would rather
 * read than look. Amounts are converted to numbers for bar lengths only; every label shows
 * the exact decimal string, formatted.
 */

import { el, svg } from './dom.js';
import { formatMoney, formatMonth, formatNumber, toDrawingNumber } from './format.js';

const WIDTH = 640;

/**
 * A round step for axis ticks covering 0..max in about `count` steps.
 * @param {number} max
 * @param {number} count
 */
function niceStep(max, count) {
  const raw = Math.max(max, 1) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= raw);
  return step ?? 10 * magnitude;
}

/**
 * @param {string} caption
 * @param {string} label text alternative of the SVG
 * @param {SVGElement} drawing
 * @param {string[]} headings
 * @param {string[][]} rows
 * @param {HTMLElement | null} [legend]
 */
function chartFigure(caption, label, drawing, headings, rows, legend = null) {
  drawing.setAttribute('role', 'img');
  drawing.setAttribute('aria-label', label);
  return el('figure', { className: 'chart' },
    el('figcaption', { className: 'chart-caption', text: caption }),
    drawing,
    legend,
    el('details', { className: 'chart-data' },
      el('summary', {}, 'Show the figures as a table'),
      el('table', { className: 'data-table compact' },
        el('thead', {}, el('tr', {}, headings.map((text, index) =>
          el('th', { scope: 'col', className: index ? 'numeric' : null, text })))),
        el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((text, index) =>
          el(index ? 'td' : 'th', {
            scope: index ? null : 'row', className: index ? 'numeric' : null, text,
          }))))))));
}

/**
 * Column chart of the aging buckets.
 * @param {{bucket: string, amount: string}[]} aging in bucket order
 * @param {string} currency
 * @param {string} locale
 * @returns {HTMLElement}
 */
export function agingChart(aging, currency, locale) {
  const height = 250;
  const top = 28;
  const bottom = 36;
  const plot = height - top - bottom;
  const slot = WIDTH / Math.max(aging.length, 1);
  const barWidth = Math.min(64, slot * 0.62);
  const max = Math.max(...aging.map((item) => toDrawingNumber(item.amount)), 0);

  const bars = aging.map((item, index) => {
    const value = Math.max(toDrawingNumber(item.amount), 0);
    const barHeight = max > 0 ? Math.max((value / max) * plot, value > 0 ? 2 : 0) : 0;
    const x = index * slot + (slot - barWidth) / 2;
    const y = top + plot - barHeight;
    const text = formatMoney(item.amount, currency, locale);
    return svg('g', { className: `aging-bar aging-${index}`, dataset: { bucket: item.bucket } },
      svg('rect', { x, y, width: barWidth, height: barHeight, rx: 3 },
        svg('title', { text: `${item.bucket}: ${text}` })),
      svg('text', { x: x + barWidth / 2, y: y - 8, className: 'chart-value',
        'text-anchor': 'middle', text }),
      svg('text', { x: x + barWidth / 2, y: height - 12, className: 'chart-label',
        'text-anchor': 'middle', text: item.bucket }));
  });

  const drawing = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${height}`, className: 'chart-svg', dataset: { chart: 'aging' },
  },
  svg('line', { x1: 0, x2: WIDTH, y1: top + plot, y2: top + plot, className: 'chart-axis' }),
  bars);

  const rows = aging.map((item) => [item.bucket, formatMoney(item.amount, currency, locale)]);
  const label = `Aging of open invoices by days past due. ${
    rows.map(([bucket, amount]) => `${bucket}: ${amount}`).join('; ')}.`;
  return chartFigure('Aging by days past due', label, drawing, ['Days past due', 'Amount'], rows);
}

/**
 * The twelve months ending with the as-of date's month, each with its settled invoices or
 * none: the service lists only months in which invoices were settled.
 * @param {string} asOf "YYYY-MM-DD"
 * @param {{month: string, invoicesSettled: number, averageDaysLate: number | null}[]} months
 */
export function twelveMonths(asOf, months) {
  const byMonth = new Map(months.map((item) => [item.month, item]));
  const year = Number(asOf.slice(0, 4));
  const month = Number(asOf.slice(5, 7));
  if (!year || !month) return months;
  const result = [];
  for (let back = 11; back >= 0; back -= 1) {
    const index = year * 12 + (month - 1) - back;
    const key = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    result.push(byMonth.get(key) ?? { month: key, invoicesSettled: 0, averageDaysLate: null });
  }
  return result;
}

/**
 * @param {number | null} days
 */
function latenessClass(days) {
  if (days === null) return 'late-none';
  if (days <= 0) return 'late-ontime';
  if (days <= 30) return 'late-some';
  return 'late-many';
}

/**
 * Column chart of average days late by month, with the year's average as a line.
 * @param {{month: string, invoicesSettled: number, averageDaysLate: number | null}[]} months
 * @param {number | null} averageDaysLate over the whole year
 * @param {string} locale
 * @returns {HTMLElement}
 */
export function paymentChart(months, averageDaysLate, locale) {
  const height = 260;
  const left = 40;
  const top = 20;
  const bottom = 40;
  const plot = height - top - bottom;
  const plotWidth = WIDTH - left - 8;
  const values = months.map((item) => item.averageDaysLate ?? 0);
  const step = niceStep(Math.max(...values, averageDaysLate ?? 0, 5), 4);
  const max = step * Math.ceil(Math.max(...values, averageDaysLate ?? 0, 5) / step);
  const yOf = (/** @type {number} */ days) => top + plot - (days / max) * plot;
  const slot = plotWidth / Math.max(months.length, 1);
  const barWidth = Math.min(34, slot * 0.6);

  const grid = [];
  for (let tick = 0; tick <= max; tick += step) {
    grid.push(svg('g', { className: 'chart-grid' },
      svg('line', { x1: left, x2: WIDTH - 8, y1: yOf(tick), y2: yOf(tick) }),
      svg('text', { x: left - 8, y: yOf(tick) + 4, 'text-anchor': 'end',
        className: 'chart-label', text: formatNumber(tick, locale, 0) })));
  }

  const bars = months.map((item, index) => {
    const x = left + index * slot + (slot - barWidth) / 2;
    const days = item.averageDaysLate;
    const monthText = formatMonth(item.month, locale, 'long');
    const valueText = days === null
      ? 'no invoices settled'
      : `${formatNumber(days, locale)} days late on average, ${item.invoicesSettled} settled`;
    const barHeight = days === null ? 0 : Math.max(plot - (yOf(days) - top), 3);
    const group = { className: `late-bar ${latenessClass(days)}`, dataset: { month: item.month } };
    return svg('g', group,
      days === null
        ? svg('text', { x: x + barWidth / 2, y: top + plot - 6, 'text-anchor': 'middle',
          className: 'chart-muted', text: '–' })
        : svg('rect', { x, y: top + plot - barHeight, width: barWidth, height: barHeight, rx: 2 },
          svg('title', { text: `${monthText}: ${valueText}` })),
      days !== null
        ? svg('text', { x: x + barWidth / 2, y: top + plot - barHeight - 6,
          'text-anchor': 'middle', className: 'chart-value small',
          text: formatNumber(days, locale, 0) })
        : null,
      svg('text', { x: x + barWidth / 2, y: height - 18, 'text-anchor': 'middle',
        className: 'chart-label', text: formatMonth(item.month, locale) }));
  });

  const average = averageDaysLate === null ? null : svg('g', { className: 'chart-average' },
    svg('line', { x1: left, x2: WIDTH - 8, y1: yOf(averageDaysLate), y2: yOf(averageDaysLate) }));

  const drawing = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${height}`, className: 'chart-svg', dataset: { chart: 'payments' },
  },
  grid,
  svg('line', { x1: left, x2: WIDTH - 8, y1: top + plot, y2: top + plot, className: 'chart-axis' }),
  bars,
  average);

  const legend = el('ul', { className: 'chart-legend' },
    el('li', { className: 'late-ontime' }, el('span', { 'aria-hidden': 'true' }), 'On time'),
    el('li', { className: 'late-some' }, el('span', { 'aria-hidden': 'true' }), '1–30 days late'),
    el('li', { className: 'late-many' }, el('span', { 'aria-hidden': 'true' }), 'Over 30 days'),
    averageDaysLate === null ? null : el('li', { className: 'legend-average' },
      el('span', { 'aria-hidden': 'true' }),
      `Year average: ${formatNumber(averageDaysLate, locale)} days`));

  const rows = months.map((item) => [
    formatMonth(item.month, locale, 'long'),
    formatNumber(item.invoicesSettled, locale, 0),
    item.averageDaysLate === null ? '–' : formatNumber(item.averageDaysLate, locale),
  ]);
  const label = `Average days late of settled invoices by month. ${
    rows.map(([month, settled, days]) => (days === '–'
      ? `${month}: no invoices settled`
      : `${month}: ${days} days late, ${settled} settled`)).join('; ')}.`;
  return chartFigure('Days late by month, past year', label, drawing,
    ['Month', 'Invoices settled', 'Average days late'], rows, legend);
}
