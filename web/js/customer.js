/**
 * The customer details page: figures, charts, invoices, activities and the summary.
 *
 * The figures come from the details endpoint and the summary from its own endpoint, so a
 * slow or failed summary never hides the figures. Every amount element carries its exact
 * decimal string in `data-amount` beside the formatted text.
 */

import { getCustomer, getSummary } from './api.js';
import { agingChart, paymentChart, twelveMonths } from './charts.js';
import { el, focus, mount, setTitle } from './dom.js';
import { badge, empty, errorMessage, loading } from './feedback.js';
import {
  formatDate, formatDateTime, formatMoney, formatNumber, formatShare, humanize, isNegative,
  isPositive,
} from './format.js';
import { sourceBadge, startReminder } from './reminder.js';
import { workspaceHash } from './router.js';
import { sortableTable } from './table.js';

/** @typedef {import('./workspace.js').PageContext} PageContext */

const STATUS_LABELS = {
  disputed: ['Disputed', 'danger'],
  promised_to_pay: ['Promised to pay', 'info'],
  resolved: ['Resolved', 'good'],
};

/**
 * @param {string | null | undefined} amount
 * @param {string} currency
 * @param {string} locale
 */
function money(amount, currency, locale) {
  return el('span', { className: 'amount', dataset: { amount: amount ?? '' } },
    formatMoney(amount, currency, locale));
}

/**
 * One headline figure.
 * @param {string} key
 * @param {string} label
 * @param {HTMLElement} value
 * @param {{tone?: string, note?: unknown}} [options]
 */
function figure(key, label, value, options = {}) {
  return el('div', { className: `figure ${options.tone ? `figure-${options.tone}` : ''}`,
    dataset: { figure: key } },
  el('dt', { text: label }),
  el('dd', {}, value,
    options.note ? el('span', { className: 'figure-note' }, options.note) : null));
}

/**
 * @param {Record<string, any>} customer
 * @param {string} locale
 */
function headlineFigures(customer, locale) {
  const { currency } = customer;
  const noLimit = customer.creditLimit === null || customer.creditLimit === undefined;
  const over = !noLimit && isNegative(customer.creditAvailable);
  return el('dl', { className: 'figures' },
    figure('balance', 'Balance', money(customer.balance, currency, locale)),
    figure('overdue', 'Overdue', money(customer.overdue, currency, locale),
      { tone: isPositive(customer.overdue) ? 'danger' : undefined }),
    figure('unappliedCredit', 'Unapplied credit',
      money(customer.unappliedCredit, currency, locale)),
    figure('creditLimit', 'Credit limit', noLimit
      ? el('span', { className: 'amount', dataset: { amount: '' }, text: 'No limit' })
      : money(customer.creditLimit, currency, locale)),
    figure('creditAvailable', 'Credit available', noLimit
      ? el('span', { className: 'amount', dataset: { amount: '' }, text: '–' })
      : money(customer.creditAvailable, currency, locale),
    { tone: over ? 'danger' : undefined, note: over ? badge('Over limit', 'danger') : null }));
}

/**
 * @param {Record<string, any>} customer
 * @param {string} locale
 */
function paymentFacts(customer, locale) {
  const history = customer.paymentHistory ?? {};
  const days = (/** @type {number | null} */ value) =>
    (value === null || value === undefined ? '–' : `${formatNumber(value, locale)} days`);
  const rows = [
    ['Payments', formatNumber(history.payments, locale, 0)],
    ['Amount paid', money(history.amountPaid, customer.currency, locale)],
    ['Invoices settled', formatNumber(history.invoicesSettled, locale, 0)],
    ['Average days to pay', days(history.averageDaysToPay)],
    ['Average days late', days(history.averageDaysLate)],
    ['Paid on time', formatShare(history.paidOnTimeShare, locale)],
  ];
  return el('dl', { className: 'facts' },
    rows.map(([label, value]) => el('div', {}, el('dt', { text: label }), el('dd', {}, value))));
}

/**
 * @param {Record<string, any>} invoice
 * @param {string} locale
 */
function statusCell(invoice, locale) {
  const entry = STATUS_LABELS[invoice.collectionStatus];
  if (!entry) return el('span', { className: 'muted', text: 'None' });
  const [text, tone] = entry;
  const promise = invoice.collectionStatus === 'promised_to_pay' && invoice.promiseDate
    ? ` by ${formatDate(invoice.promiseDate, locale)}` : '';
  return badge(`${text}${promise}`, /** @type {any} */ (tone));
}

/**
 * @param {Record<string, any>} customer
 * @param {string} locale
 */
function openInvoicesTable(customer, locale) {
  /** @type {import('./table.js').Column[]} */
  const columns = [
    { key: 'id', label: 'Invoice', sort: 'text', rowHeader: true },
    { key: 'date', label: 'Date', sort: 'date', render: (row) => formatDate(row.date, locale) },
    { key: 'dueDate', label: 'Due date', sort: 'date',
      render: (row) => formatDate(row.dueDate, locale) },
    { key: 'daysPastDue', label: 'Days past due', sort: 'number', numeric: true,
      render: (row) => (row.daysPastDue > 0
        ? el('span', { className: 'days-overdue', text: formatNumber(row.daysPastDue, locale, 0) })
        : el('span', { className: 'muted', text: 'Not due' })) },
    { key: 'amount', label: 'Amount', sort: 'decimal', numeric: true,
      render: (row) => money(row.amount, row.currency, locale) },
    { key: 'openAmount', label: 'Open amount', sort: 'decimal', numeric: true,
      value: (row) => row.accountingOpenAmount ?? row.openAmount,
      render: (row) => el('span', { className: 'stack' },
        money(row.openAmount, row.currency, locale),
        row.currency !== customer.currency && row.accountingOpenAmount
          ? el('span', { className: 'muted small' },
            formatMoney(row.accountingOpenAmount, customer.currency, locale))
          : null) },
    { key: 'collectionStatus', label: 'Dispute or promise', sort: 'text',
      render: (row) => statusCell(row, locale) },
  ];
  return sortableTable({
    caption: 'Open invoices', name: 'open-invoices', columns, rows: customer.openInvoices ?? [],
    sortKey: 'daysPastDue', direction: 'descending',
    emptyText: 'No open invoices.',
    rowClass: (row) => (row.daysPastDue > 0 ? 'row-overdue' : ''),
  });
}

/**
 * @param {Record<string, any>} customer
 * @param {string} locale
 */
function creditsTable(customer, locale) {
  const credits = customer.unappliedCredits ?? [];
  if (credits.length === 0) return null;
  return el('div', { className: 'subsection' },
    el('h3', { text: 'Unapplied credits' }),
    sortableTable({
      caption: 'Unapplied credits', name: 'unapplied-credits', rows: credits,
      sortKey: 'date', direction: 'ascending', emptyText: 'No unapplied credits.',
      columns: [
        { key: 'id', label: 'Document', sort: 'text', rowHeader: true },
        { key: 'type', label: 'Type', sort: 'text',
          render: (row) => (row.type === 'credit_note' ? 'Credit note' : 'Payment') },
        { key: 'date', label: 'Date', sort: 'date', render: (row) => formatDate(row.date, locale) },
        { key: 'openAmount', label: 'Open amount', sort: 'decimal', numeric: true,
          render: (row) => money(row.openAmount, row.currency, locale) },
      ],
    }));
}

/**
 * @param {Record<string, any>} customer
 * @param {string} locale
 */
function lastSixMonths(customer, locale) {
  const window = customer.invoicesLast6Months;
  if (!window) return empty('No figures for the last six months.');
  const { currency } = customer;
  const count = (/** @type {number} */ value) => formatNumber(value, locale, 0);
  const tile = (/** @type {string} */ key, /** @type {string} */ label,
    /** @type {number} */ n, /** @type {string} */ amount, /** @type {string} */ tone) =>
    el('div', { className: `tile ${tone}`, dataset: { figure: key } },
      el('dt', { text: label }),
      el('dd', {}, money(amount, currency, locale),
        el('span', { className: 'tile-count',
          text: `${count(n)} ${n === 1 ? 'invoice' : 'invoices'}` })));
  return el('dl', { className: 'tiles' },
    tile('invoiced', 'Invoiced', window.count, window.amount, ''),
    tile('stillOpen', 'Still open', window.openCount, window.openAmount, ''),
    tile('overdueRecent', 'Overdue', window.overdueCount, window.overdueAmount,
      window.overdueCount > 0 ? 'tile-danger' : ''));
}

/**
 * @param {Record<string, any>} customer
 * @param {string} locale
 */
function activitiesTable(customer, locale) {
  return sortableTable({
    caption: 'Activities', name: 'customer-activities', rows: customer.activities ?? [],
    sortKey: 'end', direction: 'ascending', emptyText: 'No activities for this customer.',
    columns: [
      { key: 'type', label: 'Type', sort: 'text', rowHeader: true,
        render: (row) => humanize(row.type) },
      { key: 'purpose', label: 'Purpose', sort: 'text' },
      { key: 'start', label: 'Start', sort: 'date',
        render: (row) => formatDate(row.start, locale) },
      { key: 'end', label: 'End', sort: 'date',
        render: (row) => el('span', { className: 'date-cell' }, formatDate(row.end, locale),
          row.overdue && row.status === 'open' ? badge('Overdue', 'danger') : null) },
      { key: 'status', label: 'Status', sort: 'text',
        render: (row) => badge(row.status === 'closed' ? 'Closed' : 'Open',
          row.status === 'closed' ? 'good' : 'neutral') },
      { key: 'agent', label: 'Agent', sort: 'text' },
    ],
  });
}

/**
 * Load the summary into its card.
 * @param {HTMLElement} container
 * @param {string} company
 * @param {string} account
 * @param {PageContext} ctx
 */
async function loadSummary(container, company, account, ctx) {
  mount(container, loading('Writing the summary…'));
  try {
    const summary = await getSummary(company, account);
    if (!ctx.isCurrent()) return;
    const paragraphs = String(summary.text ?? '').split(/\n\s*\n/).filter(Boolean);
    mount(container,
      el('div', { className: 'summary-meta' },
        sourceBadge(summary.source),
        summary.generatedAt
          ? el('span', { className: 'muted small',
            text: `Generated ${formatDateTime(summary.generatedAt, ctx.locale)}` })
          : null),
      el('div', { className: 'summary-text', lang: summary.language || null,
        dataset: { source: summary.source ?? '' } },
      paragraphs.map((text) => el('p', { text }))),
      summary.disclaimer
        ? el('p', { className: 'disclaimer', text: summary.disclaimer })
        : null);
  } catch (error) {
    if (!ctx.isCurrent()) return;
    mount(container, errorMessage(error, {
      context: 'The summary could not be loaded',
      retry: () => loadSummary(container, company, account, ctx),
    }));
  }
}

/**
 * @param {string} title
 * @param {string} id
 * @param {...unknown} content
 */
function section(title, id, ...content) {
  return el('section', { className: 'card', id, 'aria-labelledby': `${id}-title` },
    el('header', { className: 'card-header' }, el('h2', { id: `${id}-title`, text: title })),
    ...content);
}

/**
 * @param {Record<string, any>} customer
 * @param {string} locale
 */
function identity(customer, locale) {
  const parts = [
    ['Account', customer.account],
    ['Contact', customer.contactName],
    ['Email', customer.email],
    ['Agent', customer.agent],
    ['Language', customer.language],
    ['Customer for', customer.monthsAsCustomer === null || customer.monthsAsCustomer === undefined
      ? null : `${formatNumber(customer.monthsAsCustomer, locale, 0)} months`],
  ].filter(([, value]) => value);
  return el('dl', { className: 'identity' },
    parts.map(([label, value]) => el('div', {}, el('dt', { text: label }),
      el('dd', { text: value }))));
}

/**
 * Draw the details of one customer.
 * @param {HTMLElement} main
 * @param {PageContext} ctx
 * @param {{company: string | null, account: string}} route
 */
export async function renderCustomer(main, ctx, route) {
  const company = route.company || ctx.companies[0]?.id || '';
  const { account } = route;
  const back = el('a', { href: workspaceHash(company), className: 'back-link' }, 'Workspace');
  const crumbs = el('nav', { className: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
    el('ol', {}, el('li', {}, back), el('li', { 'aria-current': 'page', text: account })));
  const heading = el('h1', { text: `Customer ${account}` });
  mount(main, crumbs, el('div', { className: 'page-header' }, heading),
    loading('Loading the customer…'));

  let customer;
  try {
    customer = await getCustomer(company, account);
  } catch (error) {
    if (!ctx.isCurrent()) return;
    mount(main, crumbs, el('div', { className: 'page-header' }, heading),
      errorMessage(error, {
        context: 'The customer could not be loaded',
        retry: () => renderCustomer(main, ctx, route),
      }));
    focus(heading);
    return;
  }
  if (!ctx.isCurrent()) return;

  const { locale } = ctx;
  setTitle(`${customer.name} · Collections coordinator`);
  heading.textContent = customer.name;
  mount(crumbs, el('ol', {}, el('li', {}, back),
    el('li', { 'aria-current': 'page', text: customer.name })));

  const summary = el('div', { className: 'summary-body', 'aria-live': 'polite' });
  const draftPanel = el('section', { className: 'card draft-panel', hidden: true,
    'aria-label': 'Reminder email' });
  const reminderButton = el('button', {
    type: 'button', className: 'button button-primary',
    onclick: () => startReminder(draftPanel, company, customer.account, locale,
      ctx.announce),
  }, 'Create reminder email');

  mount(main,
    crumbs,
    el('div', { className: 'page-header with-actions' },
      el('div', {}, heading,
        el('p', { className: 'page-subtitle' },
          `Figures as of ${formatDate(customer.asOf, locale)} in ${customer.currency}`)),
      el('div', { className: 'page-actions' }, reminderButton)),
    identity(customer, locale),
    draftPanel,
    section('Position', 'position', headlineFigures(customer, locale)),
    el('div', { className: 'two-columns' },
      section('Aging', 'aging', (customer.aging ?? []).length
        ? agingChart(customer.aging, customer.currency, locale)
        : empty('No open invoices to age.')),
      section('Payment history', 'payment-history',
        paymentFacts(customer, locale),
        customer.paymentHistory?.months
          ? paymentChart(twelveMonths(customer.asOf, customer.paymentHistory.months),
            customer.paymentHistory.averageDaysLate ?? null, locale)
          : empty('No payment history for the past year.'))),
    section('Summary', 'summary', summary),
    section('Open invoices', 'open-invoices', openInvoicesTable(customer, locale),
      creditsTable(customer, locale)),
    section('Invoices of the last six months', 'last-six-months', lastSixMonths(customer, locale)),
    section('Activities', 'customer-activities', activitiesTable(customer, locale)));
  ctx.announce(`${customer.name} loaded.`);
  focus(heading);
  loadSummary(summary, company, customer.account, ctx);
}
