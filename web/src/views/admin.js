// Administration (admins): invite people and set their roles, disable accounts, create and revoke API tokens.
// The outbox and the audit log are in admin_log.js.
import { api, send } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { isAdmin, refreshSession } from '../lib/session.js';
import { initLogs, showLogs } from './admin_log.js';

const STATUS = { invited: 'invité·e', unverified: 'adresse à confirmer', active: 'actif', disabled: 'désactivé' };

export function say(text, error = false) {
  const m = byId('admin-message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

// Runs an action, says what happened, then refreshes the tables.
async function act(action, done) {
  try {
    say(done(await action()));
  } catch (e) {
    say(e.message, true);
  }
  await showAdmin();
}

function userRow(u) {
  const roles = el('input', { value: u.roles.join(', '), 'aria-label': `Rôles de ${u.email}`, size: 30 });
  const setRoles = () => {
    const list = roles.value
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    return act(
      () => send(`/users/${u.id}`, 'PATCH', { roles: list }),
      () => `Rôles de ${u.email} enregistrés.`,
    );
  };
  const toggle = u.status === 'disabled' ? 'active' : 'disabled';
  const status = () =>
    act(
      () => send(`/users/${u.id}`, 'PATCH', { status: toggle }),
      () => `${u.email} : ${STATUS[toggle]}.`,
    );
  const actions = [el('button', { type: 'button', onclick: setRoles }, 'Enregistrer les rôles')];
  if (u.status === 'active' || u.status === 'disabled')
    actions.push(
      el('button', { type: 'button', onclick: status }, u.status === 'disabled' ? 'Réactiver' : 'Désactiver'),
    );
  if (u.status === 'invited') {
    const again = () =>
      act(
        () => send(`/users/${u.id}/invitation`, 'POST', {}),
        () => `Invitation renvoyée à ${u.email}.`,
      );
    actions.push(el('button', { type: 'button', onclick: again }, "Renvoyer l'invitation"));
  }
  return el(
    'tr',
    { 'data-user': u.email },
    el('td', {}, String(u.id)),
    el('td', {}, u.display_name),
    el('td', {}, u.email),
    el('td', {}, STATUS[u.status] || u.status),
    el('td', {}, roles),
    el('td', {}, ...actions),
  );
}

function tokenRow(t) {
  const state = t.revoked_at ? `révoqué le ${t.revoked_at.slice(0, 10)}` : 'actif';
  const revoke = () =>
    act(
      () => send(`/tokens/${t.id}/revoke`, 'POST', {}),
      () => `Jeton ${t.id} révoqué.`,
    );
  return el(
    'tr',
    { 'data-token': t.id },
    el('td', {}, String(t.id)),
    el('td', {}, t.role),
    el('td', {}, t.label),
    el('td', {}, t.subject),
    el('td', {}, t.expires_at ? t.expires_at.slice(0, 10) : 'jamais'),
    el('td', {}, state),
    el('td', {}, t.revoked_at ? '' : el('button', { type: 'button', onclick: revoke }, 'Révoquer')),
  );
}

export async function showAdmin() {
  await refreshSession();
  if (!isAdmin()) {
    say('Cette page est réservée aux administrateurs : connectez-vous avec un compte qui en a le rôle.', true);
    return;
  }
  const [users, tokens] = await Promise.all([api('/users'), api('/tokens')]);
  document.querySelector('#users-table tbody').replaceChildren(...users.items.map(userRow));
  document.querySelector('#tokens-table tbody').replaceChildren(...tokens.items.map(tokenRow));
  await showLogs();
}

export function initAdmin() {
  const expires = byId('token-create').querySelector('input[name=expires]');
  const inAMonth = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
  expires.value = inAMonth;
  byId('invite-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const role = f.get('role') === 'manager' ? `manager:${f.get('place').trim()}` : f.get('role');
    const body = { email: f.get('email'), display_name: f.get('display_name'), roles: [role] };
    act(
      () => send('/users/invitations', 'POST', body),
      (u) => {
        e.target.reset();
        return `Invitation envoyée à ${u.email}.`;
      },
    );
  });
  byId('token-create').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = { role: f.get('role'), label: f.get('label'), expires: f.get('expires') };
    if (f.get('place')) body.place = f.get('place').trim();
    act(
      () => send('/tokens', 'POST', body),
      (t) => {
        const p = byId('token-secret');
        p.querySelector('code').textContent = t.token;
        p.hidden = false;
        return `Jeton ${t.id} créé (${t.role}, expire le ${t.expires_at.slice(0, 10)}).`;
      },
    );
  });
  initLogs(act);
}
