/**
 * The HTTP API of the collections service, called from the same origin under /api.
 *
 * Every failure becomes an `ApiError` carrying the problem details the server sent
 * (RFC 9457: title, detail, status, errors) or, when the server could not be reached or
 * answered something else, a sentence that says what happened.
 */

const BASE = 'api';
const ACCESS_KEY = 'collections.accessKey';

/**
 * The access key (an Azure Functions key) this tab sends, or '' when it sends none.
 * Kept in sessionStorage: it is gone when the tab closes and never written into the page.
 * @returns {string}
 */
export function accessKey() {
  return sessionStorage.getItem(ACCESS_KEY) ?? '';
}

/**
 * Remember an access key for this tab; an empty value forgets it.
 * @param {string} value
 */
export function setAccessKey(value) {
  if (value.trim()) sessionStorage.setItem(ACCESS_KEY, value.trim());
  else sessionStorage.removeItem(ACCESS_KEY);
}

/** A request that did not succeed, with the server's problem details when it sent any. */
export class ApiError extends Error {
  /**
   * @param {{title: string, detail?: string, status?: number, type?: string,
   *   errors?: {field: string, message: string}[], body?: Record<string, unknown>}} problem
   */
  constructor(problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.title = problem.title;
    this.detail = problem.detail ?? '';
    this.status = problem.status ?? 0;
    this.errors = problem.errors ?? [];
    this.body = problem.body ?? {};
  }
}

/**
 * @param {string} path
 * @param {Record<string, string | number | null | undefined>} [query]
 */
function url(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${BASE}${path}${search ? `?${search}` : ''}`;
}

/**
 * @param {Response} response
 * @returns {Promise<ApiError>}
 */
async function problemOf(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): describe the status instead.
  }
  const title = typeof body.title === 'string' && body.title
    ? body.title
    : `The server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError({
    title,
    detail: typeof body.detail === 'string' ? body.detail : '',
    status: response.status,
    type: body.type,
    errors: Array.isArray(body.errors) ? body.errors : [],
    body,
  });
}

/**
 * Send a request and read the JSON answer.
 * @param {string} method
 * @param {string} path
 * @param {Record<string, string | number | null | undefined>} [query]
 * @param {unknown} [payload]
 * @returns {Promise<any>}
 */
async function request(method, path, query, payload) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json, application/problem+json' };
  // Locally no key is asked; in Azure the functions answer 401 without one.
  if (accessKey()) headers['x-functions-key'] = accessKey();
  /** @type {RequestInit} */
  const init = { method, headers };
  if (payload !== undefined) {
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    init.body = JSON.stringify(payload);
  }
  let response;
  try {
    response = await fetch(url(path, query), init);
  } catch {
    throw new ApiError({
      title: 'The service could not be reached',
      detail: 'Check your connection and that the service is running, then try again.',
    });
  }
  if (!response.ok) throw await problemOf(response);
  try {
    return await response.json();
  } catch {
    throw new ApiError({
      title: 'The service sent an answer that could not be read',
      detail: `Expected JSON from ${method} ${path}.`,
      status: response.status,
    });
  }
}

/** @returns {Promise<{companies: {id: string, name: string, currency: string}[]}>} */
export function getCompanies() {
  return request('GET', '/companies');
}

/**
 * The agents of a company, or null when the service does not list them.
 * @param {string} company
 * @returns {Promise<{id: string, name?: string}[] | null>}
 */
export async function getAgents(company) {
  try {
    const body = await request('GET', '/agents', { company });
    return Array.isArray(body.agents) ? body.agents : null;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

/**
 * @param {string} company
 * @param {string | null} agent
 * @param {number} [top]
 */
export function getWorkspace(company, agent, top) {
  return request('GET', '/workspace', { company, agent, top });
}

/**
 * @param {string} company
 * @param {string} activity
 */
export function closeActivity(company, activity) {
  return request('POST', `/activities/${encodeURIComponent(activity)}/close`, { company });
}

/**
 * @param {string} company
 * @param {string} account
 */
export function getCustomer(company, account) {
  return request('GET', `/customers/${encodeURIComponent(account)}`, { company });
}

/**
 * @param {string} company
 * @param {string} account
 */
export function getSummary(company, account) {
  return request('GET', `/customers/${encodeURIComponent(account)}/summary`, { company });
}

/**
 * Create a reminder email draft; only called after the agent confirmed.
 * @param {string} company
 * @param {string} account
 */
export function createReminderEmail(company, account) {
  return request('POST', `/customers/${encodeURIComponent(account)}/reminder-email`, { company }, {
    confirmed: true,
  });
}
