// A place's sheet: its fields in French and its history.
import { api, send } from '../lib/api.js';
import { fieldLabel } from '../lib/fields.js';
import { byId, el } from '../lib/dom.js';
import { STATUS, typesLabel } from '../lib/format.js';
import { isEditor, manages, refreshSession } from '../lib/session.js';
import { showTimetable } from './itinerant.js';

// The fields of the sheet, in this order (labels: the field table).
const SHEET = [
  'name',
  'types',
  'status',
  'opening_date',
  'closing_date',
  'commune',
  'insee_code',
  'postcode',
  'address',
  'staff_fte',
  'services',
  'seats_permanent',
  'seats_dropin',
  'seats_training',
  'website',
  'legal_form',
  'siret',
  'source',
  'notes',
  'criterion_open_to_all',
  'criterion_flexible',
  'criterion_broadband',
  'criterion_human_welcome',
  'criterion_collective_governance',
  'charter_version',
  'charter_signed_on',
  'charter_signatory',
];
const TRI = { yes: 'oui', no: 'non', unknown: 'non renseigné' };

// Only web addresses become links (a "javascript:" URL stays text).
const isWebUrl = (v) => /^https?:\/\//i.test(v);

function value(p, k) {
  const v = p[k];
  if (k === 'types') return typesLabel(p);
  if (k === 'status') return STATUS[v] || v;
  if (k.startsWith('criterion_')) return TRI[v] || v;
  if (Array.isArray(v)) return v.join(', ');
  if (k === 'website' && isWebUrl(v)) return el('a', { href: v, rel: 'noopener noreferrer' }, v);
  return String(v);
}

// What a place's managers keep current on their sheet (editors may also change its status).
const EDITABLE = [
  'name',
  'address',
  'postcode',
  'website',
  'seats_permanent',
  'seats_dropin',
  'seats_training',
  'staff_fte',
  'criterion_open_to_all',
  'criterion_flexible',
  'criterion_broadband',
  'criterion_human_welcome',
  'criterion_collective_governance',
];

function editForm(p) {
  const form = byId('place-edit');
  const fields = isEditor() ? [...EDITABLE, 'status'] : EDITABLE;
  const inputs = fields.map((k) => {
    const input =
      k === 'status'
        ? el('select', { name: k }, ...Object.entries(STATUS).map(([v, t]) => el('option', { value: v }, t)))
        : el('input', { name: k, value: p[k] == null ? '' : String(p[k]) });
    if (k === 'status') input.value = p.status;
    return el('label', {}, fieldLabel(k), ' ', input);
  });
  byId('place-edit-fields').replaceChildren(...inputs);
  byId('place-edit-message').textContent = '';
  form.dataset.place = p.id;
  form.original = Object.fromEntries(fields.map((k) => [k, p[k] == null ? '' : String(p[k])]));
  form.hidden = false;
}

async function saveSheet(e) {
  e.preventDefault();
  const form = e.target;
  const changed = {};
  for (const [k, v] of new FormData(form)) if (v !== form.original[k]) changed[k] = v;
  const msg = byId('place-edit-message');
  if (!Object.keys(changed).length) {
    msg.textContent = 'Rien à enregistrer.';
    return;
  }
  try {
    await send(`/places/${encodeURIComponent(form.dataset.place)}`, 'PATCH', changed);
    await showPlace(form.dataset.place);
    byId('place-edit-message').textContent = 'Fiche enregistrée.';
  } catch (err) {
    msg.textContent = err.field ? `${fieldLabel(err.field)} : ${err.message}` : err.message;
    msg.className = 'error';
  }
}

export function initPlace() {
  byId('place-edit').addEventListener('submit', saveSheet);
  byId('confirm-sheet').addEventListener('click', async () => {
    const id = byId('confirm-sheet').dataset.place;
    try {
      await send(`/places/${encodeURIComponent(id)}/confirm`, 'POST');
      await showPlace(id);
    } catch (err) {
      byId('confirmation').textContent = err.message;
    }
  });
}

// When the sheet was last confirmed by its managers (once a year), and the button for them.
function confirmation(p) {
  const text = p.confirmed_at
    ? `Fiche confirmée par le lieu le ${p.confirmed_at.slice(0, 10)}.`
    : 'Fiche jamais confirmée par le lieu.';
  const box = byId('confirmation');
  box.textContent = p.confirmation_due ? `${text} À confirmer.` : text;
  box.className = p.confirmation_due ? 'due' : '';
  const button = byId('confirm-sheet');
  button.dataset.place = p.id;
  button.hidden = !(isEditor() || manages(p.id));
  byId('propose-correction').href = `#contribuer/${encodeURIComponent(p.id)}`;
  // Listed on the regional map: open, the charter in force signed, the Région's five criteria met.
  const l = p.listing || { failures: [], unknown: [] };
  const listing = byId('listing');
  listing.replaceChildren(
    el('strong', { 'data-listed': String(Boolean(p.listed)) }, p.listed ? 'Lieu référencé' : 'Lieu non référencé'),
    p.listed ? '' : ` : ${[...l.failures, ...l.unknown].map((x) => x.message).join(' ; ')}`,
  );
}

export async function showPlace(id) {
  await refreshSession();
  const p = await api(`/places/${encodeURIComponent(id)}`);
  byId('h-lieu').textContent = p.name;
  const dl = byId('sheet');
  dl.replaceChildren();
  for (const k of SHEET) {
    const v = p[k];
    if (v == null || (Array.isArray(v) && !v.length)) continue;
    dl.append(el('dt', {}, fieldLabel(k)), el('dd', {}, value(p, k)));
  }
  const history = p.history.map((h) =>
    el(
      'li',
      {},
      `${h.at} — ${h.action} (${h.origin}${h.contributor ? `, proposée par ${h.contributor}` : ''}), révision ${h.revision}`,
    ),
  );
  confirmation(p);
  await showTimetable(p);
  byId('history').replaceChildren(...history);
  if (isEditor() || manages(p.id)) editForm(p);
  else byId('place-edit').hidden = true;
}
