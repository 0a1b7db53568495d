// Small DOM helpers. Everything here builds elements with createElement and sets text with
// textContent, so data from the server or the user is never parsed as HTML.

let idCounter = 0;

/** A unique id for linking labels, hints and error messages. */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * h('p', {class: 'x', id: 'y', hidden: true, onclick: fn, dataset: {a: 1}}, 'text', childNode, [more])
 * Attributes are set with setAttribute (or as properties for a few), children that are strings
 * become text nodes. null/undefined/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled') el[key] = Boolean(value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Append children to el as h() does (strings as text; null, undefined and false skipped). */
export function appendChildren(el, ...children) {
  append(el, children);
}

/** Replace all children of el. */
export function replaceChildren(el, ...children) {
  el.textContent = '';
  append(el, children);
}

/** Text that screen readers read but that is not shown. */
export function visuallyHidden(text) {
  return h('span', { class: 'visually-hidden' }, text);
}

/** A definition-list row for summary lists. */
export function summaryRow(label, value) {
  return h('div', { class: 'summary-list__row' },
    h('dt', { class: 'summary-list__key' }, label),
    h('dd', { class: 'summary-list__value' }, value));
}
