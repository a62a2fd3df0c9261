// Anyone proposes a new place (#contribuer, or #contribuer/@lon,lat from the map) or a correction of a place
// (#contribuer/PLACE_ID); the network's team moderates it before anything changes. The contributor follows it
// with the private link of the answer (#contribution/KEY; the key stays in the fragment, never sent in a URL).
import { api, send } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { fieldLabel } from '../lib/fields.js';
import { inseeOf, TYPES } from '../lib/format.js';

// What a contribution may propose, in the form's order (the private contact person is not collected here; labels:
// the field table).
export const PROPOSED = [
  'name',
  'commune',
  'insee_code',
  'address',
  'postcode',
  'types',
  'status',
  'opening_date',
  'website',
  'facebook',
  'seats_permanent',
  'seats_dropin',
  'seats_training',
  'staff_fte',
  'lon',
  'lat',
  'siret',
  'legal_form',
  'notes',
];
const STATUS_TEXT = {
  pending: 'en attente de modération',
  accepted: 'acceptée et publiée',
  rejected: 'non retenue',
  duplicate: 'déjà présente dans l’annuaire',
  withdrawn: 'retirée',
};
export const statusText = (s) => STATUS_TEXT[s] || s;

let original = {}; // the place's values, for a correction: only what changed is sent

function typeBoxes() {
  return Object.entries(TYPES).map(([k, v]) =>
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'types', value: k }), ' ', v),
  );
}

function fill(form, values) {
  for (const [k, v] of Object.entries(values)) {
    if (k === 'types') {
      for (const box of form.querySelectorAll('input[name=types]')) box.checked = (v || []).includes(box.value);
    } else if (form.elements[k] && !(form.elements[k] instanceof RadioNodeList)) {
      form.elements[k].value = v == null ? '' : String(v);
    }
  }
}

// The form's proposed fields: all filled ones for a new place, the changed ones for a correction.
function proposedFields(form, correction) {
  const fields = {};
  const data = new FormData(form);
  const types = data.getAll('types');
  for (const k of PROPOSED) {
    if (k === 'types') continue;
    const v = (data.get(k) ?? '').toString().trim();
    if (v === '' && !correction) continue;
    if (correction && v === (original[k] == null ? '' : String(original[k]))) continue;
    if (k === 'commune') {
      const code = inseeOf(v);
      if (code) fields.insee_code = code;
      else if (v) fields.commune = v;
      continue;
    }
    fields[k] = v;
  }
  const before = (original.types || []).slice().sort().join(',');
  if ((!correction && types.length) || (correction && types.slice().sort().join(',') !== before)) fields.types = types;
  return fields;
}

async function submit(e) {
  e.preventDefault();
  const form = e.target;
  const msg = byId('contribute-message');
  msg.className = '';
  const correction = Boolean(form.dataset.place);
  const data = new FormData(form);
  const body = {
    kind: correction ? 'correction' : 'new',
    fields: proposedFields(form, correction),
    comment: data.get('comment') || '',
    contributor_name: data.get('contributor_name') || '',
    contributor_email: data.get('contributor_email') || '',
    consent: data.get('consent') === 'on',
    homepage: data.get('homepage') || '',
  };
  if (correction) body.place_id = form.dataset.place;
  try {
    const r = await send('/contributions', 'POST', body);
    form.reset();
    const done = [el('p', {}, r.message || 'Merci !')];
    if (r.follow_url) {
      done.push(
        el('p', {}, 'Votre lien personnel de suivi (gardez-le, il vous a aussi été envoyé par courriel) : '),
        el('p', {}, el('a', { href: r.follow_url, id: 'follow-link' }, r.follow_url)),
      );
      if (r.likely_duplicate)
        done.push(
          el(
            'p',
            { class: 'hint' },
            `Un lieu proche existe déjà (${r.candidates.map((c) => c.name).join(', ')}) : l’équipe vérifiera.`,
          ),
        );
    }
    msg.replaceChildren(...done);
  } catch (err) {
    msg.className = 'error';
    msg.textContent = err.field ? `${fieldLabel(err.field)} : ${err.message}` : err.message;
  }
}

export function initContribute() {
  // The labels of the place's fields come from the field table, not from the page.
  for (const input of byId('contribute-form').querySelectorAll('label > [name]')) {
    if (!PROPOSED.includes(input.name)) continue;
    const text = input.parentElement.firstChild;
    if (text && text.nodeType === Node.TEXT_NODE) text.textContent = `${fieldLabel(input.name)} `;
  }
  byId('contribute-types').replaceChildren(...typeBoxes());
  byId('contribute-form').addEventListener('submit', submit);
  byId('withdraw').addEventListener('click', async () => {
    const key = byId('withdraw').dataset.key;
    try {
      await send('/contributions/withdraw', 'POST', { key });
      await showFollow(key);
    } catch (err) {
      byId('follow-message').textContent = err.message;
    }
  });
}

export async function showContribute(arg) {
  const form = byId('contribute-form');
  form.reset();
  byId('contribute-message').replaceChildren();
  original = {};
  delete form.dataset.place;
  if (arg && arg.startsWith('@')) {
    const [lon, lat] = arg.slice(1).split(',');
    fill(form, { lon, lat });
  }
  if (arg && !arg.startsWith('@')) {
    const p = await api(`/places/${encodeURIComponent(decodeURIComponent(arg))}`);
    original = { ...p, commune: `${p.commune} (${p.insee_code})` };
    fill(form, original);
    form.dataset.place = p.id;
    byId('h-contribuer').textContent = `Proposer une correction : ${p.name}`;
  } else {
    byId('h-contribuer').textContent = 'Proposer un lieu';
  }
}

export async function showFollow(key) {
  const box = byId('follow');
  const msg = byId('follow-message');
  msg.textContent = '';
  byId('withdraw').hidden = true;
  try {
    const c = await send('/contributions/follow', 'POST', { key });
    const rows = [
      el('dt', {}, 'Contribution'),
      el('dd', {}, `n° ${c.id} — ${c.kind === 'new' ? 'nouveau lieu' : 'correction'} : ${c.place_name}`),
      el('dt', {}, 'État'),
      el('dd', { 'data-status': c.status }, statusText(c.status)),
      el('dt', {}, 'Reçue le'),
      el('dd', {}, c.created_at.slice(0, 10)),
    ];
    if (c.decision_reason) rows.push(el('dt', {}, 'Commentaire de l’équipe'), el('dd', {}, c.decision_reason));
    if (c.result_place_id)
      rows.push(
        el('dt', {}, 'Fiche'),
        el('dd', {}, el('a', { href: `#lieu/${encodeURIComponent(c.result_place_id)}` }, 'voir la fiche')),
      );
    for (const [k, v] of Object.entries(c.fields)) rows.push(el('dt', {}, fieldLabel(k)), el('dd', {}, v));
    box.replaceChildren(...rows);
    const w = byId('withdraw');
    w.dataset.key = key;
    w.hidden = c.status !== 'pending';
  } catch (err) {
    box.replaceChildren();
    msg.textContent = err.status === 404 ? 'Ce lien de suivi ne correspond à aucune contribution.' : err.message;
  }
}
