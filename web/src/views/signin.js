// Signing in, asking for a reset link and registering as a member: #connexion, #connexion/oubli,
// #connexion/inscription, or #connexion/VIEW to come back to VIEW once signed in. The messages never say whether
// an address has an account.
import { api, send } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { adopt } from '../lib/session.js';

const CODES = {
  wrong_credentials: 'Adresse ou mot de passe incorrect.',
  too_many_attempts: 'Trop de tentatives : réessayez dans quelques instants.',
  email_not_verified: "Confirmez d'abord votre adresse : ouvrez le lien du courriel reçu.",
  account_disabled: 'Ce compte est désactivé ; contactez le réseau.',
  too_many_requests: 'Trop de demandes depuis cette adresse : réessayez dans une heure.',
};
const SENT =
  "C'est noté : si cette adresse peut le recevoir, un courriel part dans quelques instants (pensez aux indésirables).";

let returnTo = 'compte';

function say(text, error = false) {
  const m = byId('signin-message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}
const explain = (e) => CODES[e.code] || e.message;

async function signIn(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  try {
    const s = await send('/auth/session', 'POST', { email: f.get('email'), password: f.get('password') });
    adopt(s);
    e.target.reset();
    say('');
    location.hash = `#${returnTo}`;
  } catch (err) {
    say(explain(err), true);
  }
}

async function forgot(e) {
  e.preventDefault();
  try {
    await send('/auth/reset', 'POST', { email: new FormData(e.target).get('email') });
    say(SENT);
  } catch (err) {
    say(explain(err), true);
  }
}

async function register(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = Object.fromEntries(['place', 'display_name', 'email', 'password'].map((k) => [k, f.get(k)]));
  try {
    await send('/auth/register', 'POST', body);
    e.target.reset();
    say(SENT);
  } catch (err) {
    say(explain(err), true);
  }
}

async function fillPlaces() {
  const sel = byId('register-form').querySelector('select[name=place]');
  const r = await api('/auth/signup-places');
  sel.replaceChildren(...r.items.map((p) => el('option', { value: p.id }, p.name)));
  if (!r.items.length) say("Aucun tiers-lieu n'ouvre l'inscription en ligne pour l'instant : demandez une invitation.");
}

export async function showSignin(arg = '') {
  say('');
  byId('forgot-form').hidden = arg !== 'oubli';
  byId('register-form').hidden = arg !== 'inscription';
  if (arg && arg !== 'oubli' && arg !== 'inscription') returnTo = arg;
  if (arg === 'inscription') await fillPlaces();
}

export function initSignin() {
  byId('signin-form').addEventListener('submit', signIn);
  byId('forgot-form').addEventListener('submit', forgot);
  byId('register-form').addEventListener('submit', register);
}
