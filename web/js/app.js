/**
 * Start-up and routing: reads the locale, loads the companies once and draws the page the
 * location hash names.
 */

import { getCompanies } from './api.js';
import {
  browserLanguages, byId, currentLocation, el, listen, mount, onHashChange, preference,
  setTitle,
} from './dom.js';
import { errorMessage, loading } from './feedback.js';
import { resolveLocale } from './format.js';
import { renderCustomer } from './customer.js';
import { parseRoute } from './router.js';
import { renderWorkspace } from './workspace.js';

/** Locales offered in the selector, beside the browser's own. */
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL', 'da-DK',
  'sv-SE', 'nb-NO', 'pl-PL', 'ja-JP'];

const main = byId('main');
const announcer = byId('announcer');
const localeSelect = /** @type {HTMLSelectElement} */ (byId('locale-select'));

/** @type {{id: string, name: string, currency: string}[] | null} */
let companies = null;
let renderCount = 0;

/**
 * Say something to screen readers without moving focus.
 * @param {string} message
 */
function announce(message) {
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = message; }, 50);
}

/**
 * The locale to format with: ?locale= in the hash or the page URL, else the agent's choice,
 * else the browser's language.
 * @param {string | null} fromRoute
 */
function chooseLocale(fromRoute) {
  const fromSearch = new URLSearchParams(currentLocation().search).get('locale');
  const requested = fromRoute || fromSearch;
  if (requested) preference('locale', resolveLocale([requested]));
  return resolveLocale([preference('locale'), ...browserLanguages()]);
}

/**
 * @param {string} locale
 */
function fillLocaleSelect(locale) {
  const choices = [...new Set([locale, ...browserLanguages().map((tag) => resolveLocale([tag])),
    ...LOCALES])];
  const names = new Intl.DisplayNames([locale], { type: 'language' });
  mount(localeSelect, choices.map((tag) => el('option', {
    value: tag, selected: tag === locale, text: `${names.of(tag) ?? tag} (${tag})`,
  })));
}

async function route() {
  renderCount += 1;
  const current = renderCount;
  const target = parseRoute(currentLocation().hash);
  const locale = chooseLocale(target.locale);
  fillLocaleSelect(locale);
  setTitle('Collections coordinator');

  if (!companies) {
    mount(main, loading('Loading companies…'));
    try {
      companies = (await getCompanies()).companies ?? [];
    } catch (error) {
      if (current !== renderCount) return;
      mount(main, el('h1', { text: 'Collections coordinator' }),
        errorMessage(error, { context: 'The list of companies could not be loaded',
          retry: route }));
      return;
    }
  }
  if (current !== renderCount) return;

  const ctx = {
    locale, companies, announce, isCurrent: () => current === renderCount,
  };
  if (target.name === 'customer') {
    await renderCustomer(main, ctx, target);
  } else {
    setTitle('Workspace · Collections coordinator');
    await renderWorkspace(main, ctx, target);
  }
}

listen(localeSelect, 'change', () => {
  preference('locale', localeSelect.value);
  route();
});
onHashChange(route);
route();
