// The moderation queue (editors, admins): the proposals, one beside the current record field by field, with
// its likely duplicates; accept (optionally as another place), reject with a reason, or merge into a place.
import { api, send } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { isEditor, refreshSession } from '../lib/session.js';
import { fieldLabel } from '../lib/fields.js';
import { statusText } from './contribute.js';

async function loadList() {
  const status = byId('moderation-status').value;
  const r = await api(`/contributions?limit=100${status ? `&status=${status}` : ''}`);
  byId('moderation-counts').textContent = Object.entries(r.counts)
    .map(([k, n]) => `${statusText(k)} : ${n}`)
    .join(' · ');
  const rows = r.items.map((c) =>
    el(
      'tr',
      { 'data-id': String(c.id) },
      el('td', {}, el('a', { href: `#moderation/${c.id}` }, `n° ${c.id}`)),
      el('td', {}, c.kind === 'new' ? 'nouveau lieu' : 'correction'),
      el('td', {}, c.place_name),
      el('td', {}, c.created_at.slice(0, 10)),
      el('td', {}, statusText(c.status)),
      el('td', {}, c.likely_duplicate ? 'doublon probable' : ''),
    ),
  );
  byId('moderation-table')
    .querySelector('tbody')
    .replaceChildren(...rows);
}

function decisionButtons(c) {
  const msg = byId('moderation-message');
  const act = async (action, body) => {
    msg.className = '';
    try {
      const r = await send(`/contributions/${c.id}/${action}`, 'POST', body);
      msg.textContent = `Contribution n° ${c.id} : ${statusText(r.status)}.`;
      await showDetail(c.id);
      await loadList();
    } catch (err) {
      msg.className = 'error';
      msg.textContent = err.field ? `${fieldLabel(err.field)} : ${err.message}` : err.message;
    }
  };
  const distinct = el('input', { type: 'checkbox', id: 'distinct' });
  const reason = el('textarea', { id: 'reject-reason', rows: '2', maxlength: '2000' });
  const stored = c.candidates.filter((x) => x.place_id);
  const target = el(
    'select',
    { id: 'merge-target' },
    ...stored.map((x) => el('option', { value: x.place_id }, `${x.name} (${x.commune})`)),
  );
  const parts = [
    el('button', { id: 'accept', onclick: () => act('accept', { distinct: distinct.checked }) }, 'Accepter et publier'),
  ];
  if (c.kind === 'new' && stored.length)
    parts.push(el('label', { class: 'check' }, distinct, ' C’est un autre lieu que les doublons probables'));
  if (stored.length)
    parts.push(
      el('label', {}, 'Fusionner avec ', target),
      el('button', { id: 'merge', onclick: () => act('merge', { place_id: target.value }) }, 'Fusionner'),
    );
  parts.push(
    el('label', {}, 'Raison du refus ', reason),
    el('button', { id: 'reject', onclick: () => act('reject', { reason: reason.value }) }, 'Refuser'),
  );
  return el('div', { class: 'decision' }, ...parts);
}

async function showDetail(id) {
  const box = byId('moderation-detail');
  const c = await api(`/contributions/${id}`);
  const diff = el(
    'table',
    { id: 'moderation-diff' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, 'Champ'),
        el('th', { scope: 'col' }, c.against ? 'Fiche actuelle' : '—'),
        el('th', { scope: 'col' }, 'Proposé'),
      ),
    ),
    el(
      'tbody',
      {},
      ...c.diff.map((d) =>
        el(
          'tr',
          { class: d.changed ? 'changed' : '' },
          el('th', { scope: 'row' }, fieldLabel(d.field)),
          el('td', {}, d.current),
          el('td', {}, d.proposed),
        ),
      ),
    ),
  );
  const who = c.contributor.email
    ? `${c.contributor.name} <${c.contributor.email}>`
    : '(données personnelles effacées)';
  const parts = [
    el('h3', {}, `Contribution n° ${c.id} — ${c.kind === 'new' ? 'nouveau lieu' : 'correction'} : ${c.place_name}`),
    el('p', {}, `Reçue le ${c.created_at.slice(0, 10)} de ${who} — ${statusText(c.status)}`),
  ];
  if (c.comment) parts.push(el('blockquote', {}, c.comment));
  if (c.candidates.length)
    parts.push(
      el('p', { class: 'error' }, 'Doublons probables :'),
      el(
        'ul',
        { id: 'candidates' },
        ...c.candidates.map((x) =>
          el(
            'li',
            {},
            x.place_id ? el('a', { href: `#lieu/${encodeURIComponent(x.place_id)}` }, x.name) : x.name,
            ` (${x.commune}) — ${x.reasons.join(', ')}`,
          ),
        ),
      ),
    );
  for (const w of c.warnings) parts.push(el('p', { class: 'hint' }, `Avertissement : ${w}`));
  parts.push(diff);
  if (c.decision_reason) parts.push(el('p', {}, `Décision : ${c.decision_reason}`));
  if (c.status === 'pending') parts.push(decisionButtons(c));
  box.replaceChildren(...parts);
}

export function initModeration() {
  byId('moderation-status').addEventListener('change', loadList);
}

export async function showModeration(arg) {
  await refreshSession();
  const allowed = isEditor();
  byId('moderation-denied').hidden = allowed;
  byId('moderation-area').hidden = !allowed;
  if (!allowed) return;
  byId('moderation-message').textContent = '';
  await loadList();
  if (arg) await showDetail(Number(arg));
  else byId('moderation-detail').replaceChildren();
}
