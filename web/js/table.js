/**
 * Sortable tables.
 *
 * Each column says how to read its sort value (text, number, decimal string or ISO date)
 * and how to draw its cell. Sorting is a button in the column header, so it works from the
 * keyboard, and the header carries `aria-sort` for screen readers. Decimal strings are
 * compared exactly, never as floats.
 */

import { el, mount } from './dom.js';
import { compareDecimal } from './format.js';
import { empty } from './feedback.js';

/**
 * @typedef {object} Column
 * @property {string} key
 * @property {string} label
 * @property {'text' | 'number' | 'decimal' | 'date' | null} [sort] null: not sortable
 * @property {(row: any) => unknown} [value] sort value; defaults to row[key]
 * @property {(row: any) => unknown} [render] cell content; defaults to the value
 * @property {boolean} [numeric] right-aligned, tabular figures
 * @property {boolean} [rowHeader] the cell names the row (a th with scope="row")
 */

/**
 * @param {'text' | 'number' | 'decimal' | 'date'} kind
 * @param {unknown} a
 * @param {unknown} b
 */
function compare(kind, a, b) {
  if (kind === 'decimal') return compareDecimal(/** @type {string} */ (a), /** @type {any} */ (b));
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (kind === 'number') return Number(a) - Number(b);
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

/**
 * Build a table whose rows can be sorted by any sortable column.
 * @param {{caption: string, columns: Column[], rows: any[], emptyText: string,
 *   sortKey?: string, direction?: 'ascending' | 'descending', name?: string,
 *   rowClass?: (row: any) => string, pageSize?: number}} options
 *   pageSize: rows shown before a "Show all" button; sorting always covers every row
 * @returns {HTMLElement}
 */
export function sortableTable(options) {
  const { columns, rows } = options;
  let sortKey = options.sortKey ?? null;
  let direction = options.direction ?? 'ascending';
  let showAll = !options.pageSize || rows.length <= options.pageSize;

  if (rows.length === 0) return empty(options.emptyText);

  const body = el('tbody');
  const headers = columns.map((column) => {
    const th = el('th', { scope: 'col', className: column.numeric ? 'numeric' : null });
    if (!column.sort) {
      th.textContent = column.label;
      return th;
    }
    const button = el('button', {
      type: 'button',
      className: 'sort-button',
      dataset: { sortKey: column.key },
      onclick: () => {
        direction = sortKey === column.key && direction === 'ascending'
          ? 'descending' : 'ascending';
        sortKey = column.key;
        draw();
      },
    }, column.label, el('span', { className: 'sort-icon', 'aria-hidden': 'true' }));
    th.appendChild(button);
    return th;
  });

  const valueOf = (/** @type {Column} */ column, /** @type {any} */ row) =>
    column.value ? column.value(row) : row[column.key];

  function draw() {
    const column = columns.find((item) => item.key === sortKey);
    const sorted = [...rows];
    if (column?.sort) {
      const kind = column.sort;
      const sign = direction === 'ascending' ? 1 : -1;
      sorted.sort((a, b) => sign * compare(kind, valueOf(column, a), valueOf(column, b)));
    }
    columns.forEach((item, index) => {
      const th = headers[index];
      if (item.key === sortKey && item.sort) th.setAttribute('aria-sort', direction);
      else th.removeAttribute('aria-sort');
    });
    const shown = showAll ? sorted : sorted.slice(0, options.pageSize);
    mount(body, shown.map((row) => el('tr', { className: options.rowClass?.(row) ?? null },
      columns.map((item) => el(item.rowHeader ? 'th' : 'td', {
        scope: item.rowHeader ? 'row' : null,
        className: item.numeric ? 'numeric' : null,
        dataset: { column: item.key },
      }, item.render ? item.render(row) : valueOf(item, row))))));
  }

  const more = showAll ? null : el('button', {
    type: 'button',
    className: 'button button-quiet show-all',
    onclick: () => {
      showAll = true;
      draw();
      more?.remove();
    },
  }, `Show all ${rows.length}`);

  draw();
  // Focusable so a wide table can be scrolled from the keyboard on a narrow screen.
  const wrapper = el('div', { className: 'table-scroll', tabindex: '0', role: 'region',
    'aria-label': `${options.caption}, table` },
  el('table', { className: 'data-table', dataset: { table: options.name ?? '' } },
    el('caption', { className: 'visually-hidden', text: options.caption }),
    el('thead', {}, el('tr', {}, headers)),
    body));
  return more ? el('div', {}, wrapper, more) : wrapper;
}
