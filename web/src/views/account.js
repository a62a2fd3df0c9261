// One's account: name, address, roles and places; the open sessions (close one, or all); the password.
import { api, send } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { adopt, refreshSession, signOut } from '../lib/session.js';

const ROLE = { admin: 'administrateur·rice', editor: 'éditeur·rice du réseau', member: 'membre' };
const roleText = (r) => ROLE[r] || (r.startsWith('manager:') ? `gérant·e de ${r.slice(8)}` : r);

function say(text, error = false) {
  const m = byId('account-message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

function sessionItem(s) {
  const when = `ouverte le ${s.created_at.replace('T', ' à ').slice(0, 19)}, vue le ${s.last_seen_at.slice(0, 10)}`;
  const text = `${s.current ? 'Cette session' : 'Session'} — ${when} — ${s.address} — ${s.user_agent} `;
  const close = async () => {
    await send(`/auth/sessions/${s.id}/revoke`, 'POST', {});
    if (s.current) {
      await refreshSession();
      location.hash = '#connexion';
    } else showAccount();
  };
  return el('li', { 'data-session': s.id }, text, el('button', { type: 'button', onclick: close }, 'Fermer'));
}

export async function showAccount() {
  const s = await refreshSession();
  if (!s.signed_in) {
    location.hash = '#connexion/compte';
    return;
  }
  const u = s.user;
  const places = u.places.map((p) => el('a', { href: `#lieu/${encodeURIComponent(p.id)}` }, p.name));
  const placeList = places.flatMap((a, i) => (i ? [', ', a] : [a]));
  byId('me').replaceChildren(
    el('dt', {}, 'Nom'),
    el('dd', {}, u.display_name),
    el('dt', {}, 'Adresse'),
    el('dd', {}, u.email),
    el('dt', {}, 'Rôles'),
    el('dd', {}, u.roles.map(roleText).join(', ') || 'aucun'),
    ...(places.length ? [el('dt', {}, 'Mes lieux'), el('dd', { id: 'my-places' }, ...placeList)] : []),
  );
  const r = await api('/auth/sessions');
  byId('my-sessions').replaceChildren(...r.items.map(sessionItem));
}

export function initAccount() {
  byId('sign-out').addEventListener('click', async () => {
    await signOut();
    location.hash = '#connexion';
  });
  byId('sign-out-all').addEventListener('click', async () => {
    await send('/auth/sessions/revoke-all', 'POST', {});
    await refreshSession();
    location.hash = '#connexion';
  });
  byId('password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      adopt(await send('/auth/password', 'POST', { current: f.get('current'), password: f.get('password') }));
      e.target.reset();
      say('Mot de passe changé ; vos autres sessions sont fermées.');
      showAccount();
    } catch (err) {
      say(err.message, true);
    }
  });
}
