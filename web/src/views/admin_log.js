// Administration: the outgoing mail and its state, and the audit log of every write, with filters and pages.
import { api, send } from '../lib/api.js';
import { byId, el, formQuery } from '../lib/dom.js';
import { plural } from '../lib/format.js';

const MAIL_STATUS = { pending: 'en attente', sent: 'envoyé', failed: 'échec' };
const PAGE = 50;
let offset = 0;
let act = null;

function mailRow(m) {
  const retry = () =>
    act(
      () => send(`/mail/outbox/${m.id}/retry`, 'POST', {}),
      () => `Courriel ${m.id} relancé.`,
    );
  return el(
    'tr',
    { 'data-mail': m.id },
    el('td', {}, String(m.id)),
    el('td', {}, m.event),
    el('td', {}, m.recipient),
    el('td', {}, MAIL_STATUS[m.status] || m.status),
    el('td', {}, String(m.attempts)),
    el('td', {}, m.last_error),
    el('td', {}, m.status === 'sent' ? '' : el('button', { type: 'button', onclick: retry }, 'Relancer')),
  );
}

function auditRow(e) {
  const who = e.actor_label ? `${e.actor_label} (${e.actor})` : e.actor;
  return el(
    'tr',
    {},
    el('td', {}, e.at.replace('T', ' ').replace('Z', '')),
    el('td', {}, who),
    el('td', {}, e.action),
    el('td', {}, e.target),
    el('td', {}, e.status ? String(e.status) : ''),
    el('td', {}, e.address),
  );
}

async function showAudit() {
  const p = formQuery(byId('audit-form'));
  p.set('limit', PAGE);
  p.set('offset', offset);
  const r = await api(`/audit?${p}`);
  document.querySelector('#audit-table tbody').replaceChildren(...r.items.map(auditRow));
  const last = Math.min(r.total, offset + r.items.length);
  byId('audit-count').textContent = `${r.total} ${plural(r.total, 'action', 'actions')} (${offset + 1}–${last})`;
  byId('audit-prev').disabled = offset === 0;
  byId('audit-next').disabled = last >= r.total;
}

export async function showLogs() {
  const box = await api('/mail/outbox?limit=50');
  const c = box.counts;
  byId('outbox-counts').textContent = `${c.pending} en attente, ${c.sent} envoyés, ${c.failed} en échec.`;
  document.querySelector('#outbox-table tbody').replaceChildren(...box.items.map(mailRow));
  await showAudit();
}

export function initLogs(action) {
  act = action;
  byId('audit-form').addEventListener('submit', (e) => {
    e.preventDefault();
    offset = 0;
    showAudit();
  });
  byId('audit-prev').addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    showAudit();
  });
  byId('audit-next').addEventListener('click', () => {
    offset += PAGE;
    showAudit();
  });
}
