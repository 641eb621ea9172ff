/**
 * The only module that touches the document.
 *
 * Pages describe elements with `el()` and hand them to `mount()`. Text always goes in
 * through `textContent`, never `innerHTML`, so names, notes and model output reach the
 * page as text however they are written.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Apply attributes, properties and listeners to an element.
 * Keys starting with `on` add listeners; `dataset`, `text` and `className` set properties;
 * `false`, `null` and `undefined` values leave the attribute out.
 * @param {Element} node
 * @param {Record<string, unknown>} attrs
 */
function applyAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'text') {
      node.textContent = String(value);
    } else if (key === 'dataset') {
      Object.assign(/** @type {HTMLElement} */ (node).dataset, value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else {
      node.setAttribute(key === 'className' ? 'class' : key, value === true ? '' : String(value));
    }
  }
}

/**
 * Append children; strings and numbers become text nodes, nullish and false are skipped.
 * @param {Node} node
 * @param {unknown[]} children
 */
function appendAll(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Create an HTML element.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  applyAttrs(node, attrs);
  appendAll(node, children);
  return node;
}

/**
 * Create an SVG element.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...unknown} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  applyAttrs(node, attrs);
  appendAll(node, children);
  return node;
}

/**
 * Replace the contents of a container.
 * @param {Element} container
 * @param {...unknown} children
 */
export function mount(container, ...children) {
  container.replaceChildren();
  appendAll(container, children);
}

/**
 * Find an element by id, failing loudly when the page shell is wrong.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no element with id "${id}".`);
  return node;
}

/**
 * Move keyboard focus to an element, making it focusable if it is not.
 * @param {HTMLElement} node
 */
export function focus(node) {
  if (!node.hasAttribute('tabindex') && node.tabIndex < 0) node.setAttribute('tabindex', '-1');
  node.focus({ preventScroll: false });
}

/**
 * Set the document title.
 * @param {string} title
 */
export function setTitle(title) {
  document.title = title;
}

/**
 * Offer text as a file download.
 * @param {string} filename
 * @param {Blob} blob
 */
export function download(filename, blob) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: filename, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Show a modal dialog and wait for it to close.
 * The dialog keeps focus inside until it closes; Escape closes it with the value "cancel".
 * Focus returns to the element that had it before.
 * @param {HTMLDialogElement} dialog
 * @returns {Promise<string>} the dialog's return value
 */
export function showModal(dialog) {
  const previous = /** @type {HTMLElement | null} */ (document.activeElement);
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const value = dialog.returnValue || 'cancel';
      dialog.remove();
      previous?.focus();
      resolve(value);
    }, { once: true });
    dialog.showModal();
  });
}

/**
 * Listen for an event on an element of the page shell.
 * @param {EventTarget} node
 * @param {string} type
 * @param {EventListener} handler
 */
export function listen(node, type, handler) {
  node.addEventListener(type, handler);
}

/**
 * Listen for changes of the location hash.
 * @param {() => void} handler
 */
export function onHashChange(handler) {
  window.addEventListener('hashchange', handler);
}

/**
 * The current location hash and query string.
 * @returns {{hash: string, search: string}}
 */
export function currentLocation() {
  return { hash: window.location.hash, search: window.location.search };
}

/**
 * Navigate to a hash route.
 * @param {string} hash
 */
export function navigate(hash) {
  if (window.location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}

/**
 * The languages the browser asks for, best first.
 * @returns {readonly string[]}
 */
export function browserLanguages() {
  return navigator.languages?.length ? navigator.languages : [navigator.language || 'en-US'];
}

/**
 * Read and write one small preference in local storage, tolerating private modes.
 * @param {string} key
 * @param {string | null} [value]
 * @returns {string | null}
 */
export function preference(key, value) {
  try {
    if (value !== undefined && value !== null) window.localStorage.setItem(key, value);
    return window.localStorage.getItem(key);
  } catch {
    return value ?? null;
  }
}
