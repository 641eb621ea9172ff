/**
 * The workspace page: company and agent selection and the agent's three lists.
 *
 *   - open activities, oldest end date first, overdue ones marked, each closable;
 *   - customers with the highest balances, credit limit and credit available beside each;
 *   - customers with the most overdue amounts.
 */

import { closeActivity, getAgents, getWorkspace } from './api.js';
import { el, focus, mount, navigate, preference } from './dom.js';
import { badge, empty, errorMessage, loading } from './feedback.js';
import { formatDate, formatMoney, humanize, isNegative } from './format.js';
import { customerHash, workspaceHash } from './router.js';
import { sortableTable } from './table.js';

/**
 * @typedef {{locale: string, companies: {id: string, name: string, currency: string}[],
 *   announce: (message: string) => void, isCurrent: () => boolean}} PageContext
 * @typedef {PageContext & {agentName: (id: string) => string}} WorkspaceContext
 */

const PRIORITY_ORDER = { high: 0, normal: 1, medium: 1, low: 2 };

/**
 * @param {string} company
 * @param {string} account
 * @param {string} name
 */
function customerLink(company, account, name) {
  return el('a', { href: customerHash(company, account), className: 'customer-link' },
    el('span', { text: name || account }),
    el('span', { className: 'account', text: account }));
}

/**
 * @param {string} label
 * @param {string} id
 * @param {{value: string, text: string}[]} options
 * @param {string} selected
 * @param {(value: string) => void} onChange
 */
function selectField(label, id, options, selected, onChange) {
  return el('div', { className: 'field' },
    el('label', { for: id, text: label }),
    el('select', { id, onchange: (/** @type {Event} */ event) =>
      onChange(/** @type {HTMLSelectElement} */ (event.target).value) },
    options.map((option) => el('option', {
      value: option.value, selected: option.value === selected, text: option.text,
    }))));
}

/**
 * The agents to choose from: the service's list, else those seen in the lists.
 * @param {{id: string, name?: string}[] | null} listed
 * @param {Record<string, any>} workspace
 * @param {string | null} current
 */
function agentOptions(listed, workspace, current) {
  const seen = new Map();
  for (const agent of listed ?? []) seen.set(agent.id, agent.name || agent.id);
  if (!listed) {
    const rows = [...workspace.activities, ...workspace.highestBalances, ...workspace.mostOverdue];
    for (const row of rows) if (row.agent && !seen.has(row.agent)) seen.set(row.agent, row.agent);
  }
  if (current && !seen.has(current)) seen.set(current, current);
  const agents = [...seen.entries()]
    .map(([value, text]) => ({ value, text }))
    .sort((a, b) => a.text.localeCompare(b.text));
  return [{ value: '', text: 'All agents' }, ...agents];
}

/**
 * @param {Record<string, any>} row
 * @param {PageContext} ctx
 * @param {string} company
 */
function closeButton(row, ctx, company) {
  if (row.status === 'closed') return badge('Closed', 'good');
  const cell = el('span', { className: 'close-cell' });
  const button = el('button', {
    type: 'button',
    className: 'button button-small',
    'aria-label': `Close activity ${row.id}: ${row.purpose || row.type} for ${
      row.customerName || row.customer}`,
    onclick: async () => {
      button.setAttribute('disabled', '');
      button.textContent = 'Closing…';
      try {
        await closeActivity(company, row.id);
        row.status = 'closed';
        mount(cell, badge('Closed', 'good'));
        ctx.announce(`Activity ${row.id} closed.`);
      } catch (error) {
        button.removeAttribute('disabled');
        button.textContent = 'Close';
        mount(cell, button, errorMessage(error, { context: `Activity ${row.id} was not closed` }));
      }
    },
  }, 'Close');
  mount(cell, button);
  return cell;
}

/**
 * @param {Record<string, any>} workspace
 * @param {WorkspaceContext} ctx
 * @param {boolean} allAgents
 */
function activitiesTable(workspace, ctx, allAgents) {
  const { locale } = ctx;
  const company = workspace.company;
  const rows = workspace.activities.map((/** @type {any} */ row) => ({ ...row }));
  /** @type {import('./table.js').Column[]} */
  const columns = [
    { key: 'customerName', label: 'Customer', sort: 'text', rowHeader: true,
      value: (row) => row.customerName || row.customer,
      render: (row) => customerLink(company, row.customer, row.customerName) },
    { key: 'type', label: 'Type', sort: 'text',
      render: (row) => humanize(row.type) },
    { key: 'purpose', label: 'Purpose', sort: 'text' },
    { key: 'start', label: 'Start', sort: 'date', render: (row) => formatDate(row.start, locale) },
    { key: 'end', label: 'End', sort: 'date',
      render: (row) => el('span', { className: 'date-cell' }, formatDate(row.end, locale),
        row.overdue && row.status !== 'closed' ? badge('Overdue', 'danger') : null) },
    { key: 'priority', label: 'Priority', sort: 'number',
      value: (row) => PRIORITY_ORDER[String(row.priority).toLowerCase()] ?? 3,
      render: (row) => priorityBadge(row.priority) },
  ];
  if (allAgents) {
    columns.push({ key: 'agent', label: 'Agent', sort: 'text',
      value: (row) => ctx.agentName(row.agent) });
  }
  columns.push({ key: 'action', label: 'Action', sort: null,
    render: (row) => closeButton(row, ctx, company) });
  return sortableTable({
    caption: 'Open activities', name: 'activities', columns, rows,
    sortKey: 'end', direction: 'ascending', pageSize: 15,
    emptyText: 'No open activities. Nothing is waiting for you here.',
    rowClass: (row) => (row.overdue && row.status !== 'closed' ? 'row-overdue' : ''),
  });
}

/**
 * @param {string | null | undefined} priority
 */
function priorityBadge(priority) {
  const text = String(priority ?? '–');
  const tone = text.toLowerCase() === 'high' ? 'warning' : 'neutral';
  return badge(text.charAt(0).toUpperCase() + text.slice(1), tone);
}

/**
 * @param {string} caption
 * @param {string} name
 * @param {Record<string, any>[]} rows
 * @param {Record<string, any>} workspace
 * @param {WorkspaceContext} ctx
 * @param {'balance' | 'overdue'} sortKey
 * @param {boolean} allAgents
 */
function customersTable(caption, name, rows, workspace, ctx, sortKey, allAgents) {
  const { locale } = ctx;
  const { company, currency } = workspace;
  const money = (/** @type {string} */ key) => (/** @type {any} */ row) =>
    el('span', { className: 'amount', dataset: { amount: row[key] ?? '' } },
      formatMoney(row[key], currency, locale));
  /** @type {import('./table.js').Column[]} */
  const columns = [
    { key: 'name', label: 'Customer', sort: 'text', rowHeader: true,
      render: (row) => customerLink(company, row.account, row.name) },
    { key: 'balance', label: 'Balance', sort: 'decimal', numeric: true, render: money('balance') },
    { key: 'overdue', label: 'Overdue', sort: 'decimal', numeric: true, render: money('overdue') },
    { key: 'creditLimit', label: 'Credit limit', sort: 'decimal', numeric: true,
      render: (row) => (row.creditLimit === null || row.creditLimit === undefined
        ? el('span', { className: 'muted', text: 'No limit' })
        : money('creditLimit')(row)) },
    { key: 'creditAvailable', label: 'Credit available', sort: 'decimal', numeric: true,
      render: (row) => {
        if (row.creditAvailable === null || row.creditAvailable === undefined) {
          return el('span', { className: 'muted', text: '–' });
        }
        const over = row.overLimit || isNegative(row.creditAvailable);
        return el('span', { className: over ? 'over-limit' : null },
          over ? badge('Over limit', 'danger') : null, money('creditAvailable')(row));
      } },
  ];
  if (allAgents) {
    columns.splice(1, 0, { key: 'agent', label: 'Agent', sort: 'text',
      value: (row) => ctx.agentName(row.agent) });
  }
  return sortableTable({
    caption, name, columns, rows, sortKey, direction: 'descending',
    emptyText: name === 'most-overdue'
      ? 'No customer has an overdue amount.'
      : 'No customers with a balance.',
    rowClass: (row) => (row.overLimit ? 'row-over-limit' : ''),
  });
}

/**
 * @param {string} title
 * @param {string} description
 * @param {HTMLElement} content
 * @param {string} id
 */
function card(title, description, content, id) {
  return el('section', { className: 'card', 'aria-labelledby': `${id}-title`, id },
    el('header', { className: 'card-header' },
      el('h2', { id: `${id}-title`, text: title }),
      el('p', { className: 'card-description', text: description })),
    content);
}

/**
 * Draw the workspace of a company and agent.
 * @param {HTMLElement} main
 * @param {PageContext} ctx
 * @param {{company: string | null, agent: string | null}} route
 */
export async function renderWorkspace(main, ctx, route) {
  const companies = ctx.companies;
  const remembered = preference('company');
  const company = route.company
    || (companies.some((item) => item.id === remembered) ? remembered : companies[0]?.id);
  if (!company) {
    mount(main, el('h1', { text: 'Workspace' }),
      empty('There are no companies yet. Load data into the service, then reload this page.'));
    return;
  }
  const agent = route.agent;
  const heading = el('h1', { text: 'Workspace' });
  const body = el('div', { className: 'workspace-body' },
    loading('Loading the workspace…'));
  mount(main, el('div', { className: 'page-header' }, heading), body);

  let workspace;
  let agents;
  try {
    [workspace, agents] = await Promise.all([
      getWorkspace(company, agent),
      // Without the agent list the selector falls back to the agents in the lists.
      getAgents(company).catch(() => null),
    ]);
  } catch (error) {
    if (!ctx.isCurrent()) return;
    mount(body, errorMessage(error, {
      context: 'The workspace could not be loaded',
      retry: () => renderWorkspace(main, ctx, route),
    }));
    focus(heading);
    return;
  }
  if (!ctx.isCurrent()) return;
  preference('company', company);

  const listed = new Map((agents ?? []).map((item) => [item.id, item.name || item.id]));
  const wctx = { ...ctx, agentName: (/** @type {string} */ id) => listed.get(id) ?? id };
  const companyName = companies.find((item) => item.id === company)?.name ?? company;
  const allAgents = !agent;
  const toolbar = el('div', { className: 'toolbar', role: 'group',
    'aria-label': 'Company and agent' },
  selectField('Company', 'company-select',
    companies.map((item) => ({ value: item.id, text: item.name })), company,
    (value) => navigate(workspaceHash(value))),
  selectField('Agent', 'agent-select', agentOptions(agents, workspace, agent), agent ?? '',
    (value) => navigate(workspaceHash(company, value || null))),
  el('p', { className: 'as-of' },
    'Figures as of ', el('strong', { text: formatDate(workspace.asOf, ctx.locale) }),
    ` in ${workspace.currency}`));

  const who = allAgents ? 'All agents' : wctx.agentName(agent);
  mount(main,
    el('div', { className: 'page-header' }, heading,
      el('p', { className: 'page-subtitle', text: `${companyName} · ${who}` })),
    toolbar,
    el('div', { className: 'workspace-grid' },
      card(allAgents ? 'Open activities' : 'My open activities',
        'Oldest end date first. Overdue activities are marked.',
        activitiesTable(workspace, wctx, allAgents), 'activities'),
      card('Highest balances', 'Customers with the largest balances, with their credit.',
        customersTable('Customers with the highest balances', 'highest-balances',
          workspace.highestBalances, workspace, wctx, 'balance', allAgents), 'highest-balances'),
      card('Most overdue', 'Customers with the largest overdue amounts.',
        customersTable('Customers with the most overdue amounts', 'most-overdue',
          workspace.mostOverdue, workspace, wctx, 'overdue', allAgents), 'most-overdue')));
  ctx.announce(`Workspace loaded: ${workspace.activities.length} open activities.`);
}
