/**
 * Loading, empty and error states, and small status badges.
 *
 * Each state says in words what happened, so a slow or failed request never leaves a blank
 * page: loading is announced politely, errors assertively (role="alert").
 */

import { ApiError, setAccessKey } from './api.js';
import { el } from './dom.js';

/**
 * A loading message, announced to screen readers.
 * @param {string} message e.g. "Loading the workspace…"
 * @returns {HTMLElement}
 */
export function loading(message) {
  return el('div', { className: 'state state-loading', role: 'status' },
    el('span', { className: 'spinner', 'aria-hidden': 'true' }),
    el('span', { text: message }));
}

/**
 * A message for a list or section with nothing in it.
 * @param {string} message
 * @returns {HTMLElement}
 */
export function empty(message) {
  return el('p', { className: 'state state-empty', text: message });
}

/**
 * An error message with the server's title and detail, and an optional retry.
 * @param {unknown} error
 * @param {{context?: string, retry?: () => void}} [options]
 * @returns {HTMLElement}
 */
export function errorMessage(error, options = {}) {
  const title = error instanceof ApiError ? error.title : 'Something went wrong in the page';
  const detail = error instanceof ApiError
    ? error.detail
    : 'Reload the page; if this keeps happening, tell your administrator.';
  const fields = error instanceof ApiError ? error.errors : [];
  if (!(error instanceof ApiError)) console.error(error);
  // Asking again cannot fix a request the service refused (unknown customer, bad input).
  const refused = error instanceof ApiError && error.status >= 400 && error.status < 500
    && error.status !== 408 && error.status !== 429;
  const headline = options.context ?? title;
  const explanation = [options.context ? title : '', detail].filter(Boolean).join('. ');
  return el('div', { className: 'state state-error', role: 'alert' },
    el('p', { className: 'state-title', text: headline }),
    explanation ? el('p', { className: 'state-detail', text: explanation }) : null,
    fields.length
      ? el('ul', { className: 'state-fields' },
        fields.map((item) => el('li', {}, el('code', { text: item.field }), ` ${item.message}`)))
      : null,
    options.retry && !refused
      ? el('button', { type: 'button', className: 'button', onclick: options.retry }, 'Try again')
      : null,
    error instanceof ApiError && (error.status === 401 || error.status === 403)
      ? accessKeyForm(options.retry)
      : null);
}

/**
 * Asks for the access key that a deployment with function keys wants, then retries.
 * @param {(() => void) | undefined} retry
 * @returns {HTMLElement}
 */
function accessKeyForm(retry) {
  const input = el('input', {
    id: 'access-key', type: 'password', autocomplete: 'off', className: 'access-key-input',
  });
  const use = (/** @type {Event} */ event) => {
    event.preventDefault();
    setAccessKey(/** @type {HTMLInputElement} */ (input).value);
    if (retry) retry();
    else window.location.reload();
  };
  return el('form', { className: 'access-key', onsubmit: use },
    el('label', { for: 'access-key', text: 'Access key from your administrator' }),
    input,
    el('button', { type: 'submit', className: 'button' }, 'Use this key'));
}

/**
 * A short status label.
 * @param {string} text
 * @param {'neutral' | 'good' | 'warning' | 'danger' | 'info' | 'ai'} [tone]
 * @param {string} [description] longer text for screen readers and hover
 * @returns {HTMLElement}
 */
export function badge(text, tone = 'neutral', description) {
  return el('span', { className: `badge badge-${tone}`, title: description ?? null }, text);
}
