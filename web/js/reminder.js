/**
 * Create reminder email: confirmation, then the draft for review.
 *
 * Nothing is generated before the agent answers Yes to the confirmation. The draft's HTML
 * body is shown inside a sandboxed frame (no scripts, no same-origin access), so whatever
 * the writer produced cannot run in the app; the plain-text body is shown as text.
 */

import { ApiError, createReminderEmail } from './api.js';
import { download, el, focus, mount, showModal } from './dom.js';
import { buildEml, emlBlob } from './eml.js';
import { badge, errorMessage, loading } from './feedback.js';
import { formatDate, formatMoney, formatNumber } from './format.js';

/** The confirmation the agent must accept, word for word. */
export const CONFIRMATION_TEXT = 'A reminder email will be created with AI. Make sure '
  + 'AI-generated content is complete, accurate, and appropriate before using. Do you want '
  + 'to create the email?';

/**
 * Ask the agent to confirm.
 * @returns {Promise<boolean>} true when the agent chose Yes
 */
export async function confirmReminder() {
  const dialog = /** @type {HTMLDialogElement} */ (el('dialog', {
    className: 'dialog', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text',
  },
  el('form', { method: 'dialog' },
    el('h2', { id: 'confirm-title', text: 'Create reminder email' }),
    el('p', { id: 'confirm-text', text: CONFIRMATION_TEXT }),
    el('div', { className: 'dialog-actions' },
      el('button', { type: 'submit', value: 'no', className: 'button', autofocus: true }, 'No'),
      el('button', { type: 'submit', value: 'yes', className: 'button button-primary' },
        'Yes')))));
  return (await showModal(dialog)) === 'yes';
}

/**
 * The source of a text as a badge.
 * @param {string} source "ai" or "template"
 */
export function sourceBadge(source) {
  return source === 'ai'
    ? badge('Written by AI', 'ai', 'A language model phrased this text from figures our code '
      + 'computed; the figures were checked before it was shown.')
    : badge('Written from a template', 'neutral', 'No AI was used: the text comes from a '
      + 'fixed template filled with the computed figures.');
}

/**
 * @param {Record<string, any>} draft
 * @param {string} account
 */
function downloadControl(draft, account) {
  const filename = typeof draft.emlFileName === 'string' && draft.emlFileName
    ? draft.emlFileName : `reminder-${account}.eml`;
  if (typeof draft.emlUrl === 'string' && !draft.eml) {
    return el('a', { className: 'button', href: draft.emlUrl, download: filename },
      'Download .eml');
  }
  return el('button', {
    type: 'button',
    className: 'button',
    onclick: () => download(filename, typeof draft.eml === 'string'
      ? emlBlob(draft.eml)
      : new Blob([buildEml(draft)], { type: 'message/rfc822' })),
  }, 'Download .eml');
}

/**
 * The overdue invoices the draft asks about, and those left out because they are disputed.
 * @param {Record<string, any>} draft
 * @param {string} locale
 */
function invoiceList(draft, locale) {
  const asked = Array.isArray(draft.invoices) ? draft.invoices.filter(
    (/** @type {any} */ item) => item && typeof item === 'object') : [];
  const disputed = Array.isArray(draft.disputedInvoices) ? draft.disputedInvoices : [];
  if (asked.length === 0 && disputed.length === 0) return null;
  return el('div', { className: 'draft-invoices' },
    asked.length ? el('table', { className: 'data-table compact' },
      el('caption', { className: 'draft-caption', text: 'Invoices in this reminder' }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: 'Invoice' }),
        el('th', { scope: 'col', text: 'Due date' }),
        el('th', { scope: 'col', className: 'numeric', text: 'Days past due' }),
        el('th', { scope: 'col', className: 'numeric', text: 'Open amount' }))),
      el('tbody', {}, asked.map((/** @type {any} */ item) => el('tr', {},
        el('th', { scope: 'row', text: item.id }),
        el('td', { text: formatDate(item.dueDate, locale) }),
        el('td', { className: 'numeric', text: formatNumber(item.daysPastDue, locale, 0) }),
        el('td', { className: 'numeric',
          text: formatMoney(item.openAmount, item.currency, locale) }))))) : null,
    disputed.length ? el('p', { className: 'muted small',
      text: `Left out because they are disputed: ${
        disputed.map((/** @type {any} */ item) => item.id).join(', ')}.` }) : null);
}

/**
 * The draft, for review.
 * @param {Record<string, any>} draft
 * @param {string} account
 * @param {string} locale
 * @param {() => void} onDiscard
 * @returns {{view: HTMLElement, heading: HTMLElement}}
 */
function draftView(draft, account, locale, onDiscard) {
  const heading = el('h2', { id: 'draft-title', text: 'Reminder email draft' });
  const body = draft.bodyHtml
    ? el('iframe', {
      className: 'email-body', sandbox: '', srcdoc: draft.bodyHtml, title: 'Email body',
    })
    : el('pre', { className: 'email-body email-text', text: draft.bodyText ?? '' });
  const view = el('div', { className: 'draft' },
    el('div', { className: 'draft-heading' }, heading, sourceBadge(draft.source)),
    el('p', { className: 'draft-review', text: 'Review the draft before you send it. Nothing '
      + 'has been sent.' }),
    el('dl', { className: 'email-headers' },
      el('dt', {}, 'To'), el('dd', { dataset: { field: 'to' } },
        draft.toName && draft.to ? `${draft.toName} <${draft.to}>` : draft.to || '–'),
      el('dt', {}, 'Subject'), el('dd', { dataset: { field: 'subject' } }, draft.subject ?? '')),
    body,
    draft.bodyHtml && draft.bodyText
      ? el('details', { className: 'email-plain' },
        el('summary', {}, 'Plain-text version'),
        el('pre', { className: 'email-text', text: draft.bodyText }))
      : null,
    invoiceList(draft, locale),
    draft.disclaimer ? el('p', { className: 'disclaimer', text: draft.disclaimer }) : null,
    el('div', { className: 'draft-actions' },
      draft.mailto
        ? el('a', { className: 'button button-primary', href: draft.mailto },
          'Open in mail app')
        : null,
      downloadControl(draft, account),
      el('button', { type: 'button', className: 'button button-quiet', onclick: onDiscard },
        'Discard draft')),
    draft.mailtoShortened
      ? el('p', { className: 'muted small', text: 'The draft is too long for a mail-app link, '
        + 'so the link carries a shortened text. Download the .eml file for the whole draft.' })
      : null);
  return { view, heading };
}

/**
 * Confirm, create the draft and show it in a panel.
 * @param {HTMLElement} panel where the draft or the message appears
 * @param {string} company
 * @param {string} account
 * @param {string} locale
 * @param {(message: string) => void} announce
 */
export async function startReminder(panel, company, account, locale, announce) {
  if (!(await confirmReminder())) {
    announce('No email was created.');
    return;
  }
  panel.hidden = false;
  mount(panel, loading('Creating the reminder email…'));
  const discard = () => {
    mount(panel);
    panel.hidden = true;
    announce('Draft discarded.');
  };
  try {
    const answer = await createReminderEmail(company, account);
    const draft = answer && 'reminder' in answer ? answer.reminder : answer;
    if (!draft) {
      mount(panel, el('div', { className: 'state state-info', role: 'alert' },
        el('p', { className: 'state-title', text: 'No reminder email was created' }),
        el('p', { className: 'state-detail',
          text: answer?.detail || 'This customer has nothing overdue to remind them of.' })));
      return;
    }
    const { view, heading } = draftView(draft, account, locale, discard);
    mount(panel, view);
    focus(heading);
  } catch (error) {
    const nothingDue = error instanceof ApiError && error.status === 409;
    mount(panel, errorMessage(error, {
      context: nothingDue ? 'No reminder email was created' : 'The reminder email could not be '
        + 'created',
    }));
  }
}
