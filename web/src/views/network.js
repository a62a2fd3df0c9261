// The network's contacts and invitations (#reseau, editors): the contacts with their organisation and territory,
// and for an event, the contacts within N minutes by car of its venue (to invite), and the communes left without
// an event nearby this year.
import { api } from '../lib/api.js';
import { byId, debounce, el } from '../lib/dom.js';
import { fmtInt, fmtMin, fmtPct } from '../lib/format.js';
import { isEditor, refreshSession } from '../lib/session.js';

async function loadContacts() {
  const q = byId('contacts-q').value.trim();
  const r = await api(`/contacts?limit=200&q=${encodeURIComponent(q)}`);
  byId('contacts-table')
    .querySelector('tbody')
    .replaceChildren(
      ...r.items.map((c) =>
        el(
          'tr',
          { 'data-contact': String(c.id) },
          el('td', {}, `${c.first_name} ${c.last_name}`),
          el('td', {}, c.email),
          el('td', {}, c.organisation),
          el('td', {}, c.role),
          el('td', {}, c.department),
          el('td', {}, c.tags.join(', ')),
        ),
      ),
    );
  byId('contacts-count').textContent = `${r.total} contact(s)`;
}

async function invitations(e) {
  e.preventDefault();
  const id = byId('invite-event').value;
  const minutes = byId('invite-minutes').value || '30';
  const r = await api(`/events/${id}/invitations?minutes=${encodeURIComponent(minutes)}`);
  byId('invitations').replaceChildren(
    ...r.items.map((i) =>
      el(
        'li',
        { 'data-contact': String(i.id) },
        `${i.first_name} ${i.last_name} <${i.email}> — ${i.organisation || 'sans structure'} (${i.commune}), ${fmtMin.format(i.minutes)} min`,
      ),
    ),
  );
  byId('invitations-count').textContent = `${r.items.length} contact(s) à moins de ${minutes} min de ${r.event.venue}`;
}

async function gaps() {
  const g = await api('/events/gaps?minutes=30');
  byId('event-gaps').textContent =
    `${g.events} événement(s) cette année ; ${fmtPct.format(g.uncovered_share)} des habitants ` +
    `(${fmtInt.format(g.uncovered_population)}) vivent à plus de 30 minutes de chacun, dans ${g.uncovered_communes} communes.`;
}

export function initNetwork() {
  byId('contacts-q').addEventListener('input', debounce(loadContacts, 250));
  byId('event-invite-form').addEventListener('submit', invitations);
}

export async function showNetwork() {
  await refreshSession();
  const ok = isEditor();
  byId('network-denied').hidden = ok;
  byId('network-area').hidden = !ok;
  if (!ok) return;
  const events = await api('/events');
  byId('invite-event').replaceChildren(
    ...events.items.map((e) => el('option', { value: String(e.id) }, `${e.starts_at.slice(0, 10)} — ${e.title}`)),
  );
  await Promise.all([loadContacts(), gaps()]);
}
