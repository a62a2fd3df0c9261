// The booking view: a member finds free desks by drive time, books and cancels; a place's manager sees the
// day's bookings and records bookings made by phone (one date or a weekly series).
import { api, send } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { fmtMin, inseeOf, plural } from '../lib/format.js';
import { isMember, managedPlaces, refreshSession } from '../lib/session.js';

const BOOKING_STATUS = { requested: 'demandée', confirmed: 'confirmée', cancelled: 'annulée', no_show: 'absence' };
const when = (b) => `${b.starts.replace('T', ' ')} – ${b.ends.slice(11)}`;

function say(text, error = false) {
  const m = byId('res-message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

// Runs a request, says what happened, then refreshes with `after` whatever the outcome.
async function act(request, message, after) {
  try {
    say(message(await request()));
  } catch (e) {
    say(e.message, true);
  }
  after?.();
}

function bookingItem(b) {
  const amount = b.amount != null ? `, ${b.amount.toFixed(2)} €` : '';
  const text = `${b.resource} (${b.place_id}), ${when(b)}, ${BOOKING_STATUS[b.status] || b.status}${amount} `;
  const buttons = [];
  if (['requested', 'confirmed'].includes(b.status)) {
    const cancel = () => send(`/bookings/${b.id}/cancel`, 'POST', {});
    buttons.push(
      el(
        'button',
        { type: 'button', onclick: () => act(cancel, () => `Réservation ${b.id} annulée.`, loadMine) },
        'Annuler',
      ),
    );
    if (b.series_id) {
      const series = () => send(`/bookings/${b.id}/cancel`, 'POST', { series: true });
      const done = (r) => {
        const n = r.bookings.length;
        return `${n} ${plural(n, 'réservation', 'réservations')} de la série ${plural(n, 'annulée', 'annulées')}.`;
      };
      const onclick = () => act(series, done, loadMine);
      buttons.push(el('button', { type: 'button', class: 'series', onclick }, "Annuler la série à partir d'ici"));
    }
  }
  return el('li', { 'data-booking': b.id }, text, ...buttons);
}

async function loadMine() {
  const r = await api('/bookings?mine=true');
  byId('my-bookings').replaceChildren(...r.items.map(bookingItem));
}

function dayRow(b) {
  return el(
    'tr',
    {},
    el('td', {}, String(b.id)),
    el('td', {}, b.resource),
    el('td', {}, String(b.member_id)),
    el('td', {}, b.starts.slice(11)),
    el('td', {}, b.ends.slice(11)),
    el('td', {}, BOOKING_STATUS[b.status] || b.status),
    el('td', {}, b.recorded_by ? `${b.recorded_by} (${b.channel})` : 'le membre'),
  );
}

async function loadDay(place) {
  const d = new FormData(byId('day-form')).get('date');
  if (!d) return;
  const next = new Date(`${d}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const p = encodeURIComponent(place);
  const r = await api(`/bookings?place=${p}&from=${d}&to=${next.toISOString().slice(0, 10)}`);
  document.querySelector('#day-table tbody').replaceChildren(...r.items.map(dayRow));
  const res = await api(`/places/${p}/resources`);
  const sel = document.querySelector('#phone-form select[name=resource]');
  sel.replaceChildren(...res.resources.map((x) => el('option', { value: x.id }, x.name)));
}

const managedPlace = () => byId('manager-place').value;

export async function showBooking() {
  const who = byId('who');
  const s = await refreshSession();
  byId('res-signin').hidden = s.signed_in;
  const member = s.signed_in && isMember();
  const places = managedPlaces();
  byId('member-area').hidden = !member;
  byId('manager-area').hidden = !places.length;
  if (!s.signed_in) {
    who.textContent = '';
    return;
  }
  const as = [member ? 'membre' : '', places.length ? `gérant·e de ${places.map((p) => p.name).join(', ')}` : ''];
  who.textContent = `Connecté·e : ${s.user.display_name} (${as.filter(Boolean).join(' ; ') || 'sans rôle de réservation'})`;
  try {
    if (member) await loadMine();
    if (places.length) {
      const sel = byId('manager-place');
      const keep = sel.value;
      sel.replaceChildren(...places.map((p) => el('option', { value: p.id }, p.name)));
      if (places.some((p) => p.id === keep)) sel.value = keep;
      await loadDay(managedPlace());
    }
  } catch (e) {
    who.textContent = `Accès refusé : ${e.message}`;
  }
}

function deskResult(d, date) {
  const book = () => send('/bookings', 'POST', { resource: d.resource_id, date });
  const done = (b) => `Réservation ${b.id} ${BOOKING_STATUS[b.status]} : ${b.resource}, ${when(b)}.`;
  const free = `${d.free} ${plural(d.free, 'libre', 'libres')}`;
  const text = `${fmtMin.format(d.minutes)} min — ${d.place} (${d.commune}) : ${d.resource}, ${free} `;
  return el('li', {}, text, el('button', { type: 'button', onclick: () => act(book, done, loadMine) }, 'Réserver'));
}

async function searchDesks(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  const text = f.get('commune').trim();
  const p = new URLSearchParams({
    commune: inseeOf(text) ?? text,
    date: f.get('date'),
    desk_kind: f.get('desk_kind'),
    minutes: f.get('minutes'),
  });
  try {
    const r = await api(`/booking/search?${p}`);
    const items = r.items.length
      ? r.items.map((d) => deskResult(d, f.get('date')))
      : [el('li', {}, 'Aucun poste libre dans ce rayon.')];
    byId('desk-results').replaceChildren(...items);
  } catch (err) {
    say(err.message, true);
  }
}

async function phoneBooking(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  const weeks = Number(f.get('weeks') || 1);
  const body = {
    resource: Number(f.get('resource')),
    member: Number(f.get('member')),
    date: f.get('date'),
    channel: f.get('channel'),
    ...(weeks > 1 ? { weeks } : {}),
  };
  const book = () => send('/bookings', 'POST', body);
  const done = (b) => {
    if (!b.bookings) return `Réservation ${b.id} enregistrée pour le membre ${b.member_id}.`;
    const last = b.bookings[b.bookings.length - 1].starts.slice(0, 10);
    const n = b.bookings.length;
    const who = b.bookings[0].member_id;
    return `Série de ${n} réservations enregistrée pour le membre ${who} (chaque semaine jusqu'au ${last}).`;
  };
  await act(book, done, () => loadDay(managedPlace()));
}

export function initBooking() {
  const today = new Date().toISOString().slice(0, 10);
  for (const i of document.querySelectorAll('#view-reserver input[type=date]')) i.value = today;
  byId('manager-place').addEventListener('change', () => loadDay(managedPlace()));
  byId('desk-search').addEventListener('submit', searchDesks);
  byId('day-form').addEventListener('submit', (e) => {
    e.preventDefault();
    loadDay(managedPlace());
  });
  byId('phone-form').addEventListener('submit', phoneBooking);
}
