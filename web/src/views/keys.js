// The pages the mailed one-time links open: #cle/invitation/KEY (choose a password), #cle/reinitialisation/KEY
// (a new password), #cle/verification/KEY (the address confirmed). The key stays in the fragment: it is never
// sent to the server in a URL (nor written in its logs), only in the body of the request that uses it.
import { api, send } from '../lib/api.js';
import { byId } from '../lib/dom.js';

let current = { purpose: '', key: '' };

function say(text, error = false) {
  const m = byId('key-message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

async function submit(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  if (f.get('password') !== f.get('confirm')) return say('Les deux mots de passe diffèrent.', true);
  const body = { key: current.key, password: f.get('password') };
  if (current.purpose === 'invitation' && f.get('display_name')) body.display_name = f.get('display_name');
  try {
    const path = current.purpose === 'invitation' ? '/auth/invitation' : '/auth/reset/confirm';
    const r = await send(path, 'POST', body);
    e.target.reset();
    e.target.hidden = true;
    say(`Mot de passe enregistré pour ${r.email}. Vous pouvez vous connecter.`);
    byId('signin-form').querySelector('input[name=email]').value = r.email;
  } catch (err) {
    say(
      err.field === 'key' ? 'Ce lien est invalide, expiré ou a déjà servi : demandez-en un nouveau.' : err.message,
      true,
    );
  }
}

export async function showKey(arg = '') {
  const [purpose, key = ''] = arg.split('/');
  current = { purpose, key };
  const form = byId('key-form');
  form.hidden = true;
  say('');
  const intro = byId('key-intro');
  const nameField = form.querySelector('input[name=display_name]').closest('label');
  if (purpose === 'verification') {
    intro.textContent = 'Confirmation de votre adresse…';
    try {
      await send('/auth/verify', 'POST', { key });
      intro.textContent = 'Adresse confirmée : vous pouvez vous connecter.';
    } catch {
      intro.textContent = 'Ce lien est invalide, expiré ou a déjà servi.';
    }
    return;
  }
  if (purpose === 'invitation') {
    try {
      const who = await api(`/auth/invitation?key=${encodeURIComponent(key)}`);
      intro.textContent = `Bienvenue ! Choisissez le mot de passe du compte ${who.email}.`;
      form.querySelector('input[name=display_name]').value = who.display_name;
      nameField.hidden = false;
      form.hidden = false;
    } catch {
      intro.textContent = 'Cette invitation est invalide, expirée ou a déjà servi : demandez-en une nouvelle.';
    }
    return;
  }
  intro.textContent = 'Choisissez un nouveau mot de passe (toutes vos sessions seront fermées).';
  nameField.hidden = true;
  form.hidden = purpose !== 'reinitialisation';
}

export function initKeys() {
  byId('key-form').addEventListener('submit', submit);
}
