// Who is signed in: read once from GET /auth/session, refreshed after signing in or out. The header shows the
// person's name (or "Se connecter") and the administration link to admins.
import { api, send, setCsrf } from './api.js';
import { byId } from './dom.js';

let current = { signed_in: false };

function paint() {
  const link = byId('account-link');
  link.textContent = current.signed_in ? current.user.display_name : 'Se connecter';
  link.href = current.signed_in ? '#compte' : '#connexion';
  link.dataset.view = current.signed_in ? 'compte' : 'connexion';
  byId('admin-link').hidden = !isAdmin();
  byId('moderation-link').hidden = !isEditor();
  byId('network-link').hidden = !isEditor();
}

export async function refreshSession() {
  try {
    current = await api('/auth/session');
  } catch {
    current = { signed_in: false };
  }
  setCsrf(current.csrf);
  paint();
  return current;
}

export function adopt(session) {
  current = session;
  setCsrf(session.csrf);
  paint();
}

export const session = () => current;
export const roles = () => (current.signed_in ? current.user.roles : []);
export const isAdmin = () => roles().includes('admin');
export const isEditor = () => roles().includes('admin') || roles().includes('editor');
export const isMember = () => roles().includes('member');
export const managedPlaces = () => (current.signed_in ? current.user.places : []);
export const manages = (id) => isAdmin() || managedPlaces().some((p) => p.id === id);

export async function signOut() {
  await send('/auth/session', 'DELETE');
  await refreshSession();
}
