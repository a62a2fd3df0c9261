// The directory view: search and filters, pages of 25, downloads of the current selection.
import { API, api } from '../lib/api.js';
import { byId, debounce, el, formQuery } from '../lib/dom.js';
import { STATUS, typesLabel } from '../lib/format.js';

const PAGE = 25;
let offset = 0;

function row(pl) {
  const link = el('a', { href: `#lieu/${encodeURIComponent(pl.id)}` }, pl.name);
  return el(
    'tr',
    {},
    el('td', {}, link),
    el('td', {}, pl.commune || ''),
    el('td', {}, typesLabel(pl)),
    el('td', {}, STATUS[pl.status] || pl.status),
    el('td', {}, pl.opening_date || ''),
  );
}

export async function showDirectory() {
  const p = formQuery(byId('dir-form'));
  byId('dl-csv').href = `${API}/places.csv?${p}`;
  byId('dl-geojson').href = `${API}/places.geojson?${p}`;
  p.set('limit', PAGE);
  p.set('offset', offset);
  const data = await api(`/places?${p}`);
  document.querySelector('#dir-table tbody').replaceChildren(...data.items.map(row));
  const first = data.total ? offset + 1 : 0;
  byId('dir-count').textContent = `${data.total} lieux — ${first} à ${offset + data.items.length}`;
  byId('prev').disabled = offset === 0;
  byId('next').disabled = offset + PAGE >= data.total;
}

export function initDirectory() {
  const form = byId('dir-form');
  form.addEventListener(
    'input',
    debounce(() => {
      offset = 0;
      showDirectory();
    }),
  );
  form.addEventListener('submit', (e) => e.preventDefault());
  byId('prev').addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    showDirectory();
  });
  byId('next').addEventListener('click', () => {
    offset += PAGE;
    showDirectory();
  });
}
