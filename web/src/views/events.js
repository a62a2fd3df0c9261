// The network's events (#evenements): upcoming information days, meetings, trainings and open days, with their
// seats left and a registration form; the registration's private page (#inscription/KEY) to cancel it.
import { api, send } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';

const KINDS = {
  information_day: "Journée d'information",
  meeting: 'Rencontre entre initiatives',
  training: 'Formation',
  open_day: 'Portes ouvertes',
  other: 'Événement',
};
const when = (e) => `le ${e.starts_at.slice(0, 10)} de ${e.starts_at.slice(11, 16)} à ${e.ends_at.slice(11, 16)}`;

function registrationForm(e) {
  const msg = el('p', { class: 'reg-message', role: 'status', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'row register', 'data-event': String(e.id) },
    el('label', {}, 'Nom ', el('input', { name: 'name', required: '', maxlength: '100', autocomplete: 'name' })),
    el('label', {}, 'Courriel ', el('input', { name: 'email', type: 'email', required: '', autocomplete: 'email' })),
    el('label', {}, 'Structure ', el('input', { name: 'organisation', maxlength: '200' })),
    el(
      'label',
      { class: 'check' },
      el('input', { type: 'checkbox', name: 'consent' }),
      ' J’accepte que le réseau conserve ces informations pour organiser l’événement',
    ),
    el('button', { type: 'submit' }, e.seats_left > 0 ? 'S’inscrire' : 'S’inscrire sur la liste d’attente'),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    msg.className = 'reg-message';
    try {
      const r = await send(`/events/${e.id}/registrations`, 'POST', {
        name: d.get('name'),
        email: d.get('email'),
        organisation: d.get('organisation') || '',
        consent: d.get('consent') === 'on',
      });
      form.reset();
      msg.replaceChildren(
        el('span', { 'data-status': r.status }, r.message),
        ' Pour annuler : ',
        el('a', { href: r.cancel_url, class: 'cancel-link' }, 'votre lien personnel'),
        ' (aussi envoyé par courriel).',
      );
    } catch (err) {
      msg.className = 'reg-message error';
      msg.textContent = err.message;
    }
  });
  return [form, msg];
}

export async function showEvents() {
  const r = await api('/events');
  const list = r.items.map((e) =>
    el(
      'article',
      { class: 'event', 'data-event': String(e.id) },
      el('h3', {}, e.title),
      el('p', {}, `${KINDS[e.kind] || e.kind} — ${when(e)} — ${e.venue}`),
      e.description ? el('p', {}, e.description) : '',
      el(
        'p',
        { class: 'seats' },
        e.status === 'cancelled'
          ? 'Annulé'
          : `${e.seats_left} place(s) libre(s) sur ${e.capacity}${e.waiting ? `, ${e.waiting} en liste d’attente` : ''}`,
      ),
      ...(e.status === 'scheduled' ? registrationForm(e) : []),
    ),
  );
  byId('events-list').replaceChildren(...(list.length ? list : [el('p', {}, 'Aucun événement à venir.')]));
}

export async function showRegistration(key) {
  const box = byId('registration');
  const msg = byId('registration-message');
  msg.textContent = '';
  try {
    const r = await send('/registrations/lookup', 'POST', { key });
    const status = {
      registered: 'inscrit·e',
      waiting: `en liste d’attente (position ${r.waiting_position})`,
      cancelled: 'annulée',
    };
    box.replaceChildren(
      el('dt', {}, 'Événement'),
      el('dd', {}, `${r.event.title} — ${when(r.event)} — ${r.event.venue}`),
      el('dt', {}, 'Votre inscription'),
      el('dd', { 'data-status': r.status }, status[r.status] || r.status),
    );
    const button = byId('cancel-registration');
    button.hidden = r.status === 'cancelled';
    button.onclick = async () => {
      await send('/registrations/cancel', 'POST', { key });
      await showRegistration(key);
    };
  } catch (err) {
    box.replaceChildren();
    msg.textContent = err.message;
  }
}
