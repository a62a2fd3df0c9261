// DOM helpers: elements are built from text nodes only (no HTML strings), so no text from the data can become
// markup.
import { TYPES } from './format.js';

// el('a', { href: '#x', class: 'c', onclick: f }, 'text', child, ...)
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'style')
      e.style.cssText = v; // CSSOM: allowed by the Content-Security-Policy
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
}

export const byId = (id) => document.getElementById(id);

// The non-empty fields of a form as URL parameters.
export function formQuery(form) {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (v !== '') p.set(k, v);
  return p;
}

// Calls `f` once the input has paused for `ms` milliseconds.
export function debounce(f, ms = 200) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => f(...args), ms);
  };
}

// The department and type choices of every filter form.
// The department selects from the territory served (GET /territory: its departments, in order).
export function fillSelects(departments) {
  for (const sel of document.querySelectorAll('select[name=department]'))
    for (const { code, name } of departments) sel.append(el('option', { value: code }, `${code} ${name}`));
  for (const sel of document.querySelectorAll('select[name=type]'))
    for (const [k, v] of Object.entries(TYPES)) sel.append(el('option', { value: k }, v));
}
