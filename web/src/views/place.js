// A place's sheet: its fields in French and its history.
import { api } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { STATUS, typesLabel } from '../lib/format.js';

const LABELS = {
  name: 'Nom',
  types: 'Types',
  status: 'Statut',
  opening_date: 'Ouverture',
  closing_date: 'Fermeture',
  commune: 'Commune',
  insee_code: 'Code INSEE',
  postcode: 'Code postal',
  address: 'Adresse',
  staff_fte: 'Salariés (ETP)',
  services: 'Services',
  seats_permanent: 'Postes permanents',
  seats_dropin: 'Postes nomades',
  seats_training: 'Places de formation',
  website: 'Site web',
  legal_form: 'Forme juridique',
  siret: 'SIRET',
  source: 'Source',
  notes: 'Notes',
};

// Only web addresses become links (a "javascript:" URL stays text).
const isWebUrl = (v) => /^https?:\/\//i.test(v);

function value(p, k) {
  const v = p[k];
  if (k === 'types') return typesLabel(p);
  if (k === 'status') return STATUS[v] || v;
  if (Array.isArray(v)) return v.join(', ');
  if (k === 'website' && isWebUrl(v)) return el('a', { href: v, rel: 'noopener noreferrer' }, v);
  return String(v);
}

export async function showPlace(id) {
  const p = await api(`/places/${encodeURIComponent(id)}`);
  byId('h-lieu').textContent = p.name;
  const dl = byId('sheet');
  dl.replaceChildren();
  for (const [k, label] of Object.entries(LABELS)) {
    const v = p[k];
    if (v == null || (Array.isArray(v) && !v.length)) continue;
    dl.append(el('dt', {}, label), el('dd', {}, value(p, k)));
  }
  const history = p.history.map((h) => el('li', {}, `${h.at} — ${h.action} (${h.origin}), révision ${h.revision}`));
  byId('history').replaceChildren(...history);
}
