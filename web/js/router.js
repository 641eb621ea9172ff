/**
 * Hash routes of the app.
 *
 *   #/workspace?company=ID&agent=ID     the agent's workspace
 *   #/customers/ACCOUNT?company=ID      one customer's details
 *
 * Anything else is shown as the workspace of the first company.
 */

/**
 * @typedef {{name: 'workspace', company: string | null, agent: string | null,
 *   locale: string | null} | {name: 'customer', company: string | null, account: string,
 *   locale: string | null}} Route
 */

/**
 * Read a route from a location hash.
 * @param {string} hash e.g. "#/customers/C-1001?company=usmf"
 * @returns {Route}
 */
export function parseRoute(hash) {
  const text = hash.replace(/^#\/?/, '');
  const [path, query = ''] = text.split('?', 2);
  const params = new URLSearchParams(query);
  const company = params.get('company') || null;
  const locale = params.get('locale') || null;
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] === 'customers' && segments[1]) {
    return { name: 'customer', company, account: segments[1], locale };
  }
  return { name: 'workspace', company, agent: params.get('agent') || null, locale };
}

/**
 * @param {Record<string, string | null | undefined>} params
 */
function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * The hash of a workspace.
 * @param {string} company
 * @param {string | null} [agent]
 */
export function workspaceHash(company, agent) {
  return `#/workspace${query({ company, agent })}`;
}

/**
 * The hash of a customer's details.
 * @param {string} company
 * @param {string} account
 */
export function customerHash(company, account) {
  return `#/customers/${encodeURIComponent(account)}${query({ company })}`;
}
